#include "ui/timeline/spannames.h"

#include "core/analysis/advisor.h"

#include <QFontMetrics>
#include <QPointF>

#include <algorithm>
#include <cmath>
#include <optional>

namespace ui {

namespace {
constexpr std::size_t maxPhaseTexts = 50'000; // texts that read differently
constexpr std::size_t maxTaskTexts = 100'000;

// Characters drawn one glyph each, left to right, with nothing to shape:
// Basic Latin, Latin-1 and Latin Extended-A, dashes, quotes and the ellipsis.
// Their slot in the character table, or -1.
int plainSlot(char16_t c)
{
    if (c >= 0x20 && c < 0x180 && !(c >= 0x7f && c < 0xa0))
        return c;
    if (c >= 0x2010 && c <= 0x2027)
        return 0x180 + (c - 0x2010);
    return -1;
}
} // namespace

int SpanNameText::glyphsShown(int room, int ellipsis) const
{
    if (width <= room)
        return int(glyphs.size());
    const auto it = std::upper_bound(glyphs.begin(), glyphs.end(), float(room - ellipsis),
                                     [](float x, const Glyph &g) { return x < std::round(g.end); });
    return int(it - glyphs.begin());
}

SpanNameText SpanNameCache::layout(const QString &name, const QFont &font)
{
    reset(font);
    SpanNameText out;
    out.text = name;
    bool plain = m_raw.isValid() && !name.isEmpty();
    if (plain) {
        out.glyphs.resize(std::size_t(name.size()));
        float x = 0;
        for (qsizetype i = 0; i < name.size() && plain; ++i) {
            const int slot = plainSlot(name[i].unicode());
            if (slot < 0) {
                plain = false;
                break;
            }
            CharGlyph &c = m_chars[std::size_t(slot)];
            if (!c.known) {
                const QChar ch = name[i];
                quint32 index = 0;
                int count = 1;
                if (m_raw.glyphIndexesForChars(&ch, 1, &index, &count) && count == 1 && index != 0) {
                    QPointF advance;
                    m_raw.advancesForGlyphIndexes(&index, &advance, 1);
                    c.index = index;
                    c.advance = float(advance.x());
                }
                c.known = true;
            }
            if (c.index == 0) { // the font lacks it: Qt finds another font
                plain = false;
                break;
            }
            x += c.advance;
            out.glyphs[std::size_t(i)] = {c.index, x};
        }
    }
    if (plain) {
        out.width = static_cast<int>(std::lround(out.glyphs.back().end)); // as QFontMetrics rounds
        return out;
    }
    out.glyphs.clear();
    out.layout.setTextFormat(Qt::PlainText);
    out.layout.setText(name);
    out.layout.prepare(QTransform(), font);
    out.width = QFontMetrics(font).horizontalAdvance(name);
    return out;
}

void SpanNameCache::reset(const QFont &font)
{
    if (m_fontSet && m_font == font)
        return;
    m_sets.clear();
    m_lastSet = nullptr;
    m_lastSlots = nullptr;
    m_taskTexts.clear();
    m_font = font;
    m_fontSet = true;
    m_raw = QRawFont::fromFont(font);
    m_chars = {};
    m_phaseTexts.clear();
    m_phaseTextsByText.clear();
    m_haveEllipsis = false;
}

void SpanNameCache::trim()
{
    if (m_phaseTexts.size() > maxPhaseTexts || m_phaseTextsByText.size() > maxPhaseTexts) {
        m_phaseTexts.clear();
        m_phaseTextsByText.clear();
    }
    // Sets no run holds any more: their addresses may be reused.
    std::erase_if(m_sets, [](const auto &entry) { return entry.first && entry.second.set.expired(); });
    m_lastSet = nullptr;
    m_lastSlots = nullptr;
    if (m_taskTexts.size() > maxTaskTexts) {
        m_taskTexts.clear();
        m_sets.clear();
    }
}

const QRawFont &SpanNameCache::rawFont(const QFont &font)
{
    reset(font);
    return m_raw;
}

std::vector<std::int32_t> &SpanNameCache::slotsFor(const void *key, const std::shared_ptr<const void> &owner)
{
    if (m_lastSlots && m_lastSet == key)
        return m_lastSlots->index;
    SetSlots &entry = m_sets[key];
    // An owner gone since its names were laid out, and another at its address.
    if (key && entry.set.lock().get() != key) {
        entry.index.clear();
        entry.set = owner;
    }
    m_lastSet = key;
    m_lastSlots = &entry;
    return entry.index;
}

const SpanNameText &SpanNameCache::taskName(const il::TimelineRun &run, std::uint32_t task, const QFont &font)
{
    reset(font);
    std::vector<std::int32_t> &index = slotsFor(run.taskSet(), run.taskSetPtr());
    if (index.size() <= task)
        index.resize(std::size_t(task) + 1, -1);
    std::int32_t &slot = index[task];
    if (slot < 0) {
        slot = static_cast<std::int32_t>(m_taskTexts.size());
        m_taskTexts.push_back(layout(run.taskName(task), font));
    }
    return m_taskTexts[std::size_t(slot)];
}

const SpanNameText &SpanNameCache::spanLabel(const il::Trace &trace, const il::Span &span, const QFont &font)
{
    reset(font);
    const il::ForeignRun *foreign = trace.foreign.get();
    if (!foreign || !foreign->hasLabel(span)) {
        static const SpanNameText none;
        return none;
    }
    const std::uint32_t label = span.label();
    std::vector<std::int32_t> &index = slotsFor(foreign, trace.foreign);
    if (index.size() <= label)
        index.resize(std::size_t(label) + 1, -1);
    std::int32_t &slot = index[label];
    if (slot < 0) {
        const std::string_view name = foreign->name(span);
        slot = static_cast<std::int32_t>(m_taskTexts.size());
        m_taskTexts.push_back(layout(QString::fromUtf8(name.data(), qsizetype(name.size())), font));
    }
    return m_taskTexts[std::size_t(slot)];
}

namespace {
// What a phase's name reads, as a number: its kind, the unit and decimals
// formatDurationMs writes its length with, and the length in those
// decimals, rounded. Nothing when the length lies within a hair of half a
// last digit, where rounding here and Qt's printing might part: those are
// written out and looked up by their text.
std::optional<std::uint64_t> phaseKey(il::ItemKind kind, std::int64_t durationNs)
{
    static constexpr double scale[] = {1, 10, 100};
    const il::DurationParts parts = il::durationParts(double(durationNs) / 1e6);
    const double scaled = parts.value * scale[parts.decimals];
    if (!(scaled >= 0 && scaled < 1e15) || std::fabs(scaled - std::floor(scaled) - 0.5) < 1e-6)
        return std::nullopt;
    return (std::uint64_t(std::llround(scaled)) << 8) | (std::uint64_t(parts.unit) << 6)
           | (std::uint64_t(parts.decimals) << 4) | std::uint64_t(kind);
}
} // namespace

const SpanNameText &SpanNameCache::phaseText(il::ItemKind kind, std::int64_t durationNs, const QFont &font)
{
    reset(font);
    // One text per kind and length as it reads ("io 85.2 ms"), whichever
    // task or run it is: found by number, written out only the first time.
    const std::optional<std::uint64_t> key = phaseKey(kind, durationNs);
    if (key) {
        if (const auto it = m_phaseTexts.find(*key); it != m_phaseTexts.end())
            return *it->second;
    }
    const QString text = QStringLiteral("%1 %2").arg(QLatin1String(il::itemKindName(kind)),
                                                     il::formatDurationMs(double(durationNs) / 1e6));
    auto same = m_phaseTextsByText.find(text);
    if (same == m_phaseTextsByText.end())
        same = m_phaseTextsByText.emplace(text, layout(text, font)).first;
    if (key)
        m_phaseTexts.emplace(*key, &same->second);
    return same->second;
}

const SpanNameText &SpanNameCache::ellipsis(const QFont &font)
{
    reset(font);
    if (!m_haveEllipsis) {
        m_ellipsis = layout(QStringLiteral("…"), font);
        m_haveEllipsis = true;
    }
    return m_ellipsis;
}

} // namespace ui
