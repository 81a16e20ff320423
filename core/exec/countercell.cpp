#include "core/exec/countercell.h"

namespace il {

namespace {
thread_local volatile std::uint64_t g_workSink; // per thread: a shared one would be a data race
}

std::uint64_t incrementWork(std::int64_t read)
{
    // 32 rounds of a 64-bit LCG with a xorshift: ~30-60 ns on the CI VM.
    std::uint64_t x = std::uint64_t(read) | 1;
    for (int i = 0; i < 32; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        x ^= x >> 29;
    }
    g_workSink = x; // a volatile store: the work happens here, before the write
    return x;
}

} // namespace il
