#include "core/base/clock.h"

#include <time.h>

// The dev preset promises asserts (CMakePresets.json: "Debug with asserts");
// Qt compiles Q_ASSERT away under QT_NO_DEBUG, so a Debug build with it
// would promise what it does not do.
#if defined(INTERLEAVE_ASSERTS_REQUIRED) && (defined(QT_NO_DEBUG) || defined(NDEBUG))
#error "a Debug build must keep Q_ASSERT: QT_NO_DEBUG or NDEBUG is defined"
#endif

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
