#include "core/analysis/advisor.h"
#include "core/analysis/repeats.h"
#include "core/base/wording.h"

#include <QTest>

namespace {

il::TaskSet set(double cpuMs, double ioMs, int tasks = 8)
{
    il::TaskSet s;
    s.name = QStringLiteral("t");
    for (int i = 0; i < tasks; ++i) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i);
        if (ioMs > 0)
            t.phases.push_back({il::PhaseKind::Io, ioMs / tasks});
        if (cpuMs > 0)
            t.phases.push_back({il::PhaseKind::Cpu, cpuMs / tasks});
        s.tasks.push_back(t);
    }
    return s;
}

il::Metrics run(il::Mode mode, double makespanMs, int workers = 2, double idealMs = 0, double cpuMs = 850)
{
    il::Metrics m;
    m.cpuMs = cpuMs;
    m.mode = mode;
    m.makespanMs = makespanMs;
    m.idealMs = idealMs > 0 ? idealMs : makespanMs;
    m.efficiency = m.idealMs / makespanMs;
    m.workers = workers;
    m.cores = 2;
    return m;
}

// One repetition of run `index`: only what medianRuns() reads.
il::RunResultPtr repetition(int index, double makespanMs, bool stopped = false)
{
    auto trace = std::make_shared<il::Trace>();
    trace->info.runIndex = index;
    trace->cancelled = stopped;
    auto r = std::make_shared<il::RunResult>();
    r->trace = trace;
    r->metrics.makespanMs = makespanMs;
    return r;
}

} // namespace

class TestAdvisor : public QObject
{
    Q_OBJECT
private slots:
    void durations_data();
    void durations();
    void cpuBound();
    void ioBound();
    void mixedAndEmpty();
    void eventLoopHog();
    void noRunsYet();
    void leavesOutIncompleteRuns();
    void refusesDisturbedRuns();
    void medianRunIsARealMiddleRun();
    void explainsSharedState();
};

void TestAdvisor::durations_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 ms");
    QTest::newRow("µs") << 0.085 << QStringLiteral("85 µs");
    QTest::newRow("small µs") << 0.0042 << QStringLiteral("4.2 µs");
    QTest::newRow("ms") << 640.0 << QStringLiteral("640 ms");
    QTest::newRow("ms one decimal") << 12.34 << QStringLiteral("12.3 ms");
    QTest::newRow("s") << 1210.0 << QStringLiteral("1.21 s");
    QTest::newRow("long s") << 125000.0 << QStringLiteral("125 s");
}

void TestAdvisor::durations()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(il::formatDurationMs(ms), text);
}

void TestAdvisor::cpuBound()
{
    const il::TaskSet s = set(850, 150);
    const std::vector<il::Metrics> runs = {
        run(il::Mode::Sequential, 1000, 1), run(il::Mode::Threads, 520, 6),
        run(il::Mode::ThreadsGil, 1210, 6), run(il::Mode::Processes, 640, 2),
        run(il::Mode::EventLoop, 1000, 1)};
    const QString text = il::adviseComparison(s, runs);
    QVERIFY2(text.startsWith(QStringLiteral("CPU is 85 % of the work: threads-gil serialised it (1.21 s); "
                                            "processes used both cores (640 ms)")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Fastest: threads, 1.9× faster than sequential.")), qPrintable(text));
}

void TestAdvisor::ioBound()
{
    const il::TaskSet s = set(10, 990);
    const std::vector<il::Metrics> runs = {run(il::Mode::Sequential, 1000, 1), run(il::Mode::EventLoop, 130, 1)};
    const QString text = il::adviseComparison(s, runs);
    QVERIFY2(text.startsWith(QStringLiteral("Waiting for I/O is 99 % of the work: eventloop overlapped every "
                                            "wait on one thread (130 ms); sequential waited")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Fastest: eventloop, 7.7× faster than sequential.")));
}

void TestAdvisor::mixedAndEmpty()
{
    const QString mixed = il::adviseComparison(set(500, 500), {run(il::Mode::Processes, 300)});
    QVERIFY2(mixed.startsWith(QStringLiteral("The work is mixed (cpu 50 %, io 50 %): processes used both cores")),
             qPrintable(mixed));
    QVERIFY(!mixed.contains(QStringLiteral("Fastest"))); // one run: nothing to compare
    // Two cores configured but no overlap measured: say so, do not claim both.
    const QString busy = il::adviseComparison(set(1200, 0), {run(il::Mode::Processes, 1180, 2, 600, 1200)});
    QVERIFY2(busy.contains(QStringLiteral("processes had both cores but averaged 1.0 computing (1.18 s)")),
             qPrintable(busy));
    QCOMPARE(il::adviseComparison(il::TaskSet(), {}), QStringLiteral("The task set has no work to compare."));
}

void TestAdvisor::eventLoopHog()
{
    il::TaskSet s = set(0, 300, 30);
    s.tasks[0].phases.push_back({il::PhaseKind::Cpu, 400});
    il::Metrics loop = run(il::Mode::EventLoop, 620, 1, 410);
    loop.readyWaitMs = 9000;
    const QString text = il::adviseComparison(s, {run(il::Mode::Threads, 450, 6), loop});
    QVERIFY2(text.endsWith(QStringLiteral("On the event loop one long cpu phase (400 ms) blocks every other "
                                          "task: ready tasks waited 300 ms on average.")),
             qPrintable(text));
    // Many short phases: the loop itself is the limit, no single culprit.
    il::TaskSet burst = set(80, 4900, 400);
    il::Metrics busy = run(il::Mode::EventLoop, 101, 1, 80);
    busy.readyWaitMs = 17800;
    const QString b = il::adviseComparison(burst, {run(il::Mode::Threads, 841, 6), busy});
    QVERIFY2(b.endsWith(QStringLiteral("The event loop's own cpu work (80.0 ms of its 101 ms) is the limit: "
                                       "ready tasks waited 44.5 ms on average.")),
             qPrintable(b));
}

void TestAdvisor::noRunsYet()
{
    QCOMPARE(il::adviseComparison(set(850, 150), {}),
             QStringLiteral("CPU is 85 % of the work. Run the modes to compare them."));
}

void TestAdvisor::leavesOutIncompleteRuns()
{
    const il::TaskSet s = set(850, 150);
    il::Metrics stopped = run(il::Mode::Threads, 50);
    stopped.cancelled = 5;
    il::Metrics crashed = run(il::Mode::Processes, 10, 2, 0, 0);
    crashed.failed = 8;
    const QString text = il::adviseComparison(s, {run(il::Mode::Sequential, 1000), stopped, crashed});
    // Their short makespans must not make them "fastest".
    QVERIFY2(!text.contains(QStringLiteral("Fastest: threads")) && !text.contains(QStringLiteral("Fastest: processes")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Left out of the comparison: threads (stopped); processes (8 of 8 tasks failed).")), qPrintable(text));
    const QString only = il::adviseComparison(s, {stopped});
    QVERIFY2(only.endsWith(QStringLiteral("Left out of the comparison: threads (stopped).")), qPrintable(only));
}

// Runs that shared the cores with other programs (machine_busy above a
// quarter) name no winner: on two busy cores threads-gil can "win". The
// same comparison undisturbed names one.
void TestAdvisor::refusesDisturbedRuns()
{
    const il::TaskSet s = set(850, 150);
    std::vector<il::Metrics> runs = {run(il::Mode::Sequential, 1000, 1), run(il::Mode::ThreadsGil, 480, 6),
                                     run(il::Mode::Processes, 640, 2)};
    for (il::Metrics &m : runs)
        m.machineBusy = 0.1;
    QVERIFY(il::adviseComparison(s, runs).contains(QStringLiteral("Fastest: threads-gil")));
    runs[0].machineBusy = 0.4;
    const QString text = il::adviseComparison(s, runs);
    QVERIFY2(text.startsWith(QStringLiteral("⚠ Other programs used the cores during sequential (40 %), so this "
                                            "comparison names no fastest mode")),
             qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("Fastest")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("faster than")), qPrintable(text));
}


void TestAdvisor::medianRunIsARealMiddleRun()
{
    // Two modes, interleaved: index 0 ran 30, 10, 20 ms; index 1 ran 5, 7, a
    // stopped one, then 6 and 9 (four finished: the lower middle, 6).
    const std::vector<il::RunResultPtr> all{repetition(0, 30), repetition(1, 5), repetition(0, 10), repetition(1, 7),
                                            repetition(0, 20), repetition(1, 1, true), repetition(1, 6),
                                            repetition(1, 9)};
    const auto shown = il::medianRuns(all, 3);
    QCOMPARE(int(shown.size()), 2);
    QCOMPARE(shown[0]->metrics.makespanMs, 20.0);
    QCOMPARE(shown[0]->trace, all[4]->trace); // that very run, not a copy of its numbers
    QCOMPARE(shown[0]->metrics.repeat.makespansMs, (std::vector<double>{30, 10, 20}));
    QCOMPARE(shown[0]->metrics.repeat.shown, 2);
    QCOMPARE(shown[0]->metrics.repeat.minMs(), 10.0);
    QCOMPARE(shown[0]->metrics.repeat.maxMs(), 30.0);
    QCOMPARE(shown[1]->metrics.makespanMs, 6.0);
    QCOMPARE(shown[1]->metrics.repeat.makespansMs, (std::vector<double>{5, 7, 6, 9}));
    QCOMPARE(shown[1]->metrics.repeat.stopped, 1);
    QVERIFY(!shown[1]->trace->cancelled);
    // Once: every run as it came, nothing marked repeated.
    const auto once = il::medianRuns({repetition(0, 4)}, 1);
    QCOMPARE(int(once.size()), 1);
    QVERIFY(!once[0]->metrics.repeat.repeated());
}

QTEST_GUILESS_MAIN(TestAdvisor)
#include "tst_advisor.moc"

// Locks and counters in words, with the figures the run headers show: lost
// updates and why, contention, a deadlock (from a run that failed, so left
// out of the comparison, yet explained).
void TestAdvisor::explainsSharedState()
{
    const il::TaskSet s = set(400, 0, 4);
    il::Metrics threads = run(il::Mode::Threads, 100);
    // race's pair: the unprotected counter lost, the locked one did not (and
    // its increments are not counted in what was lost "of").
    threads.counters = {{QStringLiteral("hits"), 400000, 399996}, {QStringLiteral("hits-locked"), 400000, 400000}};
    threads.locks = {{QStringLiteral("db"), 40, 12, 30'000'000, 5'000'000, 2'000'000}};
    threads.lockWaitMs = 30;
    il::Metrics seq = run(il::Mode::Sequential, 200);
    seq.counters = {{QStringLiteral("hits"), 400000, 400000}};
    il::Metrics loop = run(il::Mode::EventLoop, 150);
    loop.failed = 2;
    loop.deadlocks = 1;
    loop.deadlockCycle = QStringLiteral("task 0 holds A, waits for B; task 1 holds B, waits for A");
    // Its two waits ended in the deadlock, not in the locks: no contention
    // to speak of ("0 of 1 acquisitions of A had to wait" said nothing).
    loop.locks = {{QStringLiteral("A"), 1, 0, 4'000'000, 4'000'000, 50'000'000}, {QStringLiteral("B"), 1, 0, 3'000'000, 3'000'000, 50'000'000}};
    loop.lockWaitMs = 7;
    const QString text = il::adviseComparison(s, {seq, threads, loop});
    QVERIFY2(!text.contains(QStringLiteral("eventloop 7.00 ms")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Lost updates: threads lost 4 of 400,000 increments (hits ended at 399,996, not 400,000)")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("one write overwrote the other")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("No update lost in sequential.")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Contention: tasks waited for locks threads 30.0 ms (12 of 40 acquisitions of db had to wait)")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Deadlock in eventloop (task 0 holds A, waits for B; task 1 holds B, waits for A)")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("one fixed order")), qPrintable(text));
    // The same cycle in several modes is said once, with every mode that
    // ended in it; another cycle is said on its own.
    il::Metrics gil = loop;
    gil.mode = il::Mode::ThreadsGil;
    il::Metrics procs = loop;
    procs.mode = il::Mode::Processes;
    gil.counters = procs.counters = {{QStringLiteral("hits"), 10, 10}};
    il::Metrics other = loop;
    other.mode = il::Mode::Threads;
    other.deadlockCycle = QStringLiteral("task 1 holds B, waits for A; task 0 holds A, waits for B");
    const QString many = il::adviseComparison(s, {seq, other, gil, procs, loop});
    QVERIFY2(many.contains(QStringLiteral("Deadlock in threads (task 1 holds B, waits for A; task 0 holds A, waits for B); "
                                          "threads-gil, processes and eventloop, the same cycle in each (task 0 holds A, "
                                          "waits for B; task 1 holds B, waits for A): each task waited")),
             qPrintable(many));
    QCOMPARE(many.count(QStringLiteral("task 0 holds A")), 2);
    QVERIFY2(many.contains(QStringLiteral("No update lost in sequential, threads-gil and processes.")), qPrintable(many));
    // Runs left out for the same reason are named together.
    QVERIFY2(many.contains(QStringLiteral("Left out of the comparison: threads, threads-gil, processes and eventloop "
                                          "(2 of 2 tasks failed in each).")),
             qPrintable(many));
    // A set of increments only declares no cpu or io (race): no speed to
    // compare, the lost updates still said.
    il::TaskSet increments;
    increments.tasks.resize(4);
    const QString race = il::adviseComparison(increments, {seq, threads});
    QVERIFY2(race.startsWith(QStringLiteral("The task set declares no cpu or io time, so no speed is compared. "
                                            "Lost updates: threads lost 4 of 400,000 increments")),
             qPrintable(race));
    QVERIFY2(race.contains(QStringLiteral("No update lost in sequential.")), qPrintable(race));
    // Nothing of the kind without locks or counters.
    const QString plain = il::adviseComparison(s, {run(il::Mode::Sequential, 200), run(il::Mode::Threads, 100)});
    QVERIFY(!plain.contains(QStringLiteral("Lost updates")));
    QVERIFY(!plain.contains(QStringLiteral("Contention")));
    QVERIFY(!plain.contains(QStringLiteral("Deadlock")));
    QCOMPARE(il::groupedCount(0), QStringLiteral("0"));
    QCOMPARE(il::groupedCount(999), QStringLiteral("999"));
    QCOMPARE(il::groupedCount(1000), QStringLiteral("1,000"));
    QCOMPARE(il::groupedCount(-1234567), QStringLiteral("-1,234,567"));
}
