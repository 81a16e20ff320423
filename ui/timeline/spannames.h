#pragma once

#include "core/timeline/timelinemodel.h"

#include <QFont>
#include <QRawFont>
#include <QStaticText>
#include <QString>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace ui {

// A name as the bars draw it, laid out once. A name in plain Latin letters,
// digits and punctuation that the font has (nearly every task's, and every
// phase's "io 85.2 ms") is kept as its glyphs, each with where its advance
// ends: laying it out is a table lookup per character, not a shaping, and
// cutting it to a bar is a binary search for how many glyphs to draw. Any
// other name keeps its text laid out by Qt (QStaticText), cut by QFontMetrics.
struct SpanNameText
{
    struct Glyph
    {
        quint32 index = 0;
        float end = 0; // x where this glyph's advance ends, from the name's start
    };
    QString text;
    int width = 0;
    std::vector<Glyph> glyphs; // empty: not simple, see `layout`
    QStaticText layout;        // for names that are not simple
    bool simple() const { return !glyphs.empty(); }
    // How many glyphs fit in `room` px with an ellipsis of `ellipsis` px
    // after them (0: none), all of them if the whole name fits.
    int glyphsShown(int room, int ellipsis) const;
    // The x where the first `count` glyphs end.
    float endOf(int count) const { return count <= 0 ? 0.0f : glyphs[std::size_t(count - 1)].end; }
};

// The names inside bars, kept per font: a task's name by lane (per task set:
// each run names its tasks from its own), a phase's kind and length ("io
// 85.2 ms") by task. Bounded: forgotten past a hundred thousand names or
// fifty thousand phase texts.
class SpanNameCache
{
public:
    // Task `task` of `run`, by the run's own names.
    const SpanNameText &taskName(const il::TimelineRun &run, std::uint32_t task, const QFont &font);
    // The name another tool's file gave span `span` of `trace` (`json.loads`);
    // empty if it gave none. Laid out once per label of the run.
    const SpanNameText &spanLabel(const il::Trace &trace, const il::Span &span, const QFont &font);
    const SpanNameText &phaseText(il::ItemKind kind, std::int64_t durationNs, const QFont &font);
    // The ellipsis that ends a cut name.
    const SpanNameText &ellipsis(const QFont &font);
    // The font's own glyphs, which simple names are drawn with.
    const QRawFont &rawFont(const QFont &font);
    // `name` laid out for `font`.
    SpanNameText layout(const QString &name, const QFont &font);
    // Called before a frame collects names: forgets them once there are too
    // many (never during a frame, whose batch points at them).
    void trim();

private:
    void reset(const QFont &font);
    // Per task set (by address; null: a run without one) or other tool's
    // run (its labels): per task or label, an index into m_taskTexts, -1 if
    // not laid out yet. The owner is held weakly: once it is gone its
    // address may name another, and its slots go.
    struct SetSlots
    {
        std::weak_ptr<const void> set;
        std::vector<std::int32_t> index;
    };
    std::vector<std::int32_t> &slotsFor(const void *key, const std::shared_ptr<const void> &owner);
    std::unordered_map<const void *, SetSlots> m_sets;
    const void *m_lastSet = nullptr; // the last one looked up, and its slots
    SetSlots *m_lastSlots = nullptr;
    QFont m_font;
    bool m_fontSet = false;
    QRawFont m_raw;
    // Per plain character (see spannames.cpp): its glyph and advance, looked
    // up in the font the first time it is needed.
    struct CharGlyph
    {
        quint32 index = 0;
        float advance = 0;
        bool known = false;
    };
    std::array<CharGlyph, 0x180 + 0x18> m_chars{};
    std::deque<SpanNameText> m_taskTexts;  // a deque: what a frame's batch points at stays put
    // Phase texts by what they read as a number (kind, unit, decimals,
    // rounded length; see phaseText), each pointing at its text laid out
    // once however many lengths read the same ("io 452 µs"). Nodes stay put.
    std::unordered_map<std::uint64_t, const SpanNameText *> m_phaseTexts;
    std::unordered_map<QString, SpanNameText> m_phaseTextsByText;
    SpanNameText m_ellipsis;
    bool m_haveEllipsis = false;
};

} // namespace ui
