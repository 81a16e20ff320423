#pragma once

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/timemapping.h"

#include <QString>

#include <vector>

namespace ui {

struct TimelineLayout;

// Everything one frame of the timeline depends on.
struct TimelineScene
{
    const il::TimelineModel *model = nullptr;
    const TimelineLayout *layout = nullptr;
    TimeMapping mapping;        // mapping.left is the x where the time axis starts
    int scrollY = 0;            // content y at the top of the rows area
    std::uint32_t highlightTask = il::noTask;
    // The runs the highlighted task is in: those named from one set
    // (TimelineModel::namesGroup), -1 for every run.
    int highlightGroup = -1;
    bool hasSelection = false;
    double selectionFromNs = 0;
    double selectionToNs = 0;
    const std::vector<QString> *headerNotes = nullptr; // per run, right-aligned in its header
    bool showHandoffs = true; // lock handoff arrows (View menu)
    bool showQueueArrows = false; // queued -> started on a lane (View menu)
    bool showWakeArrows = false;  // event loop: io ended -> the loop ran the task (View menu)
    bool collapsible = false; // headers show a fold arrow (on screen, not in pictures)
    bool spanNames = true;    // names inside the bars that have room (the benchmark weighs them)
    // Find (Ctrl+F): per group of runs (by its first run, namesGroup) and
    // task, 1 if the task's name there matched; tinted in the task view.
    const std::vector<std::vector<std::uint8_t>> *matches = nullptr;
    bool isMatch(int group, std::uint32_t task) const
    {
        if (!matches || group < 0 || std::size_t(group) >= matches->size())
            return false;
        const std::vector<std::uint8_t> &m = (*matches)[std::size_t(group)];
        return task < m.size() && m[task];
    }
    // The task highlighted in run `run`: noTask where the highlight is in
    // runs of other tasks.
    std::uint32_t highlightIn(int run) const
    {
        return highlightGroup < 0 || (model && model->namesGroup(run) == highlightGroup) ? highlightTask : il::noTask;
    }
};

} // namespace ui
