// The clicked task outlined wherever it ran, and the range selected on the
// ruler shaded over the rows and the ruler.
#include "ui/timeline/passes/renderpasses.h"

#include <QPainter>

#include <algorithm>

namespace ui::passes {

namespace {
std::pair<double, double> selectionX(const PaintContext &ctx)
{
    const TimelineScene &s = ctx.scene;
    return {ctx.m.toX(std::min(s.selectionFromNs, s.selectionToNs)),
            ctx.m.toX(std::max(s.selectionFromNs, s.selectionToNs))};
}
} // namespace

void collectHighlight(PaintContext &ctx, const VisibleBand &vb)
{
    // Not in runs of other tasks: their task of that number is another task.
    if (ctx.scene.highlightIn(vb.band->run) == il::noTask)
        return;
    const int rowHeight = vb.band->rowHeight;
    for (int r = vb.firstRow; r <= vb.lastRow; ++r) {
        const int y = ctx.rowTop(vb, r);
        for (const auto &[x0, x1] : ctx.rowGeometry(vb.run->row(ctx.layout.view, r)).highlight)
            ctx.batches.outlines.push_back(QRect(x0, y + 1, x1 - x0, rowHeight - 2));
    }
}

void paintHighlight(PaintContext &ctx)
{
    ctx.p.setPen(Qt::NoPen);
    const auto &outlines = ctx.batches.outlines;
    if (outlines.empty())
        return;
    ctx.p.setBrush(Qt::NoBrush);
    ctx.p.setPen(QPen(ctx.style.highlight, 2));
    for (const QRect &r : outlines)
        ctx.p.drawRect(r);
}

void paintSelection(PaintContext &ctx)
{
    if (!ctx.scene.hasSelection)
        return;
    const auto [x0, x1] = selectionX(ctx);
    QPainter &p = ctx.p;
    p.fillRect(QRectF(x0, ctx.contentTop, std::max(1.0, x1 - x0), ctx.contentRect.height()), ctx.style.selection);
    p.setPen(QPen(ctx.style.selection.darker(200), 1, Qt::DashLine));
    p.drawLine(QPointF(x0, ctx.contentTop), QPointF(x0, ctx.rect.bottom()));
    p.drawLine(QPointF(x1, ctx.contentTop), QPointF(x1, ctx.rect.bottom()));
}

void paintRulerSelection(PaintContext &ctx, const QRect &ruler)
{
    if (!ctx.scene.hasSelection)
        return;
    const auto [x0, x1] = selectionX(ctx);
    const double left = std::max<double>(x0, ctx.axisLeft);
    ctx.p.fillRect(QRectF(left, ruler.top(), std::max(1.0, x1 - left), ruler.height()), ctx.style.selection);
}

} // namespace ui::passes
