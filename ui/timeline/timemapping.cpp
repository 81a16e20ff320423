#include "ui/timeline/timemapping.h"

#include <algorithm>
#include <cmath>

namespace ui {

void TimeMapping::zoomAround(double x, double factor)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const double t = toNs(x);
    nsPerPx = std::clamp(nsPerPx / factor, minNsPerPx, maxNsPerPx);
    startNs = t - (x - left) * nsPerPx;
}

void TimeMapping::fit(double fromNs, double toNs, double width)
{
    if (toNs <= fromNs)
        toNs = fromNs + 1e6; // an empty timeline shows its first millisecond
    width = std::max(width, 16.0);
    const double margin = 0.02 * (toNs - fromNs);
    nsPerPx = std::clamp((toNs - fromNs + 2 * margin) / width, minNsPerPx, maxNsPerPx);
    startNs = fromNs - margin;
}

double tickUnitNs(double magnitudeNs)
{
    const double m = std::fabs(magnitudeNs);
    if (m >= 1e9)
        return 1e9;
    if (m >= 1e6)
        return 1e6;
    if (m >= 1e3)
        return 1e3;
    return 1;
}

QString formatTick(double ns, double stepNs, double unitNs)
{
    const char *name = unitNs >= 1e9 ? "s" : unitNs >= 1e6 ? "ms" : unitNs >= 1e3 ? "µs" : "ns";
    // Enough decimals that neighbouring ticks differ: 0.5 s steps need one.
    const double stepInUnit = stepNs / unitNs;
    int decimals = 0;
    if (stepInUnit < 1)
        decimals = std::min(9, static_cast<int>(-std::floor(std::log10(stepInUnit) + 1e-9)));
    double value = ns / unitNs;
    if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals))
        value = 0; // no "-0 ms"
    return QStringLiteral("%1 %2").arg(value, 0, 'f', decimals).arg(QString::fromUtf8(name));
}

std::vector<RulerTick> rulerTicks(const TimeMapping &mapping, double width, double minSpacingPx)
{
    std::vector<RulerTick> ticks;
    if (width <= 0 || mapping.nsPerPx <= 0)
        return ticks;
    const double minStep = minSpacingPx * mapping.nsPerPx;
    const double decade = std::pow(10.0, std::floor(std::log10(minStep)));
    double step = decade;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * decade >= minStep) {
            step = m * decade;
            break;
        }
    }
    const double minor = step / 5;
    const double t0 = mapping.toNs(mapping.left);
    const double t1 = mapping.toNs(mapping.left + width);
    const double first = std::floor(t0 / minor) * minor;
    // One unit for the whole ruler, chosen by the largest visible time.
    const double unit = tickUnitNs(std::max({std::fabs(t0), std::fabs(t1), step}));
    for (double k = 0;; ++k) {
        const double t = first + k * minor;
        if (t > t1)
            break;
        const double x = mapping.toX(t);
        if (x < mapping.left - 0.5)
            continue;
        const double ratio = t / step;
        const bool major = std::fabs(ratio - std::round(ratio)) < 1e-6;
        ticks.push_back({t, x, major, major ? formatTick(t, step, unit) : QString()});
        if (ticks.size() > 4096)
            break;
    }
    return ticks;
}

} // namespace ui
