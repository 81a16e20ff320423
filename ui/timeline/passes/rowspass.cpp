// Rows and bars: stripes, row names, one rectangle per merged segment, the
// gaps between tasks, names inside the bars that have room, and the grid
// behind them.
#include "ui/timeline/passes/renderpasses.h"

#include "core/analysis/advisor.h"
#include "ui/timeline/rowlabels.h"

#include <QPainter>

#include <climits>
#include <cmath>

namespace ui::passes {

void collectRows(PaintContext &ctx, const VisibleBand &vb)
{
    const TimelineLayout::Band &band = *vb.band;
    PaintBatches &out = ctx.batches;
    for (int r = vb.firstRow; r <= vb.lastRow; ++r) {
        const int y = ctx.rowTop(vb, r);
        const QRect rowRect(ctx.rect.left(), y, ctx.rect.width(), band.rowHeight);
        // In the task view the highlighted task's row is tinted in every run.
        if (ctx.byTask() && static_cast<std::uint32_t>(r) == ctx.scene.highlightTask) {
            ctx.p.fillRect(rowRect, ctx.style.selection);
        } else if (ctx.byTask() && ctx.scene.isMatch(static_cast<std::uint32_t>(r))) {
            // A find match: the highlight's colour, fainter.
            QColor tint = ctx.style.selection;
            tint.setAlpha(tint.alpha() / 2);
            ctx.p.fillRect(rowRect, r % 2 ? ctx.style.alternate : ctx.style.background);
            ctx.p.fillRect(rowRect, tint);
        } else if (r % 2)
            ctx.p.fillRect(rowRect, ctx.style.alternate);
        // Compact rows are too low for a name: the tooltip has it.
        if (band.rowHeight * 10 >= ctx.fm.height() * 7) {
            out.texts.push_back({false, out.rowLabels.size()});
            out.rowLabels.push_back({QRect(ctx.rect.left() + 14, y, ctx.axisLeft - ctx.rect.left() - 18, band.rowHeight),
                                     rowLabel(ctx.model, *vb.run, ctx.layout.view, r)});
        }

        const RowGeometry &geo = ctx.rowGeometry(vb.run->row(ctx.layout.view, r));
        const Segment *prev = nullptr;
        for (const Segment &s : geo.segments) {
            const QRect bar = barRect(s.x0, s.x1, y, band.rowHeight, s.kind);
            out.bars[static_cast<std::size_t>(s.kind)].push_back(bar);
            if (s.taskStart && prev && prev->x1 >= s.x0 && s.x1 - s.x0 >= 4)
                out.separators.push_back(QRect(s.x0, bar.top(), 1, bar.height()));
            prev = &s;
        }
        // Names where they fit: only rows tall enough for a line of text,
        // only the running kinds (queued / ready bars are thin).
        if (band.rowHeight < ctx.fm.height() || !ctx.scene.spanNames)
            continue;
        int lastRight = INT_MIN;
        for (const NamedItem &item : geo.named) {
            if (item.kind == il::ItemKind::Queued || item.kind == il::ItemKind::Ready)
                continue;
            const int left = std::max(item.x0, ctx.axisLeft) + 3;
            const int right = std::min(item.x1, ctx.rect.right()) - 3;
            if (right - left < minNamedItemPx - 6 || left < lastRight) // items overlap on wait rows
                continue;
            // The whole name if it fits (its width measured once per task),
            // else cut at the end.
            QString shown;
            int width = 0;
            const QStaticText *whole = nullptr;
            if (ctx.byTask()) {
                shown = QStringLiteral("%1 %2").arg(QLatin1String(il::itemKindName(item.kind)),
                                                    il::formatDurationMs(double(item.durationNs) / 1e6));
                width = ctx.fm.horizontalAdvance(shown);
            } else {
                width = ctx.geometry.nameWidth(ctx.model, item.task, ctx.normalFont, ctx.fm);
                if (width <= right - left)
                    whole = &ctx.geometry.nameText(ctx.model, item.task, ctx.normalFont, ctx.fm);
                else
                    shown = ctx.model.taskName(item.task);
            }
            if (!whole && width > right - left) {
                shown = ctx.fm.elidedText(shown, Qt::ElideRight, right - left);
                width = ctx.fm.horizontalAdvance(shown);
            }
            if (!whole && (shown.isEmpty() || shown == QStringLiteral("…")))
                continue;
            out.spanNames.push_back({QRect(left, y, right - left, band.rowHeight), shown, item.kind, width, whole});
            lastRight = right;
        }
    }
}

void paintSpanNames(PaintContext &ctx)
{
    if (ctx.batches.spanNames.empty())
        return;
    QPainter &p = ctx.p;
    p.setFont(ctx.normalFont);
    for (const PaintBatches::SpanName &n : ctx.batches.spanNames) {
        // Dark text on light fills, light on dark, over a wash of the fill
        // so hatching never runs through the letters.
        const KindStyle &ks = ctx.style.kinds[static_cast<std::size_t>(n.kind)];
        const QColor fill = ks.fill;
        const int textHeight = ctx.fm.height();
        const QRect textRect(n.rect.left() - 1, n.rect.top() + (n.rect.height() - textHeight) / 2, n.textWidth + 2, textHeight);
        if (ks.pattern != Qt::NoBrush) { // a solid fill needs no wash
            QColor wash = fill;
            wash.setAlpha(215);
            p.fillRect(textRect.intersected(n.rect), wash);
        }
        p.setPen(fill.lightness() > 140 ? QColor(0x20, 0x20, 0x20) : QColor(0xff, 0xff, 0xff));
        if (n.whole)
            p.drawStaticText(QPointF(n.rect.left(), textRect.top()), *n.whole);
        else
            p.drawText(n.rect, Qt::AlignVCenter | Qt::AlignLeft, n.text);
    }
}

void paintGrid(PaintContext &ctx)
{
    // Vertical grid behind nothing important: drawn before the bars.
    ctx.p.setPen(ctx.style.grid);
    for (const RulerTick &t : ctx.ticks)
        if (t.major)
            ctx.p.drawLine(QPointF(std::round(t.x), ctx.contentTop), QPointF(std::round(t.x), ctx.rect.bottom()));
}

void paintBars(PaintContext &ctx)
{
    QPainter &p = ctx.p;
    // SVG has no Qt pattern brushes (QSvgGenerator drops them): draw the
    // hatching as lines there, so kinds stay apart without colour.
    const bool vectorOutput = isVectorDevice(p);
    p.setPen(Qt::NoPen);
    for (int k = 0; k < il::itemKindCount; ++k) {
        const auto &list = ctx.batches.bars[static_cast<std::size_t>(k)];
        if (list.empty())
            continue;
        const KindStyle &ks = ctx.style.kinds[static_cast<std::size_t>(k)];
        p.setBrush(ks.fill);
        p.drawRects(list.data(), static_cast<int>(list.size()));
        if (ks.pattern == Qt::NoBrush)
            continue;
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
    const auto &separators = ctx.batches.separators;
    if (!separators.empty()) {
        p.setBrush(ctx.style.background);
        p.drawRects(separators.data(), static_cast<int>(separators.size()));
    }
}

void paintLabelEdge(PaintContext &ctx)
{
    ctx.p.setPen(ctx.style.grid);
    ctx.p.drawLine(ctx.axisLeft - 1, ctx.contentTop, ctx.axisLeft - 1, ctx.rect.bottom());
}

void paintRowLabel(PaintContext &ctx, const PaintBatches::RowLabel &label)
{
    ctx.p.setFont(ctx.normalFont);
    ctx.p.setPen(ctx.style.text);
    ctx.p.drawText(label.rect, Qt::AlignVCenter | Qt::AlignLeft,
                   ctx.fm.elidedText(label.text, Qt::ElideRight, label.rect.width())); // the whole name on hover
}

} // namespace ui::passes
