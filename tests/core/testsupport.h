#pragma once

#include "engine.h"
#include "taskset.h"

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
Comparison runComparison(const il::TaskSet &set, const std::vector<il::RunConfig> &configs, int timeoutMs = 60000);
il::RunResultPtr runOne(const il::TaskSet &set, il::Mode mode, int workers = 0, int timeoutMs = 60000);

// Checks the invariants every trace must hold; returns "" or what is wrong.
QString checkTrace(const il::Trace &trace, const il::TaskSet &set, bool expectAllDone = true);

} // namespace testsupport
