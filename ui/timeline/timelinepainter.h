#pragma once

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/rowgeometry.h"
#include "ui/timeline/spannames.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinescene.h"
#include "ui/timeline/timemapping.h"

#include <QRect>
#include <QString>

#include <vector>

class QPainter;

namespace ui {

// Paints the ruler, run headers, row labels and items of a TimelineScene onto
// any QPainter (widget, QImage, QSvgGenerator), in render passes over one
// PaintContext (ui/timeline/passes/). Only the visible index range of each
// visible row is visited; rectangles are batched per kind and the row
// geometry is cached per (model revision, view, mapping, width), so hover
// repaints cost almost nothing.
class TimelinePainter
{
public:
    void paint(QPainter &painter, const QRect &rect, const TimelineScene &scene, const SpanStyle &style);
    void invalidate() { m_geometry.clear(); }
    // Lock handoff arrows the last paint drew (for tests).
    int lastArrowCount() const { return m_lastArrows; }
    // Queue and wake-up arrows the last paint collected (for tests and the benchmark).
    int lastQueueArrowCount() const { return m_lastQueueArrows; }
    int lastWakeArrowCount() const { return m_lastWakeArrows; }
    // Names the last paint drew in bars (for tests and the benchmark).
    int lastSpanNameCount() const { return m_lastSpanNames; }

    // "processes · 2 workers · makespan … · 1 failed · ⚠ worker 2 … replaced";
    // without the problems (drawn apart, in the failure colour) if asked.
    // The header itself is RunHeader::of(run, taskCount).
    static QString runHeaderText(const il::TimelineRun &run, std::size_t taskCount, bool withProblems = true);
    // The header text, then every error and note of the run in full.
    static QString runHeaderToolTip(const il::TimelineRun &run, std::size_t taskCount);
    // "… 19,919 more tasks not shown: …": the footer of a band cut to fit a picture.
    static QString hiddenRowsText(il::TimelineViewKind view, int hidden, int total);
    static QString rowLabel(const il::TimelineRun &run, il::TimelineViewKind view, int row);

    using Segment = ui::Segment;
    // Merged pixel segments of `row` (exposed for tests): see ui::buildSegments.
    static void buildSegments(const il::TimelineRow &row, const TimeMapping &mapping, int width,
                              std::vector<Segment> &out)
    {
        ui::buildSegments(row, mapping, width, out);
    }

private:
    RowGeometryCache m_geometry;
    SpanNameCache m_names; // kept across invalidate(): names do not change with the geometry
    int m_lastArrows = 0;
    int m_lastQueueArrows = 0;
    int m_lastWakeArrows = 0;
    int m_lastSpanNames = 0;
};

} // namespace ui
