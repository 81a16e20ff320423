#pragma once

#include "core/trace/event.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace il {

// Something that went wrong in a run, as data: what kind, where (lane, pid),
// which task it cost (if any), when, a number whose meaning the kind gives,
// and a short technical detail: what exactly ("frame too large (…)", a
// path), then for a worker its last stderr line after "stderr: ". Executors record them; the trace carries them; the summary
// JSON and the Chrome trace export them; the window and the CLI turn them
// into words, each in one place. Nothing downstream parses English: the
// kind, lane, pid, task and value say everything a program needs; the
// detail is only ever shown.
//
// `value` per kind (0 where none is listed):
enum class IncidentKind : std::uint8_t {
    // One worker process (lane and pid set; task set when it had one):
    WorkerCrashed,   // killed by a signal (its own crash, or a kill from outside)
    WorkerExited,    // exited by itself, unasked; value: exit code
    WorkerHung,      // did not finish `task` within the liveness limit; value: the limit in ms
                     // (detail: the limit and how it was derived, "the liveness limit 5900 ms (5 s + 3 × 300 ms declared)")
    TaskTimeout,     // did not finish `task` within --task-timeout; value: that timeout in ms
    ProtocolError,   // spoke garbage: a bad frame, another protocol version, an impossible event,
                     // or an Error frame of its own (detail: what exactly)
    SpawnFailed,     // the worker program could not be executed (detail: the system's reason)
    NoHello,         // started but sent no hello in time; value: the limit in ms
    ForeignHello,    // its hello named another process; value: the pid it named (an echo of ours,
                     // like /bin/cat, or a wrapper that did not exec the worker)
    LaneGivenUp,     // the lane stops replacing its worker; value: failed starts in a row
    // The whole run (lane and pid absent unless said):
    WorkerMissing,       // fatal: the worker executable does not exist (detail: its path)
    WorkerNotExecutable, // fatal: it is not an executable file (detail: its path)
    NoWorkerStarted,     // fatal: every lane in use gave up (detail: the worker's path)
    FailuresInARow,      // fatal: value workers failed after their hello with no task completed between
    TasksLost,           // value tasks failed without a worker (after a fatal incident)
    EventsDropped,       // the recorder was full: value events of one writer dropped (lane: its lane, if one)
    Cancelled,           // Stop: value tasks did not finish (time: when Stop was pressed)
    InternalError,       // fatal: the engine itself could not work (detail: why, e.g. no timer)
    // The Python modes and dask (core/modes/python):
    TaskRaised,          // `task`'s code raised in the runner or on the cluster (detail: the exception)
    WorkerLost,          // a Dask worker left mid-run; Dask ran its tasks again elsewhere (detail: its name)
    PythonUnavailable,   // fatal: no usable interpreter, or no dask.distributed for it (detail: why)
    RunnerFailed,        // fatal: the Python runner could not do the run (detail: what happened,
                         // e.g. it crashed, hung, sent bad data, or its cluster refused the run)
    // Shared state (locks and counters):
    Deadlock,            // tasks waited for each other's locks in a cycle: they failed and gave
                         // their locks up; value: tasks in the cycle; task: the first of them;
                         // detail: the cycle ("task 3 holds A, waits for B; task 5 holds B, waits for A")
    UnsupportedPhases,   // fatal: the mode cannot run lock or counter phases (yet); nothing ran
                         // (detail: which phase kinds the set has)
};
inline constexpr IncidentKind lastIncidentKind = IncidentKind::UnsupportedPhases;

// The kind whose incidentKindName() is `name`, if any.
std::optional<IncidentKind> incidentKindFromName(QStringView name);

const char *incidentKindName(IncidentKind kind); // "worker-crashed", "worker-hung", ... (stable: in files)
// A fatal incident means the run could not do its work at all: the run failed.
bool isFatal(IncidentKind kind);
// Whether Incident::value means something for this kind (exported as null otherwise).
bool hasValue(IncidentKind kind);
// An incident of one worker process: lane and pid say which (the first nine kinds).
bool isWorkerIncident(IncidentKind kind);

struct Incident
{
    IncidentKind kind = IncidentKind::InternalError;
    std::uint16_t lane = noLane;
    qint64 pid = 0;              // the worker process involved, 0 if none
    std::uint32_t task = noTask; // the task it cost, noTask if none
    std::int64_t tNs = 0;        // CLOCK_MONOTONIC when it happened
    std::int64_t value = 0;      // see IncidentKind
    bool replaced = false;       // the worker was replaced and the run went on
    QString detail;              // short, technical, never parsed

    bool fatal() const { return isFatal(kind); }
};

} // namespace il
