#pragma once

#include "core/import/openedtrace.h"

#include <QByteArray>
#include <QString>

namespace il {

// Opens a trace file as read-only runs: Chrome trace-event JSON (object or
// bare array: Interleave's own export, VizTracer, chrome://tracing,
// Perfetto's JSON export, `ray timeline`) or a Dask task stream saved as
// JSON. Streamed: memory grows with the events (about 56 bytes each, plus
// the runs built from them), never with the text. `progress` is called
// every few thousand events, and with done == total now and then while
// another tool's events are arranged into runs; returning false stops
// either (OpenResult::cancelled, no runs).
OpenResult openTraceFile(const QString &path, const OpenProgress &progress = {});
// The same from bytes in memory (tests, the fuzz target); `source` names it.
OpenResult openTraceBytes(const QByteArray &bytes, const QString &source, const OpenProgress &progress = {});

} // namespace il
