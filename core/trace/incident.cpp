#include "core/trace/incident.h"

namespace il {

const char *incidentKindName(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerCrashed: return "worker-crashed";
    case IncidentKind::WorkerExited: return "worker-exited";
    case IncidentKind::WorkerHung: return "worker-hung";
    case IncidentKind::TaskTimeout: return "task-timeout";
    case IncidentKind::ProtocolError: return "protocol-error";
    case IncidentKind::SpawnFailed: return "spawn-failed";
    case IncidentKind::NoHello: return "no-hello";
    case IncidentKind::ForeignHello: return "foreign-hello";
    case IncidentKind::LaneGivenUp: return "lane-given-up";
    case IncidentKind::WorkerMissing: return "worker-missing";
    case IncidentKind::WorkerNotExecutable: return "worker-not-executable";
    case IncidentKind::NoWorkerStarted: return "no-worker-started";
    case IncidentKind::FailuresInARow: return "failures-in-a-row";
    case IncidentKind::TasksLost: return "tasks-lost";
    case IncidentKind::EventsDropped: return "events-dropped";
    case IncidentKind::Cancelled: return "cancelled";
    case IncidentKind::InternalError: return "internal-error";
    }
    return "unknown";
}

bool isFatal(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerMissing:
    case IncidentKind::WorkerNotExecutable:
    case IncidentKind::NoWorkerStarted:
    case IncidentKind::FailuresInARow:
    case IncidentKind::InternalError:
        return true;
    default:
        return false;
    }
}

bool hasValue(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerExited:
    case IncidentKind::WorkerHung:
    case IncidentKind::TaskTimeout:
    case IncidentKind::NoHello:
    case IncidentKind::ForeignHello:
    case IncidentKind::LaneGivenUp:
    case IncidentKind::FailuresInARow:
    case IncidentKind::TasksLost:
    case IncidentKind::EventsDropped:
    case IncidentKind::Cancelled:
        return true;
    default:
        return false;
    }
}

bool isWorkerIncident(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerCrashed:
    case IncidentKind::WorkerExited:
    case IncidentKind::WorkerHung:
    case IncidentKind::TaskTimeout:
    case IncidentKind::ProtocolError:
    case IncidentKind::SpawnFailed:
    case IncidentKind::NoHello:
    case IncidentKind::ForeignHello:
    case IncidentKind::LaneGivenUp:
        return true;
    default:
        return false;
    }
}

} // namespace il
