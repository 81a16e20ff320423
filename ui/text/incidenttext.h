#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>
#include <QStringList>

namespace ui {

// The window's words for what went wrong in a run, the only place it makes
// them (with tr(), so they can be translated): the run header, its tooltip,
// a failed task's tooltip, the status bar, the "why" panel and the picture
// all ask here. Everything is read from the trace's typed incidents; no
// text is ever parsed. Problems are failed tasks, incidents the run
// survived (a worker crashed and was replaced, events dropped) and fatal
// ones (no worker could be started). Stop is not a problem: the header
// already says the run was stopped.

// One incident in words (il::incidentWords, shared with the command line):
// "worker 2 (pid 4242) crashed or was killed; task 1 failed; worker replaced".
QString incidentText(const il::Incident &incident, const il::RunInfo &info);

// One short line: "error: …", "2 failed", "⚠ 3 events dropped", "⚠ worker 2
// … replaced (+1 more)"; empty if the run had none.
QString runProblemText(const il::TimelineRun &run);
// Every problem incident in full, one per line ("error: …", "⚠ …").
QStringList runProblemLines(const il::TimelineRun &run);
// Why `task` failed: the words of the incident that names it, else those of
// the run's fatal incident; empty if neither exists.
QString failureTextFor(const il::TimelineRun &run, std::uint32_t task);
// Across all runs: "1 failed · 1 incident · 1 run error"; empty if none.
QString comparisonProblemSummary(const il::TimelineModel &model);
// Per run with problems: "processes: 1 task failed — <incidents>", "processes: error: …".
QStringList comparisonProblemLines(const il::TimelineModel &model);

} // namespace ui
