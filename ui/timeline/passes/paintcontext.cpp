#include "ui/timeline/passes/paintcontext.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ui {

namespace {
std::vector<VisibleBand> visibleBands(const PaintContext &ctx)
{
    std::vector<VisibleBand> out;
    for (const TimelineLayout::Band &band : ctx.layout.bands) {
        if (ctx.toViewY(band.bottom()) < ctx.contentTop || ctx.toViewY(band.top) > ctx.rect.bottom())
            continue;
        const il::TimelineRun *run = ctx.model.findRun(band.run);
        if (!run)
            continue;
        const int rowsTop = ctx.toViewY(band.rowsTop());
        out.push_back({&band, run, std::max(0, (ctx.contentTop - rowsTop) / band.rowHeight),
                       std::min(band.rows - 1, (ctx.rect.bottom() - rowsTop) / band.rowHeight)});
    }
    return out;
}
} // namespace

PaintContext::PaintContext(QPainter &painter, const QRect &rect, const TimelineScene &scene,
                           const TimelineLayout &layout, const SpanStyle &style, RowGeometryCache &geometry,
                           SpanNameCache &names)
    : p(painter)
    , rect(rect)
    , scene(scene)
    , model(*scene.model)
    , layout(layout)
    , style(style)
    , m(scene.mapping)
    , geometry(geometry)
    , names(names)
    , axisLeft(static_cast<int>(scene.mapping.left))
    , axisWidth(std::max(0, rect.right() + 1 - axisLeft))
    , contentTop(rect.top() + TimelineLayout::rulerHeight)
    , contentRect(rect.left(), contentTop, rect.width(), rect.bottom() + 1 - contentTop)
    , itemsRect(axisLeft, contentTop, axisWidth, contentRect.height())
    , normalFont(painter.font())
    , boldFont([&] {
        QFont f = painter.font();
        f.setBold(true);
        return f;
    }())
    , fm(painter.font())
    , ticks(rulerTicks(scene.mapping, axisWidth))
    , taskCount(model.taskSet() ? model.taskSet()->tasks.size() : 0)
{
    bands = visibleBands(*this);
}

const RowGeometry &PaintContext::rowGeometry(const il::TimelineRow &row)
{
    return geometry.get(row, model.revision(), layout.view, m, axisWidth, scene.highlightTask);
}

std::pair<int, int> PaintContext::xSpan(double startNs, double endNs, int slack) const
{
    const int lo = axisLeft - slack;
    const int hi = rect.right() + slack;
    const int x0 = clampX(std::floor(m.toX(startNs)), lo, hi);
    return {x0, std::max(x0 + 1, clampX(std::ceil(m.toX(endNs)), lo, hi))};
}

QRect barRect(int x0, int x1, int rowTop, int rowHeight, il::ItemKind kind)
{
    const int pad = rowHeight >= 20 ? 3 : 2;
    int top = rowTop + pad;
    int height = rowHeight - 2 * pad;
    if (kind == il::ItemKind::Queued || kind == il::ItemKind::Ready || kind == il::ItemKind::QueuedAt) {
        top += height / 4;
        height -= 2 * (height / 4);
    }
    return QRect(x0, top, std::max(1, x1 - x0), std::max(1, height));
}

QRect queuedAtStripRect(int x0, int x1, int rowTop, int rowHeight)
{
    const int pad = rowHeight >= 20 ? 3 : 2;
    const int height = std::max(2, (rowHeight - 2 * pad) / 6);
    return QRect(x0, rowTop + rowHeight - pad - height, std::max(1, x1 - x0), height);
}

} // namespace ui
