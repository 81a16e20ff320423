#include "core/exec/deadlinetimer.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <sys/timerfd.h>
#include <unistd.h>

namespace il {

DeadlineTimer::DeadlineTimer(std::function<void()> onExpired) : m_onExpired(std::move(onExpired))
{
    m_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_fd < 0) {
        m_error = QStringLiteral("cannot create a timer (timerfd_create: %1)").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_notifier = std::make_unique<QSocketNotifier>(qintptr(m_fd), QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] { onReadable(); });
}

DeadlineTimer::~DeadlineTimer()
{
    m_notifier.reset(); // before the descriptor it watches goes
    if (m_fd >= 0)
        ::close(m_fd);
}

void DeadlineTimer::arm(std::int64_t deadlineNs)
{
    if (m_fd < 0 || deadlineNs == m_armedNs)
        return;
    // An it_value of zero would disarm; CLOCK_MONOTONIC is never that small
    // in practice, but a deadline at 0 must still fire.
    const std::int64_t at = deadlineNs > 0 ? deadlineNs : 1;
    itimerspec spec{};
    spec.it_value.tv_sec = time_t(at / 1'000'000'000);
    spec.it_value.tv_nsec = long(at % 1'000'000'000);
    if (::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr) == 0)
        m_armedNs = deadlineNs;
}

void DeadlineTimer::disarm()
{
    if (m_fd < 0 || m_armedNs == INT64_MAX)
        return;
    const itimerspec spec{};
    ::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
    m_armedNs = INT64_MAX;
}

void DeadlineTimer::onReadable()
{
    // Reading clears the expiry count, or the notifier would fire again at
    // once. Nothing to read means it was re-armed for later after firing:
    // not expired after all.
    std::uint64_t expirations = 0;
    if (::read(m_fd, &expirations, sizeof expirations) != sizeof expirations)
        return;
    m_armedNs = INT64_MAX;
    m_onExpired();
}

} // namespace il
