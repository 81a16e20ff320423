#pragma once

#include "core/timeline/timelinemodel.h"

#include <QString>
#include <QStringList>

#include <cstdint>

namespace ui {

// What a run's header says, as separate fields: the painter draws the title
// in bold, the measures in the normal weight and the problem in the failure
// colour, each elided on its own, so nothing has to split a joined string.
struct RunHeader
{
    QString title;        // the mode: "processes"
    QStringList measures; // "2 workers", "makespan 120 ms", "ideal 90 ms", "efficiency 75 %", "1 cancelled"
    QString problem;      // what went wrong, one line; empty if nothing did

    // The measures as they follow the title: " · 2 workers · makespan …".
    QString measuresText() const;
    // "processes · 2 workers · makespan … · ⚠ worker 2 … replaced"; without
    // the problem if asked.
    QString text(bool withProblem = true) const;

    static RunHeader of(const il::TimelineRun &run, std::size_t taskCount);
    // The header's text, then every failure, incident and dropped event in full.
    static QString toolTip(const il::TimelineRun &run, std::size_t taskCount);
    // The same with the run's own number of tasks (runTaskCount).
    static RunHeader of(const il::TimelineRun &run) { return of(run, runTaskCount(run)); }
    static QString toolTip(const il::TimelineRun &run) { return toolTip(run, runTaskCount(run)); }
    // How many tasks the run has: its task set's, else its task rows'.
    static std::size_t runTaskCount(const il::TimelineRun &run)
    {
        return run.taskSet() ? run.taskSet()->tasks.size() : run.taskRows().size();
    }
};

// What a run is called: its mode, or the file it was opened from.
QString runName(const il::RunInfo &info);

// "counter hits: 4 lost of 400,000", "counter hits: 400,000 of 400,000, none lost".
QString counterText(const il::CounterResult &c);

// Events the recorder dropped in this run (0 while live: only the final
// trace knows).
std::uint64_t droppedEvents(const il::TimelineRun &run);
// Over every run of the comparison.
std::uint64_t droppedEvents(const il::TimelineModel &model);
// "⚠ 1234 events dropped"; empty for 0.
QString droppedEventsText(std::uint64_t dropped);

} // namespace ui
