// Process-pool faults: a worker killed mid-task, garbage or a wrong protocol
// version on the pipe, a hanging worker and --task-timeout, a stopped worker
// and the default liveness limit, a worker that is a script with children of
// its own, a program that only echoes (/bin/cat) or fails every task, a
// missing or unusable worker executable, --worker and INTERLEAVE_WORKER on the
// command line, and no process left behind afterwards.
#include "faultutil.h"

#include "core/io/exporters.h"
#include "core/modes/processes/livenesslimit.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>


#include <algorithm>
#include <csignal>
#include <set>

using namespace faults;

Q_DECLARE_METATYPE(std::vector<il::Phase>)

class PoolFaults : public QObject
{
    Q_OBJECT

private:
    // Runs `configs` on `set` to the end (at most `timeoutMs`).
    Run runToEnd(const il::TaskSetPtr &set, std::vector<il::RunConfig> configs, int timeoutMs = 30000)
    {
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        if (!engine.start(set, std::move(configs))) {
            QTest::qFail("Engine::start refused", __FILE__, __LINE__);
            return run;
        }
        (void)QTest::qWaitFor([&] { return run.finished; }, timeoutMs);
        if (!run.finished)
            QTest::qFail("the run did not finish in time (hang?)", __FILE__, __LINE__);
        return run;
    }

    // The run's incidents as text, for failure messages only.
    static QString describe(const il::Trace &t)
    {
        QStringList out;
        for (const il::Incident &i : t.incidents)
            out << QStringLiteral("%1 lane %2 pid %3 task %4 value %5 replaced %6: %7")
                       .arg(QLatin1String(il::incidentKindName(i.kind)))
                       .arg(i.lane == il::noLane ? -1 : int(i.lane)).arg(i.pid)
                       .arg(i.task == il::noTask ? -1 : qint64(i.task)).arg(i.value).arg(i.replaced).arg(i.detail);
        return out.join(QLatin1String(" | "));
    }

    static std::vector<il::Incident> incidentsOf(const il::Trace &t, il::IncidentKind kind)
    {
        std::vector<il::Incident> out;
        std::copy_if(t.incidents.begin(), t.incidents.end(), std::back_inserter(out),
                     [kind](const il::Incident &i) { return i.kind == kind; });
        return out;
    }

    // The one incident of the run, of `kind`, for a worker of the pool.
    static il::Incident theWorkerIncident(const il::Trace &t, il::IncidentKind kind)
    {
        const auto found = incidentsOf(t, kind);
        if (t.incidents.size() != 1 || found.size() != 1) {
            QTest::qFail(qPrintable(QStringLiteral("expected one %1, got: %2").arg(QLatin1String(il::incidentKindName(kind)), describe(t))),
                         __FILE__, __LINE__);
            return {};
        }
        return found.front();
    }

    // Nothing nonsensical made it into the trace: every span is a kind the
    // process pool produces, on a real lane, for a real task, in time order.
    static void verifySane(const il::Trace &t, std::size_t tasks)
    {
        for (const il::Span &s : t.spans) {
            QVERIFY2(s.kind == il::SpanKind::Cpu || s.kind == il::SpanKind::Io || s.kind == il::SpanKind::Spawn
                         || s.kind == il::SpanKind::Ipc || s.kind == il::SpanKind::LockWait,
                     qPrintable(QStringLiteral("span kind %1").arg(int(s.kind))));
            QVERIFY(s.lane < t.info.lanes);
            QVERIFY(s.task == il::noTask || s.task < tasks);
            QVERIFY(s.startNs <= s.endNs);
            QVERIFY(s.startNs >= t.info.originNs);
        }
        for (const il::TaskRecord &r : t.tasks) {
            QVERIFY(r.state == il::TaskState::Done || r.state == il::TaskState::Failed);
            if (r.state == il::TaskState::Done)
                QVERIFY(r.startNs >= 0 && r.endNs >= r.startNs && r.lane < t.info.lanes);
        }
    }

    // The Chrome trace says "failed" for exactly `failed` and "done" for the rest.
    static void verifyChromeStates(const il::TaskSet &set, const il::RunResultPtr &r, const std::set<int> &failed)
    {
        const QJsonDocument doc = QJsonDocument::fromJson(il::chromeTraceJson(set, {r}));
        QVERIFY(doc.isObject());
        std::set<int> seenFailed;
        int done = 0;
        for (const QJsonValue &v : doc.object().value(QLatin1String("traceEvents")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QLatin1String("cat")).toString() != QLatin1String("task"))
                continue;
            const QJsonObject args = e.value(QLatin1String("args")).toObject();
            const QString state = args.value(QLatin1String("state")).toString();
            if (state == QLatin1String("failed"))
                seenFailed.insert(args.value(QLatin1String("task")).toInt());
            else if (state == QLatin1String("done"))
                ++done;
            else
                QFAIL(qPrintable(QStringLiteral("unexpected state %1").arg(state)));
        }
        QCOMPARE(seenFailed, failed);
        QCOMPARE(done, int(set.tasks.size() - failed.size()));
    }

    // A fake worker misbehaving on task 1 of 6: that task fails, one incident
    // of `kind` (with `value` and a detail containing `detail`) names its
    // lane, pid and task, the worker is replaced, the other five complete.
    void verifyMidTaskFault(const char *mode, il::IncidentKind kind, std::int64_t value, const QString &detail,
                            int timeoutMs = 0, double ioMs = 40)
    {
        qputenv("IL_FAKE_MODE", mode);
        qputenv("IL_FAKE_TASK", "1");
        const auto set = uniformSet(6, {cpu(2), io(ioMs)});
        const Run run = runToEnd(set, {processes(2, fakeWorkerPath(), timeoutMs)});
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        const il::Incident incident = theWorkerIncident(t, kind);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(incident.task, 1u);
        QCOMPARE(incident.lane, t.tasks[1].lane);
        QVERIFY(incident.lane < t.info.lanes);
        QCOMPARE(incident.value, il::hasValue(kind) ? value : 0);
        QVERIFY2(incident.detail.contains(detail), qPrintable(describe(t)));
        QVERIFY(incident.replaced);
        QVERIFY(!t.failed());
        QCOMPARE(t.tasks[1].state, il::TaskState::Failed);
        QCOMPARE(r->metrics.failed, 1);
        QCOMPARE(r->metrics.completed, 5);
        verifySane(t, set->tasks.size());
        verifyChromeStates(*set, r, {1});
        // The lane keeps the failed worker's pid in its name. (Whether its
        // replacement said hello before the healthy lane finished the rest is
        // a race, slow under sanitizers: its pid may still be 0.)
        QCOMPARE(t.info.lanePids.size(), std::size_t(2));
        const qint64 failedPid = incident.pid;
        QVERIFY(failedPid > 0);
        QVERIFY2(t.info.laneNames.join(QLatin1Char('|')).contains(QStringLiteral("pid %1").arg(failedPid)),
                 qPrintable(t.info.laneNames.join(QLatin1Char('|'))));
        QVERIFY(std::any_of(t.info.lanePids.begin(), t.info.lanePids.end(), [](qint64 pid) { return pid > 0; }));
    }

    // `expected` is in the run's summary JSON (lane, pid, task, time from the
    // origin) and in its Chrome trace as an instant event on its lane's track.
    static void verifyIncidentExported(const il::TaskSet &set, const il::RunResultPtr &r, const il::Incident &expected)
    {
        const QString kind = QLatin1String(il::incidentKindName(expected.kind));
        const double timeMs = double(expected.tNs - r->trace->info.originNs) / 1e6;
        const QJsonDocument summary = QJsonDocument::fromJson(il::summaryJson(set, {r}));
        const QJsonArray incidents = summary[QLatin1String("runs")][0][QLatin1String("incidents")].toArray();
        QCOMPARE(incidents.size(), qsizetype(1));
        const QJsonObject s = incidents[0].toObject();
        QCOMPARE(s[QLatin1String("kind")].toString(), kind);
        QCOMPARE(s[QLatin1String("lane")].toInt(-1), int(expected.lane));
        QCOMPARE(s[QLatin1String("pid")].toInteger(), expected.pid);
        QCOMPARE(s[QLatin1String("task")].toInteger(), qint64(expected.task));
        QVERIFY(qAbs(s[QLatin1String("time_ms")].toDouble() - timeMs) < 1e-6);
        QCOMPARE(s[QLatin1String("detail")].toString(), expected.detail);

        const QJsonDocument chrome = QJsonDocument::fromJson(il::chromeTraceJson(set, {r}));
        QVERIFY(chrome.isObject());
        int found = 0;
        for (const QJsonValue &v : chrome[QLatin1String("traceEvents")].toArray()) {
            if (v[QLatin1String("ph")].toString() != QLatin1String("i"))
                continue;
            ++found;
            QCOMPARE(v[QLatin1String("name")].toString(), kind);
            QCOMPARE(v[QLatin1String("cat")].toString(), QStringLiteral("incident"));
            QCOMPARE(v[QLatin1String("s")].toString(), QStringLiteral("t"));
            QCOMPARE(v[QLatin1String("tid")].toInt(), int(expected.lane) + 1); // the lane's track
            QVERIFY(qAbs(v[QLatin1String("ts")].toDouble() - timeMs * 1000) <= 0.125);
            const QJsonValue args = v[QLatin1String("args")];
            QCOMPARE(args[QLatin1String("kind")].toString(), kind);
            QCOMPARE(args[QLatin1String("pid")].toInteger(), expected.pid);
            QCOMPARE(args[QLatin1String("task")].toInteger(), qint64(expected.task));
            QCOMPARE(args[QLatin1String("detail")].toString(), expected.detail);
        }
        QCOMPARE(found, 1);
    }

    static int countSpans(const il::Trace &t, il::SpanKind kind)
    {
        return int(std::count_if(t.spans.begin(), t.spans.end(), [kind](const il::Span &s) { return s.kind == kind; }));
    }

    // Alive = exists and is not a zombie (an orphan's zombie is not ours to reap).
    static bool aliveNotZombie(pid_t pid)
    {
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QByteArray stat = f.readAll();
        const qsizetype close = stat.lastIndexOf(')');
        return close > 0 && stat.size() > close + 2 && stat.at(close + 2) != 'Z';
    }

    static QString commOf(pid_t pid)
    {
        QFile f(QStringLiteral("/proc/%1/comm").arg(pid));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
    }

    // A worker that is a shell script: it starts a long `sleep` of its own
    // (noting its pid in `pidFile`), then becomes the fake worker.
    static QString writeScriptWorker(const QTemporaryDir &dir, const QString &pidFile)
    {
        const QString path = dir.filePath(QStringLiteral("script-worker.sh"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return QString();
        f.write(QStringLiteral("#!/bin/sh\nsleep 1000 &\necho $! >> '%1'\nexec '%2'\n")
                    .arg(pidFile, fakeWorkerPath()).toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }

    static std::vector<pid_t> readPids(const QString &pidFile)
    {
        std::vector<pid_t> pids;
        QFile f(pidFile);
        if (f.open(QIODevice::ReadOnly))
            for (const QByteArray &line : f.readAll().split('\n'))
                if (line.trimmed().toInt() > 0)
                    pids.push_back(pid_t(line.trimmed().toInt()));
        return pids;
    }

    std::vector<pid_t> workerChildren()
    {
        std::vector<pid_t> out;
        for (pid_t pid : childPids()) {
            const QString exe = QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(pid));
            if (exe.endsWith(QLatin1String("/interleave-worker")))
                out.push_back(pid);
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        // QProcess connects its socket notifiers by signature, and the first
        // connect registers their argument types (QSocketDescriptor) in Qt's
        // metatype registry. Make that first use here, on the main thread,
        // before any run thread exists: the registry's lock lives inside
        // libQt6Core where ThreadSanitizer cannot see it, so a later lookup
        // on the main thread of a name a run thread registered is reported as
        // a race (the tsan preset runs this suite).
        QProcess warmUp;
        warmUp.start(QStringLiteral("/bin/true"), {});
        QVERIFY(warmUp.waitForFinished(10000));
    }

    void init()
    {
        qunsetenv("IL_FAKE_MODE");
        qunsetenv("IL_FAKE_TASK");
        qunsetenv("IL_FAKE_ONCE");
        qunsetenv("IL_FAKE_INSTANT");
        QVERIFY(QFileInfo(fakeWorkerPath()).isExecutable());
        QVERIFY(QFileInfo(workerPath()).isExecutable());
    }

    // After every fault: no child left, zombie or alive.
    void cleanup()
    {
        const auto children = childPids();
        QVERIFY2(children.empty(), qPrintable(QStringLiteral("%1 child process(es) left, first pid %2")
                                                  .arg(children.size()).arg(children.empty() ? 0 : children[0])));
    }

    void killedMidTask()
    {
        verifyMidTaskFault("kill-on-task", il::IncidentKind::WorkerCrashed, 0, QString());
    }

    void garbageMidTask()
    {
        verifyMidTaskFault("garbage-on-task", il::IncidentKind::ProtocolError, 0,
                           QStringLiteral("frame too large (1651663207 bytes; at most 1048576)"));
    }

    void eventForAnotherTask()
    {
        verifyMidTaskFault("wrong-task", il::IncidentKind::ProtocolError, 0, QStringLiteral("an event for task 1001 it was not given"));
    }

    void eventsOutOfOrder()
    {
        verifyMidTaskFault("out-of-order", il::IncidentKind::ProtocolError, 0,
                           QStringLiteral("events out of order (kind 2 for task 1 before its start)"));
    }

    void exitsWithStderr()
    {
        verifyMidTaskFault("exit-on-task", il::IncidentKind::WorkerExited, 5,
                           QStringLiteral("stderr: fake worker: simulated failure on task 1"));
    }

    void hangKilledByTimeout()
    {
        QElapsedTimer clock;
        clock.start();
        // Tasks of 600 ms on the healthy lane: tasks are still pending when
        // the hung one times out at 1 s, so its lane must be replaced.
        verifyMidTaskFault("hang-on-task", il::IncidentKind::TaskTimeout, 1000, QString(), 1000, 600);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    }

    // A task's liveness limit holds even when the task before it on the lane
    // had a far longer one: the worker ends task 0 (declared 60 s, limit
    // 185 s) at once and hangs on task 1 (limit 5 s), which must fail after
    // its own 5 s, not when task 0's limit would have run out.
    void shorterLimitAfterLongerTask()
    {
        qputenv("IL_FAKE_MODE", "hang-on-task");
        qputenv("IL_FAKE_TASK", "1");
        qputenv("IL_FAKE_INSTANT", "1");
        auto set = std::make_shared<il::TaskSet>(*uniformSet(2, {io(0)}));
        set->tasks[0].phases = {io(60000)};
        QElapsedTimer clock;
        clock.start();
        const Run run = runToEnd(set, {processes(1, fakeWorkerPath())}, 60000);
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::Trace &t = *run.results.front()->trace;
        const il::Incident hung = theWorkerIncident(t, il::IncidentKind::WorkerHung);
        QCOMPARE(hung.task, 1u);
        QCOMPARE(hung.value, 5000);
        QCOMPARE(t.tasks[0].state, il::TaskState::Done);
        QCOMPARE(t.tasks[1].state, il::TaskState::Failed);
        QVERIFY2(clock.elapsed() < 40000, qPrintable(QString::number(clock.elapsed())));
    }

    // The real worker, SIGKILLed from outside while both workers run a task.
    void realWorkerSigkilled()
    {
        const auto set = uniformSet(4, {io(600)});
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        QVERIFY(engine.start(set, {processes(2, workerPath())}));
        const auto bothBusy = [&] {
            std::set<int> lanes;
            for (const il::Event &e : run.streamed)
                if (e.kind == il::EventKind::TaskStart)
                    lanes.insert(e.lane);
            return lanes.size() == 2;
        };
        QTRY_VERIFY_WITH_TIMEOUT(bothBusy(), 10000);
        const auto workers = workerChildren();
        QCOMPARE(workers.size(), std::size_t(2));
        QCOMPARE(::kill(workers[0], SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 15000);
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        // The lane of the killed worker names it and its replacement.
        const QString lanes = t.info.laneNames.join(QLatin1Char('|'));
        QVERIFY2(lanes.contains(QStringLiteral("(pid %1 → ").arg(workers[0])), qPrintable(lanes));
        QCOMPARE(r->metrics.failed, 1);
        QCOMPARE(r->metrics.completed, 3);
        QCOMPARE(countState(t, il::TaskState::Failed), 1);
        verifySane(t, set->tasks.size());
        int failedTask = -1;
        for (std::size_t i = 0; i < t.tasks.size(); ++i)
            if (t.tasks[i].state == il::TaskState::Failed)
                failedTask = int(i);
        verifyChromeStates(*set, r, {failedTask});
        // One worker-crashed incident: the killed worker's pid, its lane, the
        // task it cost; and the same in the summary JSON and the Chrome trace.
        const il::Incident crash = theWorkerIncident(t, il::IncidentKind::WorkerCrashed);
        QCOMPARE(crash.pid, qint64(workers[0]));
        QCOMPARE(crash.task, std::uint32_t(failedTask));
        QCOMPARE(crash.lane, t.tasks[std::size_t(failedTask)].lane);
        QVERIFY(crash.replaced);
        QVERIFY(crash.tNs >= t.info.originNs);
        verifyIncidentExported(*set, r, crash);
        QVERIFY(!processExists(workers[0]));
        QVERIFY(!processExists(workers[1]));
    }

    // A worker killed while its task holds a lock another worker's task
    // waits for: the killed task fails, the lock goes to the waiter, which
    // completes; nobody waits forever.
    void workerKilledHoldingALock()
    {
        const il::TaskSetPtr set = std::make_shared<il::TaskSet>(*il::parseTaskSet(R"({"tasks":[
            {"name":"holder","phases":[{"acquire":"L"},{"io":20000},{"release":"L"}]},
            {"name":"waiter","phases":[{"io":50},{"acquire":"L"},{"cpu":1},{"release":"L"}]}]})").taskSet);
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        QVERIFY(engine.start(set, {processes(2, workerPath())}));
        const auto waiting = [&] {
            return std::any_of(run.streamed.begin(), run.streamed.end(), [](const il::Event &e) {
                return e.kind == il::EventKind::SpanBegin && e.span == il::SpanKind::LockWait && e.task == 1;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(waiting(), 10000);
        // The holder's lane; lanes are started in order, so their pids rise.
        std::uint16_t holderLane = il::noLane;
        for (const il::Event &e : run.streamed)
            if (e.kind == il::EventKind::TaskStart && e.task == 0)
                holderLane = e.lane;
        QVERIFY(holderLane < 2);
        auto workers = workerChildren();
        QCOMPARE(workers.size(), std::size_t(2));
        std::sort(workers.begin(), workers.end());
        QCOMPARE(::kill(workers[holderLane], SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 10000); // far less than the holder's 20 s
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::Trace &t = *run.results.front()->trace;
        QCOMPARE(t.tasks[0].state, il::TaskState::Failed);
        QCOMPARE(t.tasks[1].state, il::TaskState::Done);
        const il::Incident crash = theWorkerIncident(t, il::IncidentKind::WorkerCrashed);
        QCOMPARE(crash.task, 0u);
        verifySane(t, set->tasks.size());
        // The waiter waited from its request until the holder was gone.
        int waits = 0;
        for (const il::Span &s : t.spans)
            if (s.kind == il::SpanKind::LockWait) {
                ++waits;
                QCOMPARE(s.task, 1u);
                QVERIFY(s.endNs >= crash.tNs);
            }
        QCOMPARE(waits, 1);
        QCOMPARE(t.shared.locks.size(), std::size_t(1));
        QCOMPARE(t.shared.locks.front().acquisitions, std::uint64_t(2));
    }

    // Garbage instead of the hello, or a hello of another protocol version:
    // detected before any task is given, the worker replaced, nothing lost.
    void badHandshake_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<il::IncidentKind>("kind");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("detail");
        QTest::newRow("garbage") << QByteArray("garbage") << il::IncidentKind::ProtocolError << qint64(0)
                                 << QStringLiteral("bad handshake: expected the magic \"ILVW\", got bytes 48 54 54 50");
        QTest::newRow("version") << QByteArray("version") << il::IncidentKind::ProtocolError << qint64(0)
                                 << QStringLiteral("incompatible protocol version 99 (this build speaks version 2)");
        QTest::newRow("exit-early") << QByteArray("exit-early") << il::IncidentKind::WorkerExited << qint64(7)
                                    << QStringLiteral("stderr: fake worker: cannot map shared memory");
        // INTERLEAVE_HELLO_TIMEOUT_MS=1000 below (the default is 10 s); it
        // applies to the healthy workers too, so not much less.
        QTest::newRow("silent") << QByteArray("silent") << il::IncidentKind::NoHello << qint64(1000) << QString();
    }

    void badHandshake()
    {
        QFETCH(QByteArray, mode);
        QFETCH(il::IncidentKind, kind);
        QFETCH(qint64, value);
        QFETCH(QString, detail);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        qputenv("IL_FAKE_MODE", mode);
        qputenv("IL_FAKE_ONCE", QFile::encodeName(dir.filePath(QStringLiteral("once"))));
        qputenv("INTERLEAVE_HELLO_TIMEOUT_MS", "1000");
        const auto reset = qScopeGuard([] { qunsetenv("INTERLEAVE_HELLO_TIMEOUT_MS"); });
        // Long enough that tasks are still pending when the silent worker
        // times out, so it must be replaced.
        const auto set = uniformSet(6, {io(mode == "silent" ? 300 : 40)});
        const Run run = runToEnd(set, {processes(2, fakeWorkerPath())});
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        const il::Incident incident = theWorkerIncident(t, kind);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(incident.value, value);
        QVERIFY2(incident.detail.startsWith(detail), qPrintable(describe(t)));
        QCOMPARE(incident.task, il::noTask); // before any task was given
        QVERIFY(incident.lane < t.info.lanes);
        QVERIFY(incident.pid > 0);
        QVERIFY(incident.replaced);
        QCOMPARE(r->metrics.completed, 6);
        QCOMPARE(r->metrics.failed, 0);
        verifySane(t, set->tasks.size());
    }

    // Every worker speaks another version: the run gives up after 3 retries
    // per lane instead of spawning forever, and says why.
    void everyWorkerIncompatible()
    {
        qputenv("IL_FAKE_MODE", "version");
        const auto set = uniformSet(3, {io(10)});
        // More workers than tasks: the unused lane must not keep the run alive.
        const Run run = runToEnd(set, {processes(4, fakeWorkerPath())}, 20000);
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::Trace &t = *run.results.front()->trace;
        QVERIFY(t.failed());
        const auto fatal = incidentsOf(t, il::IncidentKind::NoWorkerStarted);
        QCOMPARE(fatal.size(), std::size_t(1));
        QCOMPARE(fatal.front().detail, fakeWorkerPath());
        const auto bad = incidentsOf(t, il::IncidentKind::ProtocolError);
        QCOMPARE(bad.size(), std::size_t(9));
        for (const il::Incident &i : bad)
            QVERIFY2(i.detail.startsWith(QLatin1String("incompatible protocol version 99")), qPrintable(describe(t)));
        const auto givenUp = incidentsOf(t, il::IncidentKind::LaneGivenUp);
        QCOMPARE(givenUp.size(), std::size_t(3));
        QCOMPARE(givenUp.front().value, 3);
        const auto lost = incidentsOf(t, il::IncidentKind::TasksLost);
        QCOMPARE(lost.size(), std::size_t(1));
        QCOMPARE(lost.front().value, 3);
        QCOMPARE(countState(t, il::TaskState::Failed), 3);
        QCOMPARE(run.results.front()->metrics.failed, 3);
        // 3 lanes in use (3 tasks), 3 starts each, then no more.
        QCOMPARE(countSpans(t, il::SpanKind::Spawn), 9);
    }

    // /bin/cat echoes the parent's own hello back: a valid hello, but naming
    // the parent's pid, not its own. That is a failed start, so the lanes give
    // up after 3 each and the run ends with an error instead of respawning
    // once per task (200 here); the next mode still runs.
    void catEchoingTheHello()
    {
        const auto set = uniformSet(200, {io(1)});
        il::RunConfig seq;
        seq.mode = il::Mode::Sequential;
        const Run run = runToEnd(set, {processes(2, QStringLiteral("/bin/cat")), seq});
        QCOMPARE(run.results.size(), std::size_t(2));
        const il::Trace &t = *run.results.front()->trace;
        QVERIFY(t.failed());
        QCOMPARE(incidentsOf(t, il::IncidentKind::NoWorkerStarted).size(), std::size_t(1));
        const auto foreign = incidentsOf(t, il::IncidentKind::ForeignHello);
        QCOMPARE(foreign.size(), std::size_t(6));
        for (const il::Incident &i : foreign) {
            QCOMPARE(i.value, QCoreApplication::applicationPid()); // our own hello, echoed
            QVERIFY(i.pid > 0 && i.pid != QCoreApplication::applicationPid());
        }
        QCOMPARE(incidentsOf(t, il::IncidentKind::LaneGivenUp).size(), std::size_t(2));
        QCOMPARE(countSpans(t, il::SpanKind::Spawn), 6);
        QCOMPARE(countState(t, il::TaskState::Failed), 200);
        QCOMPARE(run.results[1]->metrics.completed, 200);
    }

    // A worker that says hello properly and then dies on every task: after 5
    // such failures with no task completed in between the pool gives up with
    // a run-level error, every unfinished task failed; the next mode runs.
    void workerFailingEveryTask()
    {
        qputenv("IL_FAKE_MODE", "exit-on-task");
        qputenv("IL_FAKE_TASK", "all");
        const auto set = uniformSet(200, {io(1)});
        il::RunConfig seq;
        seq.mode = il::Mode::Sequential;
        const Run run = runToEnd(set, {processes(2, fakeWorkerPath()), seq});
        QCOMPARE(run.results.size(), std::size_t(2));
        const il::Trace &t = *run.results.front()->trace;
        QVERIFY(t.failed());
        const auto fatal = incidentsOf(t, il::IncidentKind::FailuresInARow);
        QCOMPARE(fatal.size(), std::size_t(1));
        QCOMPARE(fatal.front().value, 5);
        const auto exits = incidentsOf(t, il::IncidentKind::WorkerExited);
        QCOMPARE(exits.size(), std::size_t(5));
        for (const il::Incident &i : exits) {
            QCOMPARE(i.value, 5);
            QVERIFY(i.task != il::noTask);
            QVERIFY2(i.detail.startsWith(QLatin1String("stderr: fake worker: simulated failure on task")), qPrintable(describe(t)));
        }
        // Every failed task is accounted for: by its worker's incident, or as lost.
        const auto lost = incidentsOf(t, il::IncidentKind::TasksLost);
        QCOMPARE(lost.size(), std::size_t(1));
        QCOMPARE(lost.front().value + qint64(exits.size()), 200);
        // 2 first workers + at most one replacement per failure before the 5th.
        const int spawns = countSpans(t, il::SpanKind::Spawn);
        QVERIFY2(spawns >= 5 && spawns <= 6, qPrintable(QString::number(spawns)));
        QCOMPARE(countState(t, il::TaskState::Failed), 200);
        QCOMPARE(run.results.front()->metrics.failed, 200);
        QCOMPARE(run.results[1]->metrics.completed, 200);
        verifySane(t, set->tasks.size());
    }

    // The formula the README documents, and the words the incident uses.
    void livenessLimitFormula_data()
    {
        QTest::addColumn<std::vector<il::Phase>>("phases");
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("cores");
        QTest::addColumn<int>("timeout");
        QTest::addColumn<int>("ms");
        QTest::addColumn<QString>("description");
        QTest::newRow("io") << std::vector<il::Phase>{io(300)} << 2 << 2 << 0 << 5900
                            << "the liveness limit 5900 ms (5 s + 3 × 300 ms declared)";
        QTest::newRow("empty task") << std::vector<il::Phase>{} << 2 << 2 << 0 << 5000
                                    << "the liveness limit 5000 ms (5 s + 3 × 0 ms declared)";
        QTest::newRow("fractional") << std::vector<il::Phase>{cpu(0.5), io(0.25)} << 1 << 4 << 0 << 5003
                                    << "the liveness limit 5003 ms (5 s + 3 × 0.75 ms declared)";
        QTest::newRow("more workers than cores") << std::vector<il::Phase>{cpu(100), io(200)} << 5 << 2 << 0 << 6500
                                                 << "the liveness limit 6500 ms (5 s + 3 × 300 ms declared, cpu counted 3× for 5 workers on 2 cores)";
        QTest::newRow("explicit timeout") << std::vector<il::Phase>{io(300)} << 2 << 2 << 1000 << 1000 << "--task-timeout 1000 ms";
        QTest::newRow("weeks: capped") << std::vector<il::Phase>(1000, cpu(3'600'000)) << 1 << 1 << 0 << std::numeric_limits<int>::max()
                                       << QStringLiteral("the liveness limit %1 ms (5 s + 3 × 3600000000 ms declared)").arg(std::numeric_limits<int>::max());
    }

    void livenessLimitFormula()
    {
        QFETCH(std::vector<il::Phase>, phases);
        QFETCH(int, workers);
        QFETCH(int, cores);
        QFETCH(int, timeout);
        QFETCH(int, ms);
        QFETCH(QString, description);
        il::Task task;
        task.phases = phases;
        const il::LivenessLimit limit = il::livenessLimit(task, processes(workers, QString(), timeout), cores);
        QCOMPARE(limit.ms, ms);
        QCOMPARE(limit.description, description);
        // What a task in flight is watched with, without the words.
        QCOMPARE(il::livenessLimitMs(task, processes(workers, QString(), timeout), cores), ms);
    }

    // A worker that stops (SIGSTOP) mid-task, with no --task-timeout: the
    // default liveness limit (5 s + 3 × the task's declared 300 ms) fails
    // its task, the worker is killed, the run completes.
    void stoppedWorkerHitsLivenessLimit_data()
    {
        QTest::addColumn<bool>("real");
        QTest::newRow("fake, stalled mid-frame") << false;
        QTest::newRow("real, SIGSTOP from outside") << true;
    }

    void stoppedWorkerHitsLivenessLimit()
    {
        QFETCH(bool, real);
        const auto set = uniformSet(6, {io(300)});
        const QString limit = QStringLiteral("the liveness limit 5900 ms (5 s + 3 × 300 ms declared)");
        pid_t stopped = 0;
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        if (real) {
            QVERIFY(engine.start(set, {processes(2, workerPath())}));
            const auto bothBusy = [&] {
                std::set<int> lanes;
                for (const il::Event &e : run.streamed)
                    if (e.kind == il::EventKind::TaskStart)
                        lanes.insert(e.lane);
                return lanes.size() == 2;
            };
            QTRY_VERIFY_WITH_TIMEOUT(bothBusy(), 10000);
            const auto workers = workerChildren();
            QCOMPARE(workers.size(), std::size_t(2));
            stopped = workers[0];
            QCOMPARE(::kill(stopped, SIGSTOP), 0);
        } else {
            qputenv("IL_FAKE_MODE", "stop-on-task");
            qputenv("IL_FAKE_TASK", "1");
            QVERIFY(engine.start(set, {processes(2, fakeWorkerPath())}));
        }
        // Generous: the limit is 5.9 s from when the task was sent.
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 30000);
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        const il::Incident hung = theWorkerIncident(t, il::IncidentKind::WorkerHung);
        QCOMPARE(hung.value, 5900);
        QCOMPARE(hung.detail, limit);
        QVERIFY(!t.failed());
        QCOMPARE(r->metrics.failed, 1);
        QCOMPARE(r->metrics.completed, 5);
        int failed = -1;
        for (std::size_t i = 0; i < t.tasks.size(); ++i)
            if (t.tasks[i].state == il::TaskState::Failed)
                failed = int(i);
        if (!real)
            QCOMPARE(failed, 1);
        QCOMPARE(hung.task, std::uint32_t(failed));
        // Not before the limit: from the send (its ipc span) to the failure.
        std::int64_t sentNs = -1;
        for (const il::Span &s : t.spans)
            if (s.kind == il::SpanKind::Ipc && s.task == std::uint32_t(failed) && (sentNs < 0 || s.startNs < sentNs))
                sentNs = s.startNs;
        QVERIFY(sentNs > 0);
        const std::int64_t took = t.tasks[std::size_t(failed)].endNs - sentNs;
        QVERIFY2(took >= 5'899'000'000LL && took < 20'000'000'000LL, qPrintable(QString::number(took)));
        verifySane(t, set->tasks.size());
        verifyChromeStates(*set, r, {failed});
        if (!real)
            stopped = pid_t(hung.pid);
        QVERIFY(stopped > 0);
        QCOMPARE(hung.pid, qint64(stopped));
        QVERIFY(!processExists(stopped));
    }

    // A worker that is a script leaves a child of its own (sleep 1000): it
    // must go with the worker's process group whichever way the worker ends.
    void scriptWorkerChildrenReaped_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<QString>("end");
        QTest::newRow("normal end") << QByteArray("ok") << "end";
        QTest::newRow("worker killed mid-task") << QByteArray("kill-on-task") << "end";
        QTest::newRow("task timeout") << QByteArray("hang-on-task") << "end";
        QTest::newRow("stop") << QByteArray("ok") << "stop";
        QTest::newRow("destroy engine") << QByteArray("ok") << "destroy";
    }

    void scriptWorkerChildrenReaped()
    {
        QFETCH(QByteArray, mode);
        QFETCH(QString, end);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(QStringLiteral("sleep-pids"));
        const QString script = writeScriptWorker(dir, pidFile);
        QVERIFY(!script.isEmpty());
        // Whatever happens, do not leave sleeps behind for the next test.
        const auto reap = qScopeGuard([&] {
            for (pid_t pid : readPids(pidFile))
                if (commOf(pid) == QLatin1String("sleep"))
                    ::kill(pid, SIGKILL);
        });
        qputenv("IL_FAKE_MODE", mode);
        qputenv("IL_FAKE_TASK", "1");
        const bool interrupt = end != QLatin1String("end");
        const auto set = uniformSet(4, {io(interrupt ? 5000 : 300)});
        Run run;
        auto engine = std::make_unique<il::Engine>();
        connectRun(*engine, run);
        QVERIFY(engine->start(set, {processes(2, script, mode == "hang-on-task" ? 1000 : 0)}));
        if (interrupt) {
            QTRY_VERIFY_WITH_TIMEOUT(std::count_if(run.streamed.begin(), run.streamed.end(), [](const il::Event &e) {
                                         return e.kind == il::EventKind::TaskStart;
                                     }) == 2, 10000);
            if (end == QLatin1String("destroy"))
                engine.reset();
            else
                engine->stop();
        }
        if (engine)
            QTRY_VERIFY_WITH_TIMEOUT(run.finished, 30000);
        if (!interrupt) {
            QCOMPARE(run.results.size(), std::size_t(1));
            const il::RunResultPtr &r = run.results.front();
            QCOMPARE(r->metrics.failed, mode == "ok" ? 0 : 1);
            QCOMPARE(r->metrics.completed, mode == "ok" ? 4 : 3);
        }
        const auto sleeps = readPids(pidFile);
        // Two workers, plus a replacement when one failed.
        QVERIFY2(sleeps.size() >= 2, qPrintable(QString::number(sleeps.size())));
        for (pid_t pid : sleeps)
            QTRY_VERIFY2_WITH_TIMEOUT(!aliveNotZombie(pid), qPrintable(QStringLiteral("the script's sleep (pid %1) outlived its worker").arg(pid)),
                                      5000);
    }

    // interleave-worker missing, not executable, or not a program: processes
    // fails and says where it looked; the other modes of the same start run.
    void unusableWorker_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<il::IncidentKind>("fatal");
        QTest::newRow("missing") << "missing" << il::IncidentKind::WorkerMissing;
        QTest::newRow("not executable") << "noexec" << il::IncidentKind::WorkerNotExecutable;
        QTest::newRow("directory") << "dir" << il::IncidentKind::WorkerNotExecutable;
        QTest::newRow("not a program") << "text" << il::IncidentKind::NoWorkerStarted;
    }

    void unusableWorker()
    {
        QFETCH(QString, kind);
        QFETCH(il::IncidentKind, fatal);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("interleave-worker"));
        if (kind != QLatin1String("missing") && kind != QLatin1String("dir")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a program\n");
            f.close();
            QVERIFY(f.setPermissions(kind == QLatin1String("text") ? QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                                   : QFile::ReadOwner | QFile::WriteOwner));
        } else if (kind == QLatin1String("dir")) {
            QVERIFY(QDir().mkpath(path));
        }
        const auto set = uniformSet(4, {cpu(1), io(20)});
        il::RunConfig seq;
        seq.mode = il::Mode::Sequential;
        il::RunConfig loop;
        loop.mode = il::Mode::EventLoop;
        QElapsedTimer clock;
        clock.start();
        const Run run = runToEnd(set, {seq, processes(2, path), loop});
        QCOMPARE(run.results.size(), std::size_t(3));
        QVERIFY(!run.cancelled);
        const il::Trace &p = *run.results[1]->trace;
        QCOMPARE(p.info.mode, il::Mode::Processes);
        // The run failed, says why with the path, and lost every task.
        QVERIFY(p.failed());
        const auto why = incidentsOf(p, fatal);
        QCOMPARE(why.size(), std::size_t(1));
        QVERIFY(why.front().fatal());
        QCOMPARE(why.front().detail, path);
        QCOMPARE(why.front().lane, il::noLane);
        if (kind == QLatin1String("text"))
            QVERIFY2(!incidentsOf(p, il::IncidentKind::SpawnFailed).empty(), qPrintable(describe(p)));
        const auto lost = incidentsOf(p, il::IncidentKind::TasksLost);
        QCOMPARE(lost.size(), std::size_t(1));
        QCOMPARE(lost.front().value, 4);
        QCOMPARE(countState(p, il::TaskState::Failed), 4);
        QCOMPARE(run.results[1]->metrics.failed, 4);
        // "At once": no waiting on timeouts.
        QVERIFY2(p.lastNs - p.info.originNs < 2'000'000'000LL, qPrintable(QString::number(p.lastNs - p.info.originNs)));
        for (int i : {0, 2}) {
            QVERIFY(!run.results[i]->trace->failed());
            QVERIFY(run.results[i]->trace->incidents.empty());
            QCOMPARE(run.results[i]->metrics.completed, 4);
        }
    }

    // The same through the CLI: a copy of interleave with no worker beside it.
    void cliWithoutWorker()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString app = dir.filePath(QStringLiteral("interleave"));
        QVERIFY(QFile::copy(cliPath(), app));
        const QString file = dir.filePath(QStringLiteral("small.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "small", "tasks": [{"phases": [{"cpu": 1}, {"io": 5}]}, {"phases": [{"io": 5}]}]})");
        f.close();
        QProcess cli;
        cli.start(app, {QStringLiteral("run"), QStringLiteral("--taskset"), file, QStringLiteral("--mode"),
                        QStringLiteral("sequential,processes,eventloop")});
        QVERIFY(cli.waitForFinished(60000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(out.contains(QStringLiteral("error: processes: cannot start workers: %1/interleave-worker does not exist")
                                  .arg(dir.path())),
                 qPrintable(out));
        const QStringList lines = out.split(QLatin1Char('\n'));
        const auto row = [&](const QString &mode) {
            for (const QString &l : lines)
                if (l.startsWith(mode + QLatin1Char(' ')))
                    return l.simplified();
            return QString();
        };
        QVERIFY2(row(QStringLiteral("sequential")).endsWith(QLatin1String(" 2/0")), qPrintable(out));
        QVERIFY2(row(QStringLiteral("processes")).endsWith(QLatin1String(" 0/2")), qPrintable(out));
        QVERIFY2(row(QStringLiteral("eventloop")).endsWith(QLatin1String(" 2/0")), qPrintable(out));
    }

    // The command line takes the worker from --worker PATH or, failing that,
    // INTERLEAVE_WORKER, as the window does; --worker wins.
    void cliWorkerOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("env");   // INTERLEAVE_WORKER, "" = unset
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expect"); // in stdout + stderr
        const QString missing = QStringLiteral("/nonexistent/dir/my-worker");
        const QString fromEnv = QStringLiteral("/nonexistent/env/worker");
        const QString crash = QStringLiteral("exited with code 5 — stderr: fake worker: simulated failure on task 0");
        QTest::newRow("--worker missing") << QStringList{QStringLiteral("--worker"), missing} << QString() << 1
                                          << QStringLiteral("error: processes: cannot start workers: %1 does not exist").arg(missing);
        QTest::newRow("INTERLEAVE_WORKER missing") << QStringList() << fromEnv << 1
                                                   << QStringLiteral("error: processes: cannot start workers: %1 does not exist").arg(fromEnv);
        QTest::newRow("--worker crashing") << QStringList{QStringLiteral("--worker"), fakeWorkerPath()} << QString() << 1 << crash;
        QTest::newRow("INTERLEAVE_WORKER crashing") << QStringList() << fakeWorkerPath() << 1 << crash;
        QTest::newRow("--worker wins over INTERLEAVE_WORKER")
            << QStringList{QStringLiteral("--worker"), fakeWorkerPath()} << fromEnv << 1 << crash;
        QTest::newRow("--worker empty") << QStringList{QStringLiteral("--worker"), QString()} << QString() << 2
                                        << QStringLiteral("interleave: --worker: needs the path of a worker executable (got an empty string)");
    }

    void cliWorkerOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, env);
        QFETCH(int, exitCode);
        QFETCH(QString, expect);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("INTERLEAVE_WORKER"));
        if (!env.isEmpty())
            environment.insert(QStringLiteral("INTERLEAVE_WORKER"), env);
        environment.insert(QStringLiteral("IL_FAKE_MODE"), QStringLiteral("exit-on-task"));
        environment.insert(QStringLiteral("IL_FAKE_TASK"), QStringLiteral("0"));
        QProcess cli;
        cli.setProcessEnvironment(environment);
        cli.start(cliPath(), QStringList{QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("primes"),
                                         QStringLiteral("--mode"), QStringLiteral("processes"), QStringLiteral("--workers"),
                                         QStringLiteral("1")}
                                 + args);
        QVERIFY(cli.waitForFinished(60000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
        QCOMPARE(cli.exitCode(), exitCode);
        QVERIFY2(out.contains(expect), qPrintable(out));
    }

    // A real worker over its --task-timeout is killed; the next one runs on.
    void realWorkerTimeout()
    {
        auto set = std::make_shared<il::TaskSet>(*uniformSet(4, {io(30)}));
        set->tasks[2].phases = {io(5000)};
        QElapsedTimer clock;
        clock.start();
        const Run run = runToEnd(set, {processes(2, workerPath(), 400)});
        QVERIFY(clock.elapsed() < 4000);
        const il::RunResultPtr &r = run.results.front();
        const il::Incident timeout = theWorkerIncident(*r->trace, il::IncidentKind::TaskTimeout);
        QCOMPARE(timeout.task, 2u);
        QCOMPARE(timeout.value, 400);
        QCOMPARE(r->trace->tasks[2].state, il::TaskState::Failed);
        QCOMPARE(r->metrics.completed, 3);
        verifyChromeStates(*set, r, {2});
    }

    // The app itself killed (SIGKILL: no chance to clean up) or terminated
    // (SIGTERM: stops cleanly) in the middle of a processes run: its workers
    // must not live on as orphans; with SIGTERM, neither may the children of
    // a worker that is a script (--worker).
    void appKilledMidRun_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<bool>("script");
        QTest::newRow("SIGKILL") << int(SIGKILL) << false;
        QTest::newRow("SIGTERM") << int(SIGTERM) << false;
        QTest::newRow("SIGTERM, script worker") << int(SIGTERM) << true;
    }

    void appKilledMidRun()
    {
        QFETCH(int, signal);
        QFETCH(bool, script);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pidFile = dir.filePath(QStringLiteral("sleep-pids"));
        const auto reap = qScopeGuard([&] {
            for (pid_t pid : readPids(pidFile))
                if (commOf(pid) == QLatin1String("sleep"))
                    ::kill(pid, SIGKILL);
        });
        QStringList extra;
        if (script)
            extra << QStringLiteral("--worker") << writeScriptWorker(dir, pidFile);
        const QString file = dir.filePath(QStringLiteral("long.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"tasks": [{"phases": [{"cpu": 60000}]}, {"phases": [{"cpu": 60000}]}, {"phases": [{"io": 60000}]}]})");
        f.close();
        QProcess cli;
        cli.start(cliPath(), QStringList{QStringLiteral("run"), QStringLiteral("--taskset"), file, QStringLiteral("--mode"),
                                         QStringLiteral("processes"), QStringLiteral("--workers"), QStringLiteral("3")}
                                 + extra);
        QVERIFY(cli.waitForStarted());
        const pid_t app = pid_t(cli.processId());
        QTRY_VERIFY_WITH_TIMEOUT(childPids(app).size() == 3, 10000);
        const auto workers = childPids(app);
        // Kill the app while two workers are deep in a cpu phase (they do
        // not read their pipe then, so only the app's death can stop them).
        QTRY_VERIFY_WITH_TIMEOUT(std::count_if(workers.begin(), workers.end(), [](pid_t p) { return cpuTicks(p) >= 10; }) == 2,
                                 10000);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(::kill(app, signal), 0);
        QVERIFY(cli.waitForFinished(30000));
        if (signal == SIGTERM) {
            QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
            QCOMPARE(cli.exitCode(), 130); // cancelled
            // Far less than the 60 s phases it cut short: a quarter, so a
            // loaded machine under a sanitizer passes (it took 2-3 s there).
            QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
        }
        for (pid_t pid : workers)
            QTRY_VERIFY2_WITH_TIMEOUT(!processExists(pid), qPrintable(QStringLiteral("worker %1 outlived the app").arg(pid)), 3000);
        if (script) {
            const auto sleeps = readPids(pidFile);
            QCOMPARE(sleeps.size(), std::size_t(3));
            for (pid_t pid : sleeps)
                QTRY_VERIFY2_WITH_TIMEOUT(!aliveNotZombie(pid), qPrintable(QStringLiteral("the script's sleep (pid %1) outlived the app").arg(pid)),
                                          3000);
        }
    }

    // Stop and destroying the Engine mid-run leave no worker behind.
    void stopReapsWorkers_data()
    {
        QTest::addColumn<bool>("destroy");
        QTest::newRow("stop") << false;
        QTest::newRow("destroy engine") << true;
    }

    void stopReapsWorkers()
    {
        QFETCH(bool, destroy);
        const auto set = uniformSet(6, {cpu(1), io(5000)});
        Run run;
        auto engine = std::make_unique<il::Engine>();
        connectRun(*engine, run);
        QVERIFY(engine->start(set, {processes(3, workerPath())}));
        QTRY_VERIFY_WITH_TIMEOUT(workerChildren().size() == 3, 10000);
        const auto workers = workerChildren();
        QTRY_VERIFY_WITH_TIMEOUT(std::count_if(run.streamed.begin(), run.streamed.end(), [](const il::Event &e) {
                                     return e.kind == il::EventKind::TaskStart;
                                 }) == 3, 10000);
        QElapsedTimer clock;
        clock.start();
        if (destroy) {
            engine.reset();
            QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        } else {
            engine->stop();
            QTRY_VERIFY_WITH_TIMEOUT(run.finished, 5000);
            QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
            QVERIFY(run.cancelled);
            QCOMPARE(countState(*run.results.front()->trace, il::TaskState::Cancelled), 6);
        }
        // Reaped (not zombies: cleanup() counts those) and not orphaned.
        for (pid_t pid : workers)
            QVERIFY2(!processExists(pid), qPrintable(QString::number(pid)));
    }
};

QTEST_GUILESS_MAIN(PoolFaults)
#include "tst_poolfaults.moc"
