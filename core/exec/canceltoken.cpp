#include "core/exec/canceltoken.h"

#include "core/base/clock.h"

#include <cassert>
#include <chrono>
#include <utility>

#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

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

CancelToken::CancelToken()
{
    // Close-on-exec: a worker process must not inherit our Stop.
    m_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

CancelToken::~CancelToken()
{
    assert(m_callbacks.empty()); // every Subscription ends before its token
    if (m_fd >= 0)
        ::close(m_fd);
}

void CancelToken::cancel()
{
    std::lock_guard lock(m_mutex);
    if (m_cancelled.load(std::memory_order_relaxed))
        return;
    m_cancelledAtNs.store(monoNs(), std::memory_order_release);
    m_cancelled.store(true, std::memory_order_release);
    if (m_fd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_fd, &one, sizeof one);
    }
    m_cv.notify_all();
    // Under the lock: a Subscription being destroyed waits for this.
    for (const auto &fn : m_callbacks)
        fn();
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

CancelToken::Subscription CancelToken::onCancel(std::function<void()> fn) const
{
    std::unique_lock lock(m_mutex);
    if (m_cancelled.load(std::memory_order_relaxed)) {
        lock.unlock();
        fn();
        return {};
    }
    m_callbacks.push_back(std::move(fn));
    return Subscription(this, std::prev(m_callbacks.end()));
}

CancelToken::Subscription::Subscription(const CancelToken *token, std::list<std::function<void()>>::iterator it)
    : m_token(token), m_it(it)
{
}

CancelToken::Subscription::Subscription(Subscription &&other) noexcept
    : m_token(std::exchange(other.m_token, nullptr)), m_it(other.m_it)
{
}

CancelToken::Subscription &CancelToken::Subscription::operator=(Subscription &&other) noexcept
{
    if (this != &other) {
        reset();
        m_token = std::exchange(other.m_token, nullptr);
        m_it = other.m_it;
    }
    return *this;
}

CancelToken::Subscription::~Subscription()
{
    reset();
}

void CancelToken::Subscription::reset()
{
    if (!m_token)
        return;
    std::lock_guard lock(m_token->m_mutex);
    m_token->m_callbacks.erase(m_it);
    m_token = nullptr;
}

} // namespace il
