#include "core/trace/event.h"

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
    case SpanKind::LockWait: return "lock-wait";
    case SpanKind::QueuedAt: return "queued-at";
    case SpanKind::None: break;
    }
    return "none";
}

} // namespace il
