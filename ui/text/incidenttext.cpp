#include "ui/text/incidenttext.h"

#include "ui/text/englishplurals.h"

#include <QCoreApplication>

#include <algorithm>

namespace ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("IncidentText", text);
}

QString tr(const char *text, int n)
{
    return translateCount("IncidentText", text, n);
}

const std::vector<il::Incident> &incidentsOf(const il::TimelineRun &run)
{
    static const std::vector<il::Incident> none;
    return run.trace() ? run.trace()->incidents : none;
}

// Stop is the user's doing, not a problem of the run.
bool isProblem(const il::Incident &i)
{
    return i.kind != il::IncidentKind::Cancelled;
}

QString workerName(const il::Incident &i)
{
    const QString lane = i.lane == il::noLane ? tr("a worker") : tr("worker %1").arg(i.lane + 1);
    return i.pid ? tr("%1 (pid %2)").arg(lane).arg(i.pid) : lane;
}

// A worker process's incident: who, what happened, what it cost.
QString workerIncident(const il::Incident &i)
{
    using K = il::IncidentKind;
    QString what;
    switch (i.kind) {
    case K::WorkerCrashed: what = tr("crashed or was killed"); break;
    case K::WorkerExited: what = tr("exited with code %1").arg(i.value); break;
    case K::WorkerHung: what = tr("did not finish its task within the liveness limit of %1 ms").arg(i.value); break;
    case K::TaskTimeout: what = tr("did not finish its task within --task-timeout %1 ms").arg(i.value); break;
    case K::ProtocolError: what = tr("broke the worker protocol"); break;
    case K::SpawnFailed: what = tr("could not be started"); break;
    case K::NoHello: what = tr("did not say hello within %1 ms").arg(i.value); break;
    case K::ForeignHello: what = tr("said hello as pid %1, not as itself (not an interleave-worker?)").arg(i.value); break;
    case K::LaneGivenUp: what = tr("failed to start %n time(s) in a row: its lane is given up", int(i.value)); break;
    default: break;
    }
    QString text = tr("%1 %2").arg(workerName(i), what);
    if (i.task != il::noTask)
        text += tr("; task %1 failed").arg(i.task);
    if (i.replaced)
        text += tr("; worker replaced");
    return text;
}

QString fatalLine(const il::Incident &i, const il::RunInfo &info)
{
    return tr("error: %1").arg(incidentText(i, info));
}

const il::Incident *fatalOf(const il::TimelineRun &run)
{
    const auto &all = incidentsOf(run);
    const auto it = std::find_if(all.begin(), all.end(), [](const il::Incident &i) { return i.fatal(); });
    return it == all.end() ? nullptr : &*it;
}

} // namespace

// The path is already in the sentence; any other detail (a worker's last
// stderr line, what exactly was wrong) is shown as it came.
static QString detailText(const il::Incident &i)
{
    using K = il::IncidentKind;
    const bool pathInSentence = i.kind == K::WorkerMissing || i.kind == K::WorkerNotExecutable || i.kind == K::NoWorkerStarted
                                || i.kind == K::TaskRaised || i.kind == K::WorkerLost || i.kind == K::PythonUnavailable
                                || i.kind == K::RunnerFailed;
    return pathInSentence || i.detail.isEmpty() ? QString() : tr(" (%1)").arg(i.detail);
}

QString incidentText(const il::Incident &i, const il::RunInfo &info)
{
    using K = il::IncidentKind;
    const QString mode = il::modeName(info.mode);
    QString text;
    if (il::isWorkerIncident(i.kind))
        return workerIncident(i) + detailText(i);
    switch (i.kind) {
    case K::WorkerMissing: text = tr("%1: cannot start workers: %2 does not exist").arg(mode, i.detail); break;
    case K::WorkerNotExecutable: text = tr("%1: cannot start workers: %2 is not an executable file").arg(mode, i.detail); break;
    case K::NoWorkerStarted: text = tr("%1: no worker could be started from %2").arg(mode, i.detail); break;
    case K::FailuresInARow:
        text = tr("%1: gave up after %n worker failure(s) in a row with no task completed", int(i.value)).arg(mode);
        break;
    case K::TasksLost: text = tr("%n task(s) failed with no worker left to run them", int(i.value)); break;
    case K::EventsDropped:
        text = i.lane == il::noLane
                   ? tr("the recorder was full: %n event(s) dropped", int(i.value))
                   : tr("the recorder was full: %n event(s) of %1 dropped", int(i.value))
                         .arg(info.laneNames.value(i.lane, tr("lane %1").arg(i.lane + 1)));
        break;
    case K::Cancelled: text = tr("stopped: %n task(s) did not finish", int(i.value)); break;
    case K::InternalError: text = tr("%1: internal error").arg(mode); break;
    case K::TaskRaised: text = tr("task %1 raised %2").arg(i.task).arg(i.detail); break;
    case K::WorkerLost:
        text = tr("%1: Dask worker %2 was lost mid-run; Dask ran its tasks again elsewhere "
                  "(the lost attempts are not on the timeline)").arg(mode, i.detail);
        break;
    case K::PythonUnavailable: text = tr("%1: cannot run: %2").arg(mode, i.detail); break;
    case K::RunnerFailed: text = tr("%1: %2").arg(mode, i.detail); break;
    default: break; // the worker kinds, above
    }
    return text + detailText(i);
}

QString runProblemText(const il::TimelineRun &run)
{
    QStringList parts;
    if (const il::Incident *fatal = fatalOf(run))
        parts << fatalLine(*fatal, run.info()).section(QLatin1Char('\n'), 0, 0);
    if (run.failedTasks() > 0)
        parts << tr("%n failed", run.failedTasks());
    // Dropped events are not listed here: the run header adds them itself
    // (ui/timeline/runheader), and the status bar sums them.
    int others = 0;
    const il::Incident *first = nullptr;
    for (const il::Incident &i : incidentsOf(run)) {
        if (!isProblem(i) || i.fatal() || i.kind == il::IncidentKind::EventsDropped)
            continue;
        if (!first)
            first = &i;
        else
            ++others;
    }
    if (first) {
        QString note = tr("⚠ %1").arg(incidentText(*first, run.info()).section(QLatin1Char('\n'), 0, 0));
        if (others > 0)
            note += tr(" (+%n more)", others);
        parts << note;
    }
    return parts.join(tr(" · "));
}

QStringList runProblemLines(const il::TimelineRun &run)
{
    QStringList lines;
    for (const il::Incident &i : incidentsOf(run)) {
        if (i.fatal())
            lines << fatalLine(i, run.info());
        else if (isProblem(i))
            lines << tr("⚠ %1").arg(incidentText(i, run.info()));
    }
    return lines;
}

QString failureTextFor(const il::TimelineRun &run, std::uint32_t task)
{
    for (const il::Incident &i : incidentsOf(run))
        if (i.task == task)
            return incidentText(i, run.info());
    if (const il::Incident *fatal = fatalOf(run))
        return incidentText(*fatal, run.info());
    return QString();
}

QString comparisonProblemSummary(const il::TimelineModel &model)
{
    int failed = 0;
    int incidents = 0;
    int errors = 0;
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::TimelineRun &run = model.run(r);
        failed += run.failedTasks();
        for (const il::Incident &i : incidentsOf(run)) {
            errors += i.fatal();
            incidents += isProblem(i) && !i.fatal();
        }
    }
    QStringList parts;
    if (failed > 0)
        parts << tr("%n failed", failed);
    if (incidents > 0)
        parts << tr("%n incident(s)", incidents);
    if (errors > 0)
        parts << tr("%n run error(s)", errors);
    return parts.join(tr(" · "));
}

QStringList comparisonProblemLines(const il::TimelineModel &model)
{
    QStringList lines;
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::TimelineRun &run = model.run(r);
        const QString mode = il::modeName(run.info().mode);
        QStringList notes;
        for (const il::Incident &i : incidentsOf(run)) {
            if (i.fatal())
                lines << tr("%1: %2").arg(mode, fatalLine(i, run.info()));
            else if (isProblem(i))
                notes << incidentText(i, run.info());
        }
        QString line;
        if (run.failedTasks() > 0)
            line = tr("%n task(s) failed", run.failedTasks());
        if (!notes.isEmpty())
            line += (line.isEmpty() ? QString() : tr(" — ")) + notes.join(tr("; "));
        if (!line.isEmpty())
            lines << tr("%1: %2").arg(mode, line);
    }
    return lines;
}

} // namespace ui
