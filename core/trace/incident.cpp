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
    case IncidentKind::TaskRaised: return "task-raised";
    case IncidentKind::WorkerLost: return "worker-lost";
    case IncidentKind::PythonUnavailable: return "python-unavailable";
    case IncidentKind::RunnerFailed: return "runner-failed";
    case IncidentKind::Deadlock: return "deadlock";
    case IncidentKind::UnsupportedPhases: return "unsupported-phases";
    }
    return "unknown";
}

std::optional<IncidentKind> incidentKindFromName(QStringView name)
{
    for (int k = 0; k <= int(lastIncidentKind); ++k)
        if (name == QLatin1String(incidentKindName(IncidentKind(k))))
            return IncidentKind(k);
    return std::nullopt;
}

bool isFatal(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerMissing:
    case IncidentKind::WorkerNotExecutable:
    case IncidentKind::NoWorkerStarted:
    case IncidentKind::FailuresInARow:
    case IncidentKind::InternalError:
    case IncidentKind::PythonUnavailable:
    case IncidentKind::RunnerFailed:
    case IncidentKind::UnsupportedPhases:
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
    case IncidentKind::Deadlock:
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
