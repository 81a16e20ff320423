#pragma once

#include "benchutil.h"

namespace bench {

// Group "export": the Chrome trace written as a stream to a real file for a
// comparison of about 1 M events (quick: 100 k): heap the export adds per
// event on top of the runs' own traces, and write rate in MB/s.
void benchExport(const Options &options, Report &report);

} // namespace bench
