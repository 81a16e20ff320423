// Prints the timeline's scale figures for a synthetic trace:
//   QT_QPA_PLATFORM=offscreen ui_timelinebench [EVENTS [REPAINTS]]
#include "timelinebench.h"

#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const int repaints = argc > 2 ? std::atoi(argv[2]) : 15;
    const ui::TimelineBenchFigures f = ui::benchmarkTimeline(events, {1600, 900}, repaints > 0 ? repaints : 15);
    std::printf("events %zu, items %zu\n", f.events, f.items);
    std::printf("model build        %8.1f ms\n", f.buildMs);
    std::printf("memory             %8.1f bytes/event\n", f.bytesPerEvent);
    std::printf("repaint, fit all   %8.2f ms (median, 1600x900)\n", f.paintFitMedianMs);
    std::printf("repaint, 1/1000    %8.2f ms\n", f.paintZoomMedianMs);
    std::printf("repaint, cached    %8.2f ms\n", f.paintCachedMedianMs);
    std::printf("repaint, 1/1000 at new places, names %8.2f ms, without %8.2f ms (+%.0f %%)\n", f.paintNamesMedianMs,
                f.paintNoNamesMedianMs, (f.paintNamesMedianMs / f.paintNoNamesMedianMs - 1) * 100);
    return 0;
}
