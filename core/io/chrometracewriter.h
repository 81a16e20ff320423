#pragma once

#include "core/analysis/runresult.h"
#include "core/json/jsontextout.h" // ByteSink
#include "core/model/taskset.h"

#include <memory>
#include <vector>

namespace il {

// Streams the Chrome trace-event JSON of a comparison into `sink` (format in
// the README: one pid per run, one tid per lane, X events for tasks with
// their phases nested, after a run's tracks its incidents as instant events,
// "ph":"i", on their lane's track or, without a lane, across the run). Memory: one 1 MiB buffer (JsonTextOut) plus a few
// bytes per task and per event-loop wait to put each track in order,
// whatever the size of the trace; the text never exists in memory as a
// whole.
//
// Times are microseconds since each run's origin, taken from the integer
// nanoseconds of the engine with one rule: every instant is rounded to the
// nearest multiple of 1/8 µs (125 ns), and dur = rounded end - rounded
// start. Eighths of a microsecond are exact in binary floating point, so a
// viewer adding ts + dur as doubles (or converting to ns) gets exactly the
// rounded end: spans that touch in the engine touch in the file, and nested
// spans stay nested. Each track's events are written in start order, the
// enclosing event first.
//
// `runSets[i]`, where given and not null, names run i's tasks and locks (an
// opened file's own names, a kept run of another task set); the others are
// named from `set`, whose name the file carries.
//
// Returns false as soon as the sink refused a piece.
bool writeChromeTrace(const TaskSet &set, const std::vector<RunResultPtr> &runs, const ByteSink &sink,
                      const std::vector<std::shared_ptr<const TaskSet>> &runSets = {});

inline constexpr std::int64_t chromeTraceResolutionNs = 125;
// Track numbers (tid) in an export, which reading it back goes by: a lane's
// own is its index; the event loop's awaiting tasks have one each from
// chromeTaskTidBase; tasks queued at a worker (processes --prefetch) are on
// tracks beside it, lane l's chromeQueuedTidBase + l * chromeQueuedTracksPerLane + k.
inline constexpr int chromeTaskTidBase = 100000;
inline constexpr int chromeQueuedTidBase = 200000;
inline constexpr int chromeQueuedTracksPerLane = 128;

} // namespace il
