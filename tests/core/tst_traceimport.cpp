// Opening trace files (core/import): Interleave's own export round-trips to
// the same runs; traces in the shapes other tools write open with their
// lanes, nesting, tasks and overflow; bad traces say where and why and keep
// what could be read.

#include "core/import/rawtrace.h"
#include "core/import/traceopener.h"
#include "core/io/exporters.h"
#include "synthetictrace.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>

#include <sys/stat.h>

namespace {

QByteArray readFixture(const QString &name)
{
    QFile f(QStringLiteral(INTERLEAVE_TRACE_FIXTURES "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

const il::Trace &traceOf(const il::OpenedRun &r) { return *r.run->trace; }

// What a run opened from another tool's file is, as lines to compare: its
// lanes (names, counted in the measures or not), tasks (names, times from
// the run's origin, lane, state) and spans (times, kind, task, name and
// category), spans sorted.
QStringList describe(const il::OpenedRun &r)
{
    const il::Trace &t = *r.run->trace;
    QStringList lines;
    lines << QStringLiteral("recorded by %1, %2 spans, %3 overflow, %4 events")
                 .arg(r.recordedBy).arg(r.spanCount).arg(t.overflowSpans).arg(t.eventCount);
    for (int l = 0; l < t.info.lanes; ++l)
        lines << QStringLiteral("lane %1: %2%3").arg(l).arg(t.info.laneNames.value(l))
                     .arg(t.foreign && std::size_t(l) < t.foreign->countedLanes.size() && t.foreign->countedLanes[std::size_t(l)]
                              ? QString() : QStringLiteral(" (not counted)"));
    for (std::size_t i = 0; i < t.tasks.size(); ++i) {
        const il::TaskRecord &k = t.tasks[i];
        lines << QStringLiteral("task %1 %2: %3..%4 lane %5 %6")
                     .arg(i).arg(r.tasks->tasks.at(i).name)
                     .arg(k.startNs < 0 ? -1 : k.startNs - t.info.originNs).arg(k.endNs < 0 ? -1 : k.endNs - t.info.originNs)
                     .arg(k.lane).arg(il::taskStateName(k.state));
    }
    QStringList spans;
    for (const il::Span &s : t.spans) {
        const bool named = t.foreign && t.foreign->hasLabel(s);
        spans << QStringLiteral("lane %1 %2..%3 %4 task %5 phase %6 cpu %7 \"%8\" [%9]")
                     .arg(s.lane, 5).arg(s.startNs - t.info.originNs, 15).arg(s.endNs - t.info.originNs, 15)
                     .arg(il::spanKindName(s.kind)).arg(qint64(s.task == il::noTask ? -1 : qint64(s.task))).arg(s.phase).arg(s.cpuUs)
                     .arg(named ? QString::fromUtf8(t.foreign->name(s)) : QStringLiteral("-"),
                          named ? QString::fromUtf8(t.foreign->cat(s)) : QStringLiteral("-"));
    }
    spans.sort();
    return lines + spans;
}

} // namespace

class TestTraceImport : public QObject
{
    Q_OBJECT

private slots:
    void ownExportRoundTrips();
    void incidentsRoundTrip();
    void lockWaitsRoundTrip();
    void queuedAtRoundTrips();
    void foreignShapes_data();
    void foreignShapes();
    void viztracerNestsCallsByLevel();
    void daskKeysAreTasks();
    void viztracerAsyncTasksAreTasks();
    void unsortedInputGivesTheSameRun();
    void foreignExportRoundTrips_data();
    void foreignExportRoundTrips();
    void foreignExportIsPlainChromeTrace();
    void stringTableKeepsEachStringOnce();
    void badTraces_data();
    void badTraces();
    void fileProblems();
    void progressCanCancel();
};

// Export -> open -> export again: the same bytes, so the same spans, lanes,
// tasks, states and names; and the same measures.
void TestTraceImport::ownExportRoundTrips()
{
    const il::TaskSet set = testsupport::makeSet({"c3 i4", "i6 c2", "c2", "i3 c1 i2", "c1"}, QStringLiteral("round \"trip\""));
    std::vector<il::RunConfig> configs;
    for (il::Mode m : il::allModes)
        configs.push_back(testsupport::config(m, 2));
    const testsupport::Comparison cmp = testsupport::runComparison(set, configs);
    QVERIFY(cmp.completed);
    QCOMPARE(int(cmp.runs.size()), 5);
    const QByteArray text = il::chromeTraceJson(set, cmp.runs);

    const il::OpenResult opened = il::openTraceBytes(text, QStringLiteral("mine.json"));
    QVERIFY2(opened.ok(), qPrintable(opened.error));
    QVERIFY2(opened.problems.isEmpty(), qPrintable(opened.problems.join('\n')));
    QCOMPARE(int(opened.runs.size()), 5);
    std::vector<il::RunResultPtr> again;
    for (const il::OpenedRun &r : opened.runs) {
        QVERIFY(!r.foreign);
        QCOMPARE(r.recordedBy, QStringLiteral("Interleave"));
        again.push_back(r.run);
    }
    const il::TaskSet &names = *opened.runs.front().tasks;
    QCOMPARE(names.name, set.name);
    QCOMPARE(il::chromeTraceJson(names, again), text);

    for (std::size_t i = 0; i < cmp.runs.size(); ++i) {
        const il::Trace &a = *cmp.runs[i]->trace, &b = *again[i]->trace;
        QCOMPARE(b.info.mode, a.info.mode);
        QCOMPARE(b.info.lanes, a.info.lanes);
        QCOMPARE(b.info.workers, a.info.workers);
        QCOMPARE(b.info.cores, a.info.cores);
        QCOMPARE(b.info.laneNames, a.info.laneNames);
        QCOMPARE(b.spans.size(), a.spans.size());
        QCOMPARE(b.laneBegin, a.laneBegin);
        QCOMPARE(b.tasks.size(), a.tasks.size());
        for (std::size_t t = 0; t < a.tasks.size(); ++t) {
            QCOMPARE(b.tasks[t].state, a.tasks[t].state);
            QCOMPARE(b.tasks[t].lane, a.tasks[t].lane);
        }
        const il::Metrics &x = cmp.runs[i]->metrics, &y = again[i]->metrics;
        // Times in the file are rounded to 1/8 µs: each sum may move by that
        // much per span, nothing more.
        const double slack = 0.000125 * double(a.spans.size() + a.tasks.size() + 1);
        QVERIFY(qAbs(y.makespanMs - x.makespanMs) <= 0.000125);
        QVERIFY(qAbs(y.idealMs - x.idealMs) <= 0.000001);
        QVERIFY(qAbs(y.efficiency - x.efficiency) <= 1e-4); // ideal / a makespan rounded to 1/8 µs
        QCOMPARE(y.cpuMs, x.cpuMs);
        QVERIFY(qAbs(y.cpuWallMs - x.cpuWallMs) <= slack);
        QVERIFY(qAbs(y.ioWaitMs - x.ioWaitMs) <= slack);
        QVERIFY(qAbs(y.gilWaitMs - x.gilWaitMs) <= slack);
        QVERIFY(qAbs(y.spawnMs - x.spawnMs) <= slack);
        QVERIFY(qAbs(y.ipcMs - x.ipcMs) <= slack);
        QVERIFY(qAbs(y.queueWaitMs - x.queueWaitMs) <= slack);
        QVERIFY(qAbs(y.utilization - x.utilization) <= 1e-4);
        QCOMPARE(y.completed, x.completed);
        QCOMPARE(y.failed, x.failed);
        QCOMPARE(y.cancelled, x.cancelled);
        QCOMPARE(y.events, x.events);
        QCOMPARE(y.workers, x.workers);
    }
}

// A run's incidents come back from their instant events: kind, lane (or
// none), pid, task, value, replaced, detail and time, in time order.
void TestTraceImport::incidentsRoundTrip()
{
    const il::TaskSet set = testsupport::makeSet({"c1", "i2", "c1"});
    const testsupport::Comparison cmp = testsupport::runComparison(set, {testsupport::config(il::Mode::Processes, 2)});
    QVERIFY(cmp.completed);
    auto trace = std::make_shared<il::Trace>(*cmp.runs.front()->trace);
    const std::int64_t t0 = trace->info.originNs;
    il::Incident crashed;
    crashed.kind = il::IncidentKind::WorkerCrashed;
    crashed.lane = 1;
    crashed.pid = 4242;
    crashed.task = 2;
    crashed.tNs = t0 + 1'500'000;
    crashed.replaced = true;
    crashed.detail = QStringLiteral("stderr: \"boom\"");
    il::Incident lost;
    lost.kind = il::IncidentKind::TasksLost;
    lost.value = 3;
    lost.tNs = t0 + 2'000'000;
    il::Incident dropped;
    dropped.kind = il::IncidentKind::EventsDropped;
    dropped.lane = 0;
    dropped.value = 7;
    dropped.tNs = t0 + 500'000;
    trace->incidents = {dropped, crashed, lost};
    trace->eventsDropped = 7;
    auto run = std::make_shared<il::RunResult>(*cmp.runs.front());
    run->trace = trace;
    const QByteArray text = il::chromeTraceJson(set, {run});

    const il::OpenResult opened = il::openTraceBytes(text, QStringLiteral("incidents.json"));
    QVERIFY2(opened.ok(), qPrintable(opened.error));
    QVERIFY2(opened.problems.isEmpty(), qPrintable(opened.problems.join('\n')));
    QCOMPARE(int(opened.runs.size()), 1);
    const il::Trace &back = *opened.runs.front().run->trace;
    QCOMPARE(back.incidents.size(), std::size_t(3));
    QCOMPARE(back.eventsDropped, std::uint64_t(7));
    for (std::size_t i = 0; i < 3; ++i) {
        const il::Incident &a = trace->incidents[i], &b = back.incidents[i];
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.lane, a.lane);
        QCOMPARE(b.pid, a.pid);
        QCOMPARE(b.task, a.task);
        QCOMPARE(b.value, a.value);
        QCOMPARE(b.replaced, a.replaced);
        QCOMPARE(b.detail, a.detail);
        QCOMPARE(b.tNs - back.info.originNs, a.tNs - t0);
    }
    QCOMPARE(il::chromeTraceJson(*opened.runs.front().tasks, {opened.runs.front().run}), text);
}

// Lock-wait spans come back with their kind and their lock (in threads on
// their lane, on the event loop on the task's track), a deadlock incident
// with its cycle: export -> open -> export gives the same bytes.
void TestTraceImport::lockWaitsRoundTrip()
{
    const il::TaskSetResult parsed = il::parseTaskSet(R"({"name":"locks","tasks":[
        {"phases":[{"acquire":"A"},{"io":30},{"acquire":"B"},{"release":"B"},{"release":"A"}]},
        {"phases":[{"acquire":"B"},{"io":30},{"acquire":"A"},{"release":"A"},{"release":"B"}]},
        {"phases":[{"io":5},{"acquire":"db \"main\""},{"io":2},{"release":"db \"main\""}]},
        {"phases":[{"io":5},{"acquire":"db \"main\""},{"io":2},{"release":"db \"main\""}]},
        {"phases":[{"increment":"n","times":100}]}]})");
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const il::TaskSet &set = *parsed.taskSet;
    const testsupport::Comparison cmp = testsupport::runComparison(
        set, {testsupport::config(il::Mode::Threads, 5), testsupport::config(il::Mode::EventLoop)});
    QVERIFY(cmp.completed);
    QCOMPARE(int(cmp.runs.size()), 2);
    int waits = 0;
    for (const il::RunResultPtr &r : cmp.runs)
        for (const il::Span &s : r->trace->spans)
            waits += s.kind == il::SpanKind::LockWait;
    QVERIFY(waits >= 2);
    const QByteArray text = il::chromeTraceJson(set, cmp.runs);
    QVERIFY(text.contains(R"("lock":"db \"main\"")"));
    std::size_t handoffs = 0;
    for (const il::RunResultPtr &r : cmp.runs)
        handoffs += r->trace->shared.handoffs.size();
    QVERIFY(handoffs >= 1); // tasks 2 and 3 take db "main" in turn
    QVERIFY(text.contains(R"("ph":"s")"));
    QVERIFY(text.contains(R"("ph":"f","pid")"));

    const il::OpenResult opened = il::openTraceBytes(text, QStringLiteral("locks.json"));
    QVERIFY2(opened.ok(), qPrintable(opened.error));
    QVERIFY2(opened.problems.isEmpty(), qPrintable(opened.problems.join('\n')));
    std::vector<il::RunResultPtr> again;
    for (const il::OpenedRun &r : opened.runs)
        again.push_back(r.run);
    QCOMPARE(il::chromeTraceJson(*opened.runs.front().tasks, again), text);
    for (std::size_t i = 0; i < cmp.runs.size(); ++i) {
        const il::Trace &a = *cmp.runs[i]->trace, &b = *again[i]->trace;
        QCOMPARE(b.incidents.size(), a.incidents.size());
        QCOMPARE(b.shared.handoffs.size(), a.shared.handoffs.size());
        for (std::size_t k = 0; k < a.shared.handoffs.size(); ++k) {
            QCOMPARE(b.shared.handoffs[k].lock, a.shared.handoffs[k].lock);
            QCOMPARE(b.shared.handoffs[k].from, a.shared.handoffs[k].from);
            QCOMPARE(b.shared.handoffs[k].to, a.shared.handoffs[k].to);
        }
        for (std::size_t k = 0; k < a.incidents.size(); ++k) {
            QCOMPARE(b.incidents[k].kind, a.incidents[k].kind);
            QCOMPARE(b.incidents[k].detail, a.incidents[k].detail);
        }
        QVERIFY(qAbs(again[i]->metrics.lockWaitMs - cmp.runs[i]->metrics.lockWaitMs)
                <= 0.000125 * double(a.spans.size() + 1));
    }
}

// Tasks queued at a worker (processes --prefetch) are X events of category
// "queued-at" on tracks of their own beside the worker's, so every track's
// slices still nest (waits that overlap, as with --prefetch 2, go on a
// second track); they come back to the same lanes, and export -> open ->
// export gives the same bytes. A task asked back from one worker and sent
// to another keeps both waits.
void TestTraceImport::queuedAtRoundTrips()
{
    const il::TaskSet set = testsupport::makeSet({"i0.5", "i0.5", "i0.5", "i0.5", "i0.5", "i0.5", "i0.5", "i0.5"});
    il::RunConfig c = testsupport::config(il::Mode::Processes, 2);
    c.prefetch = 1;
    const testsupport::Comparison cmp = testsupport::runComparison(set, {c}, 20000);
    QVERIFY(cmp.completed);
    auto trace = std::make_shared<il::Trace>(*cmp.runs.front()->trace);
    QVERIFY(!trace->queuedAt.empty());
    // Made up on top of what ran: task 1 also sat at the other worker
    // before (asked back), overlapping task 0's wait there if any.
    const il::TaskRecord &t1 = trace->tasks[1];
    const std::uint16_t other = t1.lane == 0 ? 1 : 0;
    trace->queuedAt.push_back({t1.queuedNs, t1.queuedNs + 1000, 1, other, il::noPhase, il::SpanKind::QueuedAt});
    trace->queuedAt.push_back({t1.queuedNs + 500, t1.queuedNs + 3000, 2, other, il::noPhase, il::SpanKind::QueuedAt});
    trace->sortQueuedAt();
    auto run = std::make_shared<il::RunResult>(*cmp.runs.front());
    run->trace = trace;
    const QByteArray text = il::chromeTraceJson(set, {run});
    QVERIFY(text.contains("\"cat\":\"queued-at\""));
    QVERIFY(text.contains(" · queued ahead\""));
    QVERIFY(text.contains(" · queued ahead 2\"")); // the overlapping pair

    // Plain Chrome trace: on every track, X slices nest (sorted by start, each
    // ends before the open one does, or after it ended).
    const QJsonArray events = QJsonDocument::fromJson(text).object().value(QStringLiteral("traceEvents")).toArray();
    QVERIFY(!events.isEmpty());
    std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> tracks;
    int queuedEvents = 0;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("ph")).toString() != QStringLiteral("X"))
            continue;
        queuedEvents += e.value(QStringLiteral("cat")).toString() == QStringLiteral("queued-at");
        tracks[{e.value(QStringLiteral("pid")).toInt(), e.value(QStringLiteral("tid")).toInt()}].emplace_back(
            e.value(QStringLiteral("ts")).toDouble(), e.value(QStringLiteral("ts")).toDouble() + e.value(QStringLiteral("dur")).toDouble());
    }
    QCOMPARE(queuedEvents, int(trace->queuedAt.size()));
    for (auto &[key, slices] : tracks) {
        std::sort(slices.begin(), slices.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first < b.first : a.second > b.second;
        });
        std::vector<double> open;
        for (const auto &[from, to] : slices) {
            while (!open.empty() && open.back() <= from)
                open.pop_back();
            if (!open.empty() && to > open.back())
                QFAIL(qPrintable(QStringLiteral("tid %1: a slice %2..%3 crosses one ending at %4")
                                     .arg(key.second).arg(from).arg(to).arg(open.back())));
            open.push_back(to);
        }
    }

    const il::OpenResult opened = il::openTraceBytes(text, QStringLiteral("ahead.json"));
    QVERIFY2(opened.ok(), qPrintable(opened.error));
    QVERIFY2(opened.problems.isEmpty(), qPrintable(opened.problems.join('\n')));
    QCOMPARE(int(opened.runs.size()), 1);
    const il::Trace &back = *opened.runs.front().run->trace;
    QCOMPARE(back.info.lanes, trace->info.lanes);
    QCOMPARE(back.info.laneNames, trace->info.laneNames);
    QCOMPARE(back.spans.size(), trace->spans.size());
    QCOMPARE(back.queuedAt.size(), trace->queuedAt.size());
    for (std::size_t k = 0; k < trace->queuedAt.size(); ++k) {
        const il::Span &a = trace->queuedAt[k], &b = back.queuedAt[k];
        QCOMPARE(b.task, a.task);
        QCOMPARE(b.lane, a.lane);
        QCOMPARE(b.kind, il::SpanKind::QueuedAt);
        QVERIFY(qAbs((b.startNs - back.info.originNs) - (a.startNs - trace->info.originNs)) <= 63);
        QVERIFY(qAbs((b.endNs - back.info.originNs) - (a.endNs - trace->info.originNs)) <= 63);
    }
    const il::Metrics &x = run->metrics, &y = opened.runs.front().run->metrics;
    QVERIFY(qAbs(y.queueWaitMs - x.queueWaitMs) <= 0.000125 * double(trace->tasks.size() + 1));
    QVERIFY(qAbs(y.utilization - x.utilization) <= 1e-4);
    QCOMPARE(y.completed, x.completed);
    QCOMPARE(il::chromeTraceJson(*opened.runs.front().tasks, {opened.runs.front().run}), text);

    // An export from before the queued-ahead tracks still opens, without them.
    trace->queuedAt.clear();
    const QByteArray older = il::chromeTraceJson(set, {run});
    QVERIFY(!older.contains("queued-at"));
    const il::OpenResult old = il::openTraceBytes(older, QStringLiteral("older.json"));
    QVERIFY2(old.ok() && old.problems.isEmpty(), qPrintable(old.error + old.problems.join('\n')));
    QVERIFY(old.runs.front().run->trace->queuedAt.empty());
}

void TestTraceImport::foreignShapes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("recordedBy");
    QTest::addColumn<QStringList>("lanes");
    QTest::addColumn<int>("spans");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<int>("overflow");
    QTest::addColumn<QString>("problem"); // one expected line, or empty

    QTest::newRow("viztracer") << "viztracer.json" << "VizTracer"
                               << QStringList{"MainThread (48211)", "MainThread (48211) · level 1",
                                              "MainThread (48211) · level 2", "MainThread (48211) · level 3",
                                              "ThreadPoolExecutor-0_0 (48230)", "ThreadPoolExecutor-0_0 (48230) · level 1"}
                               << 7 << 0 << 0 << QString();
    QTest::newRow("chrome array, no closing bracket")
        << "chrome-array.json" << QString()
        << QStringList{"CrBrowserMain (1)", "CrBrowserMain (1) · level 1", "tid 2", "tid 2 · level 1", "tid 2 · overflow",
                       "pid 7 · async 1", "pid 7 · async 2"}
        << 7 << 2 << 1 << "2 flow events (s/t/f) read, not drawn";
    QTest::newRow("ray timeline, string pids")
        << "ray-timeline.json" << QString()
        << QStringList{"tid driver:01000000", "worker 1f2e3d (worker:1f2e3d)", "tid worker:4c5b6a"} << 3 << 0 << 0 << QString();
    QTest::newRow("dask task stream")
        << "dask-taskstream.json" << "Dask"
        << QStringList{"pid tcp://127.0.0.1:40231 / tid 140211", "pid tcp://127.0.0.1:40233 / tid 140299"} << 5 << 3 << 0
        << QString();
    QTest::newRow("crossing spans") << "overlapping.json" << QString() << QStringList{"tid 1", "tid 1 · overflow"} << 3 << 0
                                    << 1 << QString();
}

void TestTraceImport::foreignShapes()
{
    QFETCH(QString, file);
    QFETCH(QString, recordedBy);
    QFETCH(QStringList, lanes);
    QFETCH(int, spans);
    QFETCH(int, tasks);
    QFETCH(int, overflow);
    QFETCH(QString, problem);
    const il::OpenResult r = il::openTraceFile(QStringLiteral(INTERLEAVE_TRACE_FIXTURES "/") + file);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(int(r.runs.size()), 1);
    const il::OpenedRun &run = r.runs.front();
    QVERIFY(run.foreign);
    QCOMPARE(run.recordedBy, recordedBy);
    QCOMPARE(traceOf(run).info.laneNames, lanes);
    QCOMPARE(traceOf(run).info.lanes, int(lanes.size()));
    QCOMPARE(int(run.spanCount), spans);
    QCOMPARE(int(traceOf(run).spans.size()), spans);
    QCOMPARE(int(traceOf(run).tasks.size()), tasks);
    QCOMPARE(int(run.overflowCount), overflow);
    QCOMPARE(int(traceOf(run).overflowSpans), overflow); // the run header says it
    if (!problem.isEmpty())
        QVERIFY2(r.problems.join('\n').contains(problem), qPrintable(r.problems.join('\n')));
    // Every lane that is not an overflow lane holds spans that nest or follow.
    for (int l = 0; l < traceOf(run).info.lanes; ++l) {
        if (lanes[l].contains(QStringLiteral("overflow")))
            continue;
        const il::Trace::Range range = traceOf(run).laneSpans(l);
        for (const il::Span *s = range.begin; s + 1 < range.end; ++s)
            QVERIFY2(s[1].startNs >= s->endNs, qPrintable(lanes[l]));
    }
    QVERIFY(run.run->metrics.makespanMs > 0);
}

void TestTraceImport::viztracerNestsCallsByLevel()
{
    const il::OpenResult r = il::openTraceBytes(readFixture(QStringLiteral("viztracer.json")), QStringLiteral("v.json"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    const il::Trace &t = traceOf(r.runs.front());
    // main (400.5 µs) on level 0, parse inside it on level 1, json.loads
    // inside parse on 2, decode inside that on 3; the instant on level 1.
    QCOMPARE(int(t.laneSpans(0).end - t.laneSpans(0).begin), 1);
    QCOMPARE(t.laneSpans(0).begin->endNs - t.laneSpans(0).begin->startNs, std::int64_t(400500));
    QCOMPARE(int(t.laneSpans(1).end - t.laneSpans(1).begin), 2);
    QCOMPARE(int(t.laneSpans(3).end - t.laneSpans(3).begin), 1);
    // Runs start at the file's earliest time.
    QCOMPARE(t.info.originNs, std::int64_t(1700000));
    // Busy time counts the top level only: main + fetch.
    QVERIFY(qAbs(r.runs.front().run->metrics.cpuWallMs - 0.6005) < 1e-9);
}

void TestTraceImport::daskKeysAreTasks()
{
    const il::OpenResult r = il::openTraceBytes(readFixture(QStringLiteral("dask-taskstream.json")), QStringLiteral("d.json"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    const il::OpenedRun &run = r.runs.front();
    const il::Trace &t = traceOf(run);
    QCOMPARE(run.tasks->tasks.size(), std::size_t(3));
    QCOMPARE(run.tasks->tasks[1].name, QStringLiteral("('inc-6a1f', 1)"));
    // The transfer at +10 ms (seconds since 1970 as doubles: exact to ~240 ns).
    QVERIFY(qAbs(t.tasks[1].startNs - t.info.originNs - 10'000'000) < 1000);
    QCOMPARE(t.tasks[2].state, il::TaskState::Failed);                         // status "error"
    QCOMPARE(run.run->metrics.failed, 1);
    QCOMPARE(run.run->metrics.completed, 2);
    int ipc = 0, io = 0;
    for (const il::Span &s : t.spans) {
        ipc += s.kind == il::SpanKind::Ipc;
        io += s.kind == il::SpanKind::Io;
    }
    QCOMPARE(ipc, 1); // transfer
    QCOMPARE(io, 1);  // disk-write
}

// VizTracer --log_async writes each asyncio task as a pseudo-thread whose
// name comes after the events (real threads are named first): those are
// tasks, by name, with their calls as spans; the loop thread is no task.
void TestTraceImport::viztracerAsyncTasksAreTasks()
{
    const il::OpenResult r = il::openTraceBytes(readFixture(QStringLiteral("viztracer-async.json")), QStringLiteral("a.json"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    const il::OpenedRun &run = r.runs.front();
    const il::Trace &t = traceOf(run);
    QCOMPARE(run.tasks->tasks.size(), std::size_t(2));
    QCOMPARE(run.tasks->tasks[0].name, QStringLiteral("Task-2"));
    QCOMPARE(run.tasks->tasks[1].name, QStringLiteral("fetch example.org"));
    QVERIFY(t.info.laneNames.contains(QStringLiteral("asyncio task Task-2")));
    QVERIFY(t.info.laneNames.contains(QStringLiteral("asyncio task fetch example.org")));
    int ofTask[2] = {0, 0}, ofNone = 0;
    for (const il::Span &s : t.spans) {
        if (s.task == il::noTask)
            ++ofNone;
        else
            ++ofTask[s.task];
    }
    QCOMPARE(ofNone, 1);    // asyncio.run on MainThread
    QCOMPARE(ofTask[0], 3); // two fetches and the send nested in one
    QCOMPARE(ofTask[1], 2);
    // Each task from its first call to its last return.
    QCOMPARE(t.tasks[1].startNs - t.info.originNs, std::int64_t(100'000));
    QCOMPARE(t.tasks[1].endNs - t.info.originNs, std::int64_t(680'000));
    QCOMPARE(t.tasks[0].state, il::TaskState::Done);
    // The same names in another tool's file are threads, not tasks.
    QByteArray other = readFixture(QStringLiteral("viztracer-async.json"));
    other.replace("\"viztracer_metadata\": {\"version\": \"0.16.3\", \"overflow\": false}", "\"otherData\": {}");
    const il::OpenResult plain = il::openTraceBytes(other, QStringLiteral("p.json"));
    QVERIFY2(plain.ok(), qPrintable(plain.error));
    QCOMPARE(plain.runs.front().tasks->tasks.size(), std::size_t(0));
}

// The same events in another order: the same run.
// Names, pids and categories are interned: each string gets one id, the
// same one every time it comes again, in the order first seen, through the
// table's growth; strings that differ only in length, in their last byte or
// past their eighth byte stay apart, and the empty string is one too.
// A trace from another tool, opened and exported: opening the export gives
// the same lanes, spans (names and categories, times to the ns), tasks,
// measures and overflow, and exporting that again gives the same bytes.
void TestTraceImport::foreignExportRoundTrips_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("someName"); // a span name the export must keep
    QTest::newRow("viztracer") << "viztracer.json" << "json.loads";
    QTest::newRow("viztracer async") << "viztracer-async.json" << "";
    QTest::newRow("dask stream") << "dask-taskstream.json" << "('inc-6a1f', 1)";
    QTest::newRow("ray timeline") << "ray-timeline.json" << "";
    QTest::newRow("chrome array") << "chrome-array.json" << "";
    QTest::newRow("overlapping") << "overlapping.json" << "";
}

void TestTraceImport::foreignExportRoundTrips()
{
    QFETCH(QString, file);
    QFETCH(QString, someName);
    const il::OpenResult first = il::openTraceBytes(readFixture(file), file);
    QVERIFY(!first.runs.empty());
    std::vector<il::RunResultPtr> runs;
    for (const il::OpenedRun &r : first.runs)
        runs.push_back(r.run);
    const il::TaskSet none;
    const QByteArray text = il::chromeTraceJson(none, runs);
    if (!someName.isEmpty())
        QVERIFY2(text.contains("\"name\":\"" + someName.toUtf8() + '"'), text.constData());

    const il::OpenResult again = il::openTraceBytes(text, QStringLiteral("again.json"));
    QVERIFY2(again.ok(), qPrintable(again.error));
    QVERIFY2(again.problems.isEmpty(), qPrintable(again.problems.join('\n')));
    QCOMPARE(again.runs.size(), first.runs.size());
    for (std::size_t i = 0; i < first.runs.size(); ++i) {
        const il::OpenedRun &a = first.runs[i], &b = again.runs[i];
        QVERIFY(b.foreign);
        QCOMPARE(b.title, QStringLiteral("again.json · %1 · %2").arg(i + 1).arg(a.title));
        QCOMPARE(traceOf(b).info.cores, 0);
        QCOMPARE(traceOf(b).info.workers, traceOf(a).info.workers);
        QCOMPARE(describe(b), describe(a));
        const il::Metrics &x = a.run->metrics, &y = b.run->metrics;
        QVERIFY(qAbs(y.makespanMs - x.makespanMs) < 1e-9);
        QVERIFY(qAbs(y.cpuWallMs - x.cpuWallMs) < 1e-9);
        QVERIFY(qAbs(y.ioWaitMs - x.ioWaitMs) < 1e-9);
        QVERIFY(qAbs(y.ipcMs - x.ipcMs) < 1e-9);
        QVERIFY(qAbs(y.utilization - x.utilization) < 1e-12);
        QCOMPARE(y.laneUtilization.size(), x.laneUtilization.size());
        for (std::size_t l = 0; l < x.laneUtilization.size(); ++l)
            QVERIFY(qAbs(y.laneUtilization[l] - x.laneUtilization[l]) < 1e-12);
        QCOMPARE(y.completed, x.completed);
        QCOMPARE(y.failed, x.failed);
        QCOMPARE(y.events, x.events);
        QCOMPARE(y.lanes, x.lanes);
    }
    std::vector<il::RunResultPtr> reopened;
    for (const il::OpenedRun &r : again.runs)
        reopened.push_back(r.run);
    QCOMPARE(il::chromeTraceJson(none, reopened), text);
}

// The export of an opened run is a Chrome trace any viewer reads: every
// event an object with a name, ph, pid and tid; X events with a string
// category and numeric ts and dur; lanes and the run named by thread_name
// and process_name metadata. Names keep their UTF-8, quotes and control
// characters escaped.
void TestTraceImport::foreignExportIsPlainChromeTrace()
{
    const QByteArray bad = R"([{"ph":"X","pid":7,"tid":1,"ts":10,"dur":5,"name":"say \"hi\"\n","cat":"c"},)"
                           "{\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":11,\"dur\":1,\"name\":\"caf\xc3\xa9 \xe2\x86\x92 \\u0001\"},"
                           R"({"ph":"B","pid":7,"tid":2,"ts":12},{"ph":"E","pid":7,"tid":2,"ts":14}])";
    const il::OpenResult first = il::openTraceBytes(bad, QStringLiteral("odd.json"));
    QVERIFY2(first.ok(), qPrintable(first.error));
    const QByteArray text = il::chromeTraceJson(il::TaskSet(), {first.runs.front().run});
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    int x = 0, threadNames = 0, processNames = 0;
    QStringList names;
    for (const QJsonValue &v : doc.object()[QLatin1String("traceEvents")].toArray()) {
        const QJsonObject e = v.toObject();
        QVERIFY(e[QLatin1String("name")].isString());
        QVERIFY(e[QLatin1String("ph")].isString());
        QVERIFY(e[QLatin1String("pid")].isDouble());
        QVERIFY(e[QLatin1String("tid")].isDouble());
        const QString ph = e[QLatin1String("ph")].toString();
        if (ph == QLatin1String("X")) {
            ++x;
            QVERIFY(e[QLatin1String("cat")].isString());
            QVERIFY(e[QLatin1String("ts")].isDouble());
            QVERIFY(e[QLatin1String("dur")].isDouble());
            names << e[QLatin1String("name")].toString();
        } else {
            QCOMPARE(ph, QStringLiteral("M"));
            threadNames += e[QLatin1String("name")].toString() == QLatin1String("thread_name");
            processNames += e[QLatin1String("name")].toString() == QLatin1String("process_name");
        }
    }
    QCOMPARE(x, 3);
    QCOMPARE(threadNames, traceOf(first.runs.front()).info.lanes);
    QCOMPARE(processNames, 1);
    QVERIFY2(names.contains(QStringLiteral("say \"hi\"\n")), qPrintable(names.join('|')));
    QVERIFY2(names.contains(QStringLiteral("café → \u0001")), qPrintable(names.join('|')));
    QVERIFY2(names.contains(QString()), qPrintable(names.join('|'))); // B/E without a name
}

void TestTraceImport::stringTableKeepsEachStringOnce()
{
    il::import::StringTable table;
    std::vector<std::string> strings{"", "a", std::string(1, '\0'), std::string(2, '\0'), "abcdefgh", "abcdefghi",
                                     "abcdefgi", "xbcdefgh", "abcdefgh12345678", "abcdefgh12345679"};
    for (int i = 0; i < 100'000; ++i)
        strings.push_back((i % 3 ? "fn_" : "s:") + std::to_string(i) + std::string(std::size_t(i % 29), 'x'));
    for (std::size_t k = 0; k < strings.size(); ++k)
        QCOMPARE(table.intern(strings[k]), std::uint32_t(k));
    QCOMPARE(table.size(), strings.size());
    for (std::size_t k = strings.size(); k-- > 0;) {
        QCOMPARE(table.intern(strings[k]), std::uint32_t(k));
        QCOMPARE(table.at(std::uint32_t(k)), strings[k]);
    }
    QCOMPARE(table.size(), strings.size());
    QCOMPARE(table.text(1), QStringLiteral("a"));
    QVERIFY(table.text(il::import::none).isNull());
}

void TestTraceImport::unsortedInputGivesTheSameRun()
{
    QByteArray sorted = "[", shuffled = "[";
    std::vector<QByteArray> events;
    for (int i = 0; i < 200; ++i) {
        const int tid = i % 3;
        events.push_back(QStringLiteral(R"({"ph":"X","pid":1,"tid":%1,"ts":%2,"dur":%3,"name":"f%4"})")
                             .arg(tid).arg(i * 10).arg(5 + i % 4).arg(i).toUtf8());
        events.push_back(QStringLiteral(R"({"ph":"B","pid":1,"tid":%1,"ts":%2,"name":"g"})").arg(tid).arg(i * 10 + 1).toUtf8());
        events.push_back(QStringLiteral(R"({"ph":"E","pid":1,"tid":%1,"ts":%2})").arg(tid).arg(i * 10 + 2).toUtf8());
    }
    for (std::size_t i = 0; i < events.size(); ++i)
        sorted += (i ? "," : "") + events[i];
    for (std::size_t i = 0; i < events.size(); ++i)
        shuffled += (i ? "," : "") + events[(i * 7919) % events.size()];
    sorted += "]";
    shuffled += "]";
    const il::OpenResult a = il::openTraceBytes(sorted, QStringLiteral("a"));
    const il::OpenResult b = il::openTraceBytes(shuffled, QStringLiteral("b"));
    QVERIFY2(a.ok() && b.ok(), qPrintable(a.error + b.error));
    QVERIFY2(a.problems.isEmpty() && b.problems.isEmpty(), qPrintable((a.problems + b.problems).join('\n')));
    const il::Trace &x = traceOf(a.runs.front()), &y = traceOf(b.runs.front());
    QCOMPARE(y.info.laneNames, x.info.laneNames);
    QCOMPARE(y.spans.size(), std::size_t(400));
    QCOMPARE(y.spans.size(), x.spans.size());
    for (std::size_t i = 0; i < x.spans.size(); ++i) {
        QCOMPARE(y.spans[i].startNs, x.spans[i].startNs);
        QCOMPARE(y.spans[i].endNs, x.spans[i].endNs);
        QCOMPARE(y.spans[i].lane, x.spans[i].lane);
    }
    QCOMPARE(a.runs.front().overflowCount, std::size_t(0));
}

void TestTraceImport::badTraces_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");   // substring of the error, or empty: opens
    QTest::addColumn<QString>("problem"); // substring of the problems, or empty
    QTest::addColumn<int>("spans");       // kept

    const QByteArray one = R"({"ph":"X","pid":1,"tid":1,"ts":1,"dur":2})";
    QTest::newRow("truncated mid-event") << QByteArray("{\"traceEvents\":[" + one + R"(,{"ph":"X","ts":)")
                                         << "x: at byte 73 (line 1, column 74), in event 1: ends inside an object started at byte 58" << QString() << 1;
    QTest::newRow("truncated object form after an event")
        << QByteArray("{\"traceEvents\":[" + one + ",") << "x: at byte 58 (line 1, column 59), after event 0: ends inside an array started at byte 15"
        << QString() << 1;
    QTest::newRow("array form without ]") << QByteArray("[" + one + ",\n") << QString() << QString() << 1;
    QTest::newRow("ts a string") << QByteArray("[" + one + R"(,{"ph":"X","pid":1,"tid":1,"ts":"abc","dur":1}])")
                                 << QString() << "event 1 (byte 43): ts: must be a number (got \"abc\"); skipped" << 1;
    QTest::newRow("negative dur") << QByteArray(R"([{"ph":"X","pid":1,"tid":1,"ts":5,"dur":-3},)" + one + "]") << QString()
                                  << "event 0 (byte 1): dur: negative (-3 µs); skipped" << 1;
    QTest::newRow("E without B") << QByteArray("[" + one + R"(,{"ph":"E","pid":1,"tid":1,"ts":9}])") << QString()
                                 << "event 1: E without a B before it on its track; skipped" << 1;
    QTest::newRow("huge ts") << QByteArray("[" + one + R"(,{"ph":"X","pid":1,"tid":1,"ts":1e400,"dur":1}])") << QString()
                             << "ts: must be a number from -4e+15 to 4e+15 (got 1e400)" << 1;
    QTest::newRow("huge dur") << QByteArray("[" + one + R"(,{"ph":"X","pid":1,"tid":1,"ts":1,"dur":123456789012345678901234}])")
                              << QString() << "dur: must be a number from" << 1;
    QTest::newRow("ph a number") << QByteArray("[" + one + R"(,{"ph":7,"ts":1}])") << QString()
                                 << "event 1 (byte 43): ph: must be a one-letter string (got 7)" << 1;
    QTest::newRow("no ph") << QByteArray("[" + one + R"(,{"ts":1}])") << QString() << "event 1 (byte 43): no \"ph\"" << 1;
    QTest::newRow("event not an object") << QByteArray("[" + one + R"(,[1,2]])") << QString()
                                         << "event 1 (byte 43): must be an object (got an array)" << 1;
    QTest::newRow("pid an object") << QByteArray("[" + one + R"(,{"ph":"X","pid":{},"tid":1,"ts":1,"dur":1}])") << QString()
                                   << "pid: must be a number or a string (got an object)" << 1;
    QTest::newRow("dask stop before start")
        << QByteArray(R"([{"key":"k","worker":"w","thread":1,"startstops":[{"action":"compute","start":5,"stop":4}]}])")
        << "no events to show (1 skipped)" << "startstops[0]: stop 4.000000 is before start 5.000000" << 0;
    QTest::newRow("task index beyond a task set") // would be 64 GB of task records
        << QByteArray(R"({"traceEvents":[{"ph":"X","cat":"task","pid":1,"tid":1,"ts":0,"dur":1,"args":{"task":2000000000}}],)"
                      R"("otherData":{"generator":"interleave"}})")
        << QString() << "event 0: args.task: beyond 2000000 tasks; skipped" << 0;
    QTest::newRow("not a trace") << QByteArray("42") << "x: not a trace: expected {\"traceEvents\": [...]} or an array of events (got 42)"
                                 << QString() << 0;
    QTest::newRow("traceEvents not an array") << QByteArray(R"({"traceEvents": "x"})")
                                              << "traceEvents: must be an array of events (got \"x\")" << QString() << 0;
    QTest::newRow("empty") << QByteArray() << "x: at byte 0 (line 1, column 1): no JSON value: the input is empty" << QString() << 0;
    QTest::newRow("not json") << QByteArray("[" + one + ",}") << "x: at byte 43 (line 1, column 44), after event 0: expected a value after ',' (got '}')"
                              << QString() << 1;
    QTest::newRow("garbage after") << QByteArray("[" + one + "] x") << "unexpected content after the JSON value" << QString() << 1;
    QTest::newRow("no spans") << QByteArray(R"({"traceEvents": []})") << "x: no events to show (the file holds no spans)"
                              << QString() << 0;
}

void TestTraceImport::badTraces()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QFETCH(QString, problem);
    QFETCH(int, spans);
    const il::OpenResult r = il::openTraceBytes(json, QStringLiteral("x"));
    if (error.isEmpty())
        QVERIFY2(r.ok(), qPrintable(r.error));
    else
        QVERIFY2(r.error.contains(error), qPrintable(QStringLiteral("got: %1\nwant: %2").arg(r.error, error)));
    if (!problem.isEmpty())
        QVERIFY2(r.problems.join('\n').contains(problem), qPrintable(r.problems.join('\n')));
    std::size_t kept = 0;
    for (const il::OpenedRun &run : r.runs)
        kept += run.spanCount;
    QCOMPARE(int(kept), spans);
}

void TestTraceImport::fileProblems()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(il::openTraceFile(dir.filePath("nope.json")).error.endsWith("nope.json: no such file"));
    QVERIFY(il::openTraceFile(dir.path()).error.endsWith(": is a directory, not a trace file"));
    const QString fifo = dir.filePath("fifo.json");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(il::openTraceFile(fifo).error.endsWith("fifo.json: is a named pipe (FIFO), not a trace file"));
    // A name with a line break is escaped in the message.
    const QString odd = dir.filePath("a\nb.json");
    QFile f(odd);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[{");
    f.close();
    QVERIFY2(il::openTraceFile(odd).error.contains("a\\nb.json: at byte 2"), qPrintable(il::openTraceFile(odd).error));
}

void TestTraceImport::progressCanCancel()
{
    QByteArray doc = "[";
    for (int i = 0; i < 20000; ++i)
        doc += QStringLiteral(R"({"ph":"X","pid":1,"tid":1,"ts":%1,"dur":1},)").arg(i * 2).toUtf8();
    doc += "{}]";
    int calls = 0;
    std::int64_t last = -1;
    const il::OpenResult all = il::openTraceBytes(doc, QStringLiteral("p"), [&](std::int64_t done, std::int64_t total) {
        ++calls;
        if (done <= last || total != doc.size())
            return false;
        last = done;
        return true;
    });
    QVERIFY2(all.ok(), qPrintable(all.error));
    QCOMPARE(calls, 5); // every 4096 events, then once as the runs are arranged
    QCOMPARE(last, std::int64_t(doc.size()));
    QCOMPARE(int(all.runs.front().spanCount), 20000);
    const il::OpenResult stopped = il::openTraceBytes(doc, QStringLiteral("p"), [](std::int64_t, std::int64_t) { return false; });
    QVERIFY(stopped.cancelled);
    QVERIFY(stopped.runs.empty());
    // Cancel after the whole file was read, while its runs are arranged:
    // cancelled too, no run.
    const il::OpenResult late = il::openTraceBytes(doc, QStringLiteral("p"), [&](std::int64_t done, std::int64_t total) {
        return done < total;
    });
    QVERIFY(late.cancelled);
    QVERIFY(late.runs.empty());
    // The same for an Interleave export, whose runs are built otherwise.
    auto result = std::make_shared<il::RunResult>();
    result->trace = testdata::makeSyntheticTrace(20000, 4);
    QTemporaryDir dir;
    const QString own = dir.filePath(QStringLiteral("own.json"));
    QVERIFY(il::writeChromeTraceFile(own, il::TaskSet(), {result}).isEmpty());
    const il::OpenResult whole = il::openTraceFile(own);
    QVERIFY2(whole.ok() && whole.runs.size() == 1, qPrintable(whole.error));
    const il::OpenResult ownLate = il::openTraceFile(own, [](std::int64_t done, std::int64_t total) { return done < total; });
    QVERIFY(ownLate.cancelled);
    QVERIFY(ownLate.runs.empty());
}

QTEST_GUILESS_MAIN(TestTraceImport)
#include "tst_traceimport.moc"
