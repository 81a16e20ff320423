#pragma once

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timemapping.h"

#include <QRect>
#include <QString>

#include <unordered_map>
#include <vector>

class QPainter;

namespace ui {

// Everything one frame of the timeline depends on.
struct TimelineScene
{
    const il::TimelineModel *model = nullptr;
    const TimelineLayout *layout = nullptr;
    TimeMapping mapping;        // mapping.left is the x where the time axis starts
    int scrollY = 0;            // content y at the top of the rows area
    std::uint32_t highlightTask = il::noTask;
    bool hasSelection = false;
    double selectionFromNs = 0;
    double selectionToNs = 0;
    const std::vector<QString> *headerNotes = nullptr; // per run, right-aligned in its header
};

// Paints the ruler, run headers, row labels and items of a TimelineScene onto
// any QPainter (widget, QImage, QSvgGenerator). Only the visible index range
// of each visible row is visited; items narrower than a pixel are merged and
// whatever a pixel already covers is skipped by binary search; rectangles are
// batched per kind and the resulting geometry is cached per (model revision,
// view, mapping, width), so hover repaints cost almost nothing.
class TimelinePainter
{
public:
    void paint(QPainter &painter, const QRect &rect, const TimelineScene &scene, const SpanStyle &style);
    void invalidate() { m_cache.clear(); }

    // "processes · 2 workers · makespan … · 1 failed · ⚠ worker 2 … replaced";
    // without the problems (drawn apart, in the failure colour) if asked.
    static QString runHeaderText(const il::TimelineRun &run, std::size_t taskCount, bool withProblems = true);
    // The header text, then every error and note of the run in full.
    static QString runHeaderToolTip(const il::TimelineRun &run, std::size_t taskCount);
    // "… 19,919 more tasks not shown: …": the footer of a band cut to fit a picture.
    static QString hiddenRowsText(il::TimelineViewKind view, int hidden, int total);
    static QString rowLabel(const il::TimelineModel &model, const il::TimelineRun &run,
                            il::TimelineViewKind view, int row);

    struct Segment
    {
        int x0 = 0;
        int x1 = 0;
        il::ItemKind kind = il::ItemKind::Cpu;
        bool taskStart = false; // a different task than the segment before it begins here
    };
    // Merged pixel segments of `row` between x = left and left + width (exposed for tests).
    static void buildSegments(const il::TimelineRow &row, const TimeMapping &mapping, int width,
                              std::vector<Segment> &out);

private:
    struct CacheKey
    {
        std::uint64_t revision = 0;
        il::TimelineViewKind view = il::TimelineViewKind::ByLane;
        double startNs = 0;
        double nsPerPx = 0;
        double left = 0;
        int width = 0;
        std::uint32_t highlight = il::noTask;
        bool operator==(const CacheKey &) const = default;
    };
    struct RowGeometry
    {
        std::vector<Segment> segments;
        std::vector<std::pair<int, int>> highlight; // x ranges of the highlighted task
    };
    const RowGeometry &geometry(const il::TimelineRow &row, const TimelineScene &scene,
                                il::TimelineViewKind view, int width);

    CacheKey m_key;
    std::unordered_map<const il::TimelineRow *, RowGeometry> m_cache;
};

} // namespace ui
