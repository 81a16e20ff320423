#pragma once

#include "core/import/openedtrace.h"

#include <QByteArray>

namespace il {

// Puts opened runs after the lab's: each gets the next run index (a shared
// axis numbers its runs), and the combined list is returned.
std::vector<RunResultPtr> appendOpenedRuns(const std::vector<RunResultPtr> &lab, std::vector<OpenedRun> &opened);

// The summary (exporters.h) of lab + opened runs, the opened ones marked
// with "source": FILE, "recorded_by", "spans" and "overflow_spans"; a run
// from another tool's file has no mode of ours: "mode": "opened", and no
// ideal bound. `runs` is what appendOpenedRuns returned.
QByteArray summaryJsonWithOpened(const TaskSet &set, const std::vector<RunResultPtr> &runs,
                                 const std::vector<OpenedRun> &opened);
QByteArray summaryCsvWithOpened(const std::vector<RunResultPtr> &runs, const std::vector<OpenedRun> &opened);

} // namespace il
