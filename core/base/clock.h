#pragma once

#include <cstdint>

namespace il {

// One clock for every thread and every worker process: CLOCK_MONOTONIC is
// system-wide, so timestamps taken in different processes can be compared.
std::int64_t monoNs();

// CPU time consumed by the calling thread only (CLOCK_THREAD_CPUTIME_ID).
std::int64_t threadCpuNs();

inline std::int64_t msToNs(double ms) { return static_cast<std::int64_t>(ms * 1e6 + 0.5); }
inline double nsToMs(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

} // namespace il
