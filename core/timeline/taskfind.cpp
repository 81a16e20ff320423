#include "core/timeline/taskfind.h"

#include <QRegularExpression>

#include <algorithm>

namespace il {

std::size_t taskRowCount(const TimelineModel &model)
{
    std::size_t count = model.taskSet() ? model.taskSet()->tasks.size() : 0;
    for (int r = 0; r < model.runCount(); ++r)
        if (const TimelineRun *run = model.findRun(r))
            count = std::max(count, run->taskRows().size());
    return count;
}

std::vector<std::uint32_t> findTasks(const TimelineModel &model, const QString &text, bool pattern, QString *error)
{
    if (error)
        error->clear();
    std::vector<std::uint32_t> out;
    if (text.isEmpty())
        return out;
    QRegularExpression re;
    if (pattern) {
        re = QRegularExpression(text, QRegularExpression::CaseInsensitiveOption);
        if (!re.isValid()) {
            if (error)
                *error = QStringLiteral("%1 (at %2)").arg(re.errorString()).arg(re.patternErrorOffset());
            return out;
        }
    }
    const std::size_t count = taskRowCount(model);
    for (std::size_t t = 0; t < count; ++t) {
        const QString name = model.taskName(std::uint32_t(t));
        if (pattern ? re.match(name).hasMatch() : name.contains(text, Qt::CaseInsensitive))
            out.push_back(std::uint32_t(t));
    }
    return out;
}

} // namespace il
