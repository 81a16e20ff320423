#include "canceltoken.h"

#include "clock.h"

#include <chrono>

namespace il {

void CancelToken::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancelled.store(true, std::memory_order_relaxed);
    }
    m_cv.notify_all();
}

bool CancelToken::sleepUntil(std::int64_t deadlineNs) const
{
    // steady_clock is CLOCK_MONOTONIC in libstdc++, the clock of deadlineNs.
    const std::chrono::steady_clock::time_point deadline{std::chrono::nanoseconds(deadlineNs)};
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_until(lock, deadline, [this] { return m_cancelled.load(std::memory_order_relaxed); });
}

} // namespace il
