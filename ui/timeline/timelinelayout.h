#pragma once

#include "core/timeline/timelinemodel.h"

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
    // Compact rows (View → Compact rows): many rows at a glance, no names.
    static constexpr int compactLaneRowHeight = 8;
    static constexpr int compactTaskRowHeight = 4;
    static constexpr int runGap = 8;
    static constexpr int labelWidth = 150;
    static constexpr int footerHeight = 20; // "… N more rows not shown" under a cut band

    struct Band
    {
        int run = 0;
        int top = 0;       // content y of the header
        int rows = 0;      // rows shown: the run's first `rows` rows
        int hiddenRows = 0; // rows of the run left out (pictures with a height cap only)
        int rowHeight = 0;
        int collapsedRows = 0; // collapsed: the header only, these rows folded away
        int rowsTop() const { return top + headerHeight; }
        int rowsBottom() const { return rowsTop() + rows * rowHeight; }
        int bottom() const { return rowsBottom() + (hiddenRows > 0 ? footerHeight : 0); }
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
    // The model revision the bands describe (0: none). Band indices and row
    // counts are only meaningful for that revision; see isCurrentFor().
    std::uint64_t revision = 0;

    // With maxContentHeight > 0 (a saved picture), runs with more rows than
    // fit are cut to their first rows, sharing the height so every run keeps
    // its header; each cut band says how many rows it left out.
    // `collapsed` (by run index): runs shown as their header alone.
    static TimelineLayout compute(const il::TimelineModel &model, il::TimelineViewKind view,
                                  int maxContentHeight = 0, const std::vector<bool> &collapsed = {},
                                  bool compact = false);
    std::vector<bool> collapsed; // what it was computed with
    bool compact = false;
    int hiddenRows() const; // over all bands
    int shownRowsPerCutRun() const; // the most rows any cut band shows; 0 if none is cut
    // True if the layout was computed from `model` as it is now, for `view`.
    bool isCurrentFor(const il::TimelineModel &model, il::TimelineViewKind view) const
    {
        return revision == model.revision() && this->view == view;
    }
    Hit hitAt(int contentY) const;
    // Content y range [top, bottom) of a row, or an empty pair if absent.
    std::pair<int, int> rowSpan(int run, int row) const;
};

} // namespace ui
