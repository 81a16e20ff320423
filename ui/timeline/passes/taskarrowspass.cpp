// Queue and wake-up arrows (View menu, off by default): from the moment a
// task was queued to where the lane that picked it up started it, and from
// the end of an io awaited off the event loop to where the loop ran the task
// next. Thin and dashed, so they read as "waited until", apart from the
// solid lock handoff arrows ("unblocked by").
//
// Each row keeps at most one arrow every few pixels of head position and a
// frame at most a few thousand: 200,000 queued tasks stay a readable fan, and
// a frame costs what it draws, not what the run holds (the model finds them
// by binary search).
#include "ui/timeline/passes/renderpasses.h"

#include <QLineF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ui::passes {

namespace {
constexpr double headGapPx = 5;        // per row, one head every this many pixels at most
constexpr std::size_t maxPerKind = 1500;

void collectKind(PaintContext &ctx, const VisibleBand &vb, il::TaskArrowKind kind,
                 std::vector<PaintBatches::Arrow> &out)
{
    if (out.size() >= maxPerKind)
        return;
    const double left = ctx.axisLeft - 8, right = ctx.rect.right() + 8;
    il::TaskArrowQuery q;
    // Heads in view: each start on screen shows where its wait began, off
    // the left edge if that is earlier.
    q.fromNs = static_cast<std::int64_t>(std::floor(ctx.m.toNs(left)));
    q.toNs = static_cast<std::int64_t>(std::ceil(ctx.m.toNs(right)));
    q.firstRow = vb.firstRow;
    q.lastRow = vb.lastRow;
    q.minGapNs = static_cast<std::int64_t>(std::ceil(headGapPx * ctx.m.nsPerPx));
    q.limit = maxPerKind - out.size();
    std::vector<il::TaskArrow> &arrows = ctx.batches.taskArrowScratch;
    arrows.clear();
    vb.run->taskArrows(kind, ctx.layout.view, q, arrows);
    const int half = vb.band->rowHeight / 2;
    const int rows = vb.band->rows; // a picture may show only the first rows
    // By lane the queue is the run's header: arrows leave from its lower edge.
    const double queueY = ctx.toViewY(vb.band->rowsTop()) - 2;
    for (const il::TaskArrow &a : arrows) {
        if (std::max(a.fromRow, a.toRow) >= rows)
            continue;
        const double fromY = a.fromRow == il::TaskArrow::queueRow ? queueY : ctx.rowTop(vb, a.fromRow) + half;
        out.push_back({QPointF(ctx.m.toX(static_cast<double>(a.fromNs)), fromY),
                       QPointF(ctx.m.toX(static_cast<double>(a.toNs)), ctx.rowTop(vb, a.toRow) + half)});
    }
}

void paintKind(QPainter &p, const std::vector<PaintBatches::Arrow> &arrows, const QPen &pen, double head,
               double wing)
{
    if (arrows.empty())
        return;
    // Shafts in one call, dashed; heads solid, also in one call.
    std::vector<QLineF> shafts;
    shafts.reserve(arrows.size());
    QPainterPath heads;
    for (const PaintBatches::Arrow &a : arrows) {
        const QPointF d = a.to - a.from;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1)
            continue; // no wait to show: it ran the moment it could
        const QPointF u = d / len, n(-u.y(), u.x());
        const QPointF base = a.to - u * std::min(head, len);
        if (len > head)
            shafts.emplace_back(a.from, base);
        heads.addPolygon(QPolygonF({a.to, base + n * wing, base - n * wing, a.to}));
    }
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawLines(shafts.data(), static_cast<int>(shafts.size()));
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    p.drawPath(heads);
}
} // namespace

void collectTaskArrows(PaintContext &ctx, const VisibleBand &vb)
{
    if (vb.lastRow < vb.firstRow)
        return;
    if (ctx.scene.showQueueArrows)
        collectKind(ctx, vb, il::TaskArrowKind::Queue, ctx.batches.queueArrows);
    if (ctx.scene.showWakeArrows)
        collectKind(ctx, vb, il::TaskArrowKind::Wake, ctx.batches.wakeArrows);
}

QColor queueArrowColor(const SpanStyle &style)
{
    QColor ink = style.text;
    ink.setAlpha(style.dark ? 150 : 130);
    return ink;
}

QColor wakeArrowColor(const SpanStyle &style)
{
    // Okabe-Ito's bluish green: no bar kind is drawn in it at this strength.
    return style.dark ? QColor(0x3d, 0xd6, 0xa6) : QColor(0x00, 0x8a, 0x64);
}

void paintTaskArrows(PaintContext &ctx)
{
    if (ctx.batches.queueArrows.empty() && ctx.batches.wakeArrows.empty())
        return;
    QPainter &p = ctx.p;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    QPen queue(queueArrowColor(ctx.style), 1.0);
    queue.setDashPattern({4, 3});
    queue.setCapStyle(Qt::FlatCap);
    paintKind(p, ctx.batches.queueArrows, queue, 5, 2.5);
    QPen wake(wakeArrowColor(ctx.style), 1.4);
    wake.setDashPattern({2.5, 2});
    wake.setCapStyle(Qt::FlatCap);
    paintKind(p, ctx.batches.wakeArrows, wake, 6, 3);
    p.restore();
}

} // namespace ui::passes
