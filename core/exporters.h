#pragma once

#include "engine.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace il {

// Chrome trace-event JSON (object form) for a whole comparison: one pid per
// run, one tid per lane, X events for tasks with nested X phases, ts/dur in
// microseconds relative to the first run's origin. Opens in Perfetto.
QByteArray chromeTraceJson(const TaskSet &set, const std::vector<RunResultPtr> &runs);

// {"taskset", "tasks", "cores", "runs": [...]} as documented in the README.
QByteArray summaryJson(const TaskSet &set, const std::vector<RunResultPtr> &runs);
QByteArray summaryCsv(const std::vector<RunResultPtr> &runs);

// Writes through QSaveFile (temporary file + rename), so an error leaves any
// previous file intact. Returns an empty string or the error.
QString writeFileAtomically(const QString &path, const QByteArray &data);

} // namespace il
