#include "ui/text/incidenttext.h"

#include "core/base/englishplurals.h"
#include "core/base/wording.h"
#include "core/trace/incidentwords.h"

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
    return il::translateCount("IncidentText", text, n);
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

QString incidentText(const il::Incident &i, const il::RunInfo &info)
{
    return il::incidentWords(i, info);
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
    // What went wrong, each once with every run it happened in: the same
    // deadlock in four modes is one line naming the four, not four lines.
    il::SaidOnce problems;
    const auto add = [&](const QString &mode, const QString &text) { problems.add(text, mode); };
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::TimelineRun &run = model.run(r);
        const QString mode = il::modeName(run.info().mode);
        QStringList notes;
        for (const il::Incident &i : incidentsOf(run)) {
            if (i.fatal())
                add(mode, fatalLine(i, run.info()));
            else if (isProblem(i))
                notes << incidentText(i, run.info());
        }
        QString line;
        if (run.failedTasks() > 0)
            line = tr("%n task(s) failed", run.failedTasks());
        if (!notes.isEmpty())
            line += (line.isEmpty() ? QString() : tr(" — ")) + notes.join(tr("; "));
        if (!line.isEmpty())
            add(mode, line);
    }
    QStringList lines;
    for (const auto &[text, modes] : problems.items()) {
        // Two runs of one mode (stacked from the history): "threads (2 runs)".
        QStringList seen, who;
        for (const QString &mode : modes) {
            if (seen.contains(mode))
                continue;
            seen << mode;
            who << (modes.count(mode) > 1 ? tr("%1 (%2 runs)").arg(mode).arg(modes.count(mode)) : mode);
        }
        lines << tr("%1: %2").arg(il::andList(who), text);
    }
    return lines;
}

} // namespace ui
