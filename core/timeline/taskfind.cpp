#include "core/timeline/taskfind.h"

#include <QRegularExpression>

#include <algorithm>

namespace il {

namespace {
// Between two names in the folded buffer; no query typed in a line can hold it.
constexpr QChar separator(u'\0');

// The groups of runs that name their tasks from one set, each by its first run.
std::vector<int> namesGroups(const TimelineModel &model)
{
    std::vector<int> groups;
    for (int r = 0; r < model.runCount(); ++r)
        if (model.findRun(r) && model.namesGroup(r) == r)
            groups.push_back(r);
    return groups;
}
} // namespace

std::size_t taskRowCount(const TimelineRun &run)
{
    return std::max(run.taskSet() ? run.taskSet()->tasks.size() : 0, run.taskRows().size());
}

std::size_t groupTaskRowCount(const TimelineModel &model, int group)
{
    std::size_t count = 0;
    for (int r = group; r < model.runCount(); ++r)
        if (const TimelineRun *run = model.findRun(r); run && model.namesGroup(r) == group)
            count = std::max(count, taskRowCount(*run));
    return count;
}

std::vector<TaskMatch> findTasks(const TimelineModel &model, const QString &text, bool pattern, QString *error)
{
    if (error)
        error->clear();
    std::vector<TaskMatch> out;
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
    for (const int group : namesGroups(model)) {
        const TimelineRun &run = model.run(group);
        const std::size_t count = groupTaskRowCount(model, group);
        for (std::size_t t = 0; t < count; ++t) {
            const QString name = run.taskName(std::uint32_t(t));
            if (pattern ? re.match(name).hasMatch() : name.contains(text, Qt::CaseInsensitive))
                out.push_back({group, std::uint32_t(t)});
        }
    }
    return out;
}

void TaskFinder::index(const TimelineModel &model)
{
    std::vector<Source> sources;
    for (const int group : namesGroups(model))
        sources.push_back({group, model.run(group).taskSetPtr(), groupTaskRowCount(model, group)});
    if (m_indexed && sources == m_sources)
        return;
    m_indexed = true;
    m_sources = std::move(sources);
    std::size_t total = 0;
    for (const Source &s : m_sources)
        total += s.count;
    m_folded.clear();
    m_starts.clear();
    m_names.clear();
    m_starts.reserve(total + 1);
    m_names.reserve(total);
    for (const Source &s : m_sources) {
        const TimelineRun &run = model.run(s.group);
        for (std::size_t t = 0; t < s.count; ++t) {
            m_starts.push_back(m_folded.size());
            m_names.push_back({s.group, std::uint32_t(t)});
            m_folded += run.taskName(std::uint32_t(t)).toCaseFolded();
            m_folded += separator;
        }
    }
    m_starts.push_back(m_folded.size());
    m_folded.squeeze();
}

std::vector<TaskMatch> TaskFinder::find(const TimelineModel &model, const QString &text, bool pattern, QString *error)
{
    // Patterns (and a text that holds the separator) go name by name.
    if (pattern || text.isEmpty() || text.contains(separator))
        return findTasks(model, text, pattern, error);
    if (error)
        error->clear();
    index(model);
    std::vector<TaskMatch> out;
    const QString needle = text.toCaseFolded();
    std::size_t name = 0;
    for (qsizetype at = m_folded.indexOf(needle, 0); at >= 0;) {
        // Hits come in order: the name holding this one is at or after the last.
        while (m_starts[name + 1] <= at)
            ++name;
        out.push_back(m_names[name]);
        at = m_folded.indexOf(needle, m_starts[name + 1]); // one hit per name
    }
    return out;
}

} // namespace il
