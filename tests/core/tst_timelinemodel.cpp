#include "core/timeline/liverunbuilder.h"
#include "core/timeline/taskfind.h"
#include "core/timeline/timelinemodel.h"

#include <QSignalSpy>
#include <QTest>

using il::Event;
using il::EventKind;
using il::ItemKind;
using il::SpanKind;
using il::TimelineViewKind;

namespace {

constexpr std::int64_t origin = 1'000'000'000;
constexpr std::int64_t ms = 1'000'000;

Event ev(std::int64_t tMs, std::uint32_t task, std::uint16_t lane, EventKind kind,
         SpanKind span = SpanKind::None, std::uint16_t phase = il::noPhase)
{
    Event e;
    e.tNs = origin + tMs * ms;
    e.task = task;
    e.lane = lane;
    e.kind = kind;
    e.span = span;
    e.phase = phase;
    return e;
}

il::RunInfo info(int lanes, il::Mode mode = il::Mode::Threads)
{
    il::RunInfo i;
    i.mode = mode;
    i.lanes = lanes;
    i.workers = lanes;
    i.originNs = origin;
    for (int l = 0; l < lanes; ++l)
        i.laneNames << QStringLiteral("thread %1").arg(l + 1);
    return i;
}

// Two lanes, three tasks of io then cpu; task 2 queues until lane 0 is free.
std::vector<Event> threadEvents()
{
    std::vector<Event> e;
    for (std::uint32_t t = 0; t < 3; ++t)
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
    auto task = [&](std::uint32_t t, std::uint16_t lane, std::int64_t start) {
        e.push_back(ev(start, t, lane, EventKind::TaskStart));
        e.push_back(ev(start, t, lane, EventKind::SpanBegin, SpanKind::Io, 0));
        e.push_back(ev(start + 10, t, lane, EventKind::SpanEnd, SpanKind::Io, 0));
        e.push_back(ev(start + 10, t, lane, EventKind::SpanBegin, SpanKind::Cpu, 1));
        e.push_back(ev(start + 15, t, lane, EventKind::SpanEnd, SpanKind::Cpu, 1));
        e.push_back(ev(start + 15, t, lane, EventKind::TaskEnd));
    };
    task(0, 0, 1);
    task(1, 1, 1);
    task(2, 0, 16);
    return e;
}

std::shared_ptr<const il::TaskSet> taskSet(int n)
{
    auto set = std::make_shared<il::TaskSet>();
    set->name = QStringLiteral("test");
    for (int i = 0; i < n; ++i) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i);
        t.phases = {{il::PhaseKind::Io, 10}, {il::PhaseKind::Cpu, 5}};
        set->tasks.push_back(t);
    }
    return set;
}

il::TracePtr traceOf(const il::RunInfo &i, const std::vector<Event> &events, std::size_t tasks)
{
    il::TraceBuilder b(i, tasks);
    b.add(events);
    const std::int64_t end = b.lastNs();
    return std::make_shared<il::Trace>(il::Trace::fromBuilder(std::move(b), end, false));
}

// The running maximum of the end times, the slow way: what TimelineRow's
// blocks must agree with.
std::vector<std::int64_t> runningMaxEnd(const il::TimelineRow &row)
{
    std::vector<std::int64_t> out;
    std::int64_t m = INT64_MIN;
    for (std::size_t i = 0; i < row.size(); ++i)
        out.push_back(m = std::max(m, row[i].end));
    return out;
}

// Every query of `row` against the slow way, at every item edge and between.
void checkSearches(const il::TimelineRow &row)
{
    const std::vector<std::int64_t> maxEnd = runningMaxEnd(row);
    for (std::size_t i = 0; i < row.size(); ++i)
        QCOMPARE(row.maxEndAt(i), maxEnd[i]);
    for (std::size_t i = 0; i < row.size(); ++i)
        for (std::int64_t t : {row[i].start - 1, row[i].start, row[i].end - 1, row[i].end, row[i].end + 1}) {
            const auto first = std::upper_bound(maxEnd.begin(), maxEnd.end(), t);
            QCOMPARE(row.firstIndex(t), std::size_t(first - maxEnd.begin()));
        }
}

} // namespace

class TestTimelineModel : public QObject
{
    Q_OBJECT
private slots:
    void rowSearch();
    void rowOutOfOrderAppend();
    void rowItemAt();
    void rowBlocksMatchBruteForce();
    void rowCopyOwnsItems();
    void longTaskRowFromTrace();
    void fromTrace();
    void eventLoopIoOnlyInTaskView();
    void liveMatchesFinal();
    void liveOpenItems();
    void queuedAtWorker();
    void changeSignals();
    void rangeStats();
    void memoryPerEvent();
    void finderAgreesWithFindTasks();
    void eachRunNamesItsOwnTasks();
    void queueArrows();
    void wakeArrowsOnTheEventLoop();
    void taskArrowsThinAndCull();
};

void TestTimelineModel::rowSearch()
{
    il::TimelineRow row;
    // [0,10) [5,50) [20,30) [60,70): the second overlaps the third.
    row.append(0, 10, 0, 0, ItemKind::Cpu);
    row.append(5, 50, 1, 0, ItemKind::Io);
    row.append(20, 30, 2, 0, ItemKind::Cpu);
    row.append(60, 70, 3, 0, ItemKind::Cpu);
    QCOMPARE(row.firstIndex(0), 0u);
    QCOMPARE(row.firstIndex(10), 1u);  // [0,10) ends at 10: not visible after 10
    QCOMPARE(row.firstIndex(35), 1u);  // [5,50) still visible at 35
    QCOMPARE(row.firstIndex(55), 3u);
    QCOMPARE(row.firstIndex(80), 4u);
    QCOMPARE(row.lastIndex(0), 0u);
    QCOMPARE(row.lastIndex(21), 3u);
    QCOMPARE(row.lastIndex(1000), 4u);
    QCOMPARE(row.maxEnd(), 70);
}

void TestTimelineModel::rowOutOfOrderAppend()
{
    il::TimelineRow row;
    row.append(10, 20, 0, 0, ItemKind::Cpu);
    row.append(40, 45, 0, 0, ItemKind::Cpu);
    row.append(0, 100, 1, 0, ItemKind::Io); // late and long
    QVERIFY(!row.settled());
    row.append(30, 35, 2, 0, ItemKind::Cpu); // and another late one
    row.settle();
    QVERIFY(row.settled());
    QCOMPARE(row.size(), 4u);
    QCOMPARE(row[0].start, 0);
    QCOMPARE(row[2].start, 30);
    QCOMPARE(row[3].start, 40);
    for (std::size_t i = 0; i < row.size(); ++i)
        QCOMPARE(row.maxEndAt(i), 100);
    QCOMPARE(row.firstIndex(60), 0u);
}

void TestTimelineModel::rowItemAt()
{
    il::TimelineRow row;
    row.append(0, 100, 0, 0, ItemKind::Cpu);
    row.append(100, 101, 1, 0, ItemKind::Io);
    row.append(300, 400, 2, 0, ItemKind::Cpu);
    QCOMPARE(row.itemAt(50, 0).value(), 0u);
    QCOMPARE(row.itemAt(100, 5).value(), 1u); // the shortest containing item wins
    QCOMPARE(row.itemAt(295, 10).value(), 2u);
    QVERIFY(!row.itemAt(200, 10).has_value());
}

void TestTimelineModel::rowBlocksMatchBruteForce()
{
    // 1000 items over many blocks: mostly short, every 37th long enough to
    // cover the next few blocks, so the running maximum and an item's own end
    // differ; a fixed sequence, no randomness.
    il::TimelineRow row;
    std::uint32_t x = 12345;
    std::int64_t start = 0;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        x = x * 1103515245u + 12345u;
        start += (x >> 16) % 7;
        const std::int64_t length = i % 37 == 0 ? 200 : (x >> 20) % 5;
        row.append(start, start + length, i, 0, ItemKind::Io);
    }
    QVERIFY(row.settled());
    checkSearches(row);

    // Late items (live io waits) merged in, across block boundaries.
    for (std::int64_t t : {3, 500, 1200, 40})
        row.append(t, t + 300, 9999, 0, ItemKind::Ready);
    QVERIFY(!row.settled());
    row.settle();
    QCOMPARE(row.size(), 1004u);
    for (std::size_t i = 1; i < row.size(); ++i)
        QVERIFY(row[i - 1].start <= row[i].start);
    checkSearches(row);

    row.shrinkToFit();
    checkSearches(row);
    row.clear();
    QVERIFY(row.empty());
    QCOMPARE(row.firstIndex(0), 0u);
    QCOMPARE(row.maxEnd(), 0);
}

void TestTimelineModel::rowCopyOwnsItems()
{
    // A copy of a final run's task row must outlive the run it came from.
    il::TimelineRow copy;
    {
        il::TimelineModel model;
        model.setTrace(traceOf(info(2), threadEvents(), 3));
        const il::TimelineRow &row = model.run(0).taskRows()[2];
        QCOMPARE(row.size(), 3u); // queued, io, cpu
        copy = row;
        QVERIFY(copy.memoryBytes() > sizeof(il::TimelineRow)); // its own items
        QCOMPARE(row.memoryBytes(), sizeof(il::TimelineRow));  // borrowed from the run
    }
    QCOMPARE(copy.size(), 3u);
    QCOMPARE(copy[0].kind, ItemKind::Queued);
    QCOMPARE(copy[0].start, 0);
    QCOMPARE(copy[0].end, 16 * ms);
    QCOMPARE(copy[1].kind, ItemKind::Io);
    QCOMPARE(copy[2].end, 31 * ms);
    // Appending to a copy leaves the original alone, and works on its own items.
    il::TimelineRow more = copy;
    more.append(40 * ms, 50 * ms, 2, 2, ItemKind::Cpu);
    QCOMPARE(more.size(), 4u);
    QCOMPARE(copy.size(), 3u);
    QCOMPARE(more.maxEnd(), 50 * ms);
    QCOMPARE(copy.maxEnd(), 31 * ms);
}

void TestTimelineModel::longTaskRowFromTrace()
{
    // One task of 40 phases on one lane: its task row spans several blocks.
    std::vector<Event> events{ev(0, 0, il::noLane, EventKind::Queued), ev(1, 0, 0, EventKind::TaskStart)};
    std::int64_t t = 1;
    for (std::uint16_t p = 0; p < 40; ++p) {
        const SpanKind kind = p % 2 ? SpanKind::Io : SpanKind::Cpu;
        events.push_back(ev(t, 0, 0, EventKind::SpanBegin, kind, p));
        t += 3;
        events.push_back(ev(t, 0, 0, EventKind::SpanEnd, kind, p));
    }
    events.push_back(ev(t, 0, 0, EventKind::TaskEnd));
    il::TimelineModel model;
    model.setTrace(traceOf(info(1), events, 1));
    const il::TimelineRun &run = model.run(0);
    const il::TimelineRow &row = run.taskRows()[0];
    const il::Trace &trace = *run.trace();
    QCOMPARE(trace.spans.size(), 40u);
    QCOMPARE(row.size(), 41u); // every span and the queue wait
    QVERIFY(row.size() > 2 * il::TimelineRow::blockSize);
    QCOMPARE(row[0].kind, ItemKind::Queued);
    for (std::size_t i = 1; i < row.size(); ++i)
        QVERIFY(row[i - 1].start <= row[i].start);
    checkSearches(row);
    // The lane row holds the same spans, searched the same way.
    checkSearches(run.laneRows()[0]);
    QCOMPARE(run.laneRows()[0].size(), trace.spans.size());
}

void TestTimelineModel::fromTrace()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(3));
    model.setTrace(traceOf(info(2), threadEvents(), 3));
    QCOMPARE(model.runCount(), 1);
    const il::TimelineRun &run = model.run(0);
    QCOMPARE(run.rowCount(TimelineViewKind::ByLane), 2);
    QCOMPARE(run.rowCount(TimelineViewKind::ByTask), 3);
    QCOMPARE(run.laneRows()[0].size(), 4u); // two tasks x (io, cpu)
    QCOMPARE(run.laneRows()[1].size(), 2u);
    // Task 2: queued 0..16 ms, io 16..26, cpu 26..31.
    const il::TimelineRow &t2 = run.taskRows()[2];
    QCOMPARE(t2.size(), 3u);
    QCOMPARE(t2[0].kind, ItemKind::Queued);
    QCOMPARE(t2[0].start, 0);
    QCOMPARE(t2[0].end, 16 * ms);
    QCOMPARE(t2[1].kind, ItemKind::Io);
    QCOMPARE(t2[2].kind, ItemKind::Cpu);
    QCOMPARE(t2[2].end, 31 * ms);
    QCOMPARE(model.extentNs(), 31 * ms);
    QCOMPARE(model.taskName(0, 2), QStringLiteral("t2"));
    QCOMPARE(run.tasksDone(), 3);
    QVERIFY(!run.isLive());
}

namespace {
// The event loop: two tasks await 10 ms of io from 0 (off the loop), then
// task 0 computes 10..15 ms and task 1, ready since 10 ms, 15..20 ms.
std::vector<Event> loopEvents()
{
    std::vector<Event> e;
    for (std::uint32_t t = 0; t < 2; ++t) {
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
        e.push_back(ev(0, t, 0, EventKind::TaskStart));
        e.push_back(ev(0, t, il::noLane, EventKind::SpanBegin, SpanKind::Io, 0));
        e.push_back(ev(10, t, il::noLane, EventKind::SpanEnd, SpanKind::Io, 0));
    }
    e.push_back(ev(10, 0, 0, EventKind::SpanBegin, SpanKind::Cpu, 1));
    e.push_back(ev(15, 0, 0, EventKind::SpanEnd, SpanKind::Cpu, 1));
    e.push_back(ev(15, 0, 0, EventKind::TaskEnd));
    e.push_back(ev(15, 1, 0, EventKind::SpanBegin, SpanKind::Cpu, 1));
    e.push_back(ev(20, 1, 0, EventKind::SpanEnd, SpanKind::Cpu, 1));
    e.push_back(ev(20, 1, 0, EventKind::TaskEnd));
    return e;
}
} // namespace

void TestTimelineModel::eventLoopIoOnlyInTaskView()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(2));
    model.setTrace(traceOf(info(1, il::Mode::EventLoop), loopEvents(), 2));
    const il::TimelineRun &run = model.run(0);
    QCOMPARE(run.laneRows()[0].size(), 2u); // the loop lane shows only cpu
    for (std::size_t i = 0; i < run.laneRows()[0].size(); ++i)
        QCOMPARE(run.laneRows()[0][i].kind, ItemKind::Cpu);
    // The io waits get their own row under the lane, in the lane view only.
    QCOMPARE(run.rowCount(TimelineViewKind::ByLane), 2);
    QCOMPARE(run.waitRows().size(), 1u);
    QCOMPARE(run.waitRows()[0].first, ItemKind::Io);
    QCOMPARE(run.row(TimelineViewKind::ByLane, 1).size(), 2u);
    QCOMPARE(run.taskRows()[1].size(), 2u); // io + cpu
    QCOMPARE(run.taskRows()[1][0].kind, ItemKind::Io);
    // The overlapping io waits count once each in the range stats.
    const il::RangeStats s = model.rangeStats(0, 0, 20 * ms);
    QCOMPARE(s.kindNs[int(ItemKind::Io)], double(20 * ms));
    QCOMPARE(s.busyFraction, 0.5);
}

void TestTimelineModel::liveMatchesFinal()
{
    const auto events = threadEvents();
    il::TimelineModel live;
    live.setTaskSet(taskSet(3));
    const il::RunInfo i = info(2);
    il::LiveRunBuilder builder(live, i, 3);
    // Feed in uneven batches, as the engine's drain timer would.
    for (std::size_t at = 0; at < events.size();) {
        const std::size_t n = std::min<std::size_t>(at % 2 ? 3 : 5, events.size() - at);
        builder.add(events.data() + at, n, events[at + n - 1].tNs);
        at += n;
        const il::TimelineRun &run = live.run(0);
        for (const auto &row : run.taskRows())
            for (std::size_t k = 1; k < row.size(); ++k)
                QVERIFY(row[k - 1].start <= row[k].start);
    }
    il::TimelineModel final;
    final.setTaskSet(taskSet(3));
    final.setTrace(traceOf(i, events, 3));
    const il::TimelineRun &a = live.run(0);
    const il::TimelineRun &b = final.run(0);
    for (int l = 0; l < 2; ++l)
        QCOMPARE(a.laneRows()[l].size(), b.laneRows()[l].size());
    for (int t = 0; t < 3; ++t) {
        QCOMPARE(a.taskRows()[t].size(), b.taskRows()[t].size());
        for (std::size_t k = 0; k < a.taskRows()[t].size(); ++k) {
            QCOMPARE(a.taskRows()[t][k].start, b.taskRows()[t][k].start);
            QCOMPARE(a.taskRows()[t][k].end, b.taskRows()[t][k].end);
            QCOMPARE(a.taskRows()[t][k].kind, b.taskRows()[t][k].kind);
        }
    }
    QCOMPARE(a.tasksDone(), 3);
    QVERIFY(a.live()->openLane.empty());
    QVERIFY(a.live()->openTask.empty());
}

void TestTimelineModel::liveOpenItems()
{
    auto events = threadEvents();
    events.resize(6); // queued x3, task 0 start, io begin, io end (ms 11)
    events.push_back(ev(11, 0, 0, EventKind::SpanBegin, SpanKind::Cpu, 1));
    il::TimelineModel model;
    model.setTaskSet(taskSet(3));
    il::LiveRunBuilder builder(model, info(2), 3);
    builder.add(events, origin + 13 * ms);
    const il::TimelineRun &run = model.run(0);
    QVERIFY(run.isLive());
    const il::LiveRunState &live = *run.live();
    QCOMPARE(live.openLane.size(), 1u);
    QCOMPARE(live.openLane[0].kind, ItemKind::Cpu);
    QCOMPARE(live.openLane[0].end, 13 * ms);
    // Tasks 1 and 2 have not started: still waiting in the queue since 0.
    QVERIFY(!live.isWaitingInQueue(0));
    QVERIFY(live.isWaitingInQueue(1));
    QVERIFY(live.isWaitingInQueue(2));
    QCOMPARE(live.queuedSince[2], 0);
    QCOMPARE(live.nowNs, 13 * ms);
    QCOMPARE(run.taskRows()[0].size(), 2u); // queued 0..1 ms, io 1..11 ms
    QCOMPARE(run.taskRows()[0][0].kind, ItemKind::Queued);
    QCOMPARE(model.extentNs(), 13 * ms);
}

// processes --prefetch: task 2 is queued at 0, sent ahead to worker 1 at 2
// ms, asked back and given back at 5 ms (queued in the pool again), sent
// ahead to worker 2 at 7 ms, taken up there at 10 ms, begun at 11 ms. The
// trace keeps the two waits apart from the lanes' spans; by task its queue
// wait is cut into pool / worker 1 / pool / worker 2, then the hop within
// worker 2 (ipc) no longer under a queued bar; by lane each
// worker's queuedAtRow has its wait, its lane row only what it ran. Live
// batches give the same rows.
std::vector<Event> queuedAtEvents()
{
    std::vector<Event> e;
    for (std::uint32_t t = 0; t < 3; ++t)
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
    auto run = [&](std::uint32_t t, std::uint16_t lane, std::int64_t start, std::int64_t end) {
        e.push_back(ev(start, t, lane, EventKind::TaskStart));
        e.push_back(ev(start, t, lane, EventKind::SpanBegin, SpanKind::Cpu, 0));
        e.push_back(ev(end, t, lane, EventKind::SpanEnd, SpanKind::Cpu, 0));
        e.push_back(ev(end, t, lane, EventKind::TaskEnd));
    };
    run(0, 0, 1, 20);
    e.push_back(ev(2, 2, 0, EventKind::SpanBegin, SpanKind::QueuedAt));
    e.push_back(ev(5, 2, 0, EventKind::SpanEnd, SpanKind::QueuedAt));
    run(1, 1, 1, 10);
    e.push_back(ev(7, 2, 1, EventKind::SpanBegin, SpanKind::QueuedAt));
    e.push_back(ev(10, 2, 1, EventKind::SpanEnd, SpanKind::QueuedAt));
    e.push_back(ev(10, 2, 1, EventKind::SpanBegin, SpanKind::Ipc));
    e.push_back(ev(11, 2, 1, EventKind::SpanEnd, SpanKind::Ipc));
    run(2, 1, 11, 15);
    return e;
}

void TestTimelineModel::queuedAtWorker()
{
    const auto events = queuedAtEvents();
    const il::RunInfo i = info(2, il::Mode::Processes);
    const il::TracePtr trace = traceOf(i, events, 3);
    QCOMPARE(trace->queuedAt.size(), 2u);
    QCOMPARE(trace->queuedAt[0].lane, 0);
    QCOMPARE(trace->queuedAt[0].startNs - origin, 2 * ms);
    QCOMPARE(trace->queuedAt[0].endNs - origin, 5 * ms);
    QCOMPARE(trace->queuedAt[1].lane, 1);
    QCOMPARE(trace->queuedAt[1].task, 2u);
    for (const il::Span &s : trace->spans)
        QVERIFY(s.kind != SpanKind::QueuedAt);
    QCOMPARE(trace->tasks[2].lane, 1); // ran on worker 2

    il::TimelineModel final;
    final.setTaskSet(taskSet(3));
    final.setTrace(trace);
    il::TimelineModel live;
    live.setTaskSet(taskSet(3));
    {
        il::LiveRunBuilder builder(live, i, 3);
        for (std::size_t at = 0; at < events.size(); at += 3) {
            const std::size_t n = std::min<std::size_t>(3, events.size() - at);
            builder.add(events.data() + at, n, events[at + n - 1].tNs);
        }
    }
    for (const il::TimelineModel *model : {&final, &live}) {
        const il::TimelineRun &run = model->run(0);
        QVERIFY(run.hasQueuedAt());
        // By task: pool 0..2, worker 1 2..5, pool 5..7, worker 2 7..10, then the hop within worker 2 (ipc) and cpu.
        const il::TimelineRow &row = run.taskRows()[2];
        struct Want { ItemKind kind; std::int64_t from, to; std::uint16_t phase; };
        const Want want[] = {{ItemKind::Queued, 0, 2, il::noPhase},   {ItemKind::QueuedAt, 2, 5, 0},
                             {ItemKind::Queued, 5, 7, il::noPhase},   {ItemKind::QueuedAt, 7, 10, 1},
                             {ItemKind::Ipc, 10, 11, il::noPhase},
                             {ItemKind::Cpu, 11, 15, 0}};
        std::vector<Want> got;
        for (const il::TimelineItem &item : row)
            got.push_back({item.kind, item.start / ms, item.end / ms, item.phase});
        std::sort(got.begin(), got.end(), [](const Want &a, const Want &b) {
            return std::tie(a.from, a.kind) < std::tie(b.from, b.kind);
        });
        QCOMPARE(got.size(), std::size(want)); // `want` is in that order
        for (std::size_t k = 0; k < got.size(); ++k) {
            QCOMPARE(got[k].kind, want[k].kind);
            QCOMPARE(got[k].from, want[k].from);
            QCOMPARE(got[k].to, want[k].to);
            QCOMPARE(got[k].phase, want[k].phase); // a queued-at item's phase is its lane
        }
        // By lane: each worker's wait in its queuedAtRow, never in its lane row.
        QCOMPARE(run.queuedAtRow(0).size(), 1u);
        QCOMPARE(run.queuedAtRow(0)[0].start, 2 * ms);
        QCOMPARE(run.queuedAtRow(0)[0].task, 2u);
        QCOMPARE(run.queuedAtRow(1).size(), 1u);
        QCOMPARE(run.queuedAtRow(1)[0].end, 10 * ms);
        QCOMPARE(run.queuedAtRow(5).size(), 0u);
        for (const il::TimelineRow &lane : run.laneRows())
            for (const il::TimelineItem &item : lane)
                QVERIFY(item.kind != ItemKind::QueuedAt);
        // The queue wait in a range counts both: 10 ms of task 2's (its
        // last 1 ms was the hop, counted as ipc), 1 of each other's.
        const il::RangeStats stats = model->rangeStats(0, 0, 20 * ms);
        QCOMPARE(stats.kindNs[std::size_t(ItemKind::Queued)], double(12 * ms));
    }
    // While it sits at worker 2 (live, at 8 ms): an open item on that lane
    // and in its task row, its phase the lane, drawn up to now.
    {
        il::TimelineModel going;
        going.setTaskSet(taskSet(3));
        il::LiveRunBuilder builder(going, i, 3);
        const auto upTo = std::find_if(events.begin(), events.end(), [](const Event &e) {
            return e.span == SpanKind::QueuedAt && e.kind == EventKind::SpanBegin && e.lane == 1;
        });
        QVERIFY(upTo != events.end());
        builder.add(events.data(), std::size_t(upTo - events.begin()) + 1, origin + 8 * ms);
        const il::LiveRunState &live = *going.run(0).live();
        for (const auto *open : {&live.openLane, &live.openTask}) {
            const auto it = std::find_if(open->begin(), open->end(), [](const il::OpenItem &o) { return o.kind == ItemKind::QueuedAt; });
            QVERIFY(it != open->end());
            QCOMPARE(it->task, 2u);
            QCOMPARE(it->phase, 1);
            QCOMPARE(it->start, 7 * ms);
            QCOMPARE(it->end, 8 * ms);
        }
        QCOMPARE(going.run(0).queuedAtRow(0).size(), 1u); // worker 1's, closed
    }
    // Tasks sent to idle workers only: no queued-at rows at all.
    il::TimelineModel plain;
    plain.setTaskSet(taskSet(3));
    plain.setTrace(traceOf(info(2), threadEvents(), 3));
    QVERIFY(!plain.run(0).hasQueuedAt());
    QCOMPARE(plain.run(0).queuedAtRow(0).size(), 0u);
}

// The model says what changed, so callers never have to: a live run added
// and growing, its final trace replacing it (and the builder then leaves the
// model alone), another run added final, all cleared. Each is followed by
// `changed` with a new revision.
void TestTimelineModel::changeSignals()
{
    il::TimelineModel model;
    QSignalSpy added(&model, &il::TimelineModel::runAdded);
    QSignalSpy runChanged(&model, &il::TimelineModel::runChanged);
    QSignalSpy cleared(&model, &il::TimelineModel::runsCleared);
    QSignalSpy changed(&model, &il::TimelineModel::changed);
    QSignalSpy setChanged(&model, &il::TimelineModel::taskSetChanged);
    std::uint64_t revision = model.revision();
    const auto moved = [&] {
        const bool m = model.revision() != revision;
        revision = model.revision();
        return m;
    };
    model.setTaskSet(taskSet(3));
    QCOMPARE(setChanged.count(), 1);
    QVERIFY(moved());

    const auto events = threadEvents();
    auto builder = std::make_unique<il::LiveRunBuilder>(model, info(2), 3);
    QCOMPARE(added.count(), 1);
    QCOMPARE(added[0][0].toInt(), 0);
    QVERIFY(moved());
    builder->add(events.data(), 4, events[3].tNs);
    builder->add(events.data() + 4, events.size() - 4, events.back().tNs);
    QCOMPARE(runChanged.count(), 2);
    QCOMPARE(runChanged[1][0].toInt(), 0);
    QVERIFY(moved());
    QVERIFY(model.run(0).isLive());

    model.setTrace(traceOf(info(2), events, 3));
    QCOMPARE(runChanged.count(), 3); // the final trace replaced the live run
    QCOMPARE(added.count(), 1);
    QVERIFY(!model.run(0).isLive());
    QVERIFY(moved());
    // A builder outliving its run touches it no more.
    builder->add(events.data(), 1, events.back().tNs);
    QCOMPARE(runChanged.count(), 3);
    QVERIFY(!moved());
    builder.reset();

    il::RunInfo second = info(2);
    second.runIndex = 1;
    model.setTrace(traceOf(second, events, 3));
    QCOMPARE(added.count(), 2);
    QCOMPARE(added[1][0].toInt(), 1);
    QCOMPARE(model.runCount(), 2);

    model.clear();
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(model.runCount(), 0);
    QVERIFY(moved());
    // One `changed` after each of: task set, live added, two batches, final,
    // second run, clear.
    QCOMPARE(changed.count(), 7);
}

void TestTimelineModel::rangeStats()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(3));
    model.setTrace(traceOf(info(2), threadEvents(), 3));
    // 0..31 ms: lane 0 busy 1..31 (30 ms), lane 1 busy 1..16 (15 ms).
    const il::RangeStats s = model.rangeStats(0, 0, 31 * ms);
    QCOMPARE(s.lanes, 2);
    QVERIFY(qAbs(s.busyFraction - 45.0 / 62.0) < 1e-9);
    QCOMPARE(s.kindNs[int(ItemKind::Cpu)], double(15 * ms));
    QCOMPARE(s.kindNs[int(ItemKind::Io)], double(30 * ms));
    QCOMPARE(s.kindNs[int(ItemKind::Queued)], double(1 * ms + 1 * ms + 16 * ms));
    // Clipping: 5..12 ms on lane 0 is io 5..11, cpu 11..12.
    const il::RangeStats c = model.rangeStats(0, 12 * ms, 5 * ms); // reversed on purpose
    QCOMPARE(c.fromNs, 5 * ms);
    QCOMPARE(c.kindNs[int(ItemKind::Cpu)], double(2 * ms)); // one ms per lane
}

void TestTimelineModel::memoryPerEvent()
{
    // 8 lanes of back-to-back tasks, each queued, started, io then cpu, ended:
    // the shape of a threads run, 100,000 events.
    std::vector<Event> events;
    const std::uint32_t tasks = 100'000 / 7;
    for (std::uint32_t t = 0; t < tasks; ++t) {
        const auto lane = std::uint16_t(t % 8);
        const std::int64_t start = std::int64_t(t / 8) * 3;
        events.push_back(ev(0, t, il::noLane, EventKind::Queued));
        events.push_back(ev(start, t, lane, EventKind::TaskStart));
        events.push_back(ev(start, t, lane, EventKind::SpanBegin, SpanKind::Io, 0));
        events.push_back(ev(start + 1, t, lane, EventKind::SpanEnd, SpanKind::Io, 0));
        events.push_back(ev(start + 1, t, lane, EventKind::SpanBegin, SpanKind::Cpu, 1));
        events.push_back(ev(start + 3, t, lane, EventKind::SpanEnd, SpanKind::Cpu, 1));
        events.push_back(ev(start + 3, t, lane, EventKind::TaskEnd));
    }
    const il::TracePtr trace = traceOf(info(8), events, tasks);
    il::TimelineModel model;
    model.setTrace(trace);
    const double perEvent = double(model.memoryBytes()) / double(trace->eventCount);
    qInfo("timeline model: %.1f bytes per event", perEvent);
    // 7 events = 2 lane items + 3 task items (24 B each) + a task row (32 B)
    // + its state: 22 B. Before the items lost their maxEnd and the task rows
    // their own allocations, 30.
    QVERIFY(perEvent <= 24);
}

namespace {
std::vector<std::uint32_t> tasksOf(const std::vector<il::TaskMatch> &matches)
{
    std::vector<std::uint32_t> out;
    for (const il::TaskMatch &m : matches)
        out.push_back(m.task);
    return out;
}
} // namespace

void TestTimelineModel::finderAgreesWithFindTasks()
{
    // The folded-buffer search gives what a name-by-name search gives: each
    // task once, in order, whatever the case, at a name's start or end, for
    // a text spanning no two names; a new task set is indexed again.
    auto set = std::make_shared<il::TaskSet>();
    const QStringList names{QStringLiteral("Fetch page 1"), QStringLiteral("fetch page 12"), QStringLiteral("PARSE"),
                            QStringLiteral("pageparse"), QStringLiteral("Straße"), QStringLiteral("1"),
                            QString(), QStringLiteral("aaaa")};
    for (const QString &n : names) {
        il::Task t;
        t.name = n;
        set->tasks.push_back(t);
    }
    il::TimelineModel model;
    model.setTaskSet(set);
    // Two runs of the set: one group, each task found once.
    model.setTrace(traceOf(info(1), {}, names.size()));
    il::RunInfo second = info(1);
    second.runIndex = 1;
    model.setTrace(traceOf(second, {}, names.size()));
    il::TaskFinder finder;
    QString error;
    for (const QString &q : {QStringLiteral("page"), QStringLiteral("PAGE"), QStringLiteral("1"), QStringLiteral("parse"),
                             QStringLiteral("1fetch"), QStringLiteral("12PARSE"), QStringLiteral("aa"), QStringLiteral("STRASSE"),
                             QStringLiteral("straße"), QStringLiteral("task 6"), QStringLiteral("x")}) {
        const auto expected = il::findTasks(model, q, false, nullptr);
        QCOMPARE(finder.find(model, q, false, &error), expected);
        QVERIFY(error.isEmpty());
    }
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("page"), false, nullptr)), (std::vector<std::uint32_t>{0, 1, 3}));
    QCOMPARE(finder.find(model, QStringLiteral("page"), false, nullptr).front().group, 0);
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("aa"), false, nullptr)), (std::vector<std::uint32_t>{7}));
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("1fetch"), false, nullptr)), (std::vector<std::uint32_t>{})); // "…page 1" + "fetch…" is two names
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("task 6"), false, nullptr)), (std::vector<std::uint32_t>{6})); // an unnamed task's name
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("^p"), true, &error)), (std::vector<std::uint32_t>{2, 3}));
    // Runs named from a new set: indexed again.
    auto other = std::make_shared<il::TaskSet>(*set);
    other->tasks[2].name = QStringLiteral("page three");
    model.setTaskSet(other);
    model.setTrace(traceOf(info(1), {}, names.size()));
    model.setTrace(traceOf(second, {}, names.size()));
    QCOMPARE(tasksOf(finder.find(model, QStringLiteral("page"), false, nullptr)), (std::vector<std::uint32_t>{0, 1, 2, 3}));
}

void TestTimelineModel::eachRunNamesItsOwnTasks()
{
    // A comparison's two runs of one set, then a run opened with its own
    // names beside them: each run names its tasks from its own set, the
    // model's set renames none of them, and find matches each run's names,
    // once per set.
    auto lab = std::make_shared<il::TaskSet>(*taskSet(3)); // t0 t1 t2
    auto file = std::make_shared<il::TaskSet>();
    for (const char *name : {"prime 0", "prime 1", "t1 again", "prime 3"}) {
        il::Task t;
        t.name = QString::fromLatin1(name);
        file->tasks.push_back(t);
    }
    il::TimelineModel model;
    model.setTaskSet(lab);
    model.setTrace(traceOf(info(2), threadEvents(), 3));
    il::RunInfo second = info(2);
    second.runIndex = 1;
    model.setTrace(traceOf(second, threadEvents(), 3));
    il::RunInfo opened = info(2);
    opened.runIndex = 2;
    opened.openedFrom = QStringLiteral("primes.json");
    model.setTrace(traceOf(opened, {}, 4), std::nullopt, 2, QString(), file);
    // A run without names of its own: "task N", not another run's.
    il::RunInfo bare = info(1);
    bare.runIndex = 3;
    model.setTrace(traceOf(bare, {}, 2), std::nullopt, 3, QString(), nullptr);

    QCOMPARE(model.taskName(0, 1), QStringLiteral("t1"));
    QCOMPARE(model.taskName(1, 1), QStringLiteral("t1"));
    QCOMPARE(model.taskName(2, 1), QStringLiteral("prime 1"));
    QCOMPARE(model.taskName(2, 3), QStringLiteral("prime 3"));
    QCOMPARE(model.taskName(3, 1), QStringLiteral("task 1"));
    QCOMPARE(model.run(2).taskSet(), file.get());
    QCOMPARE(model.namesGroup(0), 0);
    QCOMPARE(model.namesGroup(1), 0);
    QCOMPARE(model.namesGroup(2), 2);
    QCOMPARE(model.namesGroup(3), 3);
    // The comparison's set changes: the runs shown keep their names.
    model.setTaskSet(taskSet(5));
    QCOMPARE(model.taskName(0, 1), QStringLiteral("t1"));
    QCOMPARE(model.taskName(2, 1), QStringLiteral("prime 1"));

    il::TaskFinder finder;
    for (const bool pattern : {false, true}) {
        QString error;
        const auto primes = finder.find(model, pattern ? QStringLiteral("^prime") : QStringLiteral("prime"), pattern, &error);
        QCOMPARE(primes.size(), std::size_t(3)); // the file's three, none of the lab's
        for (const il::TaskMatch &m : primes)
            QCOMPARE(m.group, 2);
        QCOMPARE(tasksOf(primes), (std::vector<std::uint32_t>{0, 1, 3}));
        // "t1": task 1 of the lab's runs (once for both) and task 2 of the file.
        const auto t1 = finder.find(model, pattern ? QStringLiteral("t1") : QStringLiteral("T1"), pattern, &error);
        QCOMPARE(t1, (std::vector<il::TaskMatch>{{0, 1}, {2, 2}}));
        QCOMPARE(finder.find(model, QStringLiteral("task 1"), pattern, &error), (std::vector<il::TaskMatch>{{3, 1}}));
    }
}

namespace {
QString arrowsText(const std::vector<il::TaskArrow> &arrows)
{
    QStringList out;
    for (const il::TaskArrow &a : arrows)
        out << QStringLiteral("t%1 %2@%3->%4@%5")
                   .arg(a.task)
                   .arg(a.fromRow)
                   .arg(double(a.fromNs) / ms)
                   .arg(a.toRow)
                   .arg(double(a.toNs) / ms);
    return out.join(QStringLiteral(", "));
}
} // namespace

// Queue arrows: from the moment each task was queued to where it started on
// the lane that picked it up; by task on its own row, by lane from the run's
// header (the queue) to the lane, lane by lane in order of start.
void TestTimelineModel::queueArrows()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(3));
    model.setTrace(traceOf(info(2), threadEvents(), 3));
    const il::TimelineRun &run = model.run(0);
    using il::TaskArrowKind;
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByTask)),
             QStringLiteral("t0 0@0->0@1, t1 1@0->1@1, t2 2@0->2@16"));
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane)),
             QStringLiteral("t0 -1@0->0@1, t2 -1@0->0@16, t1 -1@0->1@1"));
    // Threads await io on their lane: no wake-up arrows.
    QVERIFY(run.taskArrows(TaskArrowKind::Wake, TimelineViewKind::ByLane).empty());
    QVERIFY(run.taskArrows(TaskArrowKind::Wake, TimelineViewKind::ByTask).empty());

    // On the event loop a task is picked up when the loop starts it, even
    // if its first phase is an io off the loop.
    il::TimelineModel loop;
    loop.setTaskSet(taskSet(2));
    loop.setTrace(traceOf(info(1, il::Mode::EventLoop), loopEvents(), 2));
    QCOMPARE(arrowsText(loop.run(0).taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane)),
             QStringLiteral("t0 -1@0->0@0, t1 -1@0->0@0"));

}

// Wake-up arrows: from the end of an io the task awaited off the loop to
// where the loop next ran it; by lane from the io row to the loop's lane.
void TestTimelineModel::wakeArrowsOnTheEventLoop()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(2));
    model.setTrace(traceOf(info(1, il::Mode::EventLoop), loopEvents(), 2));
    const il::TimelineRun &run = model.run(0);
    using il::TaskArrowKind;
    const std::size_t before = model.memoryBytes();
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Wake, TimelineViewKind::ByTask)),
             QStringLiteral("t0 0@10->0@10, t1 1@10->1@15"));
    const int ioRow = 1 + run.waitRowIndex(ItemKind::Io);
    QCOMPARE(ioRow, 1);
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Wake, TimelineViewKind::ByLane)),
             QStringLiteral("t0 1@10->0@10, t1 1@10->0@15"));
    // Built on first use, then counted with the run's memory.
    QVERIFY(model.memoryBytes() > before);
}

// What a view asks for: heads in its time range, rows in view, thinned to
// one per gap of head time per row, at most a limit.
void TestTimelineModel::taskArrowsThinAndCull()
{
    il::TimelineModel model;
    model.setTaskSet(taskSet(3));
    model.setTrace(traceOf(info(2), threadEvents(), 3));
    const il::TimelineRun &run = model.run(0);
    using il::TaskArrowKind;
    il::TaskArrowQuery q;
    q.fromNs = 2 * ms; // heads at 1 ms are out of range
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q)),
             QStringLiteral("t2 -1@0->0@16"));
    q = {};
    q.toNs = 15 * ms;
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByTask, q)),
             QStringLiteral("t0 0@0->0@1, t1 1@0->1@1"));
    q = {};
    q.firstRow = 1;
    q.lastRow = 1;
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByTask, q)),
             QStringLiteral("t1 1@0->1@1"));
    // By lane the header is above every row: lane 1's arrow crosses row 0.
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q)),
             QStringLiteral("t1 -1@0->1@1"));
    q = {};
    q.minGapNs = 20 * ms; // lane 0's second head is 15 ms after its first
    QCOMPARE(arrowsText(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q)),
             QStringLiteral("t0 -1@0->0@1, t1 -1@0->1@1"));
    q.minGapNs = 15 * ms; // exactly the gap: both stay
    QCOMPARE(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q).size(), std::size_t(3));
    q = {};
    q.limit = 2;
    QCOMPARE(run.taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q).size(), std::size_t(2));

    // Many tasks on one lane, a head every 1 ms: thinning to one per 10 ms
    // keeps one in ten, found by search, whatever the row holds.
    std::vector<Event> e;
    const std::uint32_t n = 1000;
    for (std::uint32_t t = 0; t < n; ++t) {
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
        e.push_back(ev(t, t, 0, EventKind::TaskStart));
        e.push_back(ev(t, t, 0, EventKind::SpanBegin, SpanKind::Cpu, 0));
        e.push_back(ev(t + 1, t, 0, EventKind::SpanEnd, SpanKind::Cpu, 0));
        e.push_back(ev(t + 1, t, 0, EventKind::TaskEnd));
    }
    il::TimelineModel many;
    many.setTaskSet(taskSet(int(n)));
    many.setTrace(traceOf(info(1), e, n));
    q = {};
    q.minGapNs = 10 * ms;
    const auto thinned = many.run(0).taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane, q);
    QCOMPARE(thinned.size(), std::size_t(n / 10));
    for (std::size_t i = 0; i < thinned.size(); ++i)
        QCOMPARE(thinned[i].toNs, std::int64_t(i) * 10 * ms);
    QCOMPARE(many.run(0).taskArrows(TaskArrowKind::Queue, TimelineViewKind::ByLane).size(), std::size_t(n));
}

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
