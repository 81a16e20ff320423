#include "core/exec/gil.h"

#include "core/exec/canceltoken.h"

#include <algorithm>

namespace il {

bool Gil::acquire(const CancelToken &cancel)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t ticket = m_nextTicket++;
    if (m_serving == ticket)
        return !m_cancelled;
    std::condition_variable cv;
    m_waiters.push_back({ticket, &cv});
    cv.wait(lock, [&] { return m_serving == ticket || m_cancelled || cancel.isCancelled(); });
    m_waiters.erase(std::find_if(m_waiters.begin(), m_waiters.end(), [&](const Waiter &w) { return w.ticket == ticket; }));
    const bool stopping = m_cancelled || cancel.isCancelled();
    if (m_serving == ticket && stopping) {
        // Handed the lock just as Stop came: pass it on at once, so the next
        // waiter wakes and sees Stop too, instead of waiting for the run
        // thread's next cancelAll().
        handOn();
        return false;
    }
    return m_serving == ticket && !stopping;
}

void Gil::release()
{
    std::lock_guard lock(m_mutex);
    handOn();
}

void Gil::handOn()
{
    ++m_serving;
    // Tickets are served in order, so the next holder is the oldest waiter.
    if (!m_waiters.empty() && m_waiters.front().ticket == m_serving)
        m_waiters.front().cv->notify_one();
}

bool Gil::hasWaiters() const
{
    std::lock_guard lock(m_mutex);
    return !m_waiters.empty();
}

void Gil::cancelAll()
{
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    for (const Waiter &w : m_waiters)
        w.cv->notify_one();
}

} // namespace il
