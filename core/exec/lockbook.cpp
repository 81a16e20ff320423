#include "core/exec/lockbook.h"

#include "core/base/wording.h"
#include "core/model/taskset.h"

#include <QStringList>

#include <algorithm>

namespace il {

LockBook::LockBook(const TaskSet &set)
    : m_set(set), m_locks(set.names.size()), m_waitsFor(set.tasks.size(), noLock)
{
    for (const Task &t : set.tasks)
        for (const Phase &p : t.phases)
            if (p.kind == PhaseKind::Acquire)
                m_locks[p.ref].used = true;
}

LockBook::Outcome LockBook::request(std::uint32_t lock, std::uint32_t task)
{
    Q_ASSERT(lock < m_locks.size() && task < m_waitsFor.size());
    Lock &l = m_locks[lock];
    Q_ASSERT(l.owner != task); // validation: locks are not re-entrant
    if (l.owner == noTask) {
        l.owner = task;
        return Outcome::Granted;
    }
    l.waiters.push_back(task);
    m_waitsFor[task] = lock;
    // Follow holder -> what it waits for -> that lock's holder. Without a
    // cycle already (each is broken when it would close), the chain ends at
    // a task that runs, or comes back to `task`.
    std::uint32_t t = l.owner;
    for (std::size_t steps = 0; steps <= m_waitsFor.size(); ++steps) {
        if (t == task)
            return Outcome::Deadlock;
        const std::uint32_t waits = m_waitsFor[t];
        if (waits == noLock)
            return Outcome::Queued;
        t = m_locks[waits].owner;
        if (t == noTask) // a waiter always has a holder to wait for
            return Outcome::Queued;
    }
    Q_ASSERT(false); // a cycle not through `task`: one was left unbroken
    return Outcome::Queued;
}

void LockBook::acquired(std::uint32_t lock, std::uint32_t task, bool waited, std::int64_t waitedNs,
                        std::int64_t nowNs)
{
    Lock &l = m_locks[lock];
    Q_ASSERT(l.owner == task);
    Q_UNUSED(task);
    ++l.stats.acquisitions;
    if (waited) {
        ++l.stats.contended;
        l.stats.waitNs += waitedNs;
        l.stats.longestWaitNs = std::max(l.stats.longestWaitNs, waitedNs);
    }
    l.heldSinceNs = nowNs;
    if (!waited)
        return;
    const auto it = std::find_if(m_handedOver.begin(), m_handedOver.end(),
                                 [&](const Pending &p) { return p.lock == lock && p.to == task; });
    if (it == m_handedOver.end())
        return;
    m_handoffs.push_back({m_set.names[lock], it->from, task, it->releaseNs, nowNs});
    m_handedOver.erase(it);
}

std::uint32_t LockBook::release(std::uint32_t lock, std::uint32_t task, std::int64_t nowNs)
{
    Lock &l = m_locks[lock];
    Q_ASSERT(l.owner == task);
    Q_UNUSED(task);
    if (l.heldSinceNs >= 0)
        l.stats.longestHoldNs = std::max(l.stats.longestHoldNs, nowNs - l.heldSinceNs);
    return handOver(l, {}, nowNs);
}

std::uint32_t LockBook::handOver(Lock &l, const std::vector<std::uint32_t> &skip, std::int64_t nowNs)
{
    const std::uint32_t from = l.owner;
    l.owner = noTask;
    l.heldSinceNs = -1;
    while (!l.waiters.empty()) {
        const std::uint32_t next = l.waiters.front();
        l.waiters.pop_front();
        if (std::find(skip.begin(), skip.end(), next) != skip.end())
            continue;
        m_waitsFor[next] = noLock;
        l.owner = next;
        m_handedOver.push_back({std::uint32_t(&l - m_locks.data()), from, next, nowNs});
        return next;
    }
    return noTask;
}

std::vector<LockBook::CycleStep> LockBook::cycle(std::uint32_t task) const
{
    std::vector<CycleStep> steps;
    std::uint32_t t = task;
    while (steps.size() <= m_waitsFor.size()) {
        const std::uint32_t waits = m_waitsFor[t];
        if (waits == noLock)
            return {};
        steps.push_back({t, noLock, waits});
        t = m_locks[waits].owner;
        if (t == noTask)
            return {};
        if (t == task)
            break;
    }
    if (t != task)
        return {};
    for (std::size_t k = 0; k < steps.size(); ++k)
        steps[k].holds = steps[(k + steps.size() - 1) % steps.size()].waitsFor;
    const auto lowest = std::min_element(steps.begin(), steps.end(),
                                         [](const CycleStep &a, const CycleStep &b) { return a.task < b.task; });
    std::rotate(steps.begin(), lowest, steps.end());
    return steps;
}

QString LockBook::cycleText(const std::vector<CycleStep> &cycle) const
{
    QStringList parts;
    for (const CycleStep &s : cycle)
        parts << QStringLiteral("task %1 holds %2, waits for %3")
                     .arg(s.task)
                     .arg(printable(m_set.names[s.holds]), printable(m_set.names[s.waitsFor]));
    return parts.join(QLatin1String("; "));
}

Incident LockBook::deadlockIncident(std::uint32_t task, std::int64_t nowNs, std::vector<std::uint32_t> *members) const
{
    const std::vector<CycleStep> steps = cycle(task);
    Q_ASSERT(!steps.empty());
    members->clear();
    for (const CycleStep &s : steps)
        members->push_back(s.task);
    Incident deadlock;
    deadlock.kind = IncidentKind::Deadlock;
    deadlock.tNs = nowNs;
    deadlock.task = members->empty() ? noTask : members->front();
    deadlock.value = std::int64_t(members->size());
    deadlock.detail = cycleText(steps);
    return deadlock;
}

std::vector<std::uint32_t> LockBook::abandon(const std::vector<std::uint32_t> &tasks, std::int64_t nowNs)
{
    // Out of every line first, so no lock is handed to one of them below.
    for (std::uint32_t t : tasks) {
        const std::uint32_t waits = m_waitsFor[t];
        if (waits == noLock)
            continue;
        std::deque<std::uint32_t> &line = m_locks[waits].waiters;
        line.erase(std::remove(line.begin(), line.end(), t), line.end());
        m_waitsFor[t] = noLock;
    }
    std::vector<std::uint32_t> handedTo;
    for (Lock &l : m_locks) {
        if (l.owner == noTask || std::find(tasks.begin(), tasks.end(), l.owner) == tasks.end())
            continue;
        if (l.heldSinceNs >= 0)
            l.stats.longestHoldNs = std::max(l.stats.longestHoldNs, nowNs - l.heldSinceNs);
        const std::uint32_t next = handOver(l, tasks, nowNs);
        if (next != noTask)
            handedTo.push_back(next);
    }
    return handedTo;
}

std::vector<LockResult> LockBook::results() const
{
    std::vector<LockResult> out;
    for (std::size_t k = 0; k < m_locks.size(); ++k) {
        if (!m_locks[k].used)
            continue;
        LockResult r = m_locks[k].stats;
        r.name = m_set.names[k];
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<LockHandoff> LockBook::handoffs() const
{
    return m_handoffs;
}

} // namespace il
