#include "core/exec/canceltoken.h"

#include "core/base/clock.h"

#include <chrono>

#include <sys/prctl.h>

namespace il {

namespace {

// A sleeping thread's timer slack (50 µs by default on Linux) lets the kernel
// wake it up to that much after its deadline, even when the deadline has
// already passed when it goes to sleep. An io phase is a deadline the task
// set gives in fractions of a millisecond, so every thread that sleeps
// through one asks for the smallest slack (1 ns; 0 would mean "the
// default"). Per thread and once: these are our own lanes (the run thread,
// pool threads, worker processes), nobody else's.
void tightenTimerSlack()
{
    thread_local bool done = false;
    if (!done) {
        ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        done = true;
    }
}

} // namespace

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
    // A deadline already passed (an io of 0 ms, or one the lane reached
    // late) returns at once: no lock, no system call beyond the clock read.
    if (monoNs() >= deadlineNs)
        return !isCancelled();
    tightenTimerSlack();
    // steady_clock is CLOCK_MONOTONIC in libstdc++, the clock of deadlineNs,
    // and the wait is on the absolute deadline (pthread_cond_clockwait), so
    // nothing drifts while the kernel converts it.
    const std::chrono::steady_clock::time_point deadline{std::chrono::nanoseconds(deadlineNs)};
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_until(lock, deadline, [this] { return m_cancelled.load(std::memory_order_relaxed); });
}

} // namespace il
