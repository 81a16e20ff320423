#pragma once

#include "core/trace/trace.h"

#include <QSize>

#include <cstddef>
#include <vector>

namespace ui {

struct TimelineBenchFigures
{
    std::size_t events = 0;
    std::size_t items = 0;          // timeline items (both views)
    double buildMs = 0;             // TimelineModel::setTrace
    double bytesPerEvent = 0;       // model memory / events
    double paintFitMedianMs = 0;    // full repaint, whole trace visible
    double paintZoomMedianMs = 0;   // full repaint, 1/1000 of the trace visible
    double paintCachedMedianMs = 0; // repaint with geometry cached (hover, tooltip)
    // Full repaints at 1/1000, each at a new place, with and without the
    // names in the bars (what the names cost; a loop to profile them).
    double paintNamesMedianMs = 0;
    double paintNoNamesMedianMs = 0;
};

// Builds the timeline model of a synthetic trace and repaints it offscreen
// onto a QImage of `size`, `repaints` times per zoom level (median reported).
// Needs a QGuiApplication (fonts), e.g. QT_QPA_PLATFORM=offscreen.
TimelineBenchFigures benchmarkTimeline(std::size_t events = 1'000'000, QSize size = {1600, 900},
                                       int repaints = 15);

} // namespace ui
