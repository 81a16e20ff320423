#pragma once

#include "core/timeline/taskfind.h"
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timemapping.h"
#include "ui/timeline/viewportcontroller.h"

#include <QAbstractScrollArea>

#include <optional>

namespace ui {

// The live Gantt chart: all runs of a comparison stacked on one time axis.
// Horizontal position is TimeMapping (zoom / pan); vertical is the scroll bar.
class TimelineView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);

    // The model stays owned by the caller; the view follows its change
    // signals (relayout, refit while following, repaint).
    void setModel(const il::TimelineModel *model);
    const il::TimelineModel *model() const { return m_model; }

    void setViewKind(il::TimelineViewKind view);
    il::TimelineViewKind viewKind() const { return m_view; }

    // Zoom, follow and the selected range live in the controller; the view
    // listens to it (repaint, relay its signals).
    ViewportController &viewportController() { return m_viewport; }
    const TimeMapping &mapping() const { return m_viewport.mapping(); }
    void setMapping(const TimeMapping &mapping) { m_viewport.setMapping(mapping); }
    // Always the layout of the model as it is now: recomputed on access when
    // the model changed since (its change signal not handled yet, or a paint in
    // between), so no reader ever sees runs or rows that are gone.
    const TimelineLayout &layout() const;
    // While true the axis follows the whole comparison as it grows; any zoom
    // or pan by the user turns it off, Home turns it on again.
    bool isFollowing() const { return m_viewport.isFollowing(); }

    // Non-empty while the runs shown are not for the task set in the panel:
    // drawn as a banner over the rows until it is cleared.
    void setStaleNote(const QString &note);
    QString staleNote() const { return m_staleNote; }

    std::uint32_t highlightedTask() const { return m_highlight; }
    // The runs it is highlighted in: those whose tasks are named from the
    // same set as run `group`'s (TimelineModel::namesGroup); -1: every run.
    int highlightedGroup() const { return m_highlightGroup; }
    void setHighlightedTask(std::uint32_t task, int group = -1);
    // A collapsed run shows its header alone (click the header to toggle).
    void setRunCollapsed(int run, bool collapsed);
    bool isRunCollapsed(int run) const;
    void setAllRunsCollapsed(bool collapsed);
    // Compact rows: 8 px lanes, 4 px tasks (no row names or bar names fit).
    void setCompactRows(bool compact);
    bool compactRows() const { return m_compact; }
    // The row-name column's width (drag its right edge): 80 px to half the view.
    void setLabelColumnWidth(int width);
    int labelColumnWidth() const { return static_cast<int>(mapping().left); }
    // Lock handoff arrows, in both views and in pictures (on by default).
    void setShowHandoffs(bool show);
    bool showsHandoffs() const { return m_showHandoffs; }
    // How many handoff arrows the last paint of the view drew (for tests).
    int handoffArrowsDrawn() const { return m_painter.lastArrowCount(); }
    // Queue arrows (queued -> started on a lane) and wake-up arrows (event
    // loop: io ended -> the loop ran the task), in both views and in
    // pictures (off by default).
    void setShowQueueArrows(bool show);
    bool showsQueueArrows() const { return m_showQueueArrows; }
    void setShowWakeArrows(bool show);
    bool showsWakeArrows() const { return m_showWakeArrows; }
    int queueArrowsDrawn() const { return m_painter.lastQueueArrowCount(); }
    int wakeArrowsDrawn() const { return m_painter.lastWakeArrowCount(); }
    // Find: the tasks whose names matched, each in the runs of its group
    // (tinted in the task view).
    void setMatches(const std::vector<il::TaskMatch> &matches);
    // Highlights `task` in the runs of `group` (every run: -1) and brings it
    // into view: the first of them it ran in, scrolled to its row (by task)
    // or its lane (by lane), panned (zoomed out only if it is wider than the
    // view) to its time.
    void revealTask(std::uint32_t task, int group = -1);
    bool hasSelection() const { return m_viewport.hasSelection(); }
    std::pair<double, double> selection() const { return m_viewport.selection(); }
    void setSelection(double fromNs, double toNs) { m_viewport.setSelection(fromNs, toNs); }
    void clearSelection() { m_viewport.clearSelection(); }

    struct HitItem
    {
        int run = -1;
        int row = -1;
        std::size_t index = 0;
        bool open = false;        // an item of a live run still going on
        il::TimelineItem item;
    };
    // The item under a viewport position (3 px of slack for thin items).
    std::optional<HitItem> itemAt(const QPoint &viewportPos) const;
    QString toolTipAt(const QPoint &viewportPos) const;
    // Time of a viewport x; time of the axis' visible edges.
    double timeAt(double viewportX) const { return mapping().toNs(viewportX); }

    // Renders the current view into `painter` (screenshots, tests).
    void renderTo(QPainter &painter, const QRect &rect);

public slots:
    void zoomIn();
    void zoomOut();
    void zoomBy(double factor, double viewportX);
    void fitAll();
    double extentNs() const; // the whole comparison, ns from the runs' start
    int axisWidth() const;

signals:
    void selectionChanged(bool hasSelection, double fromNs, double toNs);
    // noTask when a click hit nothing; highlightedGroup() says in which runs.
    void taskClicked(std::uint32_t task);
    void mappingChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void modelChanged();
    void relayout();
    // Brings m_layout up to the model's revision; true if it had to.
    bool ensureLayout() const;
    void updateScrollBar();
    void updateHorizontalBar(); // its range and handle from the mapping and the extent
    int headerRunAt(const QPoint &viewportPos) const; // the run whose header is there, or -1
    void updateSelectionNotes();
    TimelineScene scene() const;
    double keyZoomX() const;
    void followModel(); // refits if following // the cursor if it is over the view, else the axis' middle
    void paintStaleBanner(QPainter &painter, const QRect &rect) const;

    const il::TimelineModel *m_model = nullptr;
    il::TimelineViewKind m_view = il::TimelineViewKind::ByLane;
    mutable TimelineLayout m_layout;
    TimelinePainter m_painter;
    ViewportController m_viewport;
    std::uint32_t m_highlight = il::noTask;
    int m_highlightGroup = -1;
    QString m_highlightName; // the highlighted task's name when it was chosen
    std::vector<std::vector<std::uint8_t>> m_matches; // per group (its first run), per task
    bool m_showHandoffs = true;
    bool m_showQueueArrows = false;
    bool m_showWakeArrows = false;
    bool m_syncingBar = false;
    std::vector<bool> m_collapsed; // by run index
    bool m_compact = false; // setting the horizontal bar from the mapping, not the user

    enum class Drag { None, Pending, Pan, Select, ResizeLabels };
    bool onLabelEdge(const QPoint &pos) const; // the label column's right edge, below the ruler
    Drag m_drag = Drag::None;
    QPoint m_pressPos;
    QPoint m_lastPos;
    std::vector<QString> m_selectionNotes; // per run, shown in its header
    QString m_staleNote;
};

// "✕ failed: <the note naming it>" or "cancelled by Stop …"; empty if the task
// finished (or has not yet).
QString taskEndText(const il::TimelineRun &run, std::uint32_t task);
// The lock handoff that ended `task`'s lock-wait at `endNs` (relative to the
// run's origin), or null: the wait ended otherwise (a deadlock, Stop), or
// the run is still going on.
const il::LockHandoff *handoffEnding(const il::TimelineRun &run, std::uint32_t task, std::int64_t endNs);
// The name (and category) another tool's file gave the span of `trace`'s
// `lane` that `item` was drawn from; empty if it gave none.
QString openedSpanName(const il::Trace &trace, int lane, const il::TimelineItem &item);
// "busy 78 %, cpu 120 ms, io 40 ms": one run's figures for a selected range.
QString rangeStatsNote(const il::RangeStats &stats);
// "120 ms – 340 ms (220 ms)" then one "mode: note" line per run.
QString rangeStatsText(const il::TimelineModel &model, double fromNs, double toNs);

} // namespace ui
