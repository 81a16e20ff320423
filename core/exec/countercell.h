#pragma once

#include <atomic>
#include <cstdint>

namespace il {

// One shared counter of a run: an atomic 64-bit integer on its own cache
// line, in this process's memory or in memory shared between processes (the
// processes mode maps the same cells into every worker: lock-free atomics
// are address-free, so the same loads and stores race across processes).
// A step of an increment phase is a relaxed load, a little work and a
// relaxed store: each access is atomic (no data race, no undefined
// behaviour), the pair is not, so two lanes that interleave between a load
// and a store really lose an update. Standard C++ only (the worker process
// links no Qt); Counters (counters.h) names them and reports the results.
struct alignas(64) CounterCell
{
    std::atomic<std::int64_t> value{0};
    std::atomic<std::int64_t> steps{0}; // increments done, added once per phase
};

// The "little work" between a step's read and its write: a few dozen
// nanoseconds of arithmetic the optimiser cannot drop, seeded by the value
// read, so the window in which another lane can slip in is real.
std::uint64_t incrementWork(std::int64_t read);

} // namespace il
