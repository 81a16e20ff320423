// Process-pool faults: a worker killed mid-task, garbage or a wrong protocol
// version on the pipe, a hanging worker and --task-timeout, a missing or
// unusable worker executable, and no child process left behind afterwards.
#include "faultutil.h"

#include "exporters.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <set>

using namespace faults;

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

    static QString notes(const il::Trace &t) { return t.notes.join(QLatin1String(" | ")); }

    // Nothing nonsensical made it into the trace: every span is a kind the
    // process pool produces, on a real lane, for a real task, in time order.
    static void verifySane(const il::Trace &t, std::size_t tasks)
    {
        for (const il::Span &s : t.spans) {
            QVERIFY2(s.kind == il::SpanKind::Cpu || s.kind == il::SpanKind::Io || s.kind == il::SpanKind::Spawn
                         || s.kind == il::SpanKind::Ipc,
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

    // A fake worker misbehaving on task 1 of 6: that task fails with `message`
    // in the notes, the worker is replaced, the other five complete.
    void verifyMidTaskFault(const char *mode, const QString &message, int timeoutMs = 0, double ioMs = 40)
    {
        qputenv("IL_FAKE_MODE", mode);
        qputenv("IL_FAKE_TASK", "1");
        const auto set = uniformSet(6, {cpu(2), io(ioMs)});
        const Run run = runToEnd(set, {processes(2, fakeWorkerPath(), timeoutMs)});
        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        QVERIFY2(notes(t).contains(message), qPrintable(notes(t)));
        QVERIFY2(notes(t).contains(QLatin1String("task 1 failed; worker replaced")), qPrintable(notes(t)));
        QVERIFY(t.error.isEmpty());
        QCOMPARE(t.tasks[1].state, il::TaskState::Failed);
        QCOMPARE(r->metrics.failed, 1);
        QCOMPARE(r->metrics.completed, 5);
        verifySane(t, set->tasks.size());
        verifyChromeStates(*set, r, {1});
        // The replacement is a new process on the same lane.
        QCOMPARE(t.info.lanePids.size(), std::size_t(2));
        for (qint64 pid : t.info.lanePids)
            QVERIFY(pid > 0);
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
    void init()
    {
        qunsetenv("IL_FAKE_MODE");
        qunsetenv("IL_FAKE_TASK");
        qunsetenv("IL_FAKE_ONCE");
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
        verifyMidTaskFault("kill-on-task", QStringLiteral("crashed or was killed"));
    }

    void garbageMidTask()
    {
        verifyMidTaskFault("garbage-on-task", QStringLiteral("sent bad data (frame too large (1651663207 bytes; at most 1048576))"));
    }

    void eventForAnotherTask()
    {
        verifyMidTaskFault("wrong-task", QStringLiteral("sent an event for task 1001 it was not given"));
    }

    void eventsOutOfOrder()
    {
        verifyMidTaskFault("out-of-order", QStringLiteral("sent events out of order (kind 2 for task 1 before its start)"));
    }

    void exitsWithStderr()
    {
        verifyMidTaskFault("exit-on-task", QStringLiteral("exited with code 5 — stderr: fake worker: simulated failure on task 1"));
    }

    void hangKilledByTimeout()
    {
        QElapsedTimer clock;
        clock.start();
        // Tasks of 600 ms on the healthy lane: tasks are still pending when
        // the hung one times out at 1 s, so its lane must be replaced.
        verifyMidTaskFault("hang-on-task", QStringLiteral("did not finish task 1 within --task-timeout 1000 ms"), 1000, 600);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
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
        QVERIFY2(notes(t).contains(QStringLiteral("(pid %1) crashed or was killed").arg(workers[0])), qPrintable(notes(t)));
        QVERIFY2(notes(t).contains(QLatin1String("worker replaced")), qPrintable(notes(t)));
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
        QVERIFY(!processExists(workers[0]));
        QVERIFY(!processExists(workers[1]));
    }

    // Garbage instead of the hello, or a hello of another protocol version:
    // detected before any task is given, the worker replaced, nothing lost.
    void badHandshake_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<QString>("message");
        QTest::newRow("garbage") << QByteArray("garbage")
                                 << QStringLiteral("sent bad data (bad handshake: expected the magic \"ILVW\", got bytes 48 54 54 50)");
        QTest::newRow("version") << QByteArray("version")
                                 << QStringLiteral("sent bad data (incompatible protocol version 99 (this build speaks version 1))");
        QTest::newRow("exit-early") << QByteArray("exit-early")
                                    << QStringLiteral("exited with code 7 — stderr: fake worker: cannot map shared memory");
        // INTERLEAVE_HELLO_TIMEOUT_MS=1000 below (the default is 10 s); it
        // applies to the healthy workers too, so not much less.
        QTest::newRow("silent") << QByteArray("silent") << QStringLiteral("did not send its hello within 1000 ms");
    }

    void badHandshake()
    {
        QFETCH(QByteArray, mode);
        QFETCH(QString, message);
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
        QVERIFY2(notes(t).contains(message), qPrintable(notes(t)));
        QVERIFY2(notes(t).contains(QLatin1String("worker replaced")), qPrintable(notes(t)));
        QCOMPARE(t.notes.size(), 1);
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
        QVERIFY2(t.error.contains(QStringLiteral("processes: no worker could be started from %1 (last attempt: sent bad data (incompatible protocol version 99")
                                      .arg(fakeWorkerPath())),
                 qPrintable(t.error));
        QVERIFY2(notes(t).contains(QLatin1String("giving up on this lane after 3 failed starts")), qPrintable(notes(t)));
        QCOMPARE(countState(t, il::TaskState::Failed), 3);
        QCOMPARE(run.results.front()->metrics.failed, 3);
    }

    // interleave-worker missing, not executable, or not a program: processes
    // fails and says where it looked; the other modes of the same start run.
    void unusableWorker_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "missing" << "%1 does not exist";
        QTest::newRow("not executable") << "noexec" << "%1 is not an executable file";
        QTest::newRow("directory") << "dir" << "%1 is not an executable file";
        QTest::newRow("not a program") << "text" << "no worker could be started from %1 (last attempt: failed to start";
    }

    void unusableWorker()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
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
        QVERIFY2(p.error.contains(message.arg(path)), qPrintable(p.error));
        QCOMPARE(countState(p, il::TaskState::Failed), 4);
        QCOMPARE(run.results[1]->metrics.failed, 4);
        // "At once": no waiting on timeouts.
        QVERIFY2(p.lastNs - p.info.originNs < 2'000'000'000LL, qPrintable(QString::number(p.lastNs - p.info.originNs)));
        for (int i : {0, 2}) {
            QVERIFY(run.results[i]->trace->error.isEmpty());
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
        QVERIFY2(notes(*r->trace).contains(QLatin1String("did not finish task 2 within --task-timeout 400 ms")),
                 qPrintable(notes(*r->trace)));
        QCOMPARE(r->trace->tasks[2].state, il::TaskState::Failed);
        QCOMPARE(r->metrics.completed, 3);
        verifyChromeStates(*set, r, {2});
    }

    // The app itself killed (SIGKILL: no chance to clean up) or terminated
    // (SIGTERM: stops cleanly) in the middle of a processes run: its workers
    // must not live on as orphans.
    void appKilledMidRun_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGKILL") << int(SIGKILL);
        QTest::newRow("SIGTERM") << int(SIGTERM);
    }

    void appKilledMidRun()
    {
        QFETCH(int, signal);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("long.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"tasks": [{"phases": [{"cpu": 60000}]}, {"phases": [{"cpu": 60000}]}, {"phases": [{"io": 60000}]}]})");
        f.close();
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("run"), QStringLiteral("--taskset"), file, QStringLiteral("--mode"),
                              QStringLiteral("processes"), QStringLiteral("--workers"), QStringLiteral("3")});
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
        QVERIFY(cli.waitForFinished(5000));
        if (signal == SIGTERM) {
            QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
            QCOMPARE(cli.exitCode(), 130); // cancelled
            QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        }
        for (pid_t pid : workers)
            QTRY_VERIFY2_WITH_TIMEOUT(!processExists(pid), qPrintable(QStringLiteral("worker %1 outlived the app").arg(pid)), 3000);
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
