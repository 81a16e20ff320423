// Stop during every mode ends the run long before any task could end on its
// own, starts nothing new, keeps the events recorded so far and marks every
// unfinished task cancelled. Engine::start while running is refused. Bounds
// are fractions of the tasks' own 20 s phases, so a loaded machine cannot
// fail them; how many milliseconds Stop takes is a benchmark figure
// (interleave-bench --only stop).
#include "faultutil.h"

#include <QElapsedTimer>

using namespace faults;

class Cancellation : public QObject
{
    Q_OBJECT

private slots:
    void cleanup()
    {
        QVERIFY(childPids().empty());
    }

    void stopEndsEveryMode_data()
    {
        QTest::addColumn<il::Mode>("mode");
        QTest::addColumn<bool>("cpuBound");
        for (il::Mode m : il::allModes) {
            const QByteArray name = il::modeName(m).toUtf8();
            QTest::newRow((name + " cpu").constData()) << m << true;
            QTest::newRow((name + " io").constData()) << m << false;
        }
    }

    void stopEndsEveryMode()
    {
        QFETCH(il::Mode, mode);
        QFETCH(bool, cpuBound);
        // Every task far longer than the test: none may finish on its own.
        const double phaseMs = 20000;
        const auto set = uniformSet(6, {cpuBound ? cpu(phaseMs) : io(phaseMs), cpu(1)});
        il::RunConfig config;
        config.mode = mode;
        config.workers = 3;
        config.workerPath = workerPath();

        Run run;
        il::Engine engine;
        connectRun(engine, run);
        QVERIFY(engine.start(set, {config}));
        // Stop once some lane is inside a phase (a real computation or sleep).
        const auto inPhase = [&] {
            return std::any_of(run.streamed.begin(), run.streamed.end(), [&](const il::Event &e) {
                return e.kind == il::EventKind::SpanBegin && e.span == (cpuBound ? il::SpanKind::Cpu : il::SpanKind::Io);
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(inPhase(), 15000);
        const std::size_t seenBeforeStop = run.streamed.size();

        QElapsedTimer clock;
        clock.start();
        engine.stop();
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, int(phaseMs / 2));
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(elapsed < phaseMs / 4, qPrintable(QStringLiteral("stop took %1 ms").arg(elapsed)));
        QVERIFY(run.cancelled);
        QVERIFY(!engine.isRunning());

        QCOMPARE(run.results.size(), std::size_t(1));
        const il::RunResultPtr &r = run.results.front();
        const il::Trace &t = *r->trace;
        QVERIFY(t.cancelled);
        // What was recorded before Stop is kept, and the live stream saw it all.
        QVERIFY(t.eventCount >= seenBeforeStop);
        QCOMPARE(run.streamed.size(), t.eventCount);
        const bool phaseKept = std::any_of(t.spans.begin(), t.spans.end(), [&](const il::Span &s) {
            return s.kind == (cpuBound ? il::SpanKind::Cpu : il::SpanKind::Io) && s.endNs > s.startNs;
        });
        QVERIFY(phaseKept);
        QCOMPARE(countState(t, il::TaskState::Cancelled), 6);
        // Work after Stop is bounded: a lane that was busy gets no second
        // task (the event loop starts all six at once), and the cpu burnt
        // is a sliver of one phase, not six.
        const auto started = std::count_if(t.tasks.begin(), t.tasks.end(), [](const il::TaskRecord &task) { return task.startNs >= 0; });
        QVERIFY2(started <= (mode == il::Mode::EventLoop ? 6 : t.info.lanes), qPrintable(QString::number(started)));
        QVERIFY2(r->metrics.cpuMs < phaseMs / 4, qPrintable(QString::number(r->metrics.cpuMs)));
        QCOMPARE(r->metrics.cancelled, 6);
        QCOMPARE(r->metrics.failed, 0);
        QCOMPARE(r->metrics.completed, 0);
        // Stop is one incident, data: a cancelled one, when Stop was pressed,
        // counting the tasks that did not finish; nothing else went wrong.
        QVERIFY(!t.failed());
        QCOMPARE(t.incidents.size(), std::size_t(1));
        const il::Incident &stop = t.incidents.front();
        QCOMPARE(stop.kind, il::IncidentKind::Cancelled);
        QCOMPARE(stop.value, 6);
        QCOMPARE(stop.lane, il::noLane);
        QCOMPARE(stop.task, il::noTask);
        QVERIFY(!stop.fatal());
        const std::int64_t lastBeforeStop =
            std::max_element(run.streamed.begin(), run.streamed.begin() + std::ptrdiff_t(seenBeforeStop),
                             [](const il::Event &a, const il::Event &b) { return a.tNs < b.tNs; })->tNs;
        QVERIFY2(stop.tNs >= lastBeforeStop && stop.tNs <= t.lastNs,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]").arg(stop.tNs).arg(lastBeforeStop).arg(t.lastNs)));
    }

    // Stop ends the whole comparison, not just the current run.
    void stopSkipsLaterRuns()
    {
        const auto set = uniformSet(2, {io(20000)});
        std::vector<il::RunConfig> configs;
        for (il::Mode m : il::allModes) {
            il::RunConfig c;
            c.mode = m;
            c.workerPath = workerPath();
            configs.push_back(c);
        }
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        QVERIFY(engine.start(set, configs));
        QTRY_VERIFY_WITH_TIMEOUT(!run.streamed.empty(), 10000);
        engine.stop();
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 10000); // half the 20 s phase
        QVERIFY(run.cancelled);
        QCOMPARE(run.results.size(), std::size_t(1));
    }

    void startWhileRunningRefused()
    {
        const auto set = uniformSet(2, {io(20000)});
        il::RunConfig config;
        config.mode = il::Mode::Threads;
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        QVERIFY(engine.start(set, {config}));
        QVERIFY(engine.isRunning());
        QVERIFY(!engine.start(set, {config}));
        QVERIFY(!engine.start(uniformSet(1, {cpu(1)}), {config}));
        QCOMPARE(engine.taskSet(), il::TaskSetPtr(set)); // the running set was not replaced
        engine.stop();
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 10000); // half the 20 s phase
        // Once finished, a new start is accepted again.
        run = Run();
        QVERIFY(engine.start(uniformSet(1, {cpu(1)}), {config}));
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 10000);
        QVERIFY(!run.cancelled);
        QCOMPARE(run.results.front()->metrics.completed, 1);
    }

    // Stop before the first event, and stop twice: still one clean finish.
    void stopImmediatelyAndTwice()
    {
        const auto set = uniformSet(4, {cpu(20000)});
        il::RunConfig config;
        config.mode = il::Mode::Processes;
        config.workers = 2;
        config.workerPath = workerPath();
        Run run;
        il::Engine engine;
        connectRun(engine, run);
        int finishedCount = 0;
        connect(&engine, &il::Engine::finished, this, [&] { ++finishedCount; });
        QVERIFY(engine.start(set, {config}));
        engine.stop();
        engine.stop();
        QTRY_VERIFY_WITH_TIMEOUT(run.finished, 10000); // half the 20 s phase
        QVERIFY(run.cancelled);
        // The run thread has ended: whatever it posted is queued here now.
        // Deliver it all; a second finished would arrive now or never.
        QCoreApplication::sendPostedEvents();
        QCOMPARE(finishedCount, 1);
    }
};

QTEST_GUILESS_MAIN(Cancellation)
#include "tst_cancellation.moc"
