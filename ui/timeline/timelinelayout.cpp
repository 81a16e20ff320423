#include "ui/timeline/timelinelayout.h"

#include <algorithm>

namespace ui {

TimelineLayout TimelineLayout::compute(const il::TimelineModel &model, il::TimelineViewKind view,
                                      int maxContentHeight, const std::vector<bool> &collapsed, bool compact)
{
    TimelineLayout layout;
    layout.view = view;
    layout.collapsed = collapsed;
    layout.compact = compact;
    layout.revision = model.revision();
    const bool byLane = view == il::TimelineViewKind::ByLane;
    const int rowHeight = compact ? (byLane ? compactLaneRowHeight : compactTaskRowHeight)
                                  : (byLane ? laneRowHeight : taskRowHeight);
    for (int r = 0; r < model.runCount(); ++r) {
        const il::TimelineRun *run = model.findRun(r);
        if (!run)
            continue;
        Band band;
        band.run = r;
        band.rows = run->rowCount(view);
        band.rowHeight = rowHeight;
        if (std::size_t(r) < collapsed.size() && collapsed[std::size_t(r)]) {
            band.collapsedRows = band.rows;
            band.rows = 0;
        }
        layout.bands.push_back(band);
    }
    const auto place = [&layout] {
        int y = 0;
        for (Band &band : layout.bands) {
            band.top = y;
            y = band.bottom() + runGap;
        }
        layout.contentHeight = y;
    };
    place();
    if (maxContentHeight <= 0 || layout.contentHeight <= maxContentHeight || layout.bands.empty())
        return layout;

    // Too tall: share the room for rows among the runs, smallest first, so a
    // run that needs little keeps all of its rows and the big ones are cut to
    // one and the same number of rows (at least one), which the picture can
    // then state once.
    const int bandCount = static_cast<int>(layout.bands.size());
    const int overhead = bandCount * (headerHeight + footerHeight + runGap);
    int room = std::max(bandCount, (maxContentHeight - overhead) / rowHeight);
    std::vector<Band *> bySize;
    for (Band &band : layout.bands)
        bySize.push_back(&band);
    std::stable_sort(bySize.begin(), bySize.end(), [](const Band *a, const Band *b) { return a->rows < b->rows; });
    for (std::size_t i = 0; i < bySize.size(); ++i) {
        const int share = std::max(1, room / static_cast<int>(bySize.size() - i));
        if (bySize[i]->rows <= share) {
            room -= bySize[i]->rows;
            continue;
        }
        for (std::size_t j = i; j < bySize.size(); ++j) {
            bySize[j]->hiddenRows = bySize[j]->rows - share;
            bySize[j]->rows = share;
        }
        break;
    }
    place();
    return layout;
}

int TimelineLayout::hiddenRows() const
{
    int n = 0;
    for (const Band &b : bands)
        n += b.hiddenRows;
    return n;
}

int TimelineLayout::shownRowsPerCutRun() const
{
    int n = 0;
    for (const Band &b : bands)
        if (b.hiddenRows > 0)
            n = std::max(n, b.rows);
    return n;
}

TimelineLayout::Hit TimelineLayout::hitAt(int contentY) const
{
    auto it = std::upper_bound(bands.begin(), bands.end(), contentY,
                               [](int y, const Band &b) { return y < b.top; });
    if (it == bands.begin())
        return {};
    const Band &band = *(it - 1);
    if (contentY >= band.rowsBottom())
        return {}; // the gap, or a cut band's footer
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
