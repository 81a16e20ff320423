#pragma once

#include "core/import/openedtrace.h"
#include "core/import/rawtrace.h"

namespace il::json {
class JsonSource;
}

namespace il::import {

// Reads a Chrome trace-event file (the object form {"traceEvents": [...]} or
// the bare array, whose closing ']' may be missing as the format allows) or
// a Dask task stream (an array of {key, worker, thread, startstops}) into
// `out`, one token at a time. An event that cannot be used (no ph, a ts that
// is no number, a negative dur, ...) is skipped and told in out.problems; a
// file that is not JSON, or ends mid-event, stops the reading: the message
// says where ("at byte 1234 (line 1, column 1235), in event 17: ...") and
// the events before it are kept. Returns that message, or an empty string.
QString parseTrace(json::JsonSource &source, RawTrace &out, std::int64_t totalBytes, const OpenProgress &progress,
                   bool *cancelled);

} // namespace il::import
