#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace ui {

// Time <-> pixel mapping of the timeline's horizontal axis. Kept apart from
// the widget so zoom and pan maths can be unit-tested on their own.
struct TimeMapping
{
    static constexpr double minNsPerPx = 1.0;      // 1 ns per pixel: deeper zoom shows nothing new
    static constexpr double maxNsPerPx = 1e10;     // 10 s per pixel

    double startNs = 0;   // time at x == left
    double nsPerPx = 1e5; // 100 µs per pixel
    double left = 0;      // x where the time axis begins (after the label column)

    double toX(double ns) const { return left + (ns - startNs) / nsPerPx; }
    double toNs(double x) const { return startNs + (x - left) * nsPerPx; }

    // Zooms by `factor` (> 1 zooms in) keeping the time under `x` fixed.
    void zoomAround(double x, double factor);
    // Moves the content by `dx` pixels (drag to the right shows earlier times).
    void panByPixels(double dx) { startNs -= dx * nsPerPx; }
    // Shows [fromNs, toNs] across `width` pixels with a small margin.
    void fit(double fromNs, double toNs, double width);

    bool operator==(const TimeMapping &) const = default;
};

struct RulerTick
{
    double ns = 0;
    double x = 0;
    bool major = true; // labelled
    QString label;
};

// Ticks from a 1-2-5 series, at least `minSpacingPx` apart between labels,
// labelled in the unit the step calls for (ns, µs, ms, s).
std::vector<RulerTick> rulerTicks(const TimeMapping &mapping, double width, double minSpacingPx = 90);

// The unit (1, 1e3, 1e6 or 1e9 ns) for labels around `magnitudeNs`.
double tickUnitNs(double magnitudeNs);
// Formats `ns` in `unitNs` with as many decimals as a tick step of `stepNs` needs.
QString formatTick(double ns, double stepNs, double unitNs);

} // namespace ui
