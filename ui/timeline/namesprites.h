#pragma once

#include "core/timeline/timelinemodel.h"

#include <QColor>
#include <QImage>
#include <QRawFont>
#include <QRect>

#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

class QPainter;

namespace ui {

struct SpanNameText;
struct SpanStyle;

// Names in bars drawn once, as pixels, and copied into the bars after. A
// name is the same pixels in every frame it is shown in: scrolling or
// zooming moves it, cuts it shorter or longer, but draws the same letters
// on the same patch of fill. Drawing letters is most of what names cost;
// copying their pixels is a fraction of it. Kept per name, kind (the fill
// and the text colour) and the rows of the patch filled (the rest is left
// transparent, so a name taller than its bar shows the row behind), in
// pages of a fixed size; when a frame needs more room than is left, every
// sprite is forgotten and the frame's names are drawn again. Only on a
// raster device moved by whole pixels at a whole pixel ratio; anywhere else
// the names are drawn as letters (usable()).
class NameSprites
{
public:
    struct Sprite
    {
        bool opaque = false; // on a page without alpha: its patch fills it
        int page = -1;
        QRect rect; // in the page, logical pixels: the name's width and a pixel more, the text's height
    };

    // Whether sprites copy onto `painter` pixel for pixel.
    static bool usable(const QPainter &painter);

    // Pages at most of each kind, opaque and not (0: never use sprites); the
    // default holds about 900 names of either.
    void setMaxPages(int pages);
    int maxPages() const { return m_maxPages; }

    // Starts a frame: forgets every sprite drawn for another font, text
    // height, look of the kinds, pixel ratio or generation of laid-out
    // names (SpanNameCache::generation()).
    void begin(const QPainter &painter, const QRawFont &font, int textHeight, int ascent, const SpanStyle &style,
               std::uint64_t namesGeneration);
    // The sprite of `text` on `kind`'s fill, filled in rows [fillTop,
    // fillTop + fillHeight) of the text's height: drawn before, or room
    // kept for it that flush() draws into. Null when `text` is wider than a
    // page or the pages are full. Pointers stay valid until clear().
    const Sprite *get(const SpanNameText &text, il::ItemKind kind, int fillTop, int fillHeight);
    // Draws what get() kept room for since the last flush; returns how many.
    int flush();
    // Forgets every sprite; the pages are kept for the next ones.
    void clear();
    // Copies the first `width` pixels of `sprite` to `at`.
    void draw(QPainter &painter, const Sprite &sprite, QPoint at, int width) const;

    static constexpr int pageWidth = 1024;
    static constexpr int pageHeight = 256;

private:
    struct Look
    {
        QRgb fill = 0;
        QRgb ink = 0;
        bool operator==(const Look &) const = default;
    };
    struct Key
    {
        const SpanNameText *text;
        std::uint32_t look; // kind, first row filled, rows filled: a byte each
        bool operator==(const Key &) const = default;
    };
    struct KeyHash
    {
        std::size_t operator()(const Key &k) const
        {
            return std::hash<const void *>()(k.text) ^ (std::size_t(k.look) * 0x9e3779b97f4a7c15ull);
        }
    };
    struct Pending
    {
        Key key;
        Sprite sprite;
    };

    // Sprites a patch fills are kept on pages without alpha, which copy
    // faster; the others on pages with it. Each fills its pages shelf by
    // shelf, one text high.
    struct Pages
    {
        std::vector<QImage> images;
        int page = 0; // where the next sprite goes
        int shelf = 0;
        int x = 0;
    };
    int m_maxPages = 4;
    std::array<Pages, 2> m_pages; // [opaque]
    std::unordered_map<Key, Sprite, KeyHash> m_sprites;
    std::vector<Pending> m_pending;
    // What the sprites were drawn with.
    QRawFont m_font;
    qreal m_ratio = 1;
    int m_textHeight = 0;
    int m_ascent = 0;
    std::array<Look, il::itemKindCount> m_looks{};
    std::uint64_t m_namesGeneration = 0;
};

} // namespace ui
