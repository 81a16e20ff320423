#pragma once

#include "core/timeline/timelinemodel.h"

#include <QBrush>
#include <QColor>
#include <QPalette>
#include <QString>

#include <array>

class QPainter;
class QRect;

namespace ui {

// How one item kind looks: a fill plus a pattern drawn over it, so kinds
// differ by more than colour (colour-blind users, greyscale prints).
struct KindStyle
{
    QColor fill;
    QColor ink;                            // pattern lines and outlines
    Qt::BrushStyle pattern = Qt::NoBrush;  // drawn in `ink` over `fill`
    QString label;
    QString description;
};

// Every colour the timeline uses, derived from a QPalette so light and dark
// themes both read well. Hues are from the Okabe-Ito colour-blind-safe set.
struct SpanStyle
{
    bool dark = false;
    QColor background;
    QColor alternate;    // every other row
    QColor header;       // run header band
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor highlight;    // outline of the clicked task
    QColor selection;    // ruler range selection
    QColor failed;       // a failed task's end marker, run problems in headers
    QColor cancelled;    // a cancelled task's end marker (Stop)
    std::array<KindStyle, il::itemKindCount> kinds;

    static SpanStyle forPalette(const QPalette &palette);
    const KindStyle &kind(il::ItemKind k) const { return kinds[static_cast<std::size_t>(k)]; }
};

// Fills `rect` in the kind's colour and pattern. On vector devices (SVG) the
// pattern is drawn as clipped lines, since QSvgGenerator drops pattern brushes.
void fillKind(QPainter &painter, const QRect &rect, const KindStyle &style);
// The pattern as lines computed inside `rect` (no clip needed; SVG clips poorly).
void drawPatternLines(QPainter &painter, const QRect &rect, Qt::BrushStyle pattern, const QColor &ink);
bool isVectorDevice(const QPainter &painter);
// The colour of a name drawn on `kind`'s fill: dark on light fills, light on dark.
QColor nameColorOn(const KindStyle &kind);

// Marks where a task failed (solid outline and end cap in style.failed) or
// was cancelled (dashed outline, thinner cap in style.cancelled): `bar` is its
// last span, the cap spans [capTop, capTop + capHeight) at the bar's end.
void paintEndMark(QPainter &painter, const QRect &bar, int capTop, int capHeight, bool failed,
                  const SpanStyle &style);

// Draws the legend (swatch + label per kind, spawn and ipc share one entry,
// then the failed and cancelled end marks) left to right inside `rect`, in
// rows of `rowHeight` (0: rect's height): an entry that would cross rect's
// right edge starts the next row. Returns the width used.
int paintLegend(QPainter &painter, const QRect &rect, const SpanStyle &style, int rowHeight = 0);
// The width paintLegend needs with `font` for one row.
int legendWidth(const QFont &font, const SpanStyle &style);
// How many rows paintLegend fills in `width` px with `font`.
int legendRows(const QFont &font, const SpanStyle &style, int width);

} // namespace ui
