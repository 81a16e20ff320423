#pragma once

#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace app {

// SIGINT and SIGTERM, heard one way by both entry points (the command line
// and the window): the handler counts the signal and bumps an eventfd (both
// async-signal-safe); the event loop hears it through a QSocketNotifier on
// that descriptor, so nobody polls for it.

// Installs the handlers (again, to change the flag). With restartSyscalls,
// system calls interrupted by the signal restart (SA_RESTART); without, a
// write blocked on a FIFO returns EINTR so the writer can ask whether to stop.
void catchStopSignals(bool restartSyscalls);
// Signals received since the process started.
int stopSignalCount();
// Calls `fn` from the calling thread's event loop after stop signals
// arrived (once per wake-up, however many came). Null if the handlers
// could not be installed.
std::unique_ptr<QSocketNotifier> onStopSignal(std::function<void()> fn);

} // namespace app
