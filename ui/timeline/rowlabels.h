#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>

namespace ui {

// The name of a row: the task's name in the task view; in the lane view the
// lane's name ("worker 2 (pid 4242)"), or what a wait row holds.
QString rowLabel(const il::TimelineRun &run, il::TimelineViewKind view, int row);
// "… 19,919 more tasks not shown: …": the footer of a band cut to fit a picture.
QString hiddenRowsText(il::TimelineViewKind view, int hidden, int total);

} // namespace ui
