#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace il {

// Shared by every lane of a run. Sleeping lanes wait on it, so Stop wakes an
// io phase at once instead of after its full duration.
class CancelToken
{
public:
    void cancel();
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    // Waits until `deadlineNs` (CLOCK_MONOTONIC) or cancellation; returns
    // false if cancelled. A deadline already passed returns at once, and the
    // wake-up overshoots the deadline only by the scheduler's latency (the
    // calling thread's timer slack is set to the minimum).
    bool sleepUntil(std::int64_t deadlineNs) const;

private:
    std::atomic<bool> m_cancelled{false};
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_cv;
};

} // namespace il
