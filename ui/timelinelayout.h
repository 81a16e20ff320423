#pragma once

#include "timelinemodel.h"

#include <vector>

namespace ui {

// Vertical arrangement of the stacked runs: per run a header band then its
// rows. Computed once per (model revision, view), not per paint.
struct TimelineLayout
{
    static constexpr int rulerHeight = 28;
    static constexpr int headerHeight = 24;
    static constexpr int laneRowHeight = 22;
    static constexpr int taskRowHeight = 14;
    static constexpr int runGap = 8;
    static constexpr int labelWidth = 150;

    struct Band
    {
        int run = 0;
        int top = 0;       // content y of the header
        int rows = 0;
        int rowHeight = 0;
        int rowsTop() const { return top + headerHeight; }
        int bottom() const { return rowsTop() + rows * rowHeight; }
    };

    struct Hit
    {
        int run = -1;
        int row = -1;      // -1 on the header
        bool header = false;
        bool valid() const { return run >= 0; }
    };

    il::TimelineViewKind view = il::TimelineViewKind::ByLane;
    std::vector<Band> bands;
    int contentHeight = 0;

    static TimelineLayout compute(const il::TimelineModel &model, il::TimelineViewKind view);
    Hit hitAt(int contentY) const;
    // Content y range [top, bottom) of a row, or an empty pair if absent.
    std::pair<int, int> rowSpan(int run, int row) const;
};

} // namespace ui
