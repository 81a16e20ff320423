#include "incidentwords.h"

#include "core/base/wording.h"

namespace app {

namespace {

QString worker(const il::Incident &i)
{
    const QString lane = i.lane == il::noLane ? QStringLiteral("a worker") : QStringLiteral("worker %1").arg(i.lane + 1);
    return i.pid ? QStringLiteral("%1 (pid %2)").arg(lane).arg(i.pid) : lane;
}

// What happened to the worker, without who and what it cost.
QString workerEvent(const il::Incident &i)
{
    using K = il::IncidentKind;
    switch (i.kind) {
    case K::WorkerCrashed: return QStringLiteral("crashed or was killed");
    case K::WorkerExited: return QStringLiteral("exited with code %1").arg(i.value);
    case K::WorkerHung:
        return QStringLiteral("did not finish task %1 within %2").arg(i.task).arg(
            i.detail.isEmpty() ? QStringLiteral("the liveness limit %1 ms").arg(i.value) : i.detail);
    case K::TaskTimeout: return QStringLiteral("did not finish task %1 within --task-timeout %2 ms").arg(i.task).arg(i.value);
    case K::ProtocolError: return QStringLiteral("sent bad data (%1)").arg(i.detail);
    case K::SpawnFailed: return QStringLiteral("failed to start: %1").arg(i.detail);
    case K::NoHello: return QStringLiteral("did not send its hello within %1 ms").arg(i.value);
    case K::ForeignHello:
        return QStringLiteral("said hello as pid %1, not as its own (an echo of ours? not an interleave-worker)").arg(i.value);
    case K::LaneGivenUp: return QStringLiteral("failed to start %1 times in a row: giving up on this lane").arg(i.value);
    default: return QString();
    }
}

// The detail is part of the sentence for these kinds; for the others it is
// extra (a worker's last stderr line) and follows after a dash.
bool detailInSentence(il::IncidentKind kind)
{
    using K = il::IncidentKind;
    return kind == K::WorkerHung || kind == K::ProtocolError || kind == K::SpawnFailed || kind == K::WorkerMissing
           || kind == K::WorkerNotExecutable || kind == K::NoWorkerStarted || kind == K::InternalError
           || kind == K::TaskRaised || kind == K::WorkerLost || kind == K::PythonUnavailable || kind == K::RunnerFailed;
}

} // namespace

QString incidentWords(const il::Incident &i, const il::RunInfo &info)
{
    using K = il::IncidentKind;
    const QString mode = il::modeName(info.mode);
    QString text;
    if (il::isWorkerIncident(i.kind)) {
        text = QStringLiteral("%1 %2").arg(worker(i), workerEvent(i));
        // The worker's own words right after what it did, then what it cost.
        if (!detailInSentence(i.kind) && !i.detail.isEmpty())
            text += QStringLiteral(" — ") + i.detail;
        if (i.task != il::noTask)
            text += QStringLiteral("; task %1 failed").arg(i.task);
        if (i.replaced)
            text += QStringLiteral("; worker replaced");
        return text;
    }
    switch (i.kind) {
    case K::WorkerMissing: text = QStringLiteral("%1: cannot start workers: %2 does not exist").arg(mode, i.detail); break;
    case K::WorkerNotExecutable:
        text = QStringLiteral("%1: cannot start workers: %2 is not an executable file").arg(mode, i.detail);
        break;
    case K::NoWorkerStarted: text = QStringLiteral("%1: no worker could be started from %2").arg(mode, i.detail); break;
    case K::FailuresInARow:
        text = QStringLiteral("%1: gave up after %2 worker failures in a row with no task completed").arg(mode).arg(i.value);
        break;
    case K::TasksLost: text = QStringLiteral("%1 failed with no worker left to run them").arg(il::plural(int(i.value), "task")); break;
    case K::EventsDropped:
        text = QStringLiteral("the recorder was full: %1 dropped").arg(il::plural(int(i.value), "event"));
        if (i.lane != il::noLane)
            text += QStringLiteral(" on %1").arg(info.laneNames.value(i.lane, QStringLiteral("lane %1").arg(i.lane + 1)));
        break;
    case K::Cancelled: text = QStringLiteral("stopped: %1 did not finish").arg(il::plural(int(i.value), "task")); break;
    case K::InternalError: text = QStringLiteral("%1: internal error: %2").arg(mode, i.detail); break;
    case K::TaskRaised: text = QStringLiteral("task %1 raised %2").arg(i.task).arg(i.detail); break;
    case K::WorkerLost:
        text = QStringLiteral("%1: Dask worker %2 was lost mid-run; Dask ran its tasks again elsewhere "
                              "(the lost attempts are not on the timeline)").arg(mode, i.detail);
        break;
    case K::PythonUnavailable: text = QStringLiteral("%1: cannot run: %2").arg(mode, i.detail); break;
    case K::RunnerFailed: text = QStringLiteral("%1: %2").arg(mode, i.detail); break;
    default: break; // worker kinds: above
    }
    if (!detailInSentence(i.kind) && !i.detail.isEmpty())
        text += QStringLiteral(" — ") + i.detail;
    return text;
}

} // namespace app
