#include "core/base/clock.h"
#include "core/exec/cancelnotifier.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/model/taskset.h"
#include "core/modes/processes/workerprocess.h"
#include "core/modes/python/pythoninterpreter.h"
#include "core/modes/python/runnerprotocol.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>
#include <sys/prctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcPython, "interleave.python")

namespace il {

namespace {

// The runner's files, compiled in (resources/python/) and written to a
// temporary directory per run: multiprocessing's spawn re-imports the runner
// by its file name in every child, so it has to be a real file.
const char *const runnerFiles[] = {"interleave_runner.py", "interleave_phases.py", "interleave_dask.py"};

QString writeRunnerFiles(const QTemporaryDir &dir, QString *error)
{
    for (const char *name : runnerFiles) {
        QFile in(QStringLiteral(":/python/") + QLatin1String(name));
        QFile out(dir.filePath(QLatin1String(name)));
        if (!in.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("the runner %1 is missing from this build").arg(QLatin1String(name));
            return QString();
        }
        if (!out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0 || !out.flush()) {
            *error = QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString());
            return QString();
        }
    }
    return dir.filePath(QLatin1String(runnerFiles[0]));
}

// Like startWorkerProcess, with arguments: the runner leads its own process
// group (its threads' and spawned children's group too), so one kill takes
// every process of the run; it dies with the thread that started it.
qint64 startRunner(QProcess &proc, const QString &python, const QStringList &args)
{
    proc.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    proc.start(python, args);
    const qint64 pid = proc.processId();
    if (pid > 0)
        ::setpgid(pid_t(pid), pid_t(pid));
    return pid;
}

// The job on the runner's stdin, written by hand: a million tasks must not
// go through a QJsonDocument.
QByteArray jobJson(const RunConfig &config, const TaskSet &set)
{
    QByteArray job;
    job.reserve(qsizetype(64 + set.tasks.size() * 24));
    job += "{\"mode\": \"" + modeName(config.mode).toUtf8() + "\", \"workers\": "
           + QByteArray::number(config.effectiveWorkers()) + ", \"scheduler\": \"";
    for (QChar c : config.daskScheduler) // an address: no quotes or escapes needed, but never trust it
        if (c.unicode() >= 0x20 && c != QLatin1Char('"') && c != QLatin1Char('\\') && c.unicode() < 0x7f)
            job += char(c.unicode());
    // Lock and counter names, by index (the phases refer to them), as JSON strings.
    job += "\", \"names\": [";
    for (std::size_t k = 0; k < set.names.size(); ++k) {
        job += k ? ",\"" : "\"";
        for (QChar c : set.names[k]) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                job += '\\', job += char(c.unicode());
            else if (c.unicode() < 0x20 || c.unicode() >= 0x7f)
                job += "\\u" + QByteArray::number(c.unicode(), 16).rightJustified(4, '0');
            else
                job += char(c.unicode());
        }
        job += '"';
    }
    job += "], \"tasks\": [";
    // [0, ms] cpu, [1, ms] io, [2, lock] acquire, [3, lock] release,
    // [4, counter, times, io_ms] increment (interleave_phases.py).
    for (std::size_t i = 0; i < set.tasks.size(); ++i) {
        job += i ? ",[" : "[";
        const auto &phases = set.tasks[i].phases;
        for (std::size_t p = 0; p < phases.size(); ++p) {
            const Phase &ph = phases[p];
            job += p ? ",[" : "[";
            switch (ph.kind) {
            case PhaseKind::Cpu: job += "0," + QByteArray::number(ph.ms, 'g', 17); break;
            case PhaseKind::Io: job += "1," + QByteArray::number(ph.ms, 'g', 17); break;
            case PhaseKind::Acquire: job += "2," + QByteArray::number(ph.ref); break;
            case PhaseKind::Release: job += "3," + QByteArray::number(ph.ref); break;
            case PhaseKind::Increment: {
                const Increment &inc = set.incrementOf(ph);
                job += "4," + QByteArray::number(inc.counter) + ',' + QByteArray::number(inc.times) + ','
                       + QByteArray::number(inc.ioMs, 'g', 17);
                break;
            }
            }
            job += ']';
        }
        job += ']';
    }
    job += "]}\n";
    return job;
}

QString defaultLaneName(Mode mode, int lane)
{
    switch (mode) {
    case Mode::PySequential: return QStringLiteral("main thread");
    case Mode::PyAsyncio: return QStringLiteral("event loop");
    case Mode::PyProcesses: return QStringLiteral("process %1").arg(lane + 1);
    case Mode::Dask: return QStringLiteral("dask worker thread %1").arg(lane + 1);
    default: return QStringLiteral("thread %1").arg(lane + 1);
    }
}

} // namespace

// The py-modes and dask: one real CPython process (the runner) started by
// QProcess, given the task set on stdin, streaming batched events back on
// stdout (runnerprotocol.h). Everything here runs on the engine's run thread,
// its only recorder writer, with its own event loop; the runner's threads,
// processes or cluster do the work.
//
// Nothing can hang a run: Stop kills the runner's whole process group at
// once; a runner that dies, sends garbage or outlives its liveness limit
// (10 s + 3 × the whole set's declared time, what py-sequential needs three
// times over) is killed and every unfinished task failed, with the reason.
class PythonExecutor final : public Executor
{
public:
    explicit PythonExecutor(const RunConfig &config) : m_config(config)
    {
        m_lanes = config.effectiveWorkers();
        if (config.mode == Mode::PySequential || config.mode == Mode::PyAsyncio)
            m_lanes = 1;
        for (int i = 0; i < m_lanes; ++i)
            m_laneNames << defaultLaneName(config.mode, i);
    }

    int laneCount() const override { return m_lanes; }
    int slotCount() const override { return 1; }
    QStringList laneNames() const override { return m_laneNames; }
    ClockAlignment clockAlignment() const override { return m_clocks; }

    void run(ExecContext &ctx) override
    {
        // The runner has locks and counters for the py-modes (a book on a
        // threading / multiprocessing Condition, asyncio's loop); a Dask
        // cluster has none of ours yet: refused before anything starts.
        if (m_config.mode == Mode::Dask && refuseSharedState(ctx))
            return;
        m_ctx = &ctx;
        m_sink = std::make_unique<RecorderSink>(ctx.recorder, 0);
        m_started.assign(ctx.set.tasks.size(), noLane);
        m_ended.assign(ctx.set.tasks.size(), false);

        const PythonInfo python = probePython(resolvePythonPath(m_config.pythonPath));
        const QString problem = m_config.mode == Mode::Dask ? python.daskProblem : python.problem;
        if (!problem.isEmpty())
            return failToStart(IncidentKind::PythonUnavailable, problem);
        QTemporaryDir dir;
        QString error;
        const QString runner = dir.isValid() ? writeRunnerFiles(dir, &error) : QString();
        if (runner.isEmpty())
            return failToStart(IncidentKind::RunnerFailed, QStringLiteral("cannot start the runner: %1")
                                                               .arg(dir.isValid() ? error : dir.errorString()));

        QEventLoop loop;
        m_loop = &loop;
        QProcess proc;
        m_proc = &proc;
        proc.setProcessChannelMode(QProcess::SeparateChannels);
        QObject::connect(&proc, &QProcess::readyReadStandardOutput, &proc, [this] { onOutput(); });
        QObject::connect(&proc, &QProcess::readyReadStandardError, &proc, [this] {
            m_stderrTail = (m_stderrTail + m_proc->readAllStandardError()).right(4000);
        });
        QObject::connect(&proc, &QProcess::finished, &proc, [this](int code, QProcess::ExitStatus status) {
            onOutput();
            if (!m_done)
                failRun(IncidentKind::RunnerFailed,
                        QStringLiteral("the runner %1 before every task was reported%2")
                            .arg(status == QProcess::CrashExit ? QStringLiteral("was killed or crashed")
                                                               : QStringLiteral("exited with code %1").arg(code),
                                 stderrSuffix()));
            quit();
        });
        QObject::connect(&proc, &QProcess::errorOccurred, &proc, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart) {
                failRun(IncidentKind::RunnerFailed,
                        QStringLiteral("cannot start %1: %2").arg(m_python, m_proc->errorString()));
                quit();
            }
        });

        m_python = python.path;
        m_startNs = monoNs();
        m_pgid = startRunner(proc, python.path, {QStringLiteral("-X"), QStringLiteral("utf8"), runner,
                                                 QStringLiteral("run")});
        if (m_pgid > 0) {
            proc.write(jobJson(m_config, ctx.set));
            proc.closeWriteChannel();

            // Stop wakes this loop through the token's descriptor: nothing polls.
            const auto onStop = cancelNotifier(m_ctx->cancel, [this] {
                m_cancelled = true;
                quit();
            });
            QTimer limit;
            limit.setSingleShot(true);
            const int limitMs = livenessLimitMs();
            QObject::connect(&limit, &QTimer::timeout, &limit, [this, limitMs] {
                failRun(IncidentKind::RunnerFailed,
                        QStringLiteral("the runner did not finish within its liveness limit %1 ms "
                                       "(10 s + 3 × the task set's declared time)%2")
                            .arg(limitMs).arg(stderrSuffix()));
                quit();
            });
            limit.start(limitMs);
            if (m_loop)
                loop.exec();
        } else {
            failRun(IncidentKind::RunnerFailed, QStringLiteral("cannot start %1: %2").arg(python.path, proc.errorString()));
        }
        m_loop = nullptr;

        // However it ended, nothing of the runner outlives the run.
        proc.disconnect();
        killWorkerGroup(m_pgid);
        if (proc.state() != QProcess::NotRunning) {
            proc.kill();
            proc.waitForFinished(2000);
        }
        m_proc = nullptr;
        finishUnfinished();
        // In the order the waiters ran on, as every mode's handoffs are
        // (the processes of py-processes write theirs as they come).
        std::stable_sort(m_shared.handoffs.begin(), m_shared.handoffs.end(),
                         [](const LockHandoff &a, const LockHandoff &b) { return a.acquiredNs < b.acquiredNs; });
        setSharedResults(std::move(m_shared)); // what the K, Y and F lines said
    }

private:
    void quit()
    {
        if (m_loop)
            m_loop->quit();
        m_loop = nullptr;
    }

    QString stderrSuffix() const
    {
        const QString tail = QString::fromUtf8(m_stderrTail).trimmed();
        return tail.isEmpty() ? QString() : QStringLiteral(" — stderr: ") + tail.section(QLatin1Char('\n'), -1);
    }

    int livenessLimitMs() const
    {
        double declared = 0;
        for (const Task &t : m_ctx->set.tasks)
            for (const Phase &p : t.phases)
                declared += p.ms;
        return int(std::min(double(std::numeric_limits<int>::max()), std::ceil(10000 + 3 * declared)));
    }

    // The run cannot go on: the first reason is the one reported.
    void failRun(IncidentKind kind, const QString &detail)
    {
        if (m_failed)
            return;
        m_failed = true;
        Incident i;
        i.kind = kind;
        i.pid = m_runnerPid;
        i.tNs = monoNs();
        i.detail = detail;
        report(std::move(i));
    }

    void failToStart(IncidentKind kind, const QString &detail)
    {
        failRun(kind, detail);
        for (std::uint32_t i = 0; i < m_ctx->set.tasks.size(); ++i) {
            m_sink->record(makeEvent(EventKind::Queued, i, noLane));
            m_sink->record(makeEvent(EventKind::TaskFailed, i, noLane));
        }
    }

    void onOutput()
    {
        if (!m_proc || m_badData)
            return;
        m_parser.feed(m_proc->readAllStandardOutput());
        runner::Record r;
        for (;;) {
            const auto status = m_parser.next(&r);
            if (status == runner::LineParser::Status::NeedMore)
                return;
            QString bad = status == runner::LineParser::Status::Error ? m_parser.error() : onRecord(r);
            if (!bad.isEmpty()) {
                m_badData = true;
                failRun(IncidentKind::RunnerFailed, QStringLiteral("the runner sent bad data: %1").arg(bad));
                qCWarning(lcPython).noquote() << modeName(m_config.mode) << "the runner sent bad data:" << bad;
                quit();
                return;
            }
        }
    }

    // Returns "" or what is wrong with the record.
    QString onRecord(const runner::Record &r)
    {
        if (!m_helloSeen && r.type != runner::RecordType::Hello)
            return QStringLiteral("no hello first");
        switch (r.type) {
        case runner::RecordType::Hello: {
            if (m_helloSeen)
                return QStringLiteral("a second hello");
            if (r.version != runner::protocolVersion)
                return QStringLiteral("protocol version %1, expected %2").arg(r.version).arg(runner::protocolVersion);
            // Its time.monotonic_ns() must be our CLOCK_MONOTONIC: taken
            // after we started it and before we read it.
            if (r.tNs < m_startNs || r.tNs > monoNs())
                return QStringLiteral("its clock (time.monotonic_ns() = %1) is not the engine's CLOCK_MONOTONIC").arg(r.tNs);
            m_helloSeen = true;
            m_runnerPid = r.pid;
            return QString();
        }
        case runner::RecordType::Lane:
            if (r.lane >= m_lanes)
                return QStringLiteral("lane %1 of %2").arg(r.lane).arg(m_lanes);
            m_laneNames[r.lane] = r.text;
            return QString();
        case runner::RecordType::Note: {
            if (r.incident.task != noTask && r.incident.task >= m_ctx->set.tasks.size())
                return QStringLiteral("an incident for task %1 of %2").arg(r.incident.task).arg(m_ctx->set.tasks.size());
            if (r.incident.lane != noLane && r.incident.lane >= m_lanes)
                return QStringLiteral("an incident on lane %1 of %2").arg(r.incident.lane).arg(m_lanes);
            Incident i = r.incident;
            i.tNs = monoNs();
            report(std::move(i));
            return QString();
        }
        case runner::RecordType::Clock:
            m_clocks.withinNs = r.tNs;
            m_clocks.detail = r.text;
            return QString();
        case runner::RecordType::Counter:
        case runner::RecordType::LockStat:
        case runner::RecordType::Handoff: {
            if (r.name >= std::int64_t(m_ctx->set.names.size()))
                return QStringLiteral("a counter or lock %1 of %2 names").arg(r.name).arg(m_ctx->set.names.size());
            const QString name = m_ctx->set.names[std::size_t(r.name)];
            if (r.type == runner::RecordType::Counter)
                m_shared.counters.push_back({name, r.values[0], r.values[1]});
            else if (r.type == runner::RecordType::Handoff) {
                const auto tasks = std::int64_t(m_ctx->set.tasks.size());
                if (r.values[0] >= tasks || r.values[1] >= tasks || r.values[2] > r.values[3])
                    return QStringLiteral("a handoff between tasks %1 and %2 of %3, released at %4 ns, taken at %5 ns")
                        .arg(r.values[0]).arg(r.values[1]).arg(tasks).arg(r.values[2]).arg(r.values[3]);
                m_shared.handoffs.push_back({name, std::uint32_t(r.values[0]), std::uint32_t(r.values[1]), r.values[2], r.values[3]});
            } else
                m_shared.locks.push_back({name, std::uint64_t(r.values[0]), std::uint64_t(r.values[1]), r.values[2],
                                          r.values[3], r.values[4]});
            return QString();
        }
        case runner::RecordType::Error: failRun(IncidentKind::RunnerFailed, r.text); return QString();
        case runner::RecordType::Done: m_done = true; return QString();
        case runner::RecordType::Event: return onEvent(r.event);
        }
        return QString();
    }

    QString onEvent(const Event &e)
    {
        const std::size_t n = m_ctx->set.tasks.size();
        const bool edge = e.kind == EventKind::SpanBegin || e.kind == EventKind::SpanEnd;
        if (e.task == noTask ? !(edge && e.span == SpanKind::Spawn) : e.task >= n)
            return QStringLiteral("an event for task %1 of %2").arg(qint64(e.task == noTask ? -1 : e.task)).arg(n);
        if (e.lane != noLane && e.lane >= m_lanes)
            return QStringLiteral("an event on lane %1 of %2").arg(e.lane).arg(m_lanes);
        if (edge && e.task != noTask && e.phase != noPhase && e.phase >= m_ctx->set.tasks[e.task].phases.size())
            return QStringLiteral("an event for phase %1 of task %2").arg(e.phase).arg(e.task);
        if (e.span == SpanKind::GilWait)
            return QStringLiteral("a gil-wait span (CPython reports none)");
        // Same clock, so every time lies between our start and now (a
        // remote Dask worker's time arrives already moved onto ours).
        if (e.tNs < m_startNs - 1'000'000'000LL || e.tNs > monoNs() + 1'000'000'000LL)
            return QStringLiteral("a timestamp off the shared clock (%1 ns)").arg(e.tNs);
        const bool lanedKind = e.kind == EventKind::TaskStart || e.kind == EventKind::TaskEnd
                               || e.kind == EventKind::TaskCancelled
                               || (edge && e.span != SpanKind::Io && e.span != SpanKind::Ready
                                   && e.span != SpanKind::LockWait); // waits of py-asyncio: on no lane
        if (lanedKind && e.lane == noLane)
            return QStringLiteral("a task event or span without a lane");
        if (e.task != noTask) {
            if (e.kind == EventKind::TaskStart) {
                if (m_started[e.task] != noLane)
                    return QStringLiteral("task %1 started twice").arg(e.task);
                m_started[e.task] = e.lane;
            } else if (e.kind == EventKind::TaskEnd || e.kind == EventKind::TaskFailed
                       || e.kind == EventKind::TaskCancelled) {
                m_ended[e.task] = true;
            }
        }
        m_sink->record(e);
        return QString();
    }

    // After the runner is gone: tasks it never finished are cancelled (Stop)
    // or failed (it died, hung or spoke garbage), on the lane they ran on.
    void finishUnfinished()
    {
        int failed = 0;
        for (std::uint32_t i = 0; i < m_ended.size(); ++i) {
            if (m_ended[i])
                continue;
            if (m_cancelled) {
                if (m_started[i] != noLane)
                    m_sink->record(makeEvent(EventKind::TaskCancelled, i, m_started[i]));
                continue;
            }
            m_sink->record(makeEvent(EventKind::TaskFailed, i, m_started[i]));
            ++failed;
        }
        if (failed && !m_cancelled) {
            failRun(IncidentKind::RunnerFailed, QStringLiteral("the runner ended without reporting every task"));
            Incident lost;
            lost.kind = IncidentKind::TasksLost;
            lost.tNs = monoNs();
            lost.value = failed;
            lost.detail = QStringLiteral("the runner did not finish them");
            report(std::move(lost));
        }
    }

    RunConfig m_config;
    int m_lanes = 1;
    QStringList m_laneNames;
    ExecContext *m_ctx = nullptr;
    std::unique_ptr<RecorderSink> m_sink;
    QEventLoop *m_loop = nullptr;
    QProcess *m_proc = nullptr;
    QString m_python;
    qint64 m_pgid = 0;
    qint64 m_runnerPid = 0;
    std::int64_t m_startNs = 0;
    runner::LineParser m_parser;
    QByteArray m_stderrTail;
    std::vector<std::uint16_t> m_started; // lane per started task, noLane before
    std::vector<bool> m_ended;
    bool m_helloSeen = false;
    bool m_done = false;
    bool m_badData = false;
    bool m_cancelled = false;
    bool m_failed = false;
    ClockAlignment m_clocks;
    SharedStateResults m_shared; // what the runner's K and Y lines said
};

std::unique_ptr<Executor> makePythonExecutor(const RunConfig &config)
{
    return std::make_unique<PythonExecutor>(config);
}

} // namespace il
