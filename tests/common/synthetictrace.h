#pragma once
// A synthetic threads-shaped trace for tests and the benchmark: no run, no
// clock, the same spans for the same seed.

#include "core/trace/trace.h"

#include <cstddef>

namespace testdata {

// About `events` events (7 per task: queued, start, two phases, end) spread
// over `lanes` lanes, deterministic for a seed.
il::TracePtr makeSyntheticTrace(std::size_t events, int lanes = 8, unsigned seed = 1);

} // namespace testdata
