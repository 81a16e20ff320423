#pragma once

#include "core/exec/canceltoken.h"
#include "core/exec/counters.h"
#include "core/exec/executor.h"
#include "core/exec/locktable.h"
#include "core/exec/phaserunner.h"
#include "core/model/taskset.h"

#include <optional>

namespace il {

// The locks and counters of one run whose lanes block on threads
// (sequential, threads, threads-gil), made only when the task set has lock
// or counter phases, so other runs pay nothing. Lives on run()'s stack,
// for as long as the lanes.
class SharedRun
{
public:
    explicit SharedRun(const ExecContext &ctx)
    {
        if (!ctx.set.usesSharedState())
            return;
        m_locks.emplace(ctx.set);
        m_counters.emplace(ctx.set);
        LockTable *locks = &*m_locks;
        // Stop wakes the threads waiting for a lock, as it does GIL waiters.
        m_wake = ctx.cancel.onCancel([locks] { locks->cancelAll(); });
    }

    // Points a lane at the run's locks and counters.
    void attach(LaneContext &lane)
    {
        if (!m_locks)
            return;
        lane.locks = &*m_locks;
        lane.counters = m_counters->cells();
    }

    bool active() const { return m_locks.has_value(); }
    // After the lanes stopped.
    std::vector<Incident> deadlocks() const { return m_locks ? m_locks->deadlocks() : std::vector<Incident>(); }
    SharedStateResults results() const
    {
        if (!m_locks)
            return {};
        return {m_counters->results(), m_locks->results(), m_locks->handoffs()};
    }

private:
    std::optional<LockTable> m_locks;
    std::optional<Counters> m_counters;
    CancelToken::Subscription m_wake; // declared last: ends before the table goes
};

} // namespace il
