#pragma once

#include "core/trace/event.h"

#include <QString>

#include <cstdint>

namespace il {

// Something that went wrong in a run, as data: what kind, where (lane, pid),
// which task it cost (if any), when, and a short technical detail ("exit
// code 3", "signal 9", "bad magic"). Executors record them; the trace carries
// them; the summary JSON and the Chrome trace export them; the window turns
// them into words in one place. Nothing downstream parses English.
enum class IncidentKind : std::uint8_t {
    WorkerCrashed,     // a worker process died mid-run (killed by a signal, or exited)
    WorkerHung,        // a worker passed its liveness limit (or --task-timeout) on a task
    ProtocolError,     // a worker sent garbage, a wrong version, an impossible event
    SpawnFailed,       // a worker could not be started or never said hello
    WorkerUnavailable, // run-level: no worker can run (missing executable, gave up respawning)
    TaskLost,          // run-level consequence: unstarted tasks failed because no worker was left
    EventsDropped,     // the recorder ran out of room and dropped events (count in detail)
    InternalError,     // the engine itself could not work (e.g. no timer); detail says why
};

const char *incidentKindName(IncidentKind kind); // "worker-crashed", "worker-hung", ...

struct Incident
{
    IncidentKind kind = IncidentKind::InternalError;
    // True when the run could not do its work at all (the run "failed": a
    // missing worker executable, no worker could be started). Other
    // incidents cost at most some tasks and the run went on.
    bool fatal = false;
    std::uint16_t lane = noLane;
    qint64 pid = 0;                // the worker process involved, 0 if none
    std::uint32_t task = noTask;   // the task it cost, noTask if none
    std::int64_t tNs = 0;          // CLOCK_MONOTONIC when it happened
    bool replaced = false;         // the worker was replaced and the run went on
    QString detail;                // short, technical, never parsed
};

} // namespace il
