#include "core/base/clock.h"

#include <time.h>

namespace il {

static std::int64_t readClock(clockid_t id)
{
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t monoNs() { return readClock(CLOCK_MONOTONIC); }
std::int64_t threadCpuNs() { return readClock(CLOCK_THREAD_CPUTIME_ID); }

} // namespace il
