#include "core/timeline/taskfind.h"

#include <QRegularExpression>

#include <algorithm>

namespace il {

namespace {
// Between two names in the folded buffer; no query typed in a line can hold it.
constexpr QChar separator(u'\0');
} // namespace

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

void TaskFinder::index(const TimelineModel &model)
{
    const std::size_t count = taskRowCount(model);
    if (m_indexed && m_set == model.taskSet() && m_count == count)
        return;
    m_indexed = true;
    m_set = model.taskSet();
    m_count = count;
    m_folded.clear();
    m_starts.clear();
    m_starts.reserve(count + 1);
    for (std::size_t t = 0; t < count; ++t) {
        m_starts.push_back(m_folded.size());
        m_folded += model.taskName(std::uint32_t(t)).toCaseFolded();
        m_folded += separator;
    }
    m_starts.push_back(m_folded.size());
    m_folded.squeeze();
}

std::vector<std::uint32_t> TaskFinder::find(const TimelineModel &model, const QString &text, bool pattern,
                                            QString *error)
{
    // Patterns (and a text that holds the separator) go name by name.
    if (pattern || text.isEmpty() || text.contains(separator))
        return findTasks(model, text, pattern, error);
    if (error)
        error->clear();
    index(model);
    std::vector<std::uint32_t> out;
    const QString needle = text.toCaseFolded();
    std::size_t task = 0;
    for (qsizetype at = m_folded.indexOf(needle, 0); at >= 0;) {
        // Hits come in order: the task holding this one is at or after the last.
        while (m_starts[task + 1] <= at)
            ++task;
        out.push_back(std::uint32_t(task));
        at = m_folded.indexOf(needle, m_starts[task + 1]); // one hit per name
    }
    return out;
}

} // namespace il
