#include "timelinebench.h"

#include "synthetictrace.h"

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <random>

namespace ui {

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
    const il::TracePtr trace = testdata::makeSyntheticTrace(events);
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
    const auto atPlace = [&](int i) {
        const double span = extent / 1000;
        const double from = (extent - span) * double((i * 37) % 101) / 100.0;
        scene.mapping.fit(from, from + span, width);
    };
    scene.spanNames = true;
    fig.paintNamesMedianMs = measure(false, atPlace);
    scene.spanNames = false;
    fig.paintNoNamesMedianMs = measure(false, atPlace);
    return fig;
}

} // namespace ui
