#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace il {

class CancelToken;

// An emulated CPython global interpreter lock: a ticket lock, so waiting
// threads get it first come, first served, and the holder hands it over
// after its switch interval only when somebody is waiting. Each waiter
// sleeps on its own condition variable, so a hand-off wakes exactly the next
// thread in line instead of all of them.
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
    void handOn(); // with m_mutex held: serve the next ticket

    struct Waiter
    {
        std::uint64_t ticket;
        std::condition_variable *cv;
    };

    const std::int64_t m_switchNs;
    mutable std::mutex m_mutex;
    std::deque<Waiter> m_waiters; // in ticket order
    std::uint64_t m_nextTicket = 0;
    std::uint64_t m_serving = 0;
    bool m_cancelled = false;
};

} // namespace il
