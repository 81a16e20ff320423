#pragma once

#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace il {

class CancelToken;

// A QSocketNotifier on `token`'s wakeFd(), living in the calling thread,
// that calls `fn` from that thread's event loop once the token is cancelled
// (also when it already was: the descriptor is readable, so the loop's
// first turn fires it), then disables itself. Null without an eventfd.
// The event-loop side of CancelToken, apart so the token itself needs no Qt.
std::unique_ptr<QSocketNotifier> cancelNotifier(const CancelToken &token, std::function<void()> fn);

} // namespace il
