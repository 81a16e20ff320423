#include "core/analysis/twins.h"

#include <map>

namespace il {

std::optional<Mode> twinOf(Mode mode)
{
    switch (mode) {
    case Mode::Sequential: return Mode::PySequential;
    case Mode::ThreadsGil: return Mode::PyThreads;
    case Mode::Processes: return Mode::PyProcesses;
    case Mode::EventLoop: return Mode::PyAsyncio;
    case Mode::PySequential: return Mode::Sequential;
    case Mode::PyThreads: return Mode::ThreadsGil;
    case Mode::PyProcesses: return Mode::Processes;
    case Mode::PyAsyncio: return Mode::EventLoop;
    case Mode::Threads:
    case Mode::Dask: break;
    }
    return std::nullopt;
}

namespace {

std::map<Mode, double> completeMakespans(const std::vector<Metrics> &runs)
{
    std::map<Mode, double> latest;
    for (const Metrics &m : runs) {
        if (m.failed == 0 && m.cancelled == 0 && m.completed > 0 && m.makespanMs > 0)
            latest[m.mode] = m.makespanMs;
        else
            latest.erase(m.mode);
    }
    return latest;
}

} // namespace

std::vector<TwinPair> twinPairs(const std::vector<Metrics> &runs)
{
    const auto latest = completeMakespans(runs);
    std::vector<TwinPair> pairs;
    for (Mode model : allModes) {
        const auto real = twinOf(model);
        if (!real)
            continue;
        const auto a = latest.find(model), b = latest.find(*real);
        if (a != latest.end() && b != latest.end())
            pairs.push_back({model, *real, a->second, b->second, a->second / b->second});
    }
    return pairs;
}

std::optional<double> twinRatio(Mode mode, const std::vector<Metrics> &runs)
{
    const auto twin = twinOf(mode);
    if (!twin)
        return std::nullopt;
    const auto latest = completeMakespans(runs);
    const auto a = latest.find(mode), b = latest.find(*twin);
    if (a == latest.end() || b == latest.end())
        return std::nullopt;
    return a->second / b->second;
}

} // namespace il
