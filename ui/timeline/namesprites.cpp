#include "ui/timeline/namesprites.h"

#include "ui/timeline/spannames.h"
#include "ui/timeline/spanstyle.h"

#include <QGlyphRun>
#include <QPaintEngine>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ui {

bool NameSprites::usable(const QPainter &painter)
{
    const QPaintEngine *engine = painter.paintEngine();
    if (!engine || engine->type() != QPaintEngine::Raster || !painter.device())
        return false;
    const qreal ratio = painter.device()->devicePixelRatio();
    if (ratio != std::round(ratio))
        return false;
    // Moved by whole pixels, scaled by nothing but the pixel ratio.
    const QTransform t = painter.deviceTransform();
    return t.type() <= QTransform::TxScale && t.m11() == ratio && t.m22() == ratio && t.dx() == std::round(t.dx())
           && t.dy() == std::round(t.dy());
}

void NameSprites::setMaxPages(int pages)
{
    m_maxPages = std::max(0, pages);
    for (Pages &set : m_pages)
        set.images.resize(std::min<std::size_t>(set.images.size(), std::size_t(m_maxPages)));
    clear();
}

void NameSprites::begin(const QPainter &painter, const QRawFont &font, int textHeight, int ascent,
                        const SpanStyle &style, std::uint64_t namesGeneration)
{
    std::array<Look, il::itemKindCount> looks;
    for (std::size_t k = 0; k < looks.size(); ++k) {
        const KindStyle &ks = style.kinds[k];
        looks[k] = {ks.fill.rgba(), nameColorOn(ks).rgba()};
    }
    const qreal ratio = painter.device() ? painter.device()->devicePixelRatio() : 1.0;
    if (ratio != m_ratio) {
        for (Pages &set : m_pages)
            set.images.clear(); // of another size
        m_ratio = ratio;
        clear();
    }
    if (looks != m_looks || font != m_font || textHeight != m_textHeight || ascent != m_ascent
        || namesGeneration != m_namesGeneration) {
        m_looks = looks;
        m_font = font;
        m_textHeight = textHeight;
        m_ascent = ascent;
        m_namesGeneration = namesGeneration;
        clear();
    }
}

const NameSprites::Sprite *NameSprites::get(const SpanNameText &text, il::ItemKind kind, int fillTop, int fillHeight)
{
    fillTop = std::clamp(fillTop, 0, m_textHeight);
    fillHeight = std::clamp(fillHeight, 0, m_textHeight - fillTop);
    if (m_textHeight > 255)
        return nullptr;
    const Key key{&text, std::uint32_t(kind) | std::uint32_t(fillTop) << 8 | std::uint32_t(fillHeight) << 16};
    if (const auto it = m_sprites.find(key); it != m_sprites.end())
        return &it->second;
    const int width = text.width + 1; // a pixel more: a last letter may reach past its advance
    const int shelves = m_textHeight > 0 ? pageHeight / m_textHeight : 0;
    const bool opaque = fillTop == 0 && fillHeight == m_textHeight;
    Pages &set = m_pages[opaque];
    if (width > pageWidth || shelves == 0 || set.page >= m_maxPages)
        return nullptr;
    if (set.x + width > pageWidth) {
        ++set.shelf;
        set.x = 0;
    }
    if (set.shelf >= shelves) {
        ++set.page;
        set.shelf = 0;
        set.x = 0;
        if (set.page >= m_maxPages)
            return nullptr;
    }
    const Sprite sprite{opaque, set.page, QRect(set.x, set.shelf * m_textHeight, width, m_textHeight)};
    set.x += width;
    m_pending.push_back({key, sprite});
    return &m_sprites.emplace(key, sprite).first->second;
}

int NameSprites::flush()
{
    const int drawn = int(m_pending.size());
    if (m_pending.empty())
        return 0;
    for (bool opaque : {false, true}) {
        std::vector<QImage> &images = m_pages[opaque].images;
        for (const Pending &pending : m_pending) {
            while (pending.sprite.opaque == opaque && int(images.size()) <= pending.sprite.page) {
                QImage page(QSize(pageWidth, pageHeight) * m_ratio,
                            opaque ? QImage::Format_RGB32 : QImage::Format_ARGB32_Premultiplied);
                page.setDevicePixelRatio(m_ratio);
                images.push_back(std::move(page));
            }
        }
    }
    // Page by page, each in three batches: the sprites' rectangles cleared,
    // their patches of fill per kind, every name's glyphs in one run per
    // text colour.
    struct Ink
    {
        QRgb colour;
        std::vector<quint32> glyphs;
        std::vector<QPointF> positions;
    };
    std::vector<Ink> inks;
    std::vector<QRect> cleared;
    std::array<std::vector<QRect>, il::itemKindCount> fills;
    QGlyphRun run;
    run.setRawFont(m_font);
    for (int index = 0; index < 2 * m_maxPages; ++index) {
        const bool opaque = index >= m_maxPages;
        const int page = index % m_maxPages;
        inks.clear();
        cleared.clear();
        for (auto &f : fills)
            f.clear();
        for (const Pending &pending : m_pending) {
            if (pending.sprite.page != page || pending.sprite.opaque != opaque)
                continue;
            const std::uint32_t kind = pending.key.look & 0xff;
            const int fillTop = int(pending.key.look >> 8 & 0xff);
            const int fillHeight = int(pending.key.look >> 16 & 0xff);
            const QRect &r = pending.sprite.rect;
            cleared.push_back(r); // what an earlier sprite left there
            if (fillHeight > 0)
                fills[kind].push_back(QRect(r.left(), r.top() + fillTop, r.width(), fillHeight));
            const QRgb colour = m_looks[kind].ink;
            auto ink = std::find_if(inks.begin(), inks.end(), [&](const Ink &i) { return i.colour == colour; });
            if (ink == inks.end())
                ink = inks.insert(inks.end(), Ink{colour, {}, {}});
            const double baseline = r.top() + m_ascent;
            const SpanNameText &text = *pending.key.text;
            for (std::size_t i = 0; i < text.glyphs.size(); ++i) {
                ink->glyphs.push_back(text.glyphs[i].index);
                ink->positions.emplace_back(r.left() + text.endOf(int(i)), baseline);
            }
        }
        if (cleared.empty())
            continue;
        QPainter p(&m_pages[opaque].images[std::size_t(page)]);
        p.setPen(Qt::NoPen);
        if (!opaque) {
            p.setCompositionMode(QPainter::CompositionMode_Source);
            p.setBrush(Qt::transparent);
            p.drawRects(cleared.data(), int(cleared.size()));
            p.setCompositionMode(QPainter::CompositionMode_SourceOver);
        }
        for (std::size_t k = 0; k < fills.size(); ++k) {
            if (fills[k].empty())
                continue;
            p.setBrush(QColor::fromRgba(m_looks[k].fill));
            p.drawRects(fills[k].data(), int(fills[k].size()));
        }
        for (Ink &ink : inks) {
            run.setRawData(ink.glyphs.data(), ink.positions.data(), int(ink.glyphs.size()));
            p.setPen(QColor::fromRgba(ink.colour));
            p.drawGlyphRun(QPointF(0, 0), run);
        }
    }
    m_pending.clear();
    return drawn;
}

void NameSprites::clear()
{
    m_sprites.clear();
    m_pending.clear();
    for (Pages &set : m_pages) {
        set.page = 0;
        set.shelf = 0;
        set.x = 0;
    }
}

void NameSprites::draw(QPainter &painter, const Sprite &sprite, QPoint at, int width) const
{
    const QRect &r = sprite.rect;
    painter.drawImage(QPointF(at), m_pages[sprite.opaque].images[std::size_t(sprite.page)],
                      QRectF(r.left() * m_ratio, r.top() * m_ratio, std::min(width, r.width()) * m_ratio,
                             r.height() * m_ratio));
}

} // namespace ui
