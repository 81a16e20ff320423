#include "timelinebench.h"

#include "spanstyle.h"
#include "timelinelayout.h"
#include "timelinemodel.h"
#include "timelinepainter.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <random>

namespace ui {

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

static double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

TimelineBenchFigures benchmarkTimeline(std::size_t events, QSize size, int repaints)
{
    TimelineBenchFigures fig;
    const il::TracePtr trace = makeSyntheticTrace(events);
    fig.events = trace->eventCount;

    il::TimelineModel model;
    QElapsedTimer timer;
    timer.start();
    model.setTrace(trace);
    fig.buildMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    fig.items = model.itemCount();
    fig.bytesPerEvent = static_cast<double>(model.memoryBytes()) / static_cast<double>(std::max<std::size_t>(1, fig.events));

    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    const SpanStyle style = SpanStyle::forPalette(QGuiApplication::palette());
    const TimelineLayout layout = TimelineLayout::compute(model, il::TimelineViewKind::ByLane);
    TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = TimelineLayout::labelWidth;
    const double width = size.width() - TimelineLayout::labelWidth;
    const double extent = static_cast<double>(model.extentNs());

    auto measure = [&](bool cached, auto &&prepare) {
        std::vector<double> times;
        TimelinePainter painter;
        for (int i = 0; i < repaints; ++i) {
            prepare(i);
            if (!cached)
                painter.invalidate();
            QPainter p(&image);
            timer.restart();
            painter.paint(p, image.rect(), scene, style);
            p.end();
            times.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }
        return median(times);
    };
    fig.paintFitMedianMs = measure(false, [&](int) { scene.mapping.fit(0, extent, width); });
    // A different window each time so no repaint benefits from the last.
    fig.paintZoomMedianMs = measure(false, [&](int i) {
        const double span = extent / 1000;
        const double from = extent * (0.1 + 0.05 * i);
        scene.mapping.fit(from, from + span, width);
    });
    fig.paintCachedMedianMs = measure(true, [&](int) { scene.mapping.fit(0, extent, width); });
    return fig;
}

} // namespace ui
