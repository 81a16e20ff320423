#include "synthetictrace.h"

#include <algorithm>
#include <random>
#include <vector>

namespace testdata {

il::TracePtr makeSyntheticTrace(std::size_t events, int lanes, unsigned seed)
{
    lanes = std::max(1, lanes);
    const std::size_t tasks = std::max<std::size_t>(1, events / 7);
    auto trace = std::make_shared<il::Trace>();
    trace->info.mode = il::Mode::Threads;
    trace->info.workers = lanes;
    trace->info.lanes = lanes;
    trace->info.cores = 2;
    trace->info.originNs = 1'000'000'000;
    for (int l = 0; l < lanes; ++l)
        trace->info.laneNames << QStringLiteral("thread %1").arg(l + 1);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> cpu(2'000, 400'000); // 2 µs .. 0.4 ms
    std::uniform_int_distribution<std::int64_t> io(5'000, 900'000);
    const std::int64_t origin = trace->info.originNs;
    std::vector<std::int64_t> laneTime(static_cast<std::size_t>(lanes), origin);
    std::vector<std::vector<il::Span>> perLane(static_cast<std::size_t>(lanes));
    trace->tasks.resize(tasks);
    for (std::size_t t = 0; t < tasks; ++t) {
        const auto lane = static_cast<std::size_t>(t % static_cast<std::size_t>(lanes));
        auto &now = laneTime[lane];
        il::TaskRecord &rec = trace->tasks[t];
        rec.queuedNs = origin;
        rec.startNs = now;
        rec.lane = static_cast<std::uint16_t>(lane);
        const std::int64_t ioEnd = now + io(rng);
        perLane[lane].push_back({now, ioEnd, static_cast<std::uint32_t>(t), rec.lane, 0, il::SpanKind::Io});
        const std::int64_t cpuEnd = ioEnd + cpu(rng);
        perLane[lane].push_back({ioEnd, cpuEnd, static_cast<std::uint32_t>(t), rec.lane, 1, il::SpanKind::Cpu});
        now = cpuEnd;
        rec.endNs = cpuEnd;
        rec.state = il::TaskState::Done;
    }
    trace->laneBegin.push_back(0);
    for (auto &spans : perLane) {
        trace->spans.insert(trace->spans.end(), spans.begin(), spans.end());
        trace->laneBegin.push_back(static_cast<std::uint32_t>(trace->spans.size()));
    }
    trace->laneBegin.push_back(static_cast<std::uint32_t>(trace->spans.size())); // no unlaned spans
    trace->eventCount = tasks * 7;
    trace->firstNs = origin;
    trace->lastNs = *std::max_element(laneTime.begin(), laneTime.end());
    return trace;
}

} // namespace testdata
