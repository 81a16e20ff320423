#include "ui/timeline/spanstyle.h"

#include <QFontMetrics>
#include <QPaintEngine>
#include <QPainter>

#include <algorithm>
#include <iterator>
#include <vector>

namespace ui {

SpanStyle SpanStyle::forPalette(const QPalette &palette)
{
    SpanStyle s;
    s.dark = palette.color(QPalette::Window).lightness() < 128;
    s.background = palette.color(QPalette::Base);
    s.text = palette.color(QPalette::Text);
    s.mutedText = palette.color(QPalette::PlaceholderText);
    if (s.dark) {
        s.alternate = s.background.lighter(125);
        s.header = QColor(0x33, 0x3a, 0x45);
        s.grid = QColor(255, 255, 255, 34);
        s.highlight = QColor(0xff, 0xee, 0x58);
        s.selection = QColor(0x56, 0xb4, 0xe9, 60);
        s.failed = QColor(0xff, 0x4d, 0x4d);
        s.cancelled = QColor(0xc8, 0xcc, 0xd2);
        if (s.alternate == s.background)
            s.alternate = QColor(0x2a, 0x2a, 0x2a);
    } else {
        s.alternate = s.background.darker(104);
        s.header = QColor(0xe3, 0xe8, 0xef);
        s.grid = QColor(0, 0, 0, 30);
        s.highlight = QColor(0x11, 0x11, 0x11);
        s.selection = QColor(0x00, 0x72, 0xb2, 45);
        s.failed = QColor(0xd0, 0x02, 0x1b);
        s.cancelled = QColor(0x4f, 0x55, 0x5e);
    }
    if (s.mutedText.alpha() == 0 || s.mutedText == s.text)
        s.mutedText = s.dark ? s.text.darker(140) : s.text.lighter(180);

    // Per kind: fill and ink on a light, then on a dark background; the
    // pattern; the legend's label and its tooltip. cpu stays solid: it is
    // what the eye should find first, and a solid colour is what the
    // screenshot tests look for. Spawn and ipc, queued and ready share a
    // look (and a legend entry).
    struct KindRow
    {
        il::ItemKind kind;
        QRgb lightFill, lightInk, darkFill, darkInk;
        Qt::BrushStyle pattern;
        const char *label;
        const char *description;
    };
    using il::ItemKind;
    static constexpr KindRow rows[] = {
        {ItemKind::Cpu, 0x0072b2, 0x003f63, 0x56b4e9, 0x1d5f85, Qt::NoBrush, "cpu", "computing"},
        {ItemKind::Io, 0xf6d08a, 0xb07800, 0x8a6310, 0xf0b030, Qt::BDiagPattern, "io wait",
         "blocked on I/O (sleep or timer)"},
        {ItemKind::GilWait, 0xf3b492, 0xc04a00, 0x8c3a0c, 0xff8a40, Qt::DiagCrossPattern, "gil wait",
         "waiting for the interpreter lock"},
        {ItemKind::Spawn, 0x9fdcc8, 0x007a58, 0x0b6e52, 0x5fe0b5, Qt::Dense5Pattern, "spawn / ipc",
         "process start-up or pipe transfer"},
        {ItemKind::Ipc, 0x9fdcc8, 0x007a58, 0x0b6e52, 0x5fe0b5, Qt::Dense5Pattern, "spawn / ipc",
         "process start-up or pipe transfer"},
        {ItemKind::Queued, 0xe4e4e4, 0x9a9a9a, 0x4a4f57, 0x8a909a, Qt::HorPattern, "queued / ready",
         "waiting for a free worker, or for the busy event loop"},
        {ItemKind::Ready, 0xe4e4e4, 0x9a9a9a, 0x4a4f57, 0x8a909a, Qt::HorPattern, "queued / ready",
         "waiting for a free worker, or for the busy event loop"},
        // Okabe-Ito's reddish purple, hatched "\\" (io is "/", gil wait "X").
        {ItemKind::NotRunning, 0xe6bfd6, 0x9a3d73, 0x6e3358, 0xe89cc8, Qt::FDiagPattern, "not running",
         "in a cpu phase, ready but not computing: GIL or OS (Python modes)"},
        // Okabe-Ito's vermillion at full strength (gil wait is a pale
        // orange), with vertical bars no other kind uses ("|": io is "/",
        // gil wait "X", not running "\\"): a task stuck behind a lock
        // should be the first thing after cpu the eye finds.
        {ItemKind::LockWait, 0xd55e00, 0x7a2e00, 0xc05400, 0xffc49a, Qt::VerPattern, "lock wait",
         "waiting for a lock another task holds"},
        // Queued's grey and lines, darker and bluer: still a queue wait, but
        // at a worker. By lane a strip in its ink along the worker's bottom edge.
        {ItemKind::QueuedAt, 0xa3b4d4, 0x34507e, 0x2f4f80, 0xa6c4ee, Qt::HorPattern, "queued ahead",
         "sent ahead to a busy worker (processes --prefetch), waiting in its pipe behind the task it runs; "
         "by lane, the strip along the worker's bottom edge"},
    };
    for (const KindRow &r : rows)
        s.kinds[static_cast<std::size_t>(r.kind)] =
            KindStyle{QColor(s.dark ? r.darkFill : r.lightFill), QColor(s.dark ? r.darkInk : r.lightInk), r.pattern,
                      QString::fromUtf8(r.label), QString::fromUtf8(r.description)};
    return s;
}

bool isVectorDevice(const QPainter &painter)
{
    const QPaintEngine *engine = painter.paintEngine();
    return engine && engine->type() == QPaintEngine::SVG;
}

QColor nameColorOn(const KindStyle &kind)
{
    return kind.fill.lightness() <= 140 ? QColor(0xff, 0xff, 0xff) : QColor(0x20, 0x20, 0x20);
}

void drawPatternLines(QPainter &p, const QRect &r, Qt::BrushStyle pattern, const QColor &ink)
{
    p.save();
    p.setPen(QPen(ink, 0.8));
    p.setBrush(Qt::NoBrush);
    const double L = r.left(), R = r.right() + 1.0, T = r.top(), B = r.bottom() + 1.0;
    constexpr double step = 6;
    const bool up = pattern == Qt::BDiagPattern || pattern == Qt::DiagCrossPattern;
    const bool down = pattern == Qt::FDiagPattern || pattern == Qt::DiagCrossPattern;
    if (up || down) {
        // "/" lines are x + y = k, "\\" lines are x - y = k; each clipped to the rect.
        for (double k = L + T; k < R + B; k += step) {
            if (up) {
                const double x0 = std::max(L, k - B), x1 = std::min(R, k - T);
                if (x1 > x0)
                    p.drawLine(QPointF(x0, k - x0), QPointF(x1, k - x1));
            }
            if (down) {
                const double d = k - T - B; // from L - B to R - T
                const double x0 = std::max(L, d + T), x1 = std::min(R, d + B);
                if (x1 > x0)
                    p.drawLine(QPointF(x0, x0 - d), QPointF(x1, x1 - d));
            }
        }
    } else if (pattern == Qt::VerPattern) {
        for (double x = L + 3; x < R; x += 6)
            p.drawLine(QPointF(x, T), QPointF(x, B));
    } else if (pattern == Qt::HorPattern) {
        for (double y = T + 1.5; y < B; y += 3)
            p.drawLine(QPointF(L, y), QPointF(R, y));
    } else if (pattern != Qt::NoBrush) {
        for (double x = L + 2.5; x < R; x += 4)
            p.drawLine(QPointF(x, T), QPointF(x, B));
    }
    p.restore();
}

void fillKind(QPainter &painter, const QRect &rect, const KindStyle &k)
{
    painter.fillRect(rect, k.fill);
    if (k.pattern == Qt::NoBrush)
        return;
    if (isVectorDevice(painter))
        drawPatternLines(painter, rect, k.pattern, k.ink);
    else
        painter.fillRect(rect, QBrush(k.ink, k.pattern));
}

void paintEndMark(QPainter &p, const QRect &bar, int capTop, int capHeight, bool failed, const SpanStyle &style)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setBrush(Qt::NoBrush);
    const QColor colour = failed ? style.failed : style.cancelled;
    if (bar.width() >= 3) {
        p.setPen(failed ? QPen(colour, 2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin)
                        : QPen(colour, 1, Qt::DashLine));
        p.drawRect(bar.adjusted(failed ? 1 : 0, failed ? 1 : 0, -1, -1));
    }
    const int capWidth = failed ? 3 : 2;
    p.fillRect(QRect(bar.right() + 1 - capWidth / 2, capTop, capWidth, capHeight), colour);
    p.restore();
}

namespace {
constexpr const char *markLabels[] = {"failed", "cancelled"};
constexpr il::ItemKind legendKinds[] = {il::ItemKind::Cpu,    il::ItemKind::Io,         il::ItemKind::GilWait,
                                        il::ItemKind::Spawn,  il::ItemKind::Queued,     il::ItemKind::NotRunning,
                                        il::ItemKind::LockWait, il::ItemKind::QueuedAt};
constexpr int swatchW = 22;
} // namespace

namespace {
// Each entry's width, swatch to the gap after its label, in drawing order.
std::vector<int> legendEntryWidths(const QFontMetrics &fm, const SpanStyle &style)
{
    std::vector<int> widths;
    for (il::ItemKind kind : legendKinds)
        widths.push_back(swatchW + 5 + fm.horizontalAdvance(style.kind(kind).label) + 16);
    for (const char *label : markLabels)
        widths.push_back(swatchW + 5 + fm.horizontalAdvance(QString::fromLatin1(label)) + 16);
    return widths;
}

// Where each entry goes: (row, x from the left edge), wrapping at `width`.
std::vector<std::pair<int, int>> legendPlaces(const std::vector<int> &widths, int width)
{
    std::vector<std::pair<int, int>> places;
    int row = 0, x = 0;
    for (int w : widths) {
        if (x > 0 && x + w - 16 > width) { // the gap after the last label may hang over
            ++row;
            x = 0;
        }
        places.emplace_back(row, x);
        x += w;
    }
    return places;
}
} // namespace

int legendWidth(const QFont &font, const SpanStyle &style)
{
    int w = 0;
    for (int entry : legendEntryWidths(QFontMetrics(font), style))
        w += entry;
    return w;
}

int legendRows(const QFont &font, const SpanStyle &style, int width)
{
    const auto places = legendPlaces(legendEntryWidths(QFontMetrics(font), style), width);
    return places.empty() ? 1 : places.back().first + 1;
}

int paintLegend(QPainter &painter, const QRect &rect, const SpanStyle &style, int rowHeight)
{
    using il::ItemKind;
    const QFontMetrics fm(painter.font());
    const int rowH = rowHeight > 0 ? rowHeight : rect.height();
    const int swatchH = std::min(rowH - 4, fm.height() - 2);
    const std::vector<int> widths = legendEntryWidths(fm, style);
    const auto places = legendPlaces(widths, rect.width());
    int used = 0;
    painter.save();
    for (std::size_t i = 0; i < places.size(); ++i) {
        const int x = rect.left() + places[i].second;
        const QRect row(rect.left(), rect.top() + places[i].first * rowH, rect.width(), rowH);
        const QRect swatch(x, row.center().y() - swatchH / 2, swatchW, swatchH);
        QString text;
        if (i < std::size(legendKinds)) {
            const KindStyle &k = style.kind(legendKinds[i]);
            fillKind(painter, swatch, k);
            painter.setPen(k.ink);
            painter.drawRect(swatch.adjusted(0, 0, -1, -1));
            text = k.label;
        } else {
            // The end marks: a pale bar ending where the task failed or was cancelled.
            const char *label = markLabels[i - std::size(legendKinds)];
            painter.fillRect(swatch, style.kind(ItemKind::Queued).fill);
            paintEndMark(painter, swatch, swatch.top() - 2, swatch.height() + 4, label == markLabels[0], style);
            text = QString::fromLatin1(label);
        }
        painter.setPen(style.text);
        const int w = fm.horizontalAdvance(text);
        painter.drawText(QRect(x + swatchW + 5, row.top(), w + 2, row.height()), Qt::AlignVCenter | Qt::AlignLeft, text);
        used = std::max(used, places[i].second + widths[i]);
    }
    painter.restore();
    return used;
}

} // namespace ui
