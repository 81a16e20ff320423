#include "timelinelayout.h"

#include <algorithm>

namespace ui {

TimelineLayout TimelineLayout::compute(const il::TimelineModel &model, il::TimelineViewKind view)
{
    TimelineLayout layout;
    layout.view = view;
    const int rowHeight = view == il::TimelineViewKind::ByLane ? laneRowHeight : taskRowHeight;
    int y = 0;
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        Band band;
        band.run = r;
        band.top = y;
        band.rows = model.run(r).rowCount(view);
        band.rowHeight = rowHeight;
        layout.bands.push_back(band);
        y = band.bottom() + runGap;
    }
    layout.contentHeight = y;
    return layout;
}

TimelineLayout::Hit TimelineLayout::hitAt(int contentY) const
{
    auto it = std::upper_bound(bands.begin(), bands.end(), contentY,
                               [](int y, const Band &b) { return y < b.top; });
    if (it == bands.begin())
        return {};
    const Band &band = *(it - 1);
    if (contentY >= band.bottom())
        return {};
    if (contentY < band.rowsTop())
        return {band.run, -1, true};
    return {band.run, (contentY - band.rowsTop()) / band.rowHeight, false};
}

std::pair<int, int> TimelineLayout::rowSpan(int run, int row) const
{
    for (const Band &b : bands) {
        if (b.run != run)
            continue;
        if (row < 0 || row >= b.rows)
            return {0, 0};
        const int top = b.rowsTop() + row * b.rowHeight;
        return {top, top + b.rowHeight};
    }
    return {0, 0};
}

} // namespace ui
