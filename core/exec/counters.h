#pragma once

#include "core/exec/countercell.h"
#include "core/trace/sharedstate.h"

#include <memory>
#include <vector>

namespace il {

struct TaskSet;

// A run's shared counters (CounterCell, countercell.h), one per name of the
// set, with what the run reports of them.
class Counters
{
public:
    using Cell = CounterCell;

    explicit Counters(const TaskSet &set);
    // Over `cells` (one per name of `set`, constructed, kept alive by the
    // caller): shared memory.
    Counters(const TaskSet &set, Cell *cells);
    Cell &cell(std::uint32_t name) { return m_cells[name]; }
    // By name index: what a lane's increment phases use (LaneContext).
    Cell *cells() { return m_cells; }

    // expected = the steps done, final = the value, for every counter an
    // increment phase names, in the order of the set's names.
    std::vector<CounterResult> results() const;

private:
    const TaskSet &m_set;
    std::unique_ptr<Cell[]> m_owned;
    Cell *m_cells; // by name index
    std::vector<bool> m_used;
};

} // namespace il
