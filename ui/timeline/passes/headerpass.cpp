// Run headers: a band per run with the mode in bold, its measures, what went
// wrong in the failure colour and the selection's figures on the right. A
// run whose header scrolled away keeps it pinned under the ruler. A band cut
// to fit a picture says in its footer what it left out.
#include "ui/timeline/passes/renderpasses.h"

#include "ui/timeline/rowlabels.h"

#include <QCoreApplication>
#include <QPainter>

#include <algorithm>

namespace ui::passes {

void collectHeader(PaintContext &ctx, const VisibleBand &vb)
{
    const TimelineLayout::Band &band = *vb.band;
    const QRect header(ctx.rect.left(), ctx.toViewY(band.top), ctx.rect.width(), TimelineLayout::headerHeight);
    ctx.p.fillRect(header, ctx.style.header);
    QString note;
    if (ctx.scene.headerNotes && static_cast<std::size_t>(band.run) < ctx.scene.headerNotes->size())
        note = (*ctx.scene.headerNotes)[static_cast<std::size_t>(band.run)];
    PaintBatches &out = ctx.batches;
    // Pinned under the ruler, pushed up by the next run's header, so every
    // row on screen stays named.
    QRect pinned = header;
    if (header.top() < ctx.contentTop) {
        pinned.moveTop(std::min(ctx.contentTop, ctx.toViewY(band.bottom()) - TimelineLayout::headerHeight));
        out.pinnedText = out.texts.size();
    }
    out.texts.push_back({true, out.headers.size()});
    RunHeader text = RunHeader::of(*vb.run); // its own tasks, not another run's
    if (ctx.scene.collapsible) {
        // ▾ unfolded, ▸ folded (with how many rows it hides).
        text.title = (band.collapsedRows > 0 || (band.rows == 0 && ctx.layout.collapsed.size() > std::size_t(band.run)
                                                                      && ctx.layout.collapsed[std::size_t(band.run)])
                          ? QStringLiteral("▸ ")
                          : QStringLiteral("▾ "))
                     + text.title;
        if (band.collapsedRows > 0)
            text.measures.prepend(QCoreApplication::translate("RunHeader", "%1 rows folded").arg(band.collapsedRows));
    }
    out.headers.push_back({pinned.adjusted(8, 0, -8, 0), text, note});
}

void collectFooter(PaintContext &ctx, const VisibleBand &vb)
{
    const TimelineLayout::Band &band = *vb.band;
    if (band.hiddenRows <= 0)
        return;
    ctx.batches.footers.push_back(
        {QRect(ctx.rect.left() + 14, ctx.toViewY(band.rowsBottom()), ctx.rect.width() - 28,
               TimelineLayout::footerHeight),
         hiddenRowsText(ctx.layout.view, band.hiddenRows, band.rows + band.hiddenRows)});
}

void paintRunHeader(PaintContext &ctx, const PaintBatches::HeaderLabel &label)
{
    QPainter &p = ctx.p;
    const QRect &r = label.rect;
    const QFontMetrics &fm = ctx.fm;
    p.fillRect(QRect(ctx.rect.left(), r.top(), ctx.rect.width(), r.height()), ctx.style.header);
    QRect textRect = r;
    if (!label.note.isEmpty()) {
        // The selection's figures for this run, right-aligned.
        p.setFont(ctx.normalFont);
        p.setPen(ctx.style.text);
        const int w = std::min(fm.horizontalAdvance(label.note) + 4, r.width() / 2);
        const QRect noteRect(r.right() - w, r.top(), w, r.height());
        p.fillRect(noteRect.adjusted(-6, 3, 4, -3), ctx.style.selection);
        p.drawText(noteRect, Qt::AlignVCenter | Qt::AlignRight, fm.elidedText(label.note, Qt::ElideRight, noteRect.width()));
        textRect.setRight(noteRect.left() - 14);
    }
    const RunHeader &h = label.header;
    if (!h.problem.isEmpty()) // a stripe that catches the eye in a long list of runs
        p.fillRect(QRect(ctx.rect.left(), r.top() + 2, 4, r.height() - 4), ctx.style.failed);
    p.setFont(ctx.boldFont);
    p.setPen(ctx.style.text);
    const QFontMetrics bfm(ctx.boldFont);
    p.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, h.title);
    QRect rest = textRect.adjusted(bfm.horizontalAdvance(h.title), 0, 0, 0);
    // The measures in the normal weight, then the problem in the failure
    // colour, which keeps at least half the room.
    const QString measures = h.measuresText();
    const QString problem = h.problem.isEmpty() ? QString() : QStringLiteral(" · ") + h.problem;
    // +2: elidedText() elides at exactly the advance it was measured at.
    const int measuresNeed = measures.isEmpty() ? 0 : fm.horizontalAdvance(measures) + 2;
    const int problemNeed = problem.isEmpty() ? 0 : bfm.horizontalAdvance(problem) + 2;
    const int problemW = std::min(problemNeed, std::max(rest.width() - measuresNeed, rest.width() / 2));
    const int measuresW = std::max(0, std::min(measuresNeed, rest.width() - problemW));
    if (!measures.isEmpty()) {
        p.setFont(ctx.normalFont);
        p.drawText(QRect(rest.left(), rest.top(), measuresW, rest.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(measures, Qt::ElideRight, measuresW));
    }
    if (!problem.isEmpty()) {
        rest.setLeft(rest.left() + measuresW);
        p.setFont(ctx.boldFont);
        p.setPen(ctx.style.failed);
        p.drawText(rest, Qt::AlignVCenter | Qt::AlignLeft, bfm.elidedText(problem, Qt::ElideRight, rest.width()));
    }
}

void paintFooters(PaintContext &ctx)
{
    ctx.p.setFont(ctx.normalFont);
    ctx.p.setPen(ctx.style.mutedText);
    for (const PaintBatches::Footer &f : ctx.batches.footers)
        ctx.p.drawText(f.rect, Qt::AlignVCenter | Qt::AlignLeft, ctx.fm.elidedText(f.text, Qt::ElideRight, f.rect.width()));
}

void paintTexts(PaintContext &ctx)
{
    PaintBatches &b = ctx.batches;
    // The pinned header goes last so the rows scrolling under it stay hidden.
    if (b.pinnedText < b.texts.size())
        std::rotate(b.texts.begin() + static_cast<std::ptrdiff_t>(b.pinnedText),
                    b.texts.begin() + static_cast<std::ptrdiff_t>(b.pinnedText) + 1, b.texts.end());
    for (const PaintBatches::Text &t : b.texts) {
        if (t.header)
            paintRunHeader(ctx, b.headers[t.index]);
        else
            paintRowLabel(ctx, b.rowLabels[t.index]);
    }
}

} // namespace ui::passes
