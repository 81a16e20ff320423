#include "core/trace/event.h"
#include "core/trace/incident.h"

namespace il {

const char *spanKindName(SpanKind kind)
{
    switch (kind) {
    case SpanKind::Cpu: return "cpu";
    case SpanKind::Io: return "io";
    case SpanKind::GilWait: return "gil-wait";
    case SpanKind::Spawn: return "spawn";
    case SpanKind::Ipc: return "ipc";
    case SpanKind::Ready: return "ready-wait";
    case SpanKind::NotRunning: return "not-running";
    case SpanKind::None: break;
    }
    return "none";
}

const char *incidentKindName(IncidentKind kind)
{
    switch (kind) {
    case IncidentKind::WorkerCrashed: return "worker-crashed";
    case IncidentKind::WorkerHung: return "worker-hung";
    case IncidentKind::ProtocolError: return "protocol-error";
    case IncidentKind::SpawnFailed: return "spawn-failed";
    case IncidentKind::WorkerUnavailable: return "worker-unavailable";
    case IncidentKind::TaskLost: return "task-lost";
    case IncidentKind::EventsDropped: return "events-dropped";
    case IncidentKind::InternalError: return "internal-error";
    }
    return "unknown";
}

} // namespace il
