#pragma once

// What opening a trace file gives: read-only runs that sit on the same axis
// as the lab's own (core/import/traceopener.h reads them).

#include "core/analysis/runresult.h"
#include "core/model/taskset.h"

#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace il {

// One run of an opened file. Interleave's own export gives one per run it
// holds; any other file is one run with a lane per pid/tid (and a lane per
// nesting level below it, since call stacks nest).
struct OpenedRun
{
    RunResultPtr run;                     // trace + measures, like a lab run
    std::shared_ptr<const TaskSet> tasks; // task names (and phases when the file has them)
    QString source;                       // the file, as given
    QString title;                        // "app.json · 2 · threads (6 lanes)"
    QString recordedBy;                   // "Interleave", "VizTracer", "Dask", or empty when the file does not say
    bool foreign = true;                  // not written by Interleave: no mode, no ideal bound
    std::size_t spanCount = 0;
    std::size_t overflowCount = 0;        // spans that did not nest on their track: on "overflow" lanes
};

struct OpenResult
{
    std::vector<OpenedRun> runs;
    // Empty, or why the file could not be read to its end: "at byte 1234
    // (event 17): ..." with what was read before it kept in `runs`.
    QString error;
    // Events that were skipped, one line each (at most 20 listed), and what
    // was not drawn (flow arrows, counters).
    QStringList problems;
    std::size_t skippedEvents = 0;
    bool cancelled = false;

    bool ok() const { return error.isEmpty() && !cancelled; }
};

// Progress while a file is read: bytes done and the total (0 when unknown).
// Returning false stops the reading (OpenResult::cancelled).
using OpenProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

} // namespace il
