#pragma once

#include "benchutil.h"

namespace bench {

// The real runtimes beside the models (CPython's, Dask's); each group is
// skipped with the reason when the interpreter (or Dask) is missing.
//   twins:       each model's makespan over its real twin's, on the primes,
//                downloads, scrape-and-parse and one-hog presets
//   py-overhead: per-task cost of each py-mode and dask on zero-length
//                tasks, beside the C++ modes measured in the same loop
//   py-runner:   what recording costs inside the Python runner
void benchTwins(const Options &options, Report &report);
void benchPythonOverhead(const Options &options, Report &report);
void benchRunnerOverhead(const Options &options, Report &report);

} // namespace bench
