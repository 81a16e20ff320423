#pragma once

#include "benchutil.h"

namespace bench {

// How well time keeps to the task set. Group "io-timing": per-io-phase
// lateness (phase end - deadline) in every kind of io wait, and the cost of
// a zero-length io phase. Group "stop": how long each mode takes to end a
// run after Stop.
void benchIoTiming(const Options &options, Report &report);
void benchStopLatency(const Options &options, Report &report);

} // namespace bench
