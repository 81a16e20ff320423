#pragma once

#include "ui/timeline/passes/paintcontext.h"

// The timeline is drawn in passes over one PaintContext, each in its own
// file. A pass collects per visible band (into ctx.batches, or straight onto
// the painter for backgrounds) and draws its batch later, at its depth:
//
//   collect, per band:  headers (band background) · rows (stripes, names,
//                       bars) · end marks · live items · highlight · arrows ·
//                       footer
//   draw, bottom up:    grid · bars · queue and wake-up arrows · bar names ·
//                       end marks · highlight · selection · handoff arrows ·
//                       names and headers · footers · flags · ruler
//
// TimelinePainter::paint runs them in that order.
namespace ui::passes {

// rowspass.cpp: rows and bars.
void collectRows(PaintContext &ctx, const VisibleBand &band);
void paintGrid(PaintContext &ctx);
void paintBars(PaintContext &ctx);
// Names inside the bars that have room: the task's by lane, the phase's
// (kind and length) by task. Never overlapping: one per item, elided to it.
void paintSpanNames(PaintContext &ctx);
void paintLabelEdge(PaintContext &ctx);
void paintRowLabel(PaintContext &ctx, const PaintBatches::RowLabel &label);

// endmarkspass.cpp: where tasks failed or were cancelled.
void collectEndMarks(PaintContext &ctx, const VisibleBand &band);
void paintEndMarks(PaintContext &ctx);
void paintEndFlags(PaintContext &ctx);

// handoffpass.cpp: arrows from a lock's releaser to the waiter that got it.
void collectHandoffs(PaintContext &ctx, const VisibleBand &band);
void paintHandoffs(PaintContext &ctx);

// taskarrowspass.cpp: queue arrows (queued -> started on a lane) and wake-up
// arrows (event loop: io ended -> the loop ran the task), when switched on.
void collectTaskArrows(PaintContext &ctx, const VisibleBand &band);
void paintTaskArrows(PaintContext &ctx);
QColor queueArrowColor(const SpanStyle &style);
QColor wakeArrowColor(const SpanStyle &style);

// queuedatpass.cpp: by lane, the tasks queued at each worker (processes
// --prefetch) as strips along the lane's bottom edge, over its bars.
void collectQueuedAt(PaintContext &ctx, const VisibleBand &band);
void paintQueuedAt(PaintContext &ctx);

// livepass.cpp: items still open and tasks still queued in a live run.
void collectLiveItems(PaintContext &ctx, const VisibleBand &band);

// selectionpass.cpp: the highlighted task and the selected time range.
void collectHighlight(PaintContext &ctx, const VisibleBand &band);
void paintHighlight(PaintContext &ctx);
void paintSelection(PaintContext &ctx);
void paintRulerSelection(PaintContext &ctx, const QRect &ruler);

// headerpass.cpp: run headers (one pinned under the ruler) and the footers of cut bands.
void collectHeader(PaintContext &ctx, const VisibleBand &band);
void collectFooter(PaintContext &ctx, const VisibleBand &band);
void paintRunHeader(PaintContext &ctx, const PaintBatches::HeaderLabel &header);
void paintFooters(PaintContext &ctx);

// Names and headers in the order collected, the pinned header last.
void paintTexts(PaintContext &ctx);

// rulerpass.cpp: the time ruler, on top of everything.
void paintRuler(PaintContext &ctx);

} // namespace ui::passes
