#pragma once

#include "core/analysis/runresult.h"
#include "core/base/filewriter.h"
#include "core/model/taskset.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace il {

// Chrome trace-event JSON (object form) for a whole comparison: one pid per
// run, one tid per lane, X events for tasks with nested X phases, an instant
// event per incident, ts/dur in microseconds from each run's own origin
// (RunInfo::originNs, taken just before its executor started, so every run
// starts near ts 0 and runs line up). Opens in Perfetto. The text is made by
// writeChromeTrace (chrometracewriter.h); this holds all of it in memory.
QByteArray chromeTraceJson(const TaskSet &set, const std::vector<RunResultPtr> &runs);
// The same, streamed into `path` through a FileWriter: memory stays small
// whatever the trace's size. Returns an empty string or "PATH: reason".
// `runSets`: as writeChromeTrace's, the set naming each run's tasks.
QString writeChromeTraceFile(const QString &path, const TaskSet &set, const std::vector<RunResultPtr> &runs,
                             const StopCheck &stop = {},
                             const std::vector<std::shared_ptr<const TaskSet>> &runSets = {});

// {"taskset", "tasks", "cores", "runs": [...]} as documented in the README;
// each run has its "incidents" (times in ms from the run's origin, like the
// Chrome trace) and "events_dropped".
QByteArray summaryJson(const TaskSet &set, const std::vector<RunResultPtr> &runs);
QByteArray summaryCsv(const std::vector<RunResultPtr> &runs);

// Writes through a FileWriter: a regular file via a temporary file, fsync and
// rename, so an error (or `stop`) leaves any previous file intact; /dev/null,
// a FIFO or a device is written in place. Returns an empty string or
// "PATH: what failed: reason".
QString writeFileAtomically(const QString &path, const QByteArray &data, const StopCheck &stop = {});

} // namespace il
