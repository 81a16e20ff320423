#pragma once

#include "benchutil.h"

#include "core/model/taskset.h"
#include "core/trace/trace.h"

namespace bench {

// Engine figures (interleave_core only). Each appends its figures to `report`.
// Groups: "overhead", "engine", "eventloop-io", "cpu", "memory".
void benchSchedulingOverhead(const Options &options, Report &report);
void benchEngineEndToEnd(const Options &options, Report &report);
void benchEventLoopIo(const Options &options, Report &report);
void benchCpuAccuracy(const Options &options, Report &report);
void benchRecorderMemory(const Options &options, Report &report);

QString workerExecutable(); // interleave-worker next to this executable
// "kind: detail" of the run's first fatal incident, empty if it had none.
QString runFailure(const il::Trace &trace);

// A trace of about `events` events built the way a run builds one (events
// appended to a Recorder, then TraceBuilder and Trace::fromBuilder), with
// the matching task set in `set`. Deterministic for a seed.
//   Threads:   `lanes` pool threads, every task queued at the origin, then
//              io 5-900 us and cpu 2-400 us on the first free lane (7 events).
//   EventLoop: one loop, every task started at once, io 1-500 ms as an
//              unlaned wait, then cpu 1-20 us serialised on the loop, with
//              ready-wait spans where the loop was busy (8 or 10 events).
enum class SyntheticShape { Threads, EventLoop };
il::TracePtr buildSyntheticTrace(std::size_t events, SyntheticShape shape, unsigned seed, il::TaskSet &set);

} // namespace bench
