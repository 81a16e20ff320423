#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace il {

// Find tasks by name (Ctrl+F in the window): every task of the model's runs
// whose name contains `text` (case-insensitive), or with `pattern` matches it
// as a regular expression (case-insensitive, anywhere in the name). In task
// order. An empty text matches nothing; a bad pattern matches nothing and
// sets *error to why, with the offset.
std::vector<std::uint32_t> findTasks(const TimelineModel &model, const QString &text, bool pattern, QString *error);

// The same search, for one keystroke after another: the names are case-folded
// once into one buffer (again when the task set or the number of task rows
// changes), and a plain search is one scan of it. 200,000 names: a few ms.
class TaskFinder
{
public:
    std::vector<std::uint32_t> find(const TimelineModel &model, const QString &text, bool pattern, QString *error);
    // Folds the names now (when the find bar opens), not at the first key.
    void prepare(const TimelineModel &model) { index(model); }

private:
    void index(const TimelineModel &model);
    const void *m_set = nullptr;
    std::size_t m_count = 0;
    bool m_indexed = false;
    QString m_folded;                 // every name case-folded, each followed by a separator
    std::vector<qsizetype> m_starts;  // where each name starts in m_folded, then its end
};

// How many task rows the model's runs have (the task set's, or an opened
// trace's if it has more).
std::size_t taskRowCount(const TimelineModel &model);

} // namespace il
