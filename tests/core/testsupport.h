#pragma once

#include "core/engine/engine.h"
#include "core/model/taskset.h"

#include <QSignalSpy>
#include <QString>

#include <vector>

namespace testsupport {

// Builds a task set from a compact spec: one string per task, phases
// separated by spaces, e.g. "c100 i50" = 100 ms cpu then 50 ms io.
il::TaskSet makeSet(const std::vector<const char *> &tasks, const QString &name = QStringLiteral("test"));

inline il::RunConfig config(il::Mode mode, int workers = 0)
{
    il::RunConfig c;
    c.mode = mode;
    c.workers = workers;
    return c;
}

struct Comparison
{
    std::vector<il::RunResultPtr> runs;
    bool cancelled = false;
    bool completed = false; // the finished signal arrived in time
};

// Runs the configs through a real Engine and waits for its finished signal
// (up to timeoutMs). No sleeping: it spins the event loop until the signal.
Comparison runComparison(const il::TaskSet &set, const std::vector<il::RunConfig> &configs, int timeoutMs = 60000,
                         int repeat = 1);
il::RunResultPtr runOne(const il::TaskSet &set, il::Mode mode, int workers = 0, int timeoutMs = 60000);

// Checks the invariants every trace must hold; returns "" or what is wrong.
// Among them: no io phase of a finished task ended before its time.
QString checkTrace(const il::Trace &trace, const il::TaskSet &set, bool expectAllDone = true);

// The most spans of `kind` open at one instant (a span ending exactly when
// another begins does not overlap it).
int maxOverlap(const il::Trace &trace, il::SpanKind kind);

// Whether a span of `kind` on one lane overlaps one of the same kind on
// another lane in time: work really ran side by side.
bool lanesOverlap(const il::Trace &trace, il::SpanKind kind);

// How long each io phase lasted in µs (its io span and, on the event loop,
// the ready-wait after it), sorted.
std::vector<double> ioPhaseDurationsUs(const il::Trace &trace);

// Durations in µs of the spans of `kind`, sorted.
std::vector<double> spanDurationsUs(const il::Trace &trace, il::SpanKind kind);
double median(const std::vector<double> &sorted);

// How many tasks recorded a TaskStart.
int startedTasks(const il::Trace &trace);

} // namespace testsupport
