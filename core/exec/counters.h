#pragma once

#include "core/trace/sharedstate.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace il {

struct TaskSet;

// A run's shared counters: one atomic 64-bit integer each, on its own cache
// line, in this process's memory or in memory shared between processes (the
// processes mode maps the same cells into every worker: lock-free atomics
// are address-free, so the same loads and stores race across processes). A step of an increment phase is a
// relaxed load, a little work and a relaxed store: each access is atomic
// (no data race, no undefined behaviour), the pair is not, so two lanes
// that interleave between a load and a store really lose an update.
class Counters
{
public:
    struct alignas(64) Cell
    {
        std::atomic<std::int64_t> value{0};
        std::atomic<std::int64_t> steps{0}; // increments done, added once per phase
    };

    explicit Counters(const TaskSet &set);
    // Over `cells` (one per name of `set`, constructed, kept alive by the
    // caller): shared memory.
    Counters(const TaskSet &set, Cell *cells);
    Cell &cell(std::uint32_t name) { return m_cells[name]; }

    // expected = the steps done, final = the value, for every counter an
    // increment phase names, in the order of the set's names.
    std::vector<CounterResult> results() const;

private:
    const TaskSet &m_set;
    std::unique_ptr<Cell[]> m_owned;
    Cell *m_cells; // by name index
    std::vector<bool> m_used;
};

// The "little work" between a step's read and its write: a few dozen
// nanoseconds of arithmetic the optimiser cannot drop, seeded by the value
// read, so the window in which another lane can slip in is real.
std::uint64_t incrementWork(std::int64_t read);

} // namespace il
