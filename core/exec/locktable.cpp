#include "core/exec/locktable.h"

#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/phaserunner.h"

namespace il {

LockTable::LockTable(const TaskSet &set) : m_book(set)
{
}

void LockTable::wake(const std::vector<std::uint32_t> &tasks)
{
    for (std::uint32_t t : tasks) {
        const auto it = m_waiters.find(t);
        if (it != m_waiters.end())
            it->second->cv.notify_one();
    }
}

LockTable::Result LockTable::acquire(std::uint32_t lock, std::uint32_t task, std::uint16_t phase,
                                     std::uint16_t lane, EventSink &sink, const CancelToken &cancel)
{
    std::unique_lock guard(m_mutex);
    const std::int64_t requestedNs = monoNs();
    const LockBook::Outcome outcome = m_book.request(lock, task);
    if (outcome == LockBook::Outcome::Granted) {
        m_book.acquired(lock, task, false, 0, requestedNs);
        return Result::Acquired;
    }
    // The recorder's append takes no lock: recording under ours is cheap,
    // and keeps this lane's begin before whatever the holder does next.
    sink.record(Event{requestedNs, task, lane, phase, EventKind::SpanBegin, SpanKind::LockWait});
    if (outcome == LockBook::Outcome::Deadlock) {
        std::vector<std::uint32_t> members;
        const Incident deadlock = m_book.deadlockIncident(task, requestedNs, &members);
        m_deadlocks.push_back(deadlock);
        wake(m_book.abandon(members, requestedNs));
        for (std::uint32_t t : members) {
            const auto it = m_waiters.find(t);
            if (it != m_waiters.end()) {
                it->second->deadlocked = true;
                it->second->cv.notify_one();
            }
        }
        sink.record(makeEvent(EventKind::SpanEnd, task, lane, SpanKind::LockWait, phase));
        return Result::Deadlocked;
    }
    sink.flush();
    Waiter self;
    m_waiters.emplace(task, &self);
    self.cv.wait(guard, [&] {
        return m_book.holds(lock, task) || self.deadlocked || m_cancelled || cancel.isCancelled();
    });
    m_waiters.erase(task);
    const std::int64_t nowNs = monoNs();
    sink.record(Event{nowNs, task, lane, phase, EventKind::SpanEnd, SpanKind::LockWait});
    if (self.deadlocked)
        return Result::Deadlocked; // the cycle's breaker took it out of line and handed on its locks
    if (m_cancelled || cancel.isCancelled()) {
        wake(m_book.abandon({task}, nowNs));
        return Result::Cancelled;
    }
    m_book.acquired(lock, task, true, nowNs - requestedNs, nowNs);
    return Result::Acquired;
}

void LockTable::release(std::uint32_t lock, std::uint32_t task)
{
    std::lock_guard guard(m_mutex);
    const std::uint32_t next = m_book.release(lock, task, monoNs());
    if (next != noTask)
        wake({next});
}

void LockTable::abandon(std::uint32_t task)
{
    std::lock_guard guard(m_mutex);
    wake(m_book.abandon({task}, monoNs()));
}

void LockTable::cancelAll()
{
    std::lock_guard guard(m_mutex);
    m_cancelled = true;
    for (const auto &[task, waiter] : m_waiters)
        waiter->cv.notify_one();
}

std::vector<Incident> LockTable::deadlocks() const
{
    std::lock_guard guard(m_mutex);
    return m_deadlocks;
}

std::vector<LockResult> LockTable::results() const
{
    std::lock_guard guard(m_mutex);
    return m_book.results();
}

std::vector<LockHandoff> LockTable::handoffs() const
{
    std::lock_guard guard(m_mutex);
    return m_book.handoffs();
}

} // namespace il
