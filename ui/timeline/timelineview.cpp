#include "ui/timeline/timelineview.h"

#include "ui/text/incidenttext.h"

#include "core/analysis/advisor.h"
#include "core/base/wording.h"
#include "ui/timeline/runheader.h"
#include "ui/timeline/spanstyle.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace ui {

using il::TimelineViewKind;

namespace {
constexpr int dragThresholdPx = 4;
constexpr double keyZoomFactor = 1.5;
} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_viewport(TimelineLayout::labelWidth)
{
    // Every pixel is painted each frame, so Qt need not clear the background.
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded); // shown once zoomed in
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setMinimumSize(320, 160);
    connect(&m_viewport, &ViewportController::mappingChanged, this, [this] {
        updateHorizontalBar();
        viewport()->update();
        emit mappingChanged();
    });
    connect(&m_viewport, &ViewportController::selectionDragged, viewport(), qOverload<>(&QWidget::update));
    connect(&m_viewport, &ViewportController::selectionChanged, this, [this](bool has, double from, double to) {
        updateSelectionNotes();
        viewport()->update();
        emit selectionChanged(has, from, to);
    });
    setToolTip(QString()); // tooltips come from toolTipAt()
    setWhatsThis(tr("Timeline: wheel or +/- zooms around the cursor, drag pans, drag on the ruler "
                    "selects a range, click a task to highlight it in every run, Home fits all."));
}

void TimelineView::setModel(const il::TimelineModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &il::TimelineModel::changed, this, &TimelineView::modelChanged);
        // A new comparison of other tasks: task N is another task there, so
        // the highlight goes; Run again of the same tasks keeps following it.
        connect(m_model, &il::TimelineModel::taskSetChanged, this, [this] {
            const il::TaskSet *set = m_model->taskSet();
            if (m_highlight != il::noTask
                && (!set || m_highlight >= set->tasks.size() || set->tasks[m_highlight].name != m_highlightName))
                setHighlightedTask(il::noTask);
        });
    }
    m_highlight = il::noTask;
    m_highlightGroup = -1;
    modelChanged();
    fitAll();
}

void TimelineView::modelChanged()
{
    relayout();
    if (hasSelection())
        updateSelectionNotes();
    followModel();
    viewport()->update();
}

void TimelineView::setViewKind(TimelineViewKind view)
{
    if (view == m_view)
        return;
    m_view = view;
    verticalScrollBar()->setValue(0);
    relayout();
    viewport()->update();
}

void TimelineView::relayout()
{
    ensureLayout();
    updateScrollBar();
}

bool TimelineView::ensureLayout() const
{
    if (!m_model) {
        m_layout = TimelineLayout();
        m_layout.view = m_view;
        return false;
    }
    if (m_layout.isCurrentFor(*m_model, m_view) && m_layout.collapsed == m_collapsed && m_layout.compact == m_compact)
        return false;
    m_layout = TimelineLayout::compute(*m_model, m_view, 0, m_collapsed, m_compact);
    return true;
}

const TimelineLayout &TimelineView::layout() const
{
    ensureLayout();
    return m_layout;
}

void TimelineView::updateScrollBar()
{
    ensureLayout();
    const int visible = std::max(0, viewport()->height() - TimelineLayout::rulerHeight);
    QScrollBar *bar = verticalScrollBar();
    bar->setPageStep(std::max(1, visible));
    bar->setSingleStep(m_layout.bands.empty() ? TimelineLayout::laneRowHeight : std::max(8, m_layout.bands.front().rowHeight * 3));
    bar->setRange(0, std::max(0, m_layout.contentHeight - visible));
}

int TimelineView::axisWidth() const
{
    return std::max(1, viewport()->width() - static_cast<int>(mapping().left));
}

double TimelineView::extentNs() const
{
    return m_model ? static_cast<double>(m_model->extentNs()) : 0.0;
}

void TimelineView::followModel()
{
    m_viewport.setAxisWidth(axisWidth());
    m_viewport.follow(extentNs());
    updateHorizontalBar();
}

void TimelineView::fitAll()
{
    m_viewport.setAxisWidth(axisWidth());
    m_viewport.fit(extentNs());
}

void TimelineView::zoomBy(double factor, double viewportX)
{
    m_viewport.zoomBy(factor, viewportX);
}

double TimelineView::keyZoomX() const
{
    const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
    return viewport()->rect().contains(cursor) ? cursor.x() : mapping().left + axisWidth() / 2.0;
}

void TimelineView::zoomIn()
{
    zoomBy(keyZoomFactor, keyZoomX());
}

void TimelineView::zoomOut()
{
    zoomBy(1 / keyZoomFactor, keyZoomX());
}

void TimelineView::setHighlightedTask(std::uint32_t task, int group)
{
    if (task == il::noTask)
        group = -1;
    if (task == m_highlight && group == m_highlightGroup)
        return;
    m_highlight = task;
    m_highlightGroup = group;
    m_highlightName = task != il::noTask && m_model ? m_model->taskName(std::max(group, 0), task) : QString();
    viewport()->update();
}

void TimelineView::setRunCollapsed(int run, bool collapsed)
{
    if (run < 0 || isRunCollapsed(run) == collapsed)
        return;
    if (m_collapsed.size() <= std::size_t(run))
        m_collapsed.resize(std::size_t(run) + 1, false);
    m_collapsed[std::size_t(run)] = collapsed;
    ensureLayout();
    updateScrollBar();
    viewport()->update();
}

void TimelineView::setCompactRows(bool compact)
{
    if (compact == m_compact)
        return;
    m_compact = compact;
    ensureLayout();
    updateScrollBar();
    viewport()->update();
}

bool TimelineView::isRunCollapsed(int run) const
{
    return run >= 0 && std::size_t(run) < m_collapsed.size() && m_collapsed[std::size_t(run)];
}

void TimelineView::setAllRunsCollapsed(bool collapsed)
{
    m_collapsed.assign(std::size_t(std::max(0, m_model ? m_model->runCount() : 0)), collapsed);
    ensureLayout();
    updateScrollBar();
    viewport()->update();
}

void TimelineView::setShowHandoffs(bool show)
{
    if (show == m_showHandoffs)
        return;
    m_showHandoffs = show;
    viewport()->update();
}

void TimelineView::setShowQueueArrows(bool show)
{
    if (show == m_showQueueArrows)
        return;
    m_showQueueArrows = show;
    viewport()->update();
}

void TimelineView::setShowWakeArrows(bool show)
{
    if (show == m_showWakeArrows)
        return;
    m_showWakeArrows = show;
    viewport()->update();
}

void TimelineView::setMatches(const std::vector<il::TaskMatch> &matches)
{
    m_matches.clear();
    for (const il::TaskMatch &match : matches) {
        if (match.group < 0)
            continue;
        if (m_matches.size() <= std::size_t(match.group))
            m_matches.resize(std::size_t(match.group) + 1);
        std::vector<std::uint8_t> &tasks = m_matches[std::size_t(match.group)];
        if (tasks.size() <= match.task)
            tasks.resize(std::size_t(match.task) + 1, 0);
        tasks[match.task] = 1;
    }
    viewport()->update();
}

void TimelineView::revealTask(std::uint32_t task, int group)
{
    setHighlightedTask(task, group);
    if (!m_model || task == il::noTask)
        return;
    ensureLayout();
    updateScrollBar(); // its range, for a layout made just now
    for (const TimelineLayout::Band &band : m_layout.bands) {
        const il::TimelineRun *run = m_model->findRun(band.run);
        if (!run || task >= run->taskRows().size() || run->taskRows()[task].empty())
            continue;
        if (group >= 0 && m_model->namesGroup(band.run) != group) // another task of that number
            continue;
        const il::TimelineRow &items = run->taskRows()[task];
        const double from = double(items[0].start);
        const double to = double(items.maxEnd());
        // The row: the task's own (by task), else the lane its first span is on.
        int row = -1;
        if (m_view == il::TimelineViewKind::ByTask) {
            row = int(task);
        } else {
            for (std::size_t l = 0; l < run->laneRows().size() && row < 0; ++l) {
                const il::TimelineRow &lane = run->laneRows()[l];
                for (std::size_t i = lane.firstIndex(std::int64_t(from)); i < lane.size() && lane[i].start <= to; ++i)
                    if (lane[i].task == task) {
                        row = int(l);
                        break;
                    }
            }
        }
        if (row >= 0 && row < band.rows) {
            const int y = band.rowsTop() + row * band.rowHeight;
            const int visible = viewport()->height() - TimelineLayout::rulerHeight;
            QScrollBar *bar = verticalScrollBar();
            if (y < bar->value() || y + band.rowHeight > bar->value() + visible)
                bar->setValue(std::max(0, y - visible / 3));
        }
        TimeMapping m = mapping();
        const double width = axisWidth();
        const double shownFrom = m.toNs(m.left), shownTo = m.toNs(m.left + width);
        if (from < shownFrom || to > shownTo) {
            if (to - from > 0.8 * (shownTo - shownFrom)) {
                m.fit(from, to, width);
            } else {
                m.startNs = (from + to) / 2 - (shownTo - shownFrom) / 2;
            }
            setMapping(m);
        }
        return;
    }
}

void TimelineView::updateSelectionNotes()
{
    m_selectionNotes.clear();
    if (!m_model || !hasSelection())
        return;
    const auto [from, to] = selection();
    m_selectionNotes.resize(static_cast<std::size_t>(m_model->runCount()));
    for (int r = 0; r < m_model->runCount(); ++r)
        if (m_model->hasRun(r))
            m_selectionNotes[static_cast<std::size_t>(r)] =
                tr("selection: ")
                + rangeStatsNote(m_model->rangeStats(r, static_cast<std::int64_t>(from),
                                                     static_cast<std::int64_t>(to)));
}

TimelineScene TimelineView::scene() const
{
    TimelineScene s;
    s.model = m_model;
    s.layout = &m_layout;
    s.mapping = mapping();
    s.scrollY = verticalScrollBar()->value();
    s.highlightTask = m_highlight;
    s.highlightGroup = m_highlightGroup;
    s.hasSelection = hasSelection();
    std::tie(s.selectionFromNs, s.selectionToNs) = selection();
    s.headerNotes = &m_selectionNotes;
    s.matches = m_matches.empty() ? nullptr : &m_matches;
    s.showHandoffs = m_showHandoffs;
    s.showQueueArrows = m_showQueueArrows;
    s.showWakeArrows = m_showWakeArrows;
    return s;
}

void TimelineView::setStaleNote(const QString &note)
{
    if (note == m_staleNote)
        return;
    m_staleNote = note;
    viewport()->update();
}

void TimelineView::paintStaleBanner(QPainter &painter, const QRect &rect) const
{
    if (m_staleNote.isEmpty())
        return;
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    const int left = rect.left() + TimelineLayout::labelWidth + 8;
    const int width = std::max(40, rect.right() - 8 - left);
    const QString text = fm.elidedText(m_staleNote, Qt::ElideRight, width - 20);
    // At the foot of the view, where the stacked runs rarely reach and no
    // run header is covered.
    const int height = fm.height() + 10;
    const QRect banner(left, std::max(rect.top() + TimelineLayout::rulerHeight + 4, rect.bottom() - 8 - height),
                       std::min(width, fm.horizontalAdvance(text) + 20), height);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(banner, dark ? QColor(0x5c, 0x45, 0x00) : QColor(0xff, 0xf0, 0xc2));
    painter.setPen(QPen(dark ? QColor(0xff, 0xc1, 0x07) : QColor(0xd5, 0x5e, 0x00), 2));
    painter.drawRect(banner.adjusted(1, 1, -1, -1));
    painter.setFont(bold);
    painter.setPen(dark ? QColor(0xff, 0xf0, 0xc2) : QColor(0x4a, 0x33, 0x00));
    painter.drawText(banner.adjusted(10, 0, -10, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    painter.restore();
}

void TimelineView::renderTo(QPainter &painter, const QRect &rect)
{
    ensureLayout();
    painter.setFont(font());
    m_painter.paint(painter, rect, scene(), SpanStyle::forPalette(palette()));
    paintStaleBanner(painter, rect);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    // Painted before the model's change was handled (a synchronous repaint in
    // the middle of an update): draw the model as it is, and put the scroll
    // range right once the paint is over rather than resizing mid-paint.
    const int heightBefore = m_layout.contentHeight;
    if (ensureLayout() && m_layout.contentHeight != heightBefore)
        QMetaObject::invokeMethod(this, &TimelineView::updateScrollBar, Qt::QueuedConnection);
    QPainter painter(viewport());
    const SpanStyle style = SpanStyle::forPalette(palette());
    TimelineScene s = scene();
    s.collapsible = true; // on screen, headers fold: say so (pictures do not)
    m_painter.paint(painter, viewport()->rect(), s, style);
    paintStaleBanner(painter, viewport()->rect());
    if (!m_model || m_model->runCount() == 0) {
        // The first thing a new user sees: say what to do.
        painter.setPen(style.mutedText);
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        painter.setFont(f);
        painter.drawText(viewport()->rect().adjusted(0, TimelineLayout::rulerHeight, 0, 0), Qt::AlignCenter,
                         tr("Press Run (Ctrl+R) to send the task set through the ticked modes.\n"
                            "Each run appears here live, stacked on one time axis."));
    }
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
    followModel();
}

void TimelineView::updateHorizontalBar()
{
    // In pixels at the current zoom, over the whole comparison and its fit's
    // margins: where the scroll bar's handle is, the view is.
    const TimeMapping &m = mapping();
    const double extent = extentNs();
    const double margin = 0.02 * extent;
    const double visibleNs = axisWidth() * m.nsPerPx;
    QScrollBar *bar = horizontalScrollBar();
    m_syncingBar = true;
    if (extent <= 0 || visibleNs >= extent + 2 * margin) {
        bar->setRange(0, 0);
    } else {
        const int range = static_cast<int>(std::min(1e9, std::ceil((extent + 2 * margin - visibleNs) / m.nsPerPx)));
        bar->setRange(0, range);
        bar->setPageStep(axisWidth());
        bar->setSingleStep(std::max(1, axisWidth() / 20));
        bar->setValue(static_cast<int>(std::clamp(std::round((m.startNs + margin) / m.nsPerPx), 0.0, double(range))));
    }
    m_syncingBar = false;
}

void TimelineView::scrollContentsBy(int dx, int)
{
    if (dx != 0 && !m_syncingBar) {
        // The user moved the horizontal bar: the view follows it.
        TimeMapping m = mapping();
        m.startNs = horizontalScrollBar()->value() * m.nsPerPx - 0.02 * extentNs();
        m_viewport.setMapping(m);
    }
    viewport()->update();
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & (Qt::ShiftModifier | Qt::AltModifier)) {
        // Shift / Alt + wheel scrolls the rows; Qt reports Alt+wheel as horizontal.
        const int dy = delta.y() != 0 ? delta.y() : delta.x();
        QScrollBar *bar = verticalScrollBar();
        bar->setValue(bar->value() - dy * bar->singleStep() / 40);
    } else if (delta.y() != 0) {
        // Wheel and Ctrl+wheel both zoom around the cursor: one notch is 1.25x.
        zoomBy(std::pow(1.25, delta.y() / 120.0), event->position().x());
    } else if (delta.x() != 0) {
        m_viewport.panByPixels(delta.x() / 2.0);
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    m_pressPos = m_lastPos = event->position().toPoint();
    if (onLabelEdge(m_pressPos)) {
        m_drag = Drag::ResizeLabels;
    } else if (m_pressPos.y() < TimelineLayout::rulerHeight && m_pressPos.x() >= mapping().left) {
        m_drag = Drag::Select;
        m_viewport.beginSelection(m_pressPos.x());
    } else {
        m_drag = Drag::Pending;
    }
    event->accept();
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_drag == Drag::Pending && (pos - m_pressPos).manhattanLength() >= dragThresholdPx) {
        m_drag = Drag::Pan;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
    if (m_drag == Drag::ResizeLabels) {
        setLabelColumnWidth(pos.x());
    } else if (m_drag == Drag::Pan) {
        const QPoint d = pos - m_lastPos;
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        m_viewport.panByPixels(d.x());
    } else if (m_drag == Drag::Select) {
        m_viewport.dragSelection(pos.x());
    } else if (m_drag == Drag::None && onLabelEdge(pos)) {
        viewport()->setCursor(Qt::SplitHCursor);
    } else if (m_drag == Drag::None && pos.y() < TimelineLayout::rulerHeight) {
        viewport()->setCursor(Qt::IBeamCursor);
    } else if (m_drag == Drag::None) {
        viewport()->unsetCursor();
    }
    m_lastPos = pos;
    event->accept();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mouseReleaseEvent(event);
        return;
    }
    const QPoint pos = event->position().toPoint();
    if (m_drag == Drag::Select) {
        m_viewport.finishSelection(pos.x(), dragThresholdPx);
    } else if (m_drag == Drag::Pending && headerRunAt(pos) >= 0) {
        // A click on a run's header folds or unfolds the run.
        const int run = headerRunAt(pos);
        setRunCollapsed(run, !isRunCollapsed(run));
    } else if (m_drag == Drag::Pending) {
        // A click, not a drag: highlight the task under the cursor everywhere.
        const auto hit = itemAt(pos);
        const std::uint32_t task = hit ? hit->item.task : il::noTask;
        // That task in the runs named from its run's set, not in runs of others.
        const int group = hit && m_model ? m_model->namesGroup(hit->run) : -1;
        const bool again = task == m_highlight && (group == m_highlightGroup || m_highlightGroup < 0);
        setHighlightedTask(again ? il::noTask : task, group);
        emit taskClicked(m_highlight);
    }
    m_drag = Drag::None;
    viewport()->unsetCursor();
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const double pan = axisWidth() / 5.0;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomOut();
        break;
    case Qt::Key_Home:
    case Qt::Key_0:
        fitAll();
        break;
    case Qt::Key_Left:
        m_viewport.panByPixels(pan);
        break;
    case Qt::Key_Right:
        m_viewport.panByPixels(-pan);
        break;
    case Qt::Key_Escape:
        if (hasSelection() || m_highlight != il::noTask) {
            clearSelection();
            setHighlightedTask(il::noTask);
            break;
        }
        [[fallthrough]];
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

bool TimelineView::onLabelEdge(const QPoint &pos) const
{
    return pos.y() >= TimelineLayout::rulerHeight && std::abs(pos.x() - mapping().left) <= 3;
}

void TimelineView::setLabelColumnWidth(int width)
{
    const int w = std::clamp(width, 80, std::max(80, viewport()->width() / 2));
    if (w == labelColumnWidth())
        return;
    // The time at the axis' start stays where it is; the axis gets narrower
    // or wider, so the same zoom shows a little less or more.
    TimeMapping m = mapping();
    m.left = w;
    m_viewport.setAxisWidth(std::max(1, viewport()->width() - w));
    m_viewport.setMapping(m);
}

int TimelineView::headerRunAt(const QPoint &pos) const
{
    if (!m_model || pos.y() < TimelineLayout::rulerHeight)
        return -1;
    const TimelineLayout::Hit hit = layout().hitAt(pos.y() - TimelineLayout::rulerHeight + verticalScrollBar()->value());
    return hit.valid() && hit.header ? hit.run : -1;
}

std::optional<TimelineView::HitItem> TimelineView::itemAt(const QPoint &pos) const
{
    if (!m_model || pos.y() < TimelineLayout::rulerHeight || pos.x() < mapping().left)
        return std::nullopt;
    const int contentY = pos.y() - TimelineLayout::rulerHeight + verticalScrollBar()->value();
    const TimelineLayout::Hit hit = layout().hitAt(contentY);
    if (!hit.valid() || hit.header)
        return std::nullopt;
    const il::TimelineRun *runPtr = m_model->findRun(hit.run);
    if (!runPtr || hit.row >= runPtr->rowCount(m_view))
        return std::nullopt;
    const il::TimelineRun &run = *runPtr;
    const double t = mapping().toNs(pos.x());
    const auto tol = static_cast<std::int64_t>(std::ceil(3 * mapping().nsPerPx));
    const auto tNs = static_cast<std::int64_t>(std::llround(t));
    // By lane a task queued at the worker is the strip along the lane's
    // bottom edge: the lower third of the lane points at it.
    const bool lowThird = [&] {
        const auto [top, bottom] = layout().rowSpan(hit.run, hit.row);
        return m_view == TimelineViewKind::ByLane && contentY >= bottom - std::max(4, (bottom - top) / 3);
    }();
    // Open items (live) are drawn on top, so they win.
    if (const il::LiveRunState *live = run.live()) {
        const il::OpenItem *found = nullptr;
        for (const il::OpenItem &o : live->open(m_view)) {
            const int row = m_view == TimelineViewKind::ByLane ? o.row : static_cast<int>(o.task);
            if (row != hit.row || tNs < o.start - tol || tNs > o.end + tol)
                continue;
            const bool strip = m_view == TimelineViewKind::ByLane && o.kind == il::ItemKind::QueuedAt;
            if (m_view == TimelineViewKind::ByLane && strip != lowThird) {
                if (!strip && !found)
                    found = &o; // the lane's own item, unless a strip is under the cursor
                continue;
            }
            found = &o;
            break;
        }
        if (found)
            return HitItem{hit.run, hit.row, 0, true, {found->start, found->end, found->task, found->phase, found->kind}};
        if (m_view == TimelineViewKind::ByTask && live->isWaitingInQueue(static_cast<std::size_t>(hit.row))) {
            const std::int64_t since = live->queuedSince[static_cast<std::size_t>(hit.row)];
            if (tNs >= since - tol && tNs <= live->nowNs + tol) {
                const auto task = static_cast<std::uint32_t>(hit.row);
                return HitItem{hit.run, hit.row, 0, true,
                               {since, live->nowNs, task, il::noPhase, il::ItemKind::Queued}};
            }
        }
    }
    // The lower third of a lane: a task queued at its worker before what
    // the lane ran.
    if (lowThird && run.hasQueuedAt() && hit.row < static_cast<int>(run.laneRows().size())) {
        const il::TimelineRow &queued = run.queuedAtRow(hit.row);
        if (const auto i = queued.itemAt(tNs, tol))
            return HitItem{hit.run, hit.row, *i, false, queued[*i]};
    }
    const il::TimelineRow &row = run.row(m_view, hit.row);
    // Where a task failed or was cancelled its mark is drawn on top, and its
    // last span may be thinner than a pixel: the mark wins, cap included.
    const auto hitsMark = [&](const il::TaskMark &mk) {
        if (run.markRow(m_view, mk) != hit.row)
            return false;
        const double x0 = mapping().toX(static_cast<double>(mk.start)) - 3;
        const double x1 = mapping().toX(static_cast<double>(mk.end)) + 3;
        return pos.x() >= x0 && pos.x() <= x1;
    };
    const il::TaskMark *mark = nullptr;
    if (m_view == TimelineViewKind::ByTask) {
        mark = run.markFor(static_cast<std::uint32_t>(hit.row));
        if (mark && !hitsMark(*mark))
            mark = nullptr;
    } else {
        for (const il::TaskMark &mk : run.marks()) {
            if (mk.lane == il::noLane && mk.state != il::TaskState::Failed)
                continue; // not drawn in the lane view
            if (hitsMark(mk) && (!mark || mk.state == il::TaskState::Failed))
                mark = &mk;
        }
    }
    if (mark) {
        // The row's own item for that span (it knows the phase).
        for (std::size_t i = row.firstIndex(mark->start), n = row.lastIndex(mark->start + 1); i < n; ++i)
            if (row[i].task == mark->task && row[i].start == mark->start && row[i].kind == mark->kind)
                return HitItem{hit.run, hit.row, i, false, row[i]};
        return HitItem{hit.run, hit.row, 0, false, {mark->start, mark->end, mark->task, il::noPhase, mark->kind}};
    }
    const auto index = row.itemAt(tNs, tol);
    if (!index)
        return std::nullopt;
    return HitItem{hit.run, hit.row, *index, false, row[*index]};
}

QString TimelineView::toolTipAt(const QPoint &pos) const
{
    if (!m_model)
        return QString();
    if (pos.y() >= TimelineLayout::rulerHeight) {
        const int contentY = pos.y() - TimelineLayout::rulerHeight + verticalScrollBar()->value();
        const TimelineLayout::Hit hit = layout().hitAt(contentY);
        const il::TimelineRun *hitRun = hit.valid() ? m_model->findRun(hit.run) : nullptr;
        if (hitRun && hit.header) {
            return RunHeader::toolTip(*hitRun)
                   + (isRunCollapsed(hit.run) ? tr("\n(click to unfold the run)") : tr("\n(click to fold the run)"));
        }
        // A row's name: in the task view, also how the task ended if it failed.
        if (hitRun && pos.x() < mapping().left) {
            const il::TimelineRun &run = *hitRun;
            QString text = TimelinePainter::rowLabel(run, m_view, hit.row);
            if (m_view == TimelineViewKind::ByTask) {
                const QString state = taskEndText(run, static_cast<std::uint32_t>(hit.row));
                text = QStringLiteral("%1 (task %2)").arg(text).arg(hit.row);
                if (!state.isEmpty())
                    text += QLatin1Char('\n') + state;
            }
            return text;
        }
    }
    const auto hit = itemAt(pos);
    const il::TimelineRun *hitRun = hit ? m_model->findRun(hit->run) : nullptr;
    if (!hitRun)
        return QString();
    const il::TimelineRun &run = *hitRun;
    const il::TimelineItem &item = hit->item;
    QStringList lines;
    if (item.task != il::noTask)
        lines << QStringLiteral("%1 (task %2)").arg(run.taskName(item.task)).arg(item.task);
    QString phase = QString::fromLatin1(il::itemKindName(item.kind));
    if (item.kind == il::ItemKind::QueuedAt) {
        // Sent ahead to a busy worker: which one (its lane is in `phase`), and when.
        phase = QStringLiteral("queued at %1 from %2 to %3")
                    .arg(TimelinePainter::rowLabel(run, TimelineViewKind::ByLane, item.phase),
                         il::formatDurationMs(static_cast<double>(item.start) / 1e6),
                         il::formatDurationMs(static_cast<double>(item.end) / 1e6));
    } else if (item.phase != il::noPhase) {
        phase += QStringLiteral(" · phase %1").arg(item.phase + 1);
    }
    if (item.kind == il::ItemKind::LockWait) {
        // Which lock: the acquire phase the wait belongs to.
        const il::TaskSet *set = run.taskSet();
        if (set && item.task < set->tasks.size() && item.phase < set->tasks[item.task].phases.size()) {
            const il::Phase &p = set->tasks[item.task].phases[item.phase];
            if (p.kind == il::PhaseKind::Acquire && p.ref < set->names.size())
                phase += QStringLiteral(" · for lock %1").arg(il::printable(set->nameOf(p)));
        }
    }
    if (hit->open)
        phase += QStringLiteral(" · still running");
    lines << phase;
    if (item.kind == il::ItemKind::LockWait) {
        // Who held the lock: the task that handed it over at the wait's end.
        if (const il::LockHandoff *h = handoffEnding(run, item.task, item.end)) {
            const std::int64_t origin = run.info().originNs;
            lines << QStringLiteral("held by %1 (task %2), which released it at %3")
                         .arg(run.taskName(h->from))
                         .arg(h->from)
                         .arg(il::formatDurationMs(static_cast<double>(h->releaseNs - origin) / 1e6));
        } else if (run.taskState(item.task) == il::TaskState::Failed) {
            lines << QStringLiteral("never got the lock");
        }
    }
    const double startMs = static_cast<double>(item.start) / 1e6;
    const double durMs = static_cast<double>(item.end - item.start) / 1e6;
    lines << QStringLiteral("start %1 · duration %2")
                 .arg(il::formatDurationMs(startMs), il::formatDurationMs(durMs));
    // The lane: in the lane view it is the row; in the task view, look it up.
    int lane = -1;
    if (m_view == TimelineViewKind::ByLane && hit->row < static_cast<int>(run.laneRows().size()))
        lane = hit->row;
    else if (run.trace() && item.task < run.trace()->tasks.size() && run.trace()->tasks[item.task].lane != il::noLane)
        lane = run.trace()->tasks[item.task].lane;
    if (item.kind == il::ItemKind::QueuedAt)
        lane = item.phase; // the worker it sat queued at, not the one that ran it
    else if (item.kind == il::ItemKind::Queued || item.kind == il::ItemKind::Ready
        || ((item.kind == il::ItemKind::Io || item.kind == il::ItemKind::LockWait) && il::isLoopMode(run.info().mode)))
        lane = -1; // waits that occupy no lane
    // A span of another tool's file: the name (and category) the file gave it, first.
    if (run.trace() && run.trace()->foreign && lane >= 0) {
        const QString name = openedSpanName(*run.trace(), lane, item);
        if (!name.isEmpty())
            lines.prepend(name);
    }
    // "run 2 (threads)"; an opened file's name has its recorder in brackets already.
    QString where = (run.info().openedFrom.isEmpty() ? QStringLiteral("run %1 (%2)") : QStringLiteral("run %1: %2"))
                        .arg(hit->run + 1)
                        .arg(runName(run.info()));
    if (lane >= 0)
        where = QStringLiteral("lane %1 · ").arg(TimelinePainter::rowLabel(run, TimelineViewKind::ByLane, lane)) + where;
    lines << where;
    if (item.task != il::noTask) {
        const QString state = taskEndText(run, item.task);
        if (!state.isEmpty())
            lines << state;
    }
    return lines.join(QLatin1Char('\n'));
}

QString openedSpanName(const il::Trace &trace, int lane, const il::TimelineItem &item)
{
    // The lane's spans are sorted by start: the one the item was drawn from
    // starts and ends where it does.
    const il::Trace::Range spans = trace.laneSpans(lane);
    const std::int64_t start = trace.info.originNs + item.start;
    const std::int64_t end = trace.info.originNs + item.end;
    const il::Span *it = std::lower_bound(spans.begin, spans.end, start,
                                          [](const il::Span &s, std::int64_t t) { return s.startNs < t; });
    for (; it != spans.end && it->startNs == start; ++it) {
        if (it->endNs != end || !trace.foreign->hasLabel(*it))
            continue;
        const QString name = il::printable(QString::fromUtf8(trace.foreign->name(*it)));
        const QString cat = il::printable(QString::fromUtf8(trace.foreign->cat(*it)));
        return cat.isEmpty() ? name : QStringLiteral("%1 · %2").arg(name, cat);
    }
    return QString();
}

const il::LockHandoff *handoffEnding(const il::TimelineRun &run, std::uint32_t task, std::int64_t endNs)
{
    if (!run.trace())
        return nullptr;
    const std::int64_t at = run.trace()->info.originNs + endNs;
    const std::vector<il::LockHandoff> &handoffs = run.trace()->shared.handoffs;
    // Sorted by acquiredNs: the few handed over at that instant.
    auto it = std::lower_bound(handoffs.begin(), handoffs.end(), at,
                               [](const il::LockHandoff &h, std::int64_t t) { return h.acquiredNs < t; });
    for (; it != handoffs.end() && it->acquiredNs == at; ++it)
        if (it->to == task)
            return &*it;
    return nullptr;
}

QString taskEndText(const il::TimelineRun &run, std::uint32_t task)
{
    switch (run.taskState(task)) {
    case il::TaskState::Failed: {
        const QString note = failureTextFor(run, task);
        if (!note.isEmpty())
            return QStringLiteral("✕ failed: %1").arg(note);
        return QStringLiteral("✕ failed (its worker died or misbehaved)");
    }
    case il::TaskState::Cancelled:
        return QStringLiteral("cancelled by Stop before it finished");
    default:
        return QString();
    }
}

QString rangeStatsNote(const il::RangeStats &s)
{
    QStringList parts;
    parts << QStringLiteral("busy %1 %").arg(std::lround(s.busyFraction * 100));
    for (int k = 0; k < il::itemKindCount; ++k)
        if (s.kindNs[static_cast<std::size_t>(k)] > 0)
            parts << QStringLiteral("%1 %2").arg(QString::fromLatin1(il::itemKindName(static_cast<il::ItemKind>(k))),
                                                 il::formatDurationMs(s.kindNs[static_cast<std::size_t>(k)] / 1e6));
    return parts.join(QStringLiteral(", "));
}

QString rangeStatsText(const il::TimelineModel &model, double fromNs, double toNs)
{
    if (toNs < fromNs)
        std::swap(fromNs, toNs);
    QString text = QStringLiteral("%1 – %2 (%3)")
                       .arg(il::formatDurationMs(fromNs / 1e6), il::formatDurationMs(toNs / 1e6),
                            il::formatDurationMs((toNs - fromNs) / 1e6));
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::RangeStats s = model.rangeStats(r, static_cast<std::int64_t>(fromNs),
                                                  static_cast<std::int64_t>(toNs));
        text += QStringLiteral("\n%1: %2").arg(runName(model.run(r).info()), rangeStatsNote(s));
    }
    return text;
}

} // namespace ui
