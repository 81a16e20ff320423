#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace il {

// The five C++ schedulers, then the real runtimes they model: CPython's
// (run by the Python runner, core/modes/python/) and a Dask cluster.
enum class Mode { Sequential, Threads, ThreadsGil, Processes, EventLoop,
                  PySequential, PyThreads, PyProcesses, PyAsyncio, Dask };

// `--mode all`: the five C++ modes.
inline constexpr Mode allModes[] = {Mode::Sequential, Mode::Threads, Mode::ThreadsGil,
                                    Mode::Processes, Mode::EventLoop};
// The modes that need a Python interpreter (Dask also needs `distributed`).
inline constexpr Mode pythonModes[] = {Mode::PySequential, Mode::PyThreads, Mode::PyProcesses,
                                       Mode::PyAsyncio, Mode::Dask};
// `--mode everything`: all ten, each C++ model just before the real runtime
// it models (core/analysis/twins.h), so twins sit side by side on the
// timeline and in the chart; threads (no GIL) before threads-gil, dask last.
inline constexpr Mode everyMode[] = {Mode::Sequential, Mode::PySequential, Mode::Threads, Mode::ThreadsGil,
                                     Mode::PyThreads, Mode::Processes, Mode::PyProcesses, Mode::EventLoop,
                                     Mode::PyAsyncio, Mode::Dask};

// "sequential", "threads", "threads-gil", "processes", "eventloop",
// "py-sequential", "py-threads", "py-processes", "py-asyncio", "dask"
QString modeName(Mode mode);
std::optional<Mode> modeFromName(const QString &name);
// Parses "threads,processes", "all" or "everything"; on error returns nullopt and sets *error.
std::optional<std::vector<Mode>> parseModeList(const QString &text, QString *error);

bool isPythonMode(Mode mode); // run by the Python runner (dask included)
// One thread runs every task's code, tasks wait for io off any lane
// (eventloop, py-asyncio): io spans have no lane, ready-wait exists.
bool isLoopMode(Mode mode);

int detectedCores();
// threads, py-threads: min(32, cores + 4) like CPython's ThreadPoolExecutor;
// processes, py-processes, dask: cores.
int defaultWorkers(Mode mode);

struct RunConfig
{
    Mode mode = Mode::Sequential;
    int workers = 0;       // 0 = defaultWorkers(mode)
    int taskTimeoutMs = 0; // processes only; 0 = none
    // processes only: how many tasks each busy worker holds queued behind
    // the one it runs; -1 = defaultPrefetch.
    int prefetch = -1;
    QString workerPath;    // empty = next to the running executable
    double gilSwitchMs = 5.0;
    QString pythonPath;    // py-modes, dask: empty = INTERLEAVE_PYTHON, else /usr/bin/python3, else PATH
    QString daskScheduler; // dask: "tcp://HOST:PORT" of a running cluster; empty = a LocalCluster

    int effectiveWorkers() const;
    int effectivePrefetch() const { return prefetch >= 0 ? prefetch : defaultPrefetch; }

    // As CPython's ProcessPoolExecutor, whose workers find the next call
    // already queued when they finish one.
    static constexpr int defaultPrefetch = 1;
    static constexpr int maxPrefetch = 64;
};

} // namespace il
