#pragma once

#include "core/model/mode.h"
#include "core/trace/trace.h"

#include <vector>

namespace il {

struct TaskSet;

// --repeat N: the makespans of a mode's repetitions, of which the run shown
// is the median. Empty (requested 1) for a run done once.
struct RepeatSpread
{
    int requested = 1;               // N asked for
    std::vector<double> makespansMs; // each finished repetition, in the order run
    int shown = -1;                  // index in makespansMs of the run shown
    int stopped = 0;                 // repetitions begun and stopped, not counted

    bool repeated() const { return requested > 1; }
    double minMs() const;
    double maxMs() const;
};

struct Metrics
{
    Mode mode = Mode::Sequential;
    int workers = 1;
    int prefetch = -1; // processes only (RunInfo::prefetch)
    int lanes = 1;
    int cores = 1;
    // From the first task start or spawn / ipc begin to the last task end or
    // spawn / ipc end (a result travelling back counts; time a task spent
    // queued before the first start does not).
    double makespanMs = 0;
    double idealMs = 0;    // lower bound for this mode; see idealMs()
    double efficiency = 0; // ideal / makespan; 0 for a stopped run (not comparable)
    double cpuMs = 0;      // thread CPU time measured in cpu phases
    double cpuWallMs = 0;  // wall time of cpu spans (> cpuMs when threads share a core)
    double ioWaitMs = 0;
    double gilWaitMs = 0;
    double spawnMs = 0;
    double ipcMs = 0;
    double queueWaitMs = 0; // sum over tasks of start - queued
    double readyWaitMs = 0; // event loop: io done, task waiting for the busy loop
    // Inside cpu phases, wall time minus thread CPU time: the thread was
    // ready but not computing (GIL or OS). not-running spans (py-modes) plus
    // what cpu spans lasted beyond their CPU time.
    double notRunningMs = 0;
    // Share of all cores' time other programs used during the run (0..1; -1 unknown).
    double machineBusy = -1;
    std::vector<double> laneUtilization; // fraction of makespan each lane was occupied
    double utilization = 0;              // mean of laneUtilization
    int completed = 0;
    int failed = 0;
    int cancelled = 0;
    std::size_t events = 0;
    RepeatSpread repeat;
    // Shared state (task sets with lock or counter phases): per counter the
    // increments done, the final value and the updates lost; per lock how
    // often it was taken and what waiting for it and holding it cost.
    std::vector<CounterResult> counters;
    std::vector<LockResult> locks;
    double lockWaitMs = 0; // wall time of lock-wait spans
    // Deadlocks broken (Deadlock incidents) and the first one's cycle
    // ("task 3 holds A, waits for B; task 5 holds B, waits for A").
    int deadlocks = 0;
    QString deadlockCycle;
};

// Lower bound of the makespan of `set` under `mode` with `workers` on `cores`:
//   sequential: sum of task lengths
//   threads / processes: max(longest, cpu / min(W, C), sum / W)
//   threads-gil: max(longest, cpu, sum / W)       (cpu never runs in parallel)
//   eventloop:  max(longest, cpu)                  (cpu runs on the one loop)
double idealMs(Mode mode, const TaskSet &set, int workers, int cores);

Metrics computeMetrics(const Trace &trace, const TaskSet &set);

} // namespace il
