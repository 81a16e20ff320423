// A live run's unfinished business, drawn up to "now": spans begun and not
// ended, and tasks still waiting in the queue (visible rows only, so a
// million queued tasks cost nothing). They join the bars of their kind.
#include "ui/timeline/passes/renderpasses.h"

namespace ui::passes {

void collectLiveItems(PaintContext &ctx, const VisibleBand &vb)
{
    const il::LiveRunState *live = vb.run->live();
    if (!live)
        return;
    const int rowHeight = vb.band->rowHeight;
    auto &bars = ctx.batches.bars;
    for (const il::OpenItem &item : live->open(ctx.layout.view)) {
        const int r = ctx.byTask() ? static_cast<int>(item.task) : item.row;
        if (r < vb.firstRow || r > vb.lastRow)
            continue;
        const auto [x0, x1] = ctx.xSpan(static_cast<double>(item.start), static_cast<double>(item.end), 2);
        if (item.kind == il::ItemKind::QueuedAt && !ctx.byTask()) {
            ctx.batches.queuedAtStrips.push_back(queuedAtStripRect(x0, x1, ctx.rowTop(vb, r), rowHeight));
            continue;
        }
        bars[static_cast<std::size_t>(item.kind)].push_back(barRect(x0, x1, ctx.rowTop(vb, r), rowHeight, item.kind));
    }
    if (!ctx.byTask())
        return;
    for (int r = vb.firstRow; r <= vb.lastRow; ++r) {
        if (!live->isWaitingInQueue(static_cast<std::size_t>(r)))
            continue;
        const auto [x0, x1] = ctx.xSpan(static_cast<double>(live->queuedSince[static_cast<std::size_t>(r)]),
                                        static_cast<double>(live->nowNs), 2);
        bars[static_cast<std::size_t>(il::ItemKind::Queued)].push_back(
            barRect(x0, x1, ctx.rowTop(vb, r), rowHeight, il::ItemKind::Queued));
    }
}

} // namespace ui::passes
