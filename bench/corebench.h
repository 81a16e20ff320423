#pragma once

#include "benchutil.h"

#include "core/analysis/metrics.h"
#include "core/model/mode.h"
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

// `count` tasks of one phase of `kind` lasting `ms`.
il::TaskSet uniformTaskSet(const QString &name, int count, il::PhaseKind kind, double ms);
double medianOf(std::vector<double> v);
QString countText(int n); // "10k", "1500"
QString modeLabel(il::Mode mode, int workers); // "threads (6 workers)", "eventloop"

// One run driven the way engine.cpp drives it, minus the signals: the
// executor runs on its own QThread, then the trace and metrics are built.
struct DirectRun
{
    il::Metrics metrics;
    il::TracePtr trace;
    double runWallMs = 0;    // Executor::run() from call to return
    double traceBuildMs = 0; // il::buildRunResult: trace + metrics
    QString error;
};
DirectRun runDirect(const il::TaskSet &set, const il::RunConfig &config);
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
