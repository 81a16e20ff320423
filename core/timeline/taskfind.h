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

// How many task rows the model's runs have (the task set's, or an opened
// trace's if it has more).
std::size_t taskRowCount(const TimelineModel &model);

} // namespace il
