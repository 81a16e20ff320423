// The time ruler, drawn last so it stays on top while the rows scroll: ticks
// and their labels, the selected range, and which view this is.
#include "ui/timeline/passes/renderpasses.h"

#include <QPainter>

#include <cmath>

namespace ui::passes {

void paintRuler(PaintContext &ctx)
{
    QPainter &p = ctx.p;
    const QRect &rect = ctx.rect;
    p.setClipRect(rect);
    const QRect ruler(rect.left(), rect.top(), rect.width(), TimelineLayout::rulerHeight);
    p.fillRect(ruler, ctx.style.header);
    paintRulerSelection(ctx, ruler);
    p.setPen(ctx.style.mutedText);
    p.setClipRect(QRect(ctx.axisLeft, ruler.top(), ctx.axisWidth, ruler.height()));
    for (const RulerTick &t : ctx.ticks) {
        const int x = static_cast<int>(std::round(t.x));
        p.drawLine(x, ruler.bottom() - (t.major ? 8 : 4), x, ruler.bottom());
        if (t.major) {
            p.setPen(ctx.style.text);
            p.drawText(QRect(x + 3, ruler.top() + 2, 120, ruler.height() - 10), Qt::AlignLeft | Qt::AlignVCenter, t.label);
            p.setPen(ctx.style.mutedText);
        }
    }
    p.setClipRect(rect);
    p.setPen(ctx.style.mutedText);
    p.drawText(QRect(rect.left() + 8, ruler.top(), ctx.axisLeft - rect.left() - 12, ruler.height()),
               Qt::AlignVCenter | Qt::AlignLeft, ctx.byTask() ? QStringLiteral("by task") : QStringLiteral("by lane"));
    p.setPen(ctx.style.grid);
    p.drawLine(rect.left(), ruler.bottom(), rect.right(), ruler.bottom());
}

} // namespace ui::passes
