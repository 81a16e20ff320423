#pragma once

#include "core/trace/trace.h"

#include <QByteArray>
#include <QStringList>

#include <vector>

namespace il {

// One task of one run, as the details table lists it: times in ms from the
// run's start (-1: never), time per kind from its spans.
struct TaskDetail
{
    std::uint32_t task = noTask;
    int lane = -1;        // the lane it ran on (-1: none, e.g. never started)
    double queuedMs = -1;
    double startMs = -1;
    double endMs = -1;
    double cpuMs = 0;     // wall time of its cpu spans
    double ioMs = 0;
    double ipcMs = 0;
    // Waiting while it could have run: queued before its start, gil-wait,
    // ready-wait, not running inside cpu, and any other wait kind.
    double waitMs = 0;
    TaskState state = TaskState::Pending;
};

// Every task of `trace`, in task order. One pass over the spans.
std::vector<TaskDetail> taskDetails(const Trace &trace);

// The same as CSV (a header, one row per detail in the order given), names
// quoted, for the clipboard.
QByteArray taskDetailsCsv(const std::vector<TaskDetail> &details, const QStringList &names, const QStringList &laneNames);

} // namespace il
