// Where tasks failed or were cancelled: their last span outlined with a cap
// at the end (failed red and solid, cancelled grey and dashed), and in the
// task view a flag beside the task's name.
#include "ui/timeline/passes/renderpasses.h"

#include <QPainter>

#include <algorithm>

namespace ui::passes {

void collectEndMarks(PaintContext &ctx, const VisibleBand &vb)
{
    const il::TimelineRun &run = *vb.run;
    const TimelineLayout::Band &band = *vb.band;
    PaintBatches &out = ctx.batches;
    if (ctx.byTask()) {
        for (int r = vb.firstRow; r <= vb.lastRow; ++r) {
            const il::TaskState state = run.taskState(static_cast<std::uint32_t>(r));
            if (state != il::TaskState::Failed && state != il::TaskState::Cancelled)
                continue;
            const int side = std::min(8, band.rowHeight - 4);
            out.flags.push_back({QRect(ctx.rect.left() + 3, ctx.rowTop(vb, r) + (band.rowHeight - side) / 2, side, side),
                                 state == il::TaskState::Failed});
        }
    }
    // Marks are sorted by task, so the task view visits only its visible
    // rows; the lane view skips cancelled event-loop waits (thousands of
    // them on one row say nothing the header does not).
    auto it = run.marks().begin();
    auto end = run.marks().end();
    if (ctx.byTask()) {
        const auto byTask = [](const il::TaskMark &mk, std::uint32_t t) { return mk.task < t; };
        it = std::lower_bound(it, end, static_cast<std::uint32_t>(vb.firstRow), byTask);
        end = std::lower_bound(it, end, static_cast<std::uint32_t>(vb.lastRow) + 1u, byTask);
    }
    for (; it != end; ++it) {
        const il::TaskMark &mk = *it;
        const bool failed = mk.state == il::TaskState::Failed;
        if (!ctx.byTask() && !failed && mk.lane == il::noLane)
            continue;
        const int r = run.markRow(ctx.layout.view, mk);
        if (r < vb.firstRow || r > vb.lastRow)
            continue;
        const double xs = ctx.m.toX(static_cast<double>(mk.start));
        const double xe = ctx.m.toX(static_cast<double>(mk.end));
        if (xe < ctx.axisLeft - 4 || xs > ctx.rect.right() + 4)
            continue;
        const int y = ctx.rowTop(vb, r);
        const auto [x0, x1] = ctx.xSpan(static_cast<double>(mk.start), static_cast<double>(mk.end), 4);
        out.marks.push_back({barRect(x0, x1, y, band.rowHeight, mk.kind), y + 1, band.rowHeight - 2, failed});
    }
}

void paintEndMarks(PaintContext &ctx)
{
    // Cancelled first: a failure drawn over it stays red.
    for (bool failedPass : {false, true})
        for (const PaintBatches::EndMark &mk : ctx.batches.marks)
            if (mk.failed == failedPass)
                paintEndMark(ctx.p, mk.bar, mk.capTop, mk.capHeight, mk.failed, ctx.style);
}

void paintEndFlags(PaintContext &ctx)
{
    for (const PaintBatches::EndFlag &f : ctx.batches.flags) {
        if (f.failed) {
            ctx.p.fillRect(f.rect, ctx.style.failed);
        } else {
            ctx.p.setPen(ctx.style.cancelled);
            ctx.p.setBrush(Qt::NoBrush);
            ctx.p.drawRect(f.rect.adjusted(0, 0, -1, -1));
        }
    }
}

} // namespace ui::passes
