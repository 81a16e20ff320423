#include "core/trace/incidentwords.h"

#include "core/base/englishplurals.h"

#include <QCoreApplication>

#include <algorithm>
#include <climits>

namespace il {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("IncidentWords", text);
}

QString tr(const char *text, qint64 n)
{
    return translateCount("IncidentWords", text, int(std::clamp<qint64>(n, INT_MIN, INT_MAX)));
}

QString workerName(const Incident &i)
{
    const QString lane = i.lane == noLane ? tr("a worker") : tr("worker %1").arg(i.lane + 1);
    return i.pid ? tr("%1 (pid %2)").arg(lane).arg(i.pid) : lane;
}

// What happened to the worker, without who and what it cost.
QString workerEvent(const Incident &i)
{
    using K = IncidentKind;
    switch (i.kind) {
    case K::WorkerCrashed: return tr("crashed or was killed");
    case K::WorkerExited: return tr("exited with code %1").arg(i.value);
    case K::WorkerHung:
        return tr("did not finish task %1 within %2")
            .arg(i.task)
            .arg(i.detail.isEmpty() ? tr("the liveness limit %1 ms").arg(i.value) : i.detail);
    case K::TaskTimeout: return tr("did not finish task %1 within --task-timeout %2 ms").arg(i.task).arg(i.value);
    case K::ProtocolError: return tr("sent bad data (%1)").arg(i.detail);
    case K::SpawnFailed: return tr("failed to start: %1").arg(i.detail);
    case K::NoHello: return tr("did not send its hello within %1 ms").arg(i.value);
    case K::ForeignHello:
        return tr("said hello as pid %1, not as its own (an echo of ours? not an interleave-worker)").arg(i.value);
    case K::LaneGivenUp: return tr("failed to start %n time(s) in a row: giving up on this lane", i.value);
    default: return QString();
    }
}

// The detail is part of the sentence for these kinds; for the others it
// follows after a dash.
bool detailInSentence(IncidentKind kind)
{
    using K = IncidentKind;
    switch (kind) {
    case K::WorkerHung:
    case K::ProtocolError:
    case K::SpawnFailed:
    case K::WorkerMissing:
    case K::WorkerNotExecutable:
    case K::NoWorkerStarted:
    case K::InternalError:
    case K::TaskRaised:
    case K::WorkerLost:
    case K::PythonUnavailable:
    case K::RunnerFailed:
    case K::Deadlock:
    case K::UnsupportedPhases:
        return true;
    default:
        return false;
    }
}

} // namespace

QString incidentWords(const Incident &i, const RunInfo &info)
{
    using K = IncidentKind;
    const QString mode = modeName(info.mode);
    QString text;
    if (isWorkerIncident(i.kind)) {
        text = tr("%1 %2").arg(workerName(i), workerEvent(i));
        // The worker's own words right after what it did, then what it cost.
        if (!detailInSentence(i.kind) && !i.detail.isEmpty())
            text += tr(" — %1").arg(i.detail);
        if (i.task != noTask && i.kind != K::WorkerHung && i.kind != K::TaskTimeout)
            text += tr("; task %1 failed").arg(i.task);
        else if (i.task != noTask)
            text += tr("; it failed");
        if (i.replaced)
            text += tr("; worker replaced");
        return text;
    }
    switch (i.kind) {
    case K::WorkerMissing: text = tr("%1: cannot start workers: %2 does not exist").arg(mode, i.detail); break;
    case K::WorkerNotExecutable:
        text = tr("%1: cannot start workers: %2 is not an executable file").arg(mode, i.detail);
        break;
    case K::NoWorkerStarted: text = tr("%1: no worker could be started from %2").arg(mode, i.detail); break;
    case K::FailuresInARow:
        text = tr("%1: gave up after %n worker failure(s) in a row with no task completed", i.value).arg(mode);
        break;
    case K::TasksLost: text = tr("%n task(s) failed with no worker left to run them", i.value); break;
    case K::EventsDropped:
        text = i.lane == noLane ? tr("the recorder was full: %n event(s) dropped", i.value)
                                : tr("the recorder was full: %n event(s) dropped on %1", i.value)
                                      .arg(info.laneNames.value(i.lane, tr("lane %1").arg(i.lane + 1)));
        break;
    case K::Cancelled: text = tr("stopped: %n task(s) did not finish", i.value); break;
    case K::InternalError: text = tr("%1: internal error: %2").arg(mode, i.detail); break;
    case K::TaskRaised: text = tr("task %1 raised %2").arg(i.task).arg(i.detail); break;
    case K::WorkerLost:
        text = tr("%1: Dask worker %2 was lost mid-run; Dask ran its tasks again elsewhere "
                  "(the lost attempts are not on the timeline)")
                   .arg(mode, i.detail);
        break;
    case K::PythonUnavailable: text = tr("%1: cannot run: %2").arg(mode, i.detail); break;
    case K::RunnerFailed: text = tr("%1: %2").arg(mode, i.detail); break;
    case K::Deadlock:
        text = tr("deadlock: %1; the %n task(s) of the cycle failed and gave up their locks", i.value).arg(i.detail);
        break;
    case K::UnsupportedPhases:
        text = tr("%1: does not support lock and counter phases yet (the task set has %2); "
                  "every other mode runs them")
                   .arg(mode, i.detail);
        break;
    default: break; // worker kinds: above
    }
    if (!detailInSentence(i.kind) && !i.detail.isEmpty())
        text += tr(" — %1").arg(i.detail);
    return text;
}

} // namespace il
