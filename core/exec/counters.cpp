#include "core/exec/counters.h"

#include "core/model/taskset.h"

namespace il {

Counters::Counters(const TaskSet &set) : Counters(set, nullptr)
{
}

Counters::Counters(const TaskSet &set, Cell *cells)
    : m_set(set), m_owned(cells ? nullptr : std::make_unique<Cell[]>(set.names.size())),
      m_cells(cells ? cells : m_owned.get()), m_used(set.names.size(), false)
{
    for (const Task &t : set.tasks)
        for (const Phase &p : t.phases)
            if (p.kind == PhaseKind::Increment)
                m_used[set.incrementOf(p).counter] = true;
}

std::vector<CounterResult> Counters::results() const
{
    std::vector<CounterResult> out;
    for (std::size_t k = 0; k < m_used.size(); ++k) {
        if (!m_used[k])
            continue;
        CounterResult r;
        r.name = m_set.names[k];
        r.expected = m_cells[k].steps.load(std::memory_order_acquire);
        r.finalValue = m_cells[k].value.load(std::memory_order_acquire);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace il
