#pragma once

#include "ui/timeline/rowgeometry.h"
#include "ui/timeline/runheader.h"
#include "ui/timeline/spannames.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinescene.h"
#include "ui/timeline/timemapping.h"

#include <QFont>
#include <QFontMetrics>
#include <QPointF>
#include <QRect>
#include <QStaticText>
#include <QString>

#include <array>
#include <utility>
#include <vector>

class QPainter;

namespace ui {

// A band of the layout that is on screen, with its run and the rows in view.
struct VisibleBand
{
    const TimelineLayout::Band *band = nullptr;
    const il::TimelineRun *run = nullptr;
    int firstRow = 0;
    int lastRow = -1; // inclusive; < firstRow when no row is in view
};

// What the passes collect before anything is drawn, so that every kind of
// bar goes out in one batch and text lands above every bar of every run.
struct PaintBatches
{
    struct EndMark { QRect bar; int capTop = 0; int capHeight = 0; bool failed = false; };
    struct EndFlag { QRect rect; bool failed = false; };   // beside a task's name
    struct HeaderLabel { QRect rect; RunHeader header; QString note; };  // header.title may carry a fold arrow
    struct RowLabel { QRect rect; QString text; };
    struct Footer { QRect rect; QString text; };
    struct Arrow { QPointF from; QPointF to; }; // a lock handoff
    struct SpanName
    {
        QRect rect;
        QString text;                       // as text (SVG, or cut by QFontMetrics); empty: `name` says it
        il::ItemKind kind = il::ItemKind::Cpu;
        int textWidth = 0;                  // what is drawn, the ellipsis included
        const SpanNameText *name = nullptr; // laid out once
        int shown = 0;                      // glyphs of a simple `name` drawn; fewer than all: an ellipsis follows
    };
    // Headers and row names in the order the bands were visited: the
    // order they are drawn in (text may reach past its rectangle).
    struct Text { bool header = false; std::size_t index = 0; };

    std::array<std::vector<QRect>, il::itemKindCount> bars;
    std::vector<QRect> separators; // a 1 px gap where one task follows another
    std::vector<QRect> queuedAtStrips; // by lane: tasks queued at the worker, along its bottom edge
    std::vector<SpanName> spanNames; // inside bars wide enough
    std::vector<QRect> outlines;   // the highlighted task
    std::vector<EndMark> marks;
    std::vector<Arrow> arrows;
    std::vector<Arrow> queueArrows; // queued -> started (View menu)
    std::vector<Arrow> wakeArrows;  // io ended -> run by the loop (View menu)
    std::vector<il::TaskArrow> taskArrowScratch; // one band's, from the model
    std::vector<EndFlag> flags;
    std::vector<HeaderLabel> headers;
    std::vector<RowLabel> rowLabels;
    std::vector<Text> texts;
    std::size_t pinnedText = SIZE_MAX; // the header pinned under the ruler: drawn last
    std::vector<Footer> footers;
};

// The one context every render pass works on: where things are on this
// device, the scene, the style, the visible bands, and the batches.
struct PaintContext
{
    PaintContext(QPainter &painter, const QRect &rect, const TimelineScene &scene, const TimelineLayout &layout,
                 const SpanStyle &style, RowGeometryCache &geometry, SpanNameCache &names);

    QPainter &p;
    const QRect rect;
    const TimelineScene &scene;
    const il::TimelineModel &model;
    const TimelineLayout &layout;
    const SpanStyle &style;
    const TimeMapping &m;
    RowGeometryCache &geometry;
    SpanNameCache &names;

    const int axisLeft;    // x where the time axis starts
    const int axisWidth;
    const int contentTop;  // below the ruler
    const QRect contentRect;
    const QRect itemsRect; // right of the labels, below the ruler
    const QFont normalFont;
    const QFont boldFont;
    const QFontMetrics fm;
    const std::vector<RulerTick> ticks;
    const std::size_t taskCount;
    std::vector<VisibleBand> bands;
    PaintBatches batches;

    bool byTask() const { return layout.view == il::TimelineViewKind::ByTask; }
    int toViewY(int contentY) const { return contentTop + contentY - scene.scrollY; }
    int rowTop(const VisibleBand &vb, int row) const
    {
        return toViewY(vb.band->rowsTop() + row * vb.band->rowHeight);
    }
    const RowGeometry &rowGeometry(const il::TimelineRow &row);
    // Pixels [x0, x1) of the time range, at least one wide, clamped to the
    // axis widened by `slack` on each side.
    std::pair<int, int> xSpan(double startNs, double endNs, int slack) const;
};

// A bar of `kind` from x0 to x1 in the row at rowTop: queue waits are drawn
// thinner so the running phases stand out in the task view.
QRect barRect(int x0, int x1, int rowTop, int rowHeight, il::ItemKind kind);
// By lane, a task queued at the lane's worker while it ran another: a thin
// strip along the bottom edge of the lane's bars, never a bar of its own.
QRect queuedAtStripRect(int x0, int x1, int rowTop, int rowHeight);

} // namespace ui
