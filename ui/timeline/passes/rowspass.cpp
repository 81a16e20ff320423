// Rows and bars: stripes, row names, one rectangle per merged segment, the
// gaps between tasks, names inside the bars that have room, and the grid
// behind them.
#include "ui/timeline/passes/renderpasses.h"

#include "ui/timeline/rowlabels.h"

#include <QGlyphRun>
#include <QPainter>

#include <array>
#include <climits>
#include <cmath>

namespace ui::passes {

void collectRows(PaintContext &ctx, const VisibleBand &vb)
{
    const TimelineLayout::Band &band = *vb.band;
    PaintBatches &out = ctx.batches;
    const bool vectorOutput = isVectorDevice(ctx.p);
    const SpanNameText &ellipsis = ctx.names.ellipsis(ctx.normalFont);
    // Highlight and find matches are per task of the run's own names.
    const std::uint32_t highlight = ctx.scene.highlightIn(band.run);
    const int namesGroup = ctx.byTask() && ctx.scene.matches ? ctx.model.namesGroup(band.run) : -1;
    const il::Trace *foreign = !ctx.byTask() && vb.run->trace() && vb.run->trace()->foreign ? vb.run->trace().get() : nullptr;
    for (int r = vb.firstRow; r <= vb.lastRow; ++r) {
        const int y = ctx.rowTop(vb, r);
        const QRect rowRect(ctx.rect.left(), y, ctx.rect.width(), band.rowHeight);
        // In the task view the highlighted task's row is tinted in every run
        // of its task set.
        if (ctx.byTask() && static_cast<std::uint32_t>(r) == highlight) {
            ctx.p.fillRect(rowRect, ctx.style.selection);
        } else if (ctx.byTask() && ctx.scene.isMatch(namesGroup, static_cast<std::uint32_t>(r))) {
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
                                     rowLabel(*vb.run, ctx.layout.view, r)});
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
        // Another tool's run by lane: its spans carry the names its file
        // gave them; item i of a lane row is the lane's span i.
        const il::Trace::Range laneSpans = foreign ? foreign->laneSpans(r) : il::Trace::Range{nullptr, nullptr}; // none past its lanes
        for (const NamedItem &item : geo.named) {
            if (item.kind == il::ItemKind::Queued || item.kind == il::ItemKind::Ready || item.kind == il::ItemKind::QueuedAt)
                continue;
            const il::Span *span = laneSpans.begin && item.index < std::size_t(laneSpans.end - laneSpans.begin)
                                       ? laneSpans.begin + item.index
                                       : nullptr;
            const SpanNameText *label = span ? &ctx.names.spanLabel(*foreign, *span, ctx.normalFont) : nullptr;
            if (label && label->text.isEmpty())
                label = nullptr;
            if (!label && item.task == il::noTask)
                continue;
            const int left = std::max(item.x0, ctx.axisLeft) + 3;
            const int right = std::min(item.x1, ctx.rect.right()) - 3;
            const int room = right - left;
            if (room < minNamedItemPx - 6 || left < lastRight) // items overlap on wait rows
                continue;
            // Laid out once per name (by task: per kind and length); cut to
            // the bar by its cached advances, not shaped again.
            const SpanNameText &name = label ? *label
                                       : ctx.byTask() ? ctx.names.phaseText(item.kind, item.durationNs, ctx.normalFont)
                                                      : ctx.names.taskName(*vb.run, item.task, ctx.normalFont);
            PaintBatches::SpanName shown{QRect(left, y, room, band.rowHeight), QString(), item.kind, 0, &name, 0};
            if (!vectorOutput && name.simple() && (name.width <= room || ellipsis.simple())) {
                shown.shown = name.glyphsShown(room, ellipsis.width);
                if (shown.shown == 0) // an ellipsis alone says nothing
                    continue;
                shown.textWidth = shown.shown == int(name.glyphs.size())
                                      ? name.width
                                      : static_cast<int>(std::lround(name.endOf(shown.shown))) + ellipsis.width;
            } else if (!vectorOutput && name.width <= room) {
                shown.textWidth = name.width;
            } else {
                // SVG keeps text as text, measured as Qt lays it out; other
                // scripts are cut by Qt.
                shown.name = nullptr;
                const int whole = vectorOutput ? ctx.fm.horizontalAdvance(name.text) : name.width;
                shown.text = whole <= room ? name.text : ctx.fm.elidedText(name.text, Qt::ElideRight, room);
                if (shown.text.isEmpty() || shown.text == QStringLiteral("…"))
                    continue;
                shown.textWidth = whole <= room ? whole : ctx.fm.horizontalAdvance(shown.text);
            }
            out.spanNames.push_back(std::move(shown));
            lastRight = right;
        }
    }
}

namespace {

// Where a name is drawn: its text's height, as wide as what is drawn and a
// pixel more (a last letter may reach past its advance), inside the bar's
// room.
QRect nameRect(const PaintBatches::SpanName &n, int textHeight)
{
    const int top = n.rect.top() + (n.rect.height() - textHeight) / 2;
    return QRect(n.rect.left(), top, n.textWidth + 1, textHeight).intersected(n.rect);
}

} // namespace

void paintSpanNames(PaintContext &ctx)
{
    const std::vector<PaintBatches::SpanName> &names = ctx.batches.spanNames;
    if (names.empty())
        return;
    QPainter &p = ctx.p;
    const SpanNameText &ellipsis = ctx.names.ellipsis(ctx.normalFont);
    const int textHeight = ctx.fm.height();
    // Dark text on light fills, light on dark; on a patterned bar over a
    // patch of its plain fill, so hatching never runs through the letters
    // (opaque: a fill, not a blend). The names never overlap, so they go
    // out in batches: the patches per kind, then every simple name's glyphs
    // in one run per kind, then the rest one by one (names Qt lays out, and
    // text in SVG).
    std::array<std::vector<QRect>, il::itemKindCount> patches;
    struct Ink
    {
        std::vector<quint32> glyphs;
        std::vector<QPointF> positions;
    };
    std::array<Ink, il::itemKindCount> inks;
    for (const PaintBatches::SpanName &n : names) {
        const QRect rect = nameRect(n, textHeight);
        if (ctx.style.kind(n.kind).pattern != Qt::NoBrush)
            patches[static_cast<std::size_t>(n.kind)].push_back(rect);
        if (!n.name || !n.name->simple())
            continue;
        Ink &ink = inks[static_cast<std::size_t>(n.kind)];
        const double baseline = rect.top() + ctx.fm.ascent();
        float x = float(n.rect.left());
        for (int i = 0; i < n.shown; ++i) {
            ink.glyphs.push_back(n.name->glyphs[std::size_t(i)].index);
            ink.positions.emplace_back(x + n.name->endOf(i), baseline);
        }
        if (n.shown < int(n.name->glyphs.size())) { // cut: an ellipsis after the glyphs that fit
            x += n.name->endOf(n.shown);
            for (std::size_t i = 0; i < ellipsis.glyphs.size(); ++i) {
                ink.glyphs.push_back(ellipsis.glyphs[i].index);
                ink.positions.emplace_back(x + ellipsis.endOf(int(i)), baseline);
            }
        }
    }
    p.setPen(Qt::NoPen);
    for (std::size_t k = 0; k < patches.size(); ++k) {
        if (patches[k].empty())
            continue;
        p.setBrush(ctx.style.kinds[k].fill);
        p.drawRects(patches[k].data(), static_cast<int>(patches[k].size()));
    }
    p.setBrush(Qt::NoBrush);
    QGlyphRun run;
    run.setRawFont(ctx.names.rawFont(ctx.normalFont));
    for (std::size_t k = 0; k < inks.size(); ++k) {
        if (inks[k].glyphs.empty())
            continue;
        run.setRawData(inks[k].glyphs.data(), inks[k].positions.data(), static_cast<int>(inks[k].glyphs.size()));
        p.setPen(nameColorOn(ctx.style.kinds[k]));
        p.drawGlyphRun(QPointF(0, 0), run);
    }
    p.setFont(ctx.normalFont);
    for (const PaintBatches::SpanName &n : names) {
        if (n.name && n.name->simple())
            continue;
        p.setPen(nameColorOn(ctx.style.kind(n.kind)));
        if (!n.name)
            p.drawText(n.rect, Qt::AlignVCenter | Qt::AlignLeft, n.text);
        else
            p.drawStaticText(QPointF(n.rect.left(), nameRect(n, textHeight).top()), n.name->layout);
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
