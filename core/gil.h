#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace il {

class CancelToken;

// An emulated CPython global interpreter lock: a ticket lock, so waiting
// threads get it first come, first served, and the holder hands it over
// after its switch interval only when somebody is waiting.
class Gil
{
public:
    explicit Gil(double switchIntervalMs) : m_switchNs(std::int64_t(switchIntervalMs * 1e6)) {}

    // Returns false if cancelled while waiting.
    bool acquire(const CancelToken &cancel);
    void release();
    bool hasWaiters() const;
    std::int64_t switchIntervalNs() const { return m_switchNs; }
    void cancelAll(); // wakes waiters so they can observe cancellation

private:
    const std::int64_t m_switchNs;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::uint64_t m_nextTicket = 0;
    std::uint64_t m_serving = 0;
    bool m_cancelled = false;
};

} // namespace il
