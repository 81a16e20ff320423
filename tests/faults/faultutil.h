#pragma once
// Helpers shared by the fault tests: run an Engine to the end, build small
// task sets, list our child processes through /proc.

#include "engine.h"
#include "taskset.h"

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

// Every process whose parent is `parent` (default: us), from
// /proc/<pid>/stat, zombies included.
inline std::vector<pid_t> childPids(pid_t parent = ::getpid())
{
    std::vector<pid_t> pids;
    const pid_t self = parent;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool ok = false;
        const pid_t pid = e.toInt(&ok);
        if (!ok)
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue; // exited meanwhile
        const QByteArray stat = f.readAll();
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[1].toInt() == self)
            pids.push_back(pid);
    }
    return pids;
}

inline bool processExists(pid_t pid)
{
    return QFile::exists(QStringLiteral("/proc/%1").arg(pid));
}

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
