#include "ui/timeline/timelinepainter.h"

#include "ui/timeline/passes/renderpasses.h"
#include "ui/timeline/rowlabels.h"
#include "ui/timeline/runheader.h"

#include <QPainter>

namespace ui {

using il::TimelineViewKind;

QString TimelinePainter::runHeaderText(const il::TimelineRun &run, std::size_t taskCount, bool withProblems)
{
    return RunHeader::of(run, taskCount).text(withProblems);
}

QString TimelinePainter::runHeaderToolTip(const il::TimelineRun &run, std::size_t taskCount)
{
    return RunHeader::toolTip(run, taskCount);
}

QString TimelinePainter::hiddenRowsText(TimelineViewKind view, int hidden, int total)
{
    return ui::hiddenRowsText(view, hidden, total);
}

QString TimelinePainter::rowLabel(const il::TimelineRun &run, TimelineViewKind view, int row)
{
    return ui::rowLabel(run, view, row);
}

void TimelinePainter::paint(QPainter &p, const QRect &rect, const TimelineScene &scene,
                            const SpanStyle &style)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(rect, style.background);
    if (!scene.model) {
        p.restore();
        return;
    }
    // A layout made for another revision of the model may name runs and rows
    // that are gone: never paint through one, whoever forgot to relayout.
    TimelineLayout fresh;
    const TimelineLayout *layout = scene.layout;
    if (!layout || !layout->isCurrentFor(*scene.model, layout->view)) {
        fresh = TimelineLayout::compute(*scene.model, layout ? layout->view : TimelineViewKind::ByLane);
        layout = &fresh;
    }
    m_names.trim();
    PaintContext ctx(p, rect, scene, *layout, style, m_geometry, m_names);

    // Collect band by band (backgrounds are painted on the way), clipped
    // below the ruler.
    p.setClipRect(ctx.contentRect);
    for (const VisibleBand &band : ctx.bands) {
        passes::collectHeader(ctx, band);
        passes::collectRows(ctx, band);
        passes::collectQueuedAt(ctx, band);
        passes::collectHighlight(ctx, band);
        passes::collectEndMarks(ctx, band);
        passes::collectLiveItems(ctx, band);
        passes::collectHandoffs(ctx, band);
        passes::collectTaskArrows(ctx, band);
        passes::collectFooter(ctx, band);
    }
    // Then draw, bottom up: what lies right of the labels first.
    p.setClipRect(ctx.itemsRect);
    passes::paintGrid(ctx);
    passes::paintBars(ctx);
    passes::paintQueuedAt(ctx);
    // Under the names, so a fan of arrows never makes a name unreadable.
    passes::paintTaskArrows(ctx);
    passes::paintSpanNames(ctx);
    passes::paintEndMarks(ctx);
    passes::paintHighlight(ctx);
    passes::paintSelection(ctx);
    passes::paintHandoffs(ctx);
    m_lastArrows = static_cast<int>(ctx.batches.arrows.size());
    m_lastSpanNames = static_cast<int>(ctx.batches.spanNames.size());
    m_lastQueueArrows = static_cast<int>(ctx.batches.queueArrows.size());
    m_lastWakeArrows = static_cast<int>(ctx.batches.wakeArrows.size());
    // Text above grid lines, bars and the selection.
    p.setClipRect(ctx.contentRect);
    passes::paintLabelEdge(ctx);
    passes::paintTexts(ctx);
    passes::paintFooters(ctx);
    passes::paintEndFlags(ctx);
    passes::paintRuler(ctx);
    p.restore();
}

} // namespace ui
