#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>

namespace il {

// Stop, for every lane of a run, observed one way: nobody polls it.
// - A lane that sleeps (an io phase) waits on it: sleepUntil() wakes at once.
// - A thread that blocks on something else (a pool waiting for its threads,
//   GIL waiters) registers a callback: onCancel().
// - An event loop (the event-loop and processes modes, the command line)
//   watches its wake-up descriptor, an eventfd that becomes readable once
//   cancelled: wakeFd() gives the descriptor for poll(), cancelNotifier()
//   (cancelnotifier.h) a QSocketNotifier on it.
// A computing lane checks isCancelled() between slices of its work: that is
// an atomic load between real work, not a timer.
// Standard C++ only: the worker process (which links no Qt) has one too.
class CancelToken
{
public:
    CancelToken();
    ~CancelToken();
    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;

    // Idempotent; callbacks run on the calling thread, once.
    void cancel();
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }
    // CLOCK_MONOTONIC of the first cancel(), 0 while not cancelled.
    std::int64_t cancelledAtNs() const { return m_cancelledAtNs.load(std::memory_order_acquire); }

    // Waits until `deadlineNs` (CLOCK_MONOTONIC) or cancellation; returns
    // false if cancelled. A deadline already passed returns at once, and the
    // wake-up overshoots the deadline only by the scheduler's latency (the
    // calling thread's timer slack is set to the minimum).
    bool sleepUntil(std::int64_t deadlineNs) const;

    // Readable (POLLIN) from cancel() on, for ever: level-triggered and never
    // drained, so every watcher sees it. -1 if the system gave no eventfd
    // (then cancelNotifier() gives nothing and callbacks still work).
    int wakeFd() const { return m_fd; }

    // Calls `fn` once when cancelled: on the thread calling cancel(), or at
    // once on this thread if already cancelled. `fn` must be short and must
    // not call back into the token. Stops when the Subscription goes; its
    // destructor waits for a call in progress, so `fn` may use what the
    // subscriber owns.
    class Subscription
    {
    public:
        Subscription() = default;
        Subscription(Subscription &&other) noexcept;
        Subscription &operator=(Subscription &&other) noexcept;
        ~Subscription();

    private:
        friend class CancelToken;
        Subscription(const CancelToken *token, std::list<std::function<void()>>::iterator it);
        void reset();
        const CancelToken *m_token = nullptr;
        std::list<std::function<void()>>::iterator m_it;
    };
    [[nodiscard]] Subscription onCancel(std::function<void()> fn) const;

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<std::int64_t> m_cancelledAtNs{0};
    int m_fd = -1;
    mutable std::mutex m_mutex; // guards the callbacks; the sleepers' condition variable
    mutable std::condition_variable m_cv;
    mutable std::list<std::function<void()>> m_callbacks;
};

} // namespace il
