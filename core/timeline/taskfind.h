#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace il {

// A task found by name: task `task` of the runs whose tasks are named from
// one set, the group TimelineModel::namesGroup() calls by its first run
// (a comparison's modes are one group; an opened file of other tasks is
// another, and its task 3 is not theirs).
struct TaskMatch
{
    int group = -1;
    std::uint32_t task = noTask;
    friend bool operator==(const TaskMatch &, const TaskMatch &) = default;
};

// Find tasks by name (Ctrl+F in the window): every task of the model's runs
// whose name, as its own run names it, contains `text` (case-insensitive),
// or with `pattern` matches it as a regular expression (case-insensitive,
// anywhere in the name). Once per group of runs, in run then task order. An
// empty text matches nothing; a bad pattern matches nothing and sets *error
// to why, with the offset.
std::vector<TaskMatch> findTasks(const TimelineModel &model, const QString &text, bool pattern, QString *error);

// The same search, for one keystroke after another: the names are case-folded
// once into one buffer (again when the runs' task sets or their number of
// task rows change), and a plain search is one scan of it. 200,000 names: a
// few ms.
class TaskFinder
{
public:
    std::vector<TaskMatch> find(const TimelineModel &model, const QString &text, bool pattern, QString *error);
    // Folds the names now (when the find bar opens), not at the first key.
    void prepare(const TimelineModel &model) { index(model); }

private:
    void index(const TimelineModel &model);
    // What the buffer was folded from: per group, its first run, its set
    // (held, so that its address names no other set meanwhile) and its rows.
    struct Source
    {
        int group = -1;
        std::shared_ptr<const TaskSet> set;
        std::size_t count = 0;
        bool operator==(const Source &) const = default;
    };
    std::vector<Source> m_sources;
    bool m_indexed = false;
    QString m_folded;                 // every name case-folded, each followed by a separator
    std::vector<qsizetype> m_starts;  // where each name starts in m_folded, then its end
    std::vector<TaskMatch> m_names;   // what each name is
};

// How many task rows run `run` has (its task set's, or an opened trace's if
// it has more), and the most of any run whose names are from `group`.
std::size_t taskRowCount(const TimelineRun &run);
std::size_t groupTaskRowCount(const TimelineModel &model, int group);

} // namespace il
