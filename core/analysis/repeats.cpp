#include "core/analysis/repeats.h"

#include <algorithm>
#include <numeric>

namespace il {

double RepeatSpread::minMs() const
{
    return makespansMs.empty() ? 0 : *std::min_element(makespansMs.begin(), makespansMs.end());
}

double RepeatSpread::maxMs() const
{
    return makespansMs.empty() ? 0 : *std::max_element(makespansMs.begin(), makespansMs.end());
}

namespace {

RunResultPtr pickMedian(const std::vector<RunResultPtr> &group, int requested)
{
    RepeatSpread spread;
    spread.requested = requested;
    std::vector<RunResultPtr> finished;
    for (const RunResultPtr &r : group) {
        if (r->trace->cancelled) {
            ++spread.stopped;
            continue;
        }
        finished.push_back(r);
        spread.makespansMs.push_back(r->metrics.makespanMs);
    }
    RunResultPtr shown = group.back();
    if (!finished.empty()) {
        std::vector<std::size_t> order(finished.size());
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return spread.makespansMs[a] < spread.makespansMs[b];
        });
        const std::size_t median = order[(order.size() - 1) / 2];
        shown = finished[median];
        spread.shown = int(median);
    }
    auto out = std::make_shared<RunResult>(*shown);
    out->metrics.repeat = std::move(spread);
    return out;
}

} // namespace

std::vector<RunResultPtr> medianRuns(const std::vector<RunResultPtr> &repetitions, int requested)
{
    if (requested <= 1)
        return repetitions;
    std::vector<int> indexes;
    for (const RunResultPtr &r : repetitions)
        if (std::find(indexes.begin(), indexes.end(), r->trace->info.runIndex) == indexes.end())
            indexes.push_back(r->trace->info.runIndex);
    std::vector<RunResultPtr> out;
    for (int index : indexes) {
        std::vector<RunResultPtr> group;
        for (const RunResultPtr &r : repetitions)
            if (r->trace->info.runIndex == index)
                group.push_back(r);
        out.push_back(pickMedian(group, requested));
    }
    return out;
}

} // namespace il
