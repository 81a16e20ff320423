#pragma once

#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

class QSocketNotifier;

namespace il {

// Calls `onExpired` on the owning thread's event loop once CLOCK_MONOTONIC
// reaches an absolute deadline, with the kernel's precision instead of
// QTimer's whole milliseconds: a Linux timerfd (absolute, TFD_TIMER_ABSTIME)
// watched by a QSocketNotifier. Why not QTimer: its interval is an int of
// milliseconds, so a 0.1 ms wait costs a whole one. Why not a busy wait: the
// loop thread would burn a core the other lanes need. The timerfd's hrtimer
// has no timer slack and never fires before the deadline.
class DeadlineTimer
{
public:
    explicit DeadlineTimer(std::function<void()> onExpired);
    ~DeadlineTimer();
    DeadlineTimer(const DeadlineTimer &) = delete;
    DeadlineTimer &operator=(const DeadlineTimer &) = delete;

    // Empty when usable; otherwise why the timer could not be made.
    QString error() const { return m_error; }

    // (Re)arms for `deadlineNs` (CLOCK_MONOTONIC); a deadline already passed
    // fires on the next turn of the loop. Re-arming for the deadline already
    // armed costs nothing.
    void arm(std::int64_t deadlineNs);
    void disarm();
    // The armed deadline, INT64_MAX when disarmed or fired.
    std::int64_t armedNs() const { return m_armedNs; }

private:
    void onReadable();

    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<void()> m_onExpired;
    std::int64_t m_armedNs = INT64_MAX;
    QString m_error;
};

} // namespace il
