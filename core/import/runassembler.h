#pragma once

#include "core/import/openedtrace.h"
#include "core/import/rawtrace.h"

#include <functional>

namespace il::import {

// Turns the events read from one file into runs. Interleave's own export
// becomes the runs it was written from (one per pid: lanes, tasks, spans,
// states and measures as they were). Any other file becomes one run: a lane
// per pid/tid, and below it a lane per nesting level (call stacks nest);
// B/E pairs are matched per track, async b/e spans are packed onto a few
// lanes per process; a span that crosses another on its track instead of
// nesting goes to the track's "overflow" lane and is counted.
// `stop` is asked now and then while another tool's file is arranged
// (before the first track, then every 65,536 events or so); once it says
// true the runs are given up and none is returned.
std::vector<OpenedRun> assembleRuns(RawTrace &raw, const QString &source, QStringList &problems,
                                    const std::function<bool()> &stop = {});

} // namespace il::import
