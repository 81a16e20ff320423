// Queue and wake-up arrows (View menu, off by default): from the moment a
// task was queued to where the lane that picked it up started it, and from
// the end of an io awaited off the event loop to where the loop ran the task
// next. Thin and dashed, so they read as "waited until", apart from the
// solid lock handoff arrows ("unblocked by").
//
// Each row keeps at most one arrow head every few pixels (more when many
// rows share the budget) and a frame at most 400 of each kind: 200,000
// queued tasks stay a readable fan, and a frame costs what it draws, not
// what the run holds (the model finds them by binary search).
#include "ui/timeline/passes/renderpasses.h"

#include <QLineF>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace ui::passes {

namespace {
constexpr double headGapPx = 5;        // per row, one head every this many pixels at most
// A frame's arrows of one kind: enough to read the pattern. The shafts of a
// fan cross the whole view, and drawing them costs per pixel (about 14 ns a
// pixel, aliased and opaque): 400 of them are a few ms.
constexpr std::size_t maxPerKind = 400;

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
    // The gap grows with the rows in view, so the budget is shared by every
    // row rather than spent on the first ones.
    const int rows = vb.lastRow - vb.firstRow + 1;
    const double gapPx = std::max(headGapPx, double(rows) * ctx.axisWidth / double(maxPerKind));
    q.minGapNs = static_cast<std::int64_t>(std::ceil(gapPx * ctx.m.nsPerPx));
    q.limit = maxPerKind - out.size();
    std::vector<il::TaskArrow> &arrows = ctx.batches.taskArrowScratch;
    arrows.clear();
    vb.run->taskArrows(kind, ctx.layout.view, q, arrows);
    const int half = vb.band->rowHeight / 2;
    const int bandRows = vb.band->rows; // a picture may show only the first rows
    // By lane the queue is the run's header: arrows leave from its lower edge.
    const double queueY = ctx.toViewY(vb.band->rowsTop()) - 2;
    for (const il::TaskArrow &a : arrows) {
        if (std::max(a.fromRow, a.toRow) >= bandRows)
            continue;
        const double fromY = a.fromRow == il::TaskArrow::queueRow ? queueY : ctx.rowTop(vb, a.fromRow) + half;
        out.push_back({QPointF(ctx.m.toX(static_cast<double>(a.fromNs)), fromY),
                       QPointF(ctx.m.toX(static_cast<double>(a.toNs)), ctx.rowTop(vb, a.toRow) + half)});
    }
}

// The part of the segment a-b inside `r` (Liang-Barsky); false if none.
// A queue arrow's tail may lie 100,000 px off screen when zoomed in: the
// painter would walk (and dash) all of it.
bool clipSegment(QPointF &a, QPointF &b, const QRectF &r)
{
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    double t0 = 0, t1 = 1;
    const auto edge = [&](double p, double q) {
        if (p == 0)
            return q >= 0;
        const double t = q / p;
        if (p < 0) {
            if (t > t1)
                return false;
            t0 = std::max(t0, t);
        } else {
            if (t < t0)
                return false;
            t1 = std::min(t1, t);
        }
        return true;
    };
    if (!edge(-dx, a.x() - r.left()) || !edge(dx, r.right() - a.x()) || !edge(-dy, a.y() - r.top())
        || !edge(dy, r.bottom() - a.y()))
        return false;
    const QPointF from = a;
    a = from + QPointF(dx, dy) * t0;
    b = from + QPointF(dx, dy) * t1;
    return true;
}

void paintKind(QPainter &p, const std::vector<PaintBatches::Arrow> &arrows, const QPen &pen, double head,
               double wing, const QRectF &clip)
{
    if (arrows.empty())
        return;
    // Shafts in one call, dashed; heads solid, also in one call.
    std::vector<QLineF> shafts;
    shafts.reserve(arrows.size());
    // Heads one convex polygon each: one path of them all is rasterised
    // over its whole bounding box (15x slower for a fan).
    std::vector<std::array<QPointF, 3>> heads;
    heads.reserve(arrows.size());
    for (const PaintBatches::Arrow &a : arrows) {
        const QPointF d = a.to - a.from;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1)
            continue; // no wait to show: it ran the moment it could
        const QPointF u = d / len, n(-u.y(), u.x());
        const QPointF base = a.to - u * std::min(head, len);
        QPointF from = a.from, to = base;
        if (len > head && clipSegment(from, to, clip))
            shafts.emplace_back(from, to);
        heads.push_back({a.to, base + n * wing, base - n * wing});
    }
    // Shafts aliased and opaque: a fan of arrows across the view is a few
    // hundred thousand pixels, which antialiasing or a translucent pen make
    // several times dearer; the heads are small and smooth.
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawLines(shafts.data(), static_cast<int>(shafts.size()));
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    for (const auto &h : heads)
        p.drawConvexPolygon(h.data(), 3);
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
    // The text colour halfway to the background, opaque (see paintKind).
    const QColor a = style.text, b = style.background;
    const double f = style.dark ? 0.6 : 0.5;
    return QColor::fromRgbF(float(a.redF() * f + b.redF() * (1 - f)), float(a.greenF() * f + b.greenF() * (1 - f)),
                            float(a.blueF() * f + b.blueF() * (1 - f)));
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
    // Cosmetic pens: the raster engine dashes them while it walks the line,
    // where a dashed wide pen is cut into a path of dashes first (20x the
    // cost for a fan of long arrows).
    QPen queue(queueArrowColor(ctx.style), 1.0);
    queue.setCosmetic(true);
    queue.setDashPattern({4, 3});
    const QRectF clip = QRectF(ctx.itemsRect).adjusted(-2, -2, 2, 2);
    paintKind(p, ctx.batches.queueArrows, queue, 5, 2.5, clip);
    QPen wake(wakeArrowColor(ctx.style), 1.0);
    wake.setCosmetic(true);
    wake.setDashPattern({2, 1.5});
    paintKind(p, ctx.batches.wakeArrows, wake, 6, 3, clip);
    p.restore();
}

} // namespace ui::passes
