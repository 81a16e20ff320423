#include "stopsignals.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>

#include <sys/eventfd.h>
#include <unistd.h>

namespace app {

namespace {

std::atomic<int> g_count{0};
static_assert(std::atomic<int>::is_always_lock_free); // touched in a signal handler
int g_fd = -1;

extern "C" void onSignal(int)
{
    const int saved = errno;
    g_count.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_fd, &one, sizeof one);
    errno = saved;
}

} // namespace

void catchStopSignals(bool restartSyscalls)
{
    // Close-on-exec: worker processes must not hold it.
    if (g_fd < 0)
        g_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restartSyscalls ? SA_RESTART : 0;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

int stopSignalCount()
{
    return g_count.load(std::memory_order_relaxed);
}

std::unique_ptr<QSocketNotifier> onStopSignal(std::function<void()> fn)
{
    if (g_fd < 0)
        return nullptr;
    auto notifier = std::make_unique<QSocketNotifier>(qintptr(g_fd), QSocketNotifier::Read);
    QObject::connect(notifier.get(), &QSocketNotifier::activated, notifier.get(), [fn = std::move(fn)] {
        std::uint64_t count = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_fd, &count, sizeof count); // re-arms the notifier
        fn();
    });
    return notifier;
}

} // namespace app
