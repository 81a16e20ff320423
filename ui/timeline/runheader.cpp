#include "ui/timeline/runheader.h"

#include "core/analysis/advisor.h"
#include "core/analysis/machineload.h"
#include "core/base/englishplurals.h"
#include "core/base/wording.h"
#include "ui/text/incidenttext.h"

#include <QCoreApplication>

#include <algorithm>
#include <climits>
#include <cmath>

namespace ui {

namespace {
const QString separator = QStringLiteral(" · ");

QString trCount(const char *text, int n)
{
    return il::translateCount("TimelinePainter", text, n);
}
} // namespace

QString RunHeader::measuresText() const
{
    return measures.isEmpty() ? QString() : separator + measures.join(separator);
}

QString RunHeader::text(bool withProblem) const
{
    QString text = title + measuresText();
    if (withProblem && !problem.isEmpty())
        text += separator + problem;
    return text;
}

QString counterText(const il::CounterResult &c)
{
    if (c.lost() > 0)
        return QCoreApplication::translate("RunHeader", "counter %1: %2 lost of %3")
            .arg(il::printable(c.name), il::groupedCount(c.lost()), il::groupedCount(c.expected));
    if (c.lost() < 0) // never from a lab run: more than was added (a file edited by hand)
        return QCoreApplication::translate("RunHeader", "counter %1: %2, more than the %3 added")
            .arg(il::printable(c.name), il::groupedCount(c.finalValue), il::groupedCount(c.expected));
    return QCoreApplication::translate("RunHeader", "counter %1: %2 of %3, none lost")
        .arg(il::printable(c.name), il::groupedCount(c.finalValue), il::groupedCount(c.expected));
}

RunHeader RunHeader::of(const il::TimelineRun &run, std::size_t taskCount)
{
    const il::RunInfo &info = run.info();
    const int tasks = static_cast<int>(taskCount);
    RunHeader header;
    // A run opened from a file is named by it; one from another tool has no
    // mode, workers or ideal bound of ours.
    const bool foreign = !info.openedFrom.isEmpty() && info.cores == 0;
    header.title = runName(info);
    // --repeat: which repetition goes on, or that this is the median one.
    if (info.repeats > 1 && run.isLive())
        header.title += QCoreApplication::translate("RunHeader", " (repetition %1 of %2)").arg(info.repetition + 1).arg(info.repeats);
    header.measures << (foreign ? trCount("%n lane(s)", info.lanes) : trCount("%n worker(s)", info.workers));
    // Tasks that finished their work (not failed, not cancelled).
    const int finished = std::max(0, run.tasksDone() - run.failedTasks() - run.cancelledTasks());
    if (run.isCancelled()) {
        // A stopped run's ideal and efficiency compare a part with the whole: leave them out.
        const double ranMs = run.metrics() ? run.metrics()->makespanMs : static_cast<double>(run.extentNs()) / 1e6;
        header.measures << QStringLiteral("stopped after %1").arg(il::formatDurationMs(ranMs))
                        << trCount("%1/%n task(s) finished", tasks).arg(finished);
    } else if (run.trace() && run.trace()->failed() && finished == 0) {
        // Nothing ran (no worker could start): figures would only mislead.
        header.measures << QStringLiteral("no task finished");
    } else if (run.metrics() && foreign) {
        header.measures << QStringLiteral("makespan %1").arg(il::formatDurationMs(run.metrics()->makespanMs));
        if (run.trace())
            header.measures << QStringLiteral("%1 spans").arg(run.trace()->spans.size());
        // By task such a run is its header alone: say why (its lanes are
        // shown by lane).
        if (run.trace() && run.trace()->tasks.empty())
            header.measures << QCoreApplication::translate("RunHeader", "no tasks recognised");
    } else if (run.metrics()) {
        const il::Metrics &m = *run.metrics();
        header.measures << QStringLiteral("makespan %1").arg(il::formatDurationMs(m.makespanMs));
        if (m.repeat.makespansMs.size() > 1)
            header.measures << QCoreApplication::translate("RunHeader", "median of %1 (%2 – %3)")
                                   .arg(m.repeat.makespansMs.size())
                                   .arg(il::formatDurationMs(m.repeat.minMs()), il::formatDurationMs(m.repeat.maxMs()));
        // A set whose work has no declared length (only lock and counter
        // phases) has no bound to hold a run against: no ideal, no efficiency.
        // Nor has a run that finished none of its tasks (a deadlock failed
        // them all): its efficiency is not 0 %, there is none (the CLI's "–").
        if (m.idealMs > 0)
            header.measures << QStringLiteral("ideal %1").arg(il::formatDurationMs(m.idealMs));
        if (m.idealMs > 0 && m.efficiency > 0)
            header.measures << QStringLiteral("efficiency %1 %").arg(std::lround(m.efficiency * 100));
    } else if (run.isLive()) {
        header.measures << trCount("running… %1/%n task(s)", tasks).arg(run.tasksDone());
    }
    if (run.cancelledTasks() > 0)
        header.measures << QStringLiteral("%1 cancelled").arg(run.cancelledTasks());
    if (const il::TracePtr &trace = run.trace(); trace && trace->clocks.withinNs >= 0)
        header.measures << QCoreApplication::translate("RunHeader", "clocks aligned to ±%1")
                               .arg(il::formatDurationMs(double(trace->clocks.withinNs) / 1e6));
    // A warning about the figures, not a failure of the run: among the
    // measures, not in the failure colour.
    if (const il::TracePtr &trace = run.trace(); trace && trace->machineBusy > il::busyMachineShare)
        header.measures << QCoreApplication::translate("RunHeader", "⚠ machine busy: other programs used %1 % of the cores")
                               .arg(std::lround(trace->machineBusy * 100));
    QStringList problems;
    // Shared counters: what each came to. Updates lost are a failure of the
    // run's data, said in the failure colour; a counter that lost none is a
    // measure like the others.
    if (run.metrics()) {
        for (const il::CounterResult &c : run.metrics()->counters) {
            if (c.lost() != 0)
                problems << counterText(c);
            else
                header.measures << counterText(c);
        }
    }
    if (const QString text = runProblemText(run); !text.isEmpty())
        problems << text;
    if (const QString dropped = droppedEventsText(droppedEvents(run)); !dropped.isEmpty())
        problems << dropped;
    if (const il::TracePtr &trace = run.trace(); trace && trace->overflowSpans > 0)
        problems << trCount("%n span(s) did not nest on their track: drawn on overflow rows",
                            int(std::min<std::size_t>(trace->overflowSpans, INT_MAX)));
    header.problem = problems.join(separator);
    return header;
}

QString RunHeader::toolTip(const il::TimelineRun &run, std::size_t taskCount)
{
    QStringList lines{of(run, taskCount).text(false)};
    if (run.failedTasks() > 0)
        lines << trCount("%n task(s) failed (red end mark(s))", run.failedTasks());
    if (run.cancelledTasks() > 0)
        lines << trCount("%n task(s) cancelled by Stop", run.cancelledTasks());
    lines << runProblemLines(run); // an events-dropped incident among them
    if (const il::TracePtr &trace = run.trace(); trace && !trace->clocks.detail.isEmpty())
        lines << trace->clocks.detail;
    if (droppedEvents(run) > 0)
        lines << QCoreApplication::translate("RunHeader",
                                             "The timeline and the figures of this run miss the dropped events.");
    return lines.join(QLatin1Char('\n'));
}

std::uint64_t droppedEvents(const il::TimelineRun &run)
{
    return run.trace() ? run.trace()->eventsDropped : 0;
}

std::uint64_t droppedEvents(const il::TimelineModel &model)
{
    std::uint64_t dropped = 0;
    for (int r = 0; r < model.runCount(); ++r)
        if (const il::TimelineRun *run = model.findRun(r))
            dropped += droppedEvents(*run);
    return dropped;
}

QString droppedEventsText(std::uint64_t dropped)
{
    if (dropped == 0)
        return QString();
    // translateCount takes an int; the count can exceed one, so the English
    // plural is chosen here.
    return QCoreApplication::translate("RunHeader", dropped == 1 ? "⚠ %1 event dropped" : "⚠ %1 events dropped")
        .arg(dropped);
}

QString runName(const il::RunInfo &info)
{
    return info.openedFrom.isEmpty() ? il::modeName(info.mode) : info.openedFrom;
}

} // namespace ui
