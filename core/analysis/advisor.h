#pragma once

#include "core/analysis/metrics.h"
#include "core/model/taskset.h"

#include <QString>

#include <vector>

namespace il {

// "85 µs", "640 ms", "1.21 s": three significant digits, the unit a person
// would pick.
QString formatDurationMs(double ms);

// How formatDurationMs writes `ms`: `value` with `decimals` decimals, then
// the unit.
struct DurationParts
{
    enum class Unit { Us, Ms, S };
    double value = 0;
    int decimals = 0;
    Unit unit = Unit::Ms;
};
DurationParts durationParts(double ms);

// The short "why" beside the comparison chart, computed from the measures
// only (no widgets, so it is testable), e.g.
//   "CPU is 85 % of the work: threads-gil serialised it (1.21 s); processes
//    used both cores (0.64 s). Fastest: processes, 1.9× sequential."
// `runs` holds one entry per finished run, in run order; a mode run twice
// counts with its latest figures.
QString adviseComparison(const TaskSet &set, const std::vector<Metrics> &runs);

} // namespace il
