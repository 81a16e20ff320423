#pragma once
// Helpers shared by the fault tests: run an Engine to the end, build small
// task sets, list our child processes through /proc.

#include "core/engine/engine.h"
#include "core/model/taskset.h"
#include "../common/processes.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <sys/types.h>
#include <unistd.h>

#include <vector>

namespace faults {

inline QString binDir() { return QCoreApplication::applicationDirPath(); }
inline QString cliPath() { return binDir() + QStringLiteral("/interleave"); }
inline QString workerPath() { return binDir() + QStringLiteral("/interleave-worker"); }
inline QString fakeWorkerPath() { return binDir() + QStringLiteral("/il-fake-worker"); }

// `count` tasks, each with the given phases.
inline il::TaskSetPtr uniformSet(int count, std::vector<il::Phase> phases)
{
    auto set = std::make_shared<il::TaskSet>();
    set->name = QStringLiteral("faults");
    for (int i = 0; i < count; ++i) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i);
        t.phases = phases;
        set->tasks.push_back(std::move(t));
    }
    return set;
}

inline il::Phase cpu(double ms) { return {il::PhaseKind::Cpu, ms}; }
inline il::Phase io(double ms) { return {il::PhaseKind::Io, ms}; }

using testprocs::childPids;
using testprocs::processExists;
using testprocs::cpuTicks;


// Runs a comparison to its end and keeps what the engine reported.
struct Run
{
    std::vector<il::RunResultPtr> results;
    std::vector<il::Event> streamed; // everything eventsReady delivered
    bool finished = false;
    bool cancelled = false;
};

inline void connectRun(il::Engine &engine, Run &run)
{
    QObject::connect(&engine, &il::Engine::runFinished, &engine,
                     [&run](const il::RunResultPtr &r) { run.results.push_back(r); });
    QObject::connect(&engine, &il::Engine::eventsReady, &engine, [&run](int, const il::EventBatch &b) {
        run.streamed.insert(run.streamed.end(), b->begin(), b->end());
    });
    QObject::connect(&engine, &il::Engine::finished, &engine, [&run](bool cancelled) {
        run.finished = true;
        run.cancelled = cancelled;
    });
}

inline il::RunConfig processes(int workers, const QString &worker, int timeoutMs = 0)
{
    il::RunConfig c;
    c.mode = il::Mode::Processes;
    c.workers = workers;
    c.workerPath = worker;
    c.taskTimeoutMs = timeoutMs;
    return c;
}

inline int countState(const il::Trace &trace, il::TaskState state)
{
    int n = 0;
    for (const il::TaskRecord &t : trace.tasks)
        n += t.state == state;
    return n;
}

} // namespace faults
