#include "core/exec/cancelnotifier.h"

#include "core/exec/canceltoken.h"

#include <QSocketNotifier>

namespace il {

std::unique_ptr<QSocketNotifier> cancelNotifier(const CancelToken &token, std::function<void()> fn)
{
    if (token.wakeFd() < 0)
        return nullptr;
    auto n = std::make_unique<QSocketNotifier>(qintptr(token.wakeFd()), QSocketNotifier::Read);
    QSocketNotifier *raw = n.get();
    QObject::connect(raw, &QSocketNotifier::activated, raw, [raw, fn = std::move(fn)] {
        // The descriptor stays readable (other watchers need it): once is all.
        raw->setEnabled(false);
        fn();
    });
    return n;
}

} // namespace il
