// Lock handoffs: an arrow from where a task released a lock to where the
// task waiting for it got it (the end of its lock-wait), in both views, so
// that who waited for whom reads off the picture as "unblocked by".
#include "ui/timeline/passes/renderpasses.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace ui::passes {

void collectHandoffs(PaintContext &ctx, const VisibleBand &vb)
{
    if (!ctx.scene.showHandoffs || vb.lastRow < vb.firstRow)
        return;
    const int half = vb.band->rowHeight / 2;
    const double left = ctx.axisLeft - 8, right = ctx.rect.right() + 8;
    for (const il::HandoffArrow &a : vb.run->handoffArrows(ctx.layout.view)) {
        // Rows scrolled out of the band's view still have a y: the arrow
        // runs off the edge toward them, clipped like every bar.
        if (std::max(a.fromRow, a.toRow) < vb.firstRow || std::min(a.fromRow, a.toRow) > vb.lastRow)
            continue;
        const double x0 = ctx.m.toX(static_cast<double>(a.fromNs));
        const double x1 = ctx.m.toX(static_cast<double>(a.toNs));
        if (std::max(x0, x1) < left || std::min(x0, x1) > right)
            continue;
        ctx.batches.arrows.push_back({QPointF(x0, ctx.rowTop(vb, a.fromRow) + half),
                                      QPointF(x1, ctx.rowTop(vb, a.toRow) + half)});
    }
}

void paintHandoffs(PaintContext &ctx)
{
    if (ctx.batches.arrows.empty())
        return;
    QPainter &p = ctx.p;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    QColor ink = ctx.style.text;
    ink.setAlpha(200);
    p.setPen(QPen(ink, 1.2));
    p.setBrush(ink);
    constexpr double head = 6, wing = 3;
    for (const PaintBatches::Arrow &a : ctx.batches.arrows) {
        const QPointF d = a.to - a.from;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1) {
            p.drawEllipse(a.to, 2, 2); // released and taken within a pixel
            continue;
        }
        p.drawLine(a.from, a.to);
        const QPointF u = d / len, n(-u.y(), u.x());
        const QPointF base = a.to - u * std::min(head, len);
        p.drawPolygon(QPolygonF({a.to, base + n * wing, base - n * wing}));
    }
    p.restore();
}

} // namespace ui::passes
