#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>
#include <QStringList>

namespace ui {

// What went wrong in a run, in words, for the run header, its tooltip, the
// status bar and the "why" panel. Problems are failed tasks, incidents the
// run survived (il::Trace::notes: a worker crashed and was replaced) and
// run-level errors (il::Trace::error: no worker could be started). Cancelled
// tasks are not problems: the user pressed Stop.

// One short line: "error: …", "2 failed", "⚠ worker 2 … replaced (+1 more)";
// empty if the run had none.
QString runProblemText(const il::TimelineRun &run);
// The error and every note in full, one per line.
QStringList runProblemLines(const il::TimelineRun &run);
// The note that names `task` ("…; task 7 failed; …"), if any.
QString failureNoteFor(const il::TimelineRun &run, std::uint32_t task);
// Across all runs: "1 failed · 1 incident · 1 error"; empty if none.
QString comparisonProblemSummary(const il::TimelineModel &model);
// Per run with problems: "processes: 1 task failed — <notes>", "processes: error: …".
QStringList comparisonProblemLines(const il::TimelineModel &model);

} // namespace ui
