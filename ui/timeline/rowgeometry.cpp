#include "ui/timeline/rowgeometry.h"

#include <algorithm>
#include <cmath>

namespace ui {

void buildSegments(const il::TimelineRow &row, const TimeMapping &m, int width, std::vector<Segment> &out,
                   std::vector<NamedItem> *named)
{
    out.clear();
    if (named)
        named->clear();
    if (row.empty() || width <= 0)
        return;
    const int lo = static_cast<int>(std::floor(m.left)) - 2;
    const int hi = static_cast<int>(std::ceil(m.left + width)) + 2;
    const auto t0 = static_cast<std::int64_t>(std::floor(m.toNs(m.left)));
    const auto t1 = static_cast<std::int64_t>(std::ceil(m.toNs(m.left + width)));
    std::size_t i = row.firstIndex(t0);
    const std::size_t n = row.lastIndex(t1 + 1);
    std::uint32_t prevTask = il::noTask;
    while (i < n) {
        const il::TimelineItem &item = row[i];
        const int x0 = clampX(std::floor(m.toX(static_cast<double>(item.start))), lo, hi);
        int x1 = clampX(std::ceil(m.toX(static_cast<double>(item.end))), lo, hi);
        if (x1 <= x0)
            x1 = x0 + 1; // a sub-pixel item still shows as one pixel
        if (named && x1 - x0 >= minNamedItemPx)
            named->push_back({x0, x1, item.task, item.phase, item.kind, item.end - item.start, std::uint32_t(i)});
        const bool newTask = item.task != prevTask;
        if (!out.empty() && x0 < out.back().x1) {
            // Starts on pixels already painted: only what sticks out is new.
            if (x1 > out.back().x1) {
                if (out.back().kind == item.kind)
                    out.back().x1 = x1;
                else
                    out.push_back({out.back().x1, x1, item.kind, newTask});
            }
        } else if (!out.empty() && x0 == out.back().x1 && out.back().kind == item.kind
                   && (!newTask || x1 - x0 < 4 || out.back().x1 - out.back().x0 < 4)) {
            // Touching and alike: one rectangle. Task borders are kept only
            // where both sides are wide enough to show a separator.
            out.back().x1 = x1;
        } else {
            out.push_back({x0, x1, item.kind, newTask});
        }
        prevTask = item.task;
        // Items that end inside the painted pixels add nothing: jump past them
        // by binary search instead of visiting each (the million-event case).
        const auto coveredNs = static_cast<std::int64_t>(std::floor(m.toNs(out.back().x1)));
        std::size_t next = i + 1;
        if (next < n && row[next].end <= coveredNs)
            next = std::max(next, row.firstIndex(coveredNs));
        i = next;
    }
}

const RowGeometry &RowGeometryCache::get(const il::TimelineRow &row, std::uint64_t revision,
                                         il::TimelineViewKind view, const TimeMapping &m, int width,
                                         std::uint32_t highlightTask)
{
    const Key key{revision, view, m.startNs, m.nsPerPx, m.left, width, highlightTask};
    if (!(key == m_key)) {
        m_cache.clear();
        m_key = key;
    }
    auto [it, inserted] = m_cache.try_emplace(&row);
    RowGeometry &geo = it->second;
    if (!inserted)
        return geo;
    buildSegments(row, m, width, geo.segments, &geo.named);
    if (highlightTask != il::noTask) {
        const auto t0 = static_cast<std::int64_t>(std::floor(m.toNs(m.left)));
        const auto t1 = static_cast<std::int64_t>(std::ceil(m.toNs(m.left + width)));
        const int lo = static_cast<int>(m.left) - 2;
        const int hi = static_cast<int>(m.left + width) + 2;
        for (std::size_t i = row.firstIndex(t0), n = row.lastIndex(t1 + 1); i < n; ++i) {
            if (row[i].task != highlightTask)
                continue;
            const int x0 = clampX(std::floor(m.toX(static_cast<double>(row[i].start))), lo, hi);
            const int x1 = std::max(x0 + 1, clampX(std::ceil(m.toX(static_cast<double>(row[i].end))), lo, hi));
            if (!geo.highlight.empty() && x0 <= geo.highlight.back().second)
                geo.highlight.back().second = std::max(geo.highlight.back().second, x1);
            else
                geo.highlight.emplace_back(x0, x1);
        }
    }
    return geo;
}

} // namespace ui
