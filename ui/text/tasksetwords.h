#pragma once

#include "core/model/taskset.h"

#include <QString>

namespace ui {

// A task set in one line: "16 tasks · cpu 448 ms · io 1.51 s · cpu share 23 %",
// as the task-set dock, the saved picture's heading and its SVG description
// say it. Plural forms hold without a window (pictures rendered by the CLI).
QString taskSetSummaryText(const il::TaskSet &set);

} // namespace ui
