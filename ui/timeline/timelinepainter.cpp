#include "ui/timeline/timelinepainter.h"

#include "core/analysis/advisor.h"
#include "ui/window/englishplurals.h"
#include "ui/window/runproblems.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace ui {

using il::ItemKind;
using il::TimelineViewKind;

namespace {

int clampX(double x, int lo, int hi)
{
    if (!(x > lo)) // also catches NaN
        return lo;
    if (x > hi)
        return hi;
    return static_cast<int>(x);
}

// Bar geometry inside a row: queue waits are drawn thinner so the running
// phases stand out in the task view.
QRect barRect(int x0, int x1, int rowTop, int rowHeight, ItemKind kind)
{
    const int pad = rowHeight >= 20 ? 3 : 2;
    int top = rowTop + pad;
    int height = rowHeight - 2 * pad;
    if (kind == ItemKind::Queued || kind == ItemKind::Ready) {
        top += height / 4;
        height -= 2 * (height / 4);
    }
    return QRect(x0, top, std::max(1, x1 - x0), std::max(1, height));
}

} // namespace

void TimelinePainter::buildSegments(const il::TimelineRow &row, const TimeMapping &m, int width,
                                    std::vector<Segment> &out)
{
    out.clear();
    if (row.empty() || width <= 0)
        return;
    const int lo = static_cast<int>(std::floor(m.left)) - 2;
    const int hi = static_cast<int>(std::ceil(m.left + width)) + 2;
    const auto t0 = static_cast<std::int64_t>(std::floor(m.toNs(m.left)));
    const auto t1 = static_cast<std::int64_t>(std::ceil(m.toNs(m.left + width)));
    std::size_t i = row.firstIndex(t0);
    const std::size_t n = row.lastIndex(t1 + 1);
    std::uint32_t prevTask = il::noTask;
    while (i < n) {
        const il::TimelineItem &item = row[i];
        const int x0 = clampX(std::floor(m.toX(static_cast<double>(item.start))), lo, hi);
        int x1 = clampX(std::ceil(m.toX(static_cast<double>(item.end))), lo, hi);
        if (x1 <= x0)
            x1 = x0 + 1; // a sub-pixel item still shows as one pixel
        const bool newTask = item.task != prevTask;
        if (!out.empty() && x0 < out.back().x1) {
            // Starts on pixels already painted: only what sticks out is new.
            if (x1 > out.back().x1) {
                if (out.back().kind == item.kind)
                    out.back().x1 = x1;
                else
                    out.push_back({out.back().x1, x1, item.kind, newTask});
            }
        } else if (!out.empty() && x0 == out.back().x1 && out.back().kind == item.kind
                   && (!newTask || x1 - x0 < 4 || out.back().x1 - out.back().x0 < 4)) {
            // Touching and alike: one rectangle. Task borders are kept only
            // where both sides are wide enough to show a separator.
            out.back().x1 = x1;
        } else {
            out.push_back({x0, x1, item.kind, newTask});
        }
        prevTask = item.task;
        // Items that end inside the painted pixels add nothing: jump past them
        // by binary search instead of visiting each (the million-event case).
        const auto coveredNs = static_cast<std::int64_t>(std::floor(m.toNs(out.back().x1)));
        std::size_t next = i + 1;
        if (next < n && row[next].maxEnd <= coveredNs)
            next = std::max(next, row.firstIndex(coveredNs));
        i = next;
    }
}

const TimelinePainter::RowGeometry &TimelinePainter::geometry(const il::TimelineRow &row,
                                                              const TimelineScene &scene,
                                                              TimelineViewKind view, int width)
{
    const CacheKey key{scene.model->revision(), view, scene.mapping.startNs,
                       scene.mapping.nsPerPx, scene.mapping.left, width, scene.highlightTask};
    if (!(key == m_key)) {
        m_cache.clear();
        m_key = key;
    }
    auto [it, inserted] = m_cache.try_emplace(&row);
    RowGeometry &geo = it->second;
    if (!inserted)
        return geo;
    buildSegments(row, scene.mapping, width, geo.segments);
    if (scene.highlightTask != il::noTask) {
        const TimeMapping &m = scene.mapping;
        const auto t0 = static_cast<std::int64_t>(std::floor(m.toNs(m.left)));
        const auto t1 = static_cast<std::int64_t>(std::ceil(m.toNs(m.left + width)));
        const int lo = static_cast<int>(m.left) - 2;
        const int hi = static_cast<int>(m.left + width) + 2;
        for (std::size_t i = row.firstIndex(t0), n = row.lastIndex(t1 + 1); i < n; ++i) {
            if (row[i].task != scene.highlightTask)
                continue;
            const int x0 = clampX(std::floor(m.toX(static_cast<double>(row[i].start))), lo, hi);
            const int x1 = std::max(x0 + 1, clampX(std::ceil(m.toX(static_cast<double>(row[i].end))), lo, hi));
            if (!geo.highlight.empty() && x0 <= geo.highlight.back().second)
                geo.highlight.back().second = std::max(geo.highlight.back().second, x1);
            else
                geo.highlight.emplace_back(x0, x1);
        }
    }
    return geo;
}

QString TimelinePainter::runHeaderText(const il::TimelineRun &run, std::size_t taskCount, bool withProblems)
{
    const il::RunInfo &info = run.info;
    const auto tr = [](const char *text, int n) { return translateCount("TimelinePainter", text, n); };
    const int tasks = static_cast<int>(taskCount);
    // A run opened from a file is named by it; one from another tool has no
    // mode, workers or ideal bound of ours.
    const bool foreign = !info.openedFrom.isEmpty() && info.cores == 0;
    QString text = foreign ? QStringLiteral("%1 · %2").arg(info.openedFrom, tr("%n lane(s)", info.lanes))
                   : info.openedFrom.isEmpty() ? QStringLiteral("%1 · %2").arg(il::modeName(info.mode), tr("%n worker(s)", info.workers))
                                               : QStringLiteral("%1 · %2").arg(info.openedFrom, tr("%n worker(s)", info.workers));
    // Tasks that finished their work (not failed, not cancelled).
    const int finished = std::max(0, run.tasksDone - run.failedTasks - run.cancelledTasks);
    if (run.cancelled) {
        // A stopped run's ideal and efficiency compare a part with the whole: leave them out.
        const double ranMs = run.metrics ? run.metrics->makespanMs : static_cast<double>(run.extentNs) / 1e6;
        text += tr(" · stopped after %1 · %2/%n task(s) finished", tasks)
                    .arg(il::formatDurationMs(ranMs))
                    .arg(finished);
    } else if (run.trace && !run.trace->error.isEmpty() && finished == 0) {
        // Nothing ran (no worker could start): figures would only mislead.
        text += QStringLiteral(" · no task finished");
    } else if (run.metrics && foreign) {
        text += QStringLiteral(" · makespan %1").arg(il::formatDurationMs(run.metrics->makespanMs));
        if (run.trace)
            text += QStringLiteral(" · %1 spans").arg(run.trace->spans.size());
    } else if (run.metrics) {
        const il::Metrics &m = *run.metrics;
        text += QStringLiteral(" · makespan %1 · ideal %2 · efficiency %3 %")
                    .arg(il::formatDurationMs(m.makespanMs), il::formatDurationMs(m.idealMs))
                    .arg(std::lround(m.efficiency * 100));
    } else if (run.live) {
        text += tr(" · running… %1/%n task(s)", tasks).arg(run.tasksDone);
    }
    if (run.cancelledTasks > 0)
        text += QStringLiteral(" · %1 cancelled").arg(run.cancelledTasks);
    if (withProblems) {
        const QString problems = runProblemText(run);
        if (!problems.isEmpty())
            text += QStringLiteral(" · ") + problems;
    }
    return text;
}

QString TimelinePainter::hiddenRowsText(TimelineViewKind view, int hidden, int total)
{
    const int shown = total - hidden;
    if (view == TimelineViewKind::ByTask)
        return translateCount("TimelinePainter",
                              "… %n more task(s) not shown: the picture has room for the first %1 of %2 here "
                              "(the by-lane view and the trace export have them all)",
                              hidden)
            .arg(shown)
            .arg(total);
    return translateCount("TimelinePainter",
                          "… %n more row(s) not shown: the picture has room for the first %1 of %2 here", hidden)
        .arg(shown)
        .arg(total);
}

QString TimelinePainter::runHeaderToolTip(const il::TimelineRun &run, std::size_t taskCount)
{
    const auto tr = [](const char *text, int n) { return translateCount("TimelinePainter", text, n); };
    QStringList lines{runHeaderText(run, taskCount, false)};
    if (run.failedTasks > 0)
        lines << tr("%n task(s) failed (red end mark(s))", run.failedTasks);
    if (run.cancelledTasks > 0)
        lines << tr("%n task(s) cancelled by Stop", run.cancelledTasks);
    lines << runProblemLines(run);
    return lines.join(QLatin1Char('\n'));
}

QString TimelinePainter::rowLabel(const il::TimelineModel &model, const il::TimelineRun &run,
                                  TimelineViewKind view, int row)
{
    if (view == TimelineViewKind::ByTask)
        return model.taskName(static_cast<std::uint32_t>(row));
    const int lanes = static_cast<int>(run.laneRows.size());
    if (row >= lanes && row - lanes < static_cast<int>(run.waitRows.size())) {
        switch (run.waitRows[static_cast<std::size_t>(row - lanes)].first) {
        case ItemKind::Io: return QStringLiteral("tasks awaiting io");
        case ItemKind::Ready: return QStringLiteral("ready, loop busy");
        default: return QStringLiteral("tasks: %1").arg(QString::fromLatin1(il::itemKindName(run.waitRows[static_cast<std::size_t>(row - lanes)].first)));
        }
    }
    if (row < run.info.laneNames.size() && !run.info.laneNames[row].isEmpty())
        return run.info.laneNames[row];
    return QStringLiteral("lane %1").arg(row + 1);
}

void TimelinePainter::paint(QPainter &p, const QRect &rect, const TimelineScene &scene,
                            const SpanStyle &style)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(rect, style.background);
    if (!scene.model) {
        p.restore();
        return;
    }
    const il::TimelineModel &model = *scene.model;
    // A layout made for another revision of the model may name runs and rows
    // that are gone: never paint through one, whoever forgot to relayout.
    TimelineLayout fresh;
    const TimelineLayout *current = scene.layout;
    if (!current || !current->isCurrentFor(model, current->view)) {
        fresh = TimelineLayout::compute(model, current ? current->view : TimelineViewKind::ByLane);
        current = &fresh;
    }
    const TimelineLayout &layout = *current;
    const TimeMapping &m = scene.mapping;
    const int axisLeft = static_cast<int>(m.left);
    const int axisWidth = std::max(0, rect.right() + 1 - axisLeft);
    const int contentTop = rect.top() + TimelineLayout::rulerHeight;
    const QRect contentRect(rect.left(), contentTop, rect.width(), rect.bottom() + 1 - contentTop);
    const QRect itemsRect(axisLeft, contentTop, axisWidth, contentRect.height());
    const auto toViewY = [&](int contentY) { return contentTop + contentY - scene.scrollY; };
    const QFontMetrics fm(p.font());
    const std::vector<RulerTick> ticks = rulerTicks(m, axisWidth);
    const std::size_t taskCount = model.taskSet() ? model.taskSet()->tasks.size() : 0;

    // Rows, stripes and bars, clipped below the ruler.
    p.setClipRect(contentRect);
    std::array<std::vector<QRect>, il::itemKindCount> bars;
    std::vector<QRect> separators;
    std::vector<QRect> outlines;
    struct Label { QRect rect; QString text; bool header; QString note; QString problem = {}; };
    struct Mark { QRect bar; int capTop; int capHeight; bool failed; };
    std::vector<Mark> marks;
    struct Gutter { QRect rect; bool failed; };
    std::vector<Gutter> gutters;
    std::vector<Label> labels;
    std::vector<std::pair<QRect, QString>> footers;
    std::size_t pinnedHeader = SIZE_MAX;
    for (const TimelineLayout::Band &band : layout.bands) {
        if (toViewY(band.bottom()) < contentTop || toViewY(band.top) > rect.bottom())
            continue;
        const il::TimelineRun *runPtr = model.findRun(band.run);
        if (!runPtr)
            continue;
        const il::TimelineRun &run = *runPtr;
        const QRect header(rect.left(), toViewY(band.top), rect.width(), TimelineLayout::headerHeight);
        p.fillRect(header, style.header);
        QString note;
        if (scene.headerNotes && static_cast<std::size_t>(band.run) < scene.headerNotes->size())
            note = (*scene.headerNotes)[static_cast<std::size_t>(band.run)];
        // A run whose header scrolled away keeps it pinned under the ruler
        // (pushed up by the next run's header), so every row stays named.
        QRect pinned = header;
        if (header.top() < contentTop) {
            pinned.moveTop(std::min(contentTop, toViewY(band.bottom()) - TimelineLayout::headerHeight));
            pinnedHeader = labels.size();
        }
        labels.push_back({pinned.adjusted(8, 0, -8, 0), runHeaderText(run, taskCount, false), true, note,
                          runProblemText(run)});

        const int firstRow = std::max(0, (contentTop - toViewY(band.rowsTop())) / band.rowHeight);
        const int lastRow = std::min(band.rows - 1, (rect.bottom() - toViewY(band.rowsTop())) / band.rowHeight);
        for (int r = firstRow; r <= lastRow; ++r) {
            const int y = toViewY(band.rowsTop() + r * band.rowHeight);
            const QRect rowRect(rect.left(), y, rect.width(), band.rowHeight);
            const bool highlighted = layout.view == TimelineViewKind::ByTask
                                     && static_cast<std::uint32_t>(r) == scene.highlightTask;
            if (highlighted)
                p.fillRect(rowRect, style.selection);
            else if (r % 2)
                p.fillRect(rowRect, style.alternate);
            labels.push_back({QRect(rect.left() + 14, y, axisLeft - rect.left() - 18, band.rowHeight),
                              rowLabel(model, run, layout.view, r), false, QString()});
            if (layout.view == TimelineViewKind::ByTask) {
                // A failed or cancelled task is flagged beside its name too.
                const il::TaskState state = run.taskState(static_cast<std::uint32_t>(r));
                if (state == il::TaskState::Failed || state == il::TaskState::Cancelled) {
                    const int side = std::min(8, band.rowHeight - 4);
                    gutters.push_back({QRect(rect.left() + 3, y + (band.rowHeight - side) / 2, side, side),
                                       state == il::TaskState::Failed});
                }
            }

            const il::TimelineRow &row = run.row(layout.view, r);
            const RowGeometry &geo = geometry(row, scene, layout.view, axisWidth);
            const Segment *prev = nullptr;
            for (const Segment &s : geo.segments) {
                const QRect bar = barRect(s.x0, s.x1, y, band.rowHeight, s.kind);
                bars[static_cast<std::size_t>(s.kind)].push_back(bar);
                if (s.taskStart && prev && prev->x1 >= s.x0 && s.x1 - s.x0 >= 4)
                    separators.push_back(QRect(s.x0, bar.top(), 1, bar.height()));
                prev = &s;
            }
            for (const auto &[x0, x1] : geo.highlight)
                outlines.push_back(QRect(x0, y + 1, x1 - x0, band.rowHeight - 2));
        }
        // Where tasks failed or were cancelled: their last span outlined, a
        // cap at the end. Marks are sorted by task, so the task view visits
        // only its visible rows; the lane view skips cancelled event-loop
        // waits (thousands of them on one row say nothing the header does not).
        {
            auto it = run.marks.begin();
            auto end = run.marks.end();
            if (layout.view == TimelineViewKind::ByTask) {
                const auto byTask = [](const il::TaskMark &mk, std::uint32_t t) { return mk.task < t; };
                it = std::lower_bound(it, end, static_cast<std::uint32_t>(firstRow), byTask);
                end = std::lower_bound(it, end, static_cast<std::uint32_t>(lastRow) + 1u, byTask);
            }
            for (; it != end; ++it) {
                const il::TaskMark &mk = *it;
                const bool failed = mk.state == il::TaskState::Failed;
                if (layout.view == TimelineViewKind::ByLane && !failed && mk.lane == il::noLane)
                    continue;
                const int r = run.markRow(layout.view, mk);
                if (r < firstRow || r > lastRow)
                    continue;
                const double xs = m.toX(static_cast<double>(mk.start));
                const double xe = m.toX(static_cast<double>(mk.end));
                if (xe < axisLeft - 4 || xs > rect.right() + 4)
                    continue;
                const int y = toViewY(band.rowsTop() + r * band.rowHeight);
                const int x0 = clampX(std::floor(xs), axisLeft - 4, rect.right() + 4);
                const int x1 = std::max(x0 + 1, clampX(std::ceil(xe), axisLeft - 4, rect.right() + 4));
                marks.push_back({barRect(x0, x1, y, band.rowHeight, mk.kind), y + 1, band.rowHeight - 2, failed});
            }
        }
        // Items still open in a live run, drawn up to "now".
        const auto &open = layout.view == TimelineViewKind::ByLane ? run.openLane : run.openTask;
        for (const il::OpenItem &item : open) {
            const int r = layout.view == TimelineViewKind::ByLane ? item.row : static_cast<int>(item.task);
            if (r < firstRow || r > lastRow)
                continue;
            const int y = toViewY(band.rowsTop() + r * band.rowHeight);
            const int x0 = clampX(std::floor(m.toX(static_cast<double>(item.start))), axisLeft - 2, rect.right() + 2);
            const int x1 = std::max(x0 + 1, clampX(std::ceil(m.toX(static_cast<double>(item.end))), axisLeft - 2, rect.right() + 2));
            bars[static_cast<std::size_t>(item.kind)].push_back(barRect(x0, x1, y, band.rowHeight, item.kind));
        }
        // Tasks still waiting in the queue (live), for the visible rows only.
        if (layout.view == TimelineViewKind::ByTask && run.live) {
            for (int r = firstRow; r <= lastRow; ++r) {
                if (!run.isWaitingInQueue(static_cast<std::size_t>(r)))
                    continue;
                const int y = toViewY(band.rowsTop() + r * band.rowHeight);
                const double since = static_cast<double>(run.queuedSince[static_cast<std::size_t>(r)]);
                const int x0 = clampX(std::floor(m.toX(since)), axisLeft - 2, rect.right() + 2);
                const int x1 = std::max(x0 + 1, clampX(std::ceil(m.toX(static_cast<double>(run.liveNowNs))),
                                                       axisLeft - 2, rect.right() + 2));
                bars[static_cast<std::size_t>(ItemKind::Queued)].push_back(
                    barRect(x0, x1, y, band.rowHeight, ItemKind::Queued));
            }
        }
        // A picture cut to its height says, in the run itself, what it left out.
        if (band.hiddenRows > 0)
            footers.push_back({QRect(rect.left() + 14, toViewY(band.rowsBottom()), rect.width() - 28,
                                     TimelineLayout::footerHeight),
                               hiddenRowsText(layout.view, band.hiddenRows, band.rows + band.hiddenRows)});
    }

    // Vertical grid behind nothing important: drawn before the bars.
    p.setClipRect(itemsRect);
    p.setPen(style.grid);
    for (const RulerTick &t : ticks)
        if (t.major)
            p.drawLine(QPointF(std::round(t.x), contentTop), QPointF(std::round(t.x), rect.bottom()));

    // SVG has no Qt pattern brushes (QSvgGenerator drops them): draw the
    // hatching as lines there, so kinds stay apart without colour.
    const bool vectorOutput = isVectorDevice(p);
    p.setPen(Qt::NoPen);
    for (int k = 0; k < il::itemKindCount; ++k) {
        const auto &list = bars[static_cast<std::size_t>(k)];
        if (list.empty())
            continue;
        const KindStyle &ks = style.kinds[static_cast<std::size_t>(k)];
        p.setBrush(ks.fill);
        p.drawRects(list.data(), static_cast<int>(list.size()));
        if (ks.pattern != Qt::NoBrush) {
            // Patterns only where they can be seen; slivers stay plain.
            std::vector<QRect> wide;
            for (const QRect &r : list)
                if (r.width() >= 4)
                    wide.push_back(r);
            if (vectorOutput) {
                for (const QRect &r : wide)
                    drawPatternLines(p, r, ks.pattern, ks.ink);
                p.setPen(Qt::NoPen);
            } else {
                p.setBrush(QBrush(ks.ink, ks.pattern));
                p.drawRects(wide.data(), static_cast<int>(wide.size()));
            }
        }
    }
    if (!separators.empty()) {
        p.setBrush(style.background);
        p.drawRects(separators.data(), static_cast<int>(separators.size()));
    }
    // Cancelled first: a failure drawn over it stays red.
    for (bool failedPass : {false, true})
        for (const Mark &mk : marks)
            if (mk.failed == failedPass)
                paintEndMark(p, mk.bar, mk.capTop, mk.capHeight, mk.failed, style);
    p.setPen(Qt::NoPen);
    if (!outlines.empty()) {
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(style.highlight, 2));
        for (const QRect &r : outlines)
            p.drawRect(r);
    }
    if (scene.hasSelection) {
        const double x0 = m.toX(std::min(scene.selectionFromNs, scene.selectionToNs));
        const double x1 = m.toX(std::max(scene.selectionFromNs, scene.selectionToNs));
        p.fillRect(QRectF(x0, contentTop, std::max(1.0, x1 - x0), contentRect.height()), style.selection);
        p.setPen(QPen(style.selection.darker(200), 1, Qt::DashLine));
        p.drawLine(QPointF(x0, contentTop), QPointF(x0, rect.bottom()));
        p.drawLine(QPointF(x1, contentTop), QPointF(x1, rect.bottom()));
    }

    // Text last, above grid lines and the selection.
    p.setClipRect(contentRect);
    p.setPen(style.grid);
    p.drawLine(axisLeft - 1, contentTop, axisLeft - 1, rect.bottom());
    QFont boldFont = p.font();
    boldFont.setBold(true);
    const QFont normalFont = p.font();
    // The pinned header goes last so the rows scrolling under it stay hidden.
    if (pinnedHeader < labels.size())
        std::rotate(labels.begin() + static_cast<std::ptrdiff_t>(pinnedHeader),
                    labels.begin() + static_cast<std::ptrdiff_t>(pinnedHeader) + 1, labels.end());
    for (const Label &l : labels) {
        if (l.header) {
            p.fillRect(QRect(rect.left(), l.rect.top(), rect.width(), l.rect.height()), style.header);
            QRect textRect = l.rect;
            if (!l.note.isEmpty()) {
                // The selection's figures for this run, right-aligned in its header.
                p.setFont(normalFont);
                p.setPen(style.text);
                const int w = std::min(fm.horizontalAdvance(l.note) + 4, l.rect.width() / 2);
                const QRect noteRect(l.rect.right() - w, l.rect.top(), w, l.rect.height());
                p.fillRect(noteRect.adjusted(-6, 3, 4, -3), style.selection);
                p.drawText(noteRect, Qt::AlignVCenter | Qt::AlignRight,
                           fm.elidedText(l.note, Qt::ElideRight, noteRect.width()));
                textRect.setRight(noteRect.left() - 14);
            }
            if (!l.problem.isEmpty()) // a stripe that catches the eye in a long list of runs
                p.fillRect(QRect(rect.left(), l.rect.top() + 2, 4, l.rect.height() - 4), style.failed);
            p.setFont(boldFont);
            p.setPen(style.text);
            const QFontMetrics bfm(boldFont);
            // The mode name in bold, the figures after it in the normal weight,
            // then what went wrong in the failure colour (at least half the room).
            const int dot = l.text.indexOf(QStringLiteral(" · "));
            const QString mode = dot < 0 ? l.text : l.text.left(dot);
            p.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, mode);
            QRect rest = textRect.adjusted(bfm.horizontalAdvance(mode), 0, 0, 0);
            const QString figures = dot >= 0 ? l.text.mid(dot) : QString();
            const QString problem = l.problem.isEmpty() ? QString() : QStringLiteral(" · ") + l.problem;
            // +2: elidedText() elides at exactly the advance it was measured at.
            const int figuresNeed = figures.isEmpty() ? 0 : fm.horizontalAdvance(figures) + 2;
            const int problemNeed = problem.isEmpty() ? 0 : bfm.horizontalAdvance(problem) + 2;
            const int problemW = std::min(problemNeed, std::max(rest.width() - figuresNeed, rest.width() / 2));
            const int figuresW = std::max(0, std::min(figuresNeed, rest.width() - problemW));
            if (!figures.isEmpty()) {
                p.setFont(normalFont);
                p.drawText(QRect(rest.left(), rest.top(), figuresW, rest.height()), Qt::AlignVCenter | Qt::AlignLeft,
                           fm.elidedText(figures, Qt::ElideRight, figuresW));
            }
            if (!problem.isEmpty()) {
                rest.setLeft(rest.left() + figuresW);
                p.setFont(boldFont);
                p.setPen(style.failed);
                p.drawText(rest, Qt::AlignVCenter | Qt::AlignLeft, bfm.elidedText(problem, Qt::ElideRight, rest.width()));
            }
        } else {
            p.setFont(normalFont);
            p.setPen(style.text);
            p.drawText(l.rect, Qt::AlignVCenter | Qt::AlignLeft,
                       fm.elidedText(l.text, Qt::ElideMiddle, l.rect.width()));
        }
    }
    p.setFont(normalFont);
    p.setPen(style.mutedText);
    for (const auto &[r, text] : footers)
        p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(text, Qt::ElideRight, r.width()));
    for (const Gutter &g : gutters) {
        if (g.failed) {
            p.fillRect(g.rect, style.failed);
        } else {
            p.setPen(style.cancelled);
            p.setBrush(Qt::NoBrush);
            p.drawRect(g.rect.adjusted(0, 0, -1, -1));
        }
    }

    // Ruler last: it stays on top while the rows scroll.
    p.setClipRect(rect);
    const QRect ruler(rect.left(), rect.top(), rect.width(), TimelineLayout::rulerHeight);
    p.fillRect(ruler, style.header);
    if (scene.hasSelection) {
        const double x0 = m.toX(std::min(scene.selectionFromNs, scene.selectionToNs));
        const double x1 = m.toX(std::max(scene.selectionFromNs, scene.selectionToNs));
        p.fillRect(QRectF(std::max<double>(x0, axisLeft), ruler.top(), std::max(1.0, x1 - std::max<double>(x0, axisLeft)),
                          ruler.height()),
                   style.selection);
    }
    p.setPen(style.mutedText);
    p.setClipRect(QRect(axisLeft, ruler.top(), axisWidth, ruler.height()));
    for (const RulerTick &t : ticks) {
        const int x = static_cast<int>(std::round(t.x));
        p.drawLine(x, ruler.bottom() - (t.major ? 8 : 4), x, ruler.bottom());
        if (t.major) {
            p.setPen(style.text);
            p.drawText(QRect(x + 3, ruler.top() + 2, 120, ruler.height() - 10), Qt::AlignLeft | Qt::AlignVCenter,
                       t.label);
            p.setPen(style.mutedText);
        }
    }
    p.setClipRect(rect);
    p.setPen(style.mutedText);
    p.drawText(QRect(rect.left() + 8, ruler.top(), axisLeft - rect.left() - 12, ruler.height()),
               Qt::AlignVCenter | Qt::AlignLeft,
               layout.view == TimelineViewKind::ByLane ? QStringLiteral("by lane") : QStringLiteral("by task"));
    p.setPen(style.grid);
    p.drawLine(rect.left(), ruler.bottom(), rect.right(), ruler.bottom());
    p.restore();
}

} // namespace ui
