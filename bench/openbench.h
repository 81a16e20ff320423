#pragma once

#include "benchutil.h"

namespace bench {

// Group "open": files read through the streaming JSON reader — a 200 MB
// task set loaded (il::loadTaskSetFile) and a 1 M-event Chrome trace opened
// (il::openTraceFile) and put into the timeline's model; speed and the peak
// resident memory each adds.
void benchOpen(const Options &options, Report &report);

} // namespace bench
