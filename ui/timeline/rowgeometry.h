#pragma once

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/timemapping.h"

#include <unordered_map>
#include <utility>
#include <vector>

namespace ui {

// A run of pixels of one kind in a row, after merging: what the rows pass
// turns into rectangles.
struct Segment
{
    int x0 = 0;
    int x1 = 0;
    il::ItemKind kind = il::ItemKind::Cpu;
    bool taskStart = false; // a different task than the segment before it begins here
};

// An item wide enough on screen to carry its name (whole or elided).
struct NamedItem
{
    int x0 = 0;
    int x1 = 0;
    std::uint32_t task = il::noTask;
    std::uint16_t phase = il::noPhase;
    il::ItemKind kind = il::ItemKind::Cpu;
    std::int64_t durationNs = 0;
    std::uint32_t index = 0; // in its row: a lane row's item i is its lane's span i (Trace::laneSpans)
};
inline constexpr int minNamedItemPx = 28; // room for a few letters and an ellipsis

// Merged pixel segments of `row` between x = left and left + width. Items
// narrower than a pixel are merged and whatever a pixel already covers is
// skipped by binary search, so a million-item row costs about its width.
// `named`, if given, gets the items visited that are at least
// minNamedItemPx wide (at most width / minNamedItemPx of them), with a task
// or not (another tool's span is named by its label).
void buildSegments(const il::TimelineRow &row, const TimeMapping &mapping, int width, std::vector<Segment> &out,
                   std::vector<NamedItem> *named = nullptr);

// x clamped to [lo, hi]; NaN becomes lo. Inline: buildSegments calls it
// twice per visited item.
inline int clampX(double x, int lo, int hi)
{
    if (!(x > lo)) // also catches NaN
        return lo;
    if (x > hi)
        return hi;
    return static_cast<int>(x);
}

struct RowGeometry
{
    std::vector<Segment> segments;
    std::vector<NamedItem> named;               // items with room for a name
    std::vector<std::pair<int, int>> highlight; // x ranges of the highlighted task
};

// Row geometry cached per (model revision, view, mapping, width, highlighted
// task): hover repaints and scrolling cost almost nothing. Any change of the
// key empties the cache.
class RowGeometryCache
{
public:
    const RowGeometry &get(const il::TimelineRow &row, std::uint64_t revision, il::TimelineViewKind view,
                           const TimeMapping &mapping, int width, std::uint32_t highlightTask);
    void clear() { m_cache.clear(); }

private:
    struct Key
    {
        std::uint64_t revision = 0;
        il::TimelineViewKind view = il::TimelineViewKind::ByLane;
        double startNs = 0;
        double nsPerPx = 0;
        double left = 0;
        int width = 0;
        std::uint32_t highlight = il::noTask;
        bool operator==(const Key &) const = default;
    };

    Key m_key;
    std::unordered_map<const il::TimelineRow *, RowGeometry> m_cache;
};

} // namespace ui
