#pragma once

#include "core/analysis/runresult.h"

#include <vector>

namespace il {

// --repeat N runs every mode N times, interleaved (all modes once, then all
// again), so a disturbance of the machine falls on every mode alike. These
// pick what is shown: per runIndex, in the order the indexes first appear,
// the median repetition by makespan among those that finished (not stopped;
// for an even count the lower of the two middle ones, a run that happened,
// never an average), with Metrics::repeat filled in. A mode none of whose
// repetitions finished shows its last (stopped) one.
std::vector<RunResultPtr> medianRuns(const std::vector<RunResultPtr> &repetitions, int requested);

} // namespace il
