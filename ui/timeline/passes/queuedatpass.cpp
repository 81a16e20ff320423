// By lane: where tasks sat queued at a worker (processes --prefetch) while
// it ran another. The lane was busy with that other task, so this is no bar:
// a thin strip along the bottom edge of the lane, in the queued-at ink,
// merged per pixel like the bars (ui::buildSegments).
#include "ui/timeline/passes/renderpasses.h"

#include <QPainter>

namespace ui::passes {

void collectQueuedAt(PaintContext &ctx, const VisibleBand &vb)
{
    if (ctx.byTask() || !vb.run->hasQueuedAt())
        return;
    const int lanes = static_cast<int>(vb.run->laneRows().size());
    for (int r = vb.firstRow; r <= std::min(vb.lastRow, lanes - 1); ++r) {
        const il::TimelineRow &row = vb.run->queuedAtRow(r);
        if (row.empty())
            continue;
        const int y = ctx.rowTop(vb, r);
        for (const Segment &s : ctx.rowGeometry(row).segments)
            ctx.batches.queuedAtStrips.push_back(queuedAtStripRect(s.x0, s.x1, y, vb.band->rowHeight));
    }
}

void paintQueuedAt(PaintContext &ctx)
{
    const auto &strips = ctx.batches.queuedAtStrips;
    if (strips.empty())
        return;
    ctx.p.setPen(Qt::NoPen);
    ctx.p.setBrush(ctx.style.kind(il::ItemKind::QueuedAt).ink);
    ctx.p.drawRects(strips.data(), static_cast<int>(strips.size()));
}

} // namespace ui::passes
