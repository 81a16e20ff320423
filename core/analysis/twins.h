#pragma once

#include "core/analysis/metrics.h"

#include <optional>
#include <vector>

namespace il {

// Each C++ model and the real runtime it models: threads-gil <-> py-threads,
// processes <-> py-processes, eventloop <-> py-asyncio, sequential <->
// py-sequential. threads (no GIL) and dask have none.
std::optional<Mode> twinOf(Mode mode);

struct TwinPair
{
    Mode model = Mode::Sequential;
    Mode real = Mode::PySequential;
    double modelMs = 0;
    double realMs = 0;
    double ratio = 0; // model makespan / real makespan
};

// The pairs whose both sides ran completely (no failed or stopped task) in
// `runs`; the latest run of a mode counts. In model order.
std::vector<TwinPair> twinPairs(const std::vector<Metrics> &runs);

// The ratio of `mode`'s makespan to its twin's, when both ran completely.
std::optional<double> twinRatio(Mode mode, const std::vector<Metrics> &runs);

} // namespace il
