#pragma once

#include "benchutil.h"

namespace bench {

// Group "locks": what a lock costs per mode when nobody else wants it
// (acquire + release, through the structure each mode really uses), and how
// long a deadlock takes from the request that closes the cycle to the run
// having failed its tasks.
void benchLocks(const Options &options, Report &report);

} // namespace bench
