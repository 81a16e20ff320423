#pragma once

#include "core/import/openedtrace.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace app {

// `interleave run --open FILE...`: opens each file (streamed); messages go
// to `say` (escaped by it). Exit code: 0, 2 when a file is bad (what could
// be read is still kept), 130 when `stop` said so while reading.
struct OpenedFiles
{
    std::vector<il::OpenedRun> runs;
    int code = 0;
};
OpenedFiles openTraceFiles(const QStringList &paths, const std::function<void(const QString &)> &say,
                           const std::function<bool()> &stop);

// The table's lines for opened runs: file, who recorded it, spans, lanes,
// makespan, busy time, utilisation, tasks, overflow.
QString openedTable(const std::vector<il::OpenedRun> &runs);

} // namespace app
