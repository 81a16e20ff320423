#include "gil.h"

#include "canceltoken.h"

namespace il {

bool Gil::acquire(const CancelToken &cancel)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t ticket = m_nextTicket++;
    m_cv.wait(lock, [&] { return m_serving == ticket || m_cancelled || cancel.isCancelled(); });
    return m_serving == ticket && !m_cancelled && !cancel.isCancelled();
}

void Gil::release()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_serving;
    }
    m_cv.notify_all();
}

bool Gil::hasWaiters() const
{
    std::lock_guard lock(m_mutex);
    return m_nextTicket - m_serving > 1;
}

void Gil::cancelAll()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
    }
    m_cv.notify_all();
}

} // namespace il
