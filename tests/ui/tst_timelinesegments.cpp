// The painter's segment builder: how rows of items become rectangles per
// pixel column (merging sub-pixel items, never dropping coverage).
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/rowgeometry.h"
#include "ui/timeline/spannames.h"
#include "ui/timeline/timelinepainter.h"

#include "core/analysis/advisor.h"
#include "core/model/taskset.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelineview.h"

#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QScrollBar>
#include <QTest>

#include <memory>

using il::ItemKind;

namespace {
constexpr std::int64_t ms = 1'000'000;
}

class TestTimelineSegments : public QObject
{
    Q_OBJECT
private slots:
    void segmentsMergeSubPixel();
    void segmentsCoverMillionItems();
    void namesOnlyWhereTheyFit();
    void phaseTextsThatReadTheSameAreOne();
    void handoffArrowsInBothViews_data();
    void handoffArrowsInBothViews();
    void viewDrawsHandoffsUntilSwitchedOff();
    void lockWaitToolTipNamesLockAndHolder();
    void queuedAtWorkerIsAStripByLane();
};

namespace {

// Two threads: task 0 holds A on lane 0 until 10 ms; task 1 waits for it
// on lane 1 from 2 ms, gets it at 10.5 ms; task 2 on lane 0 takes it free.
std::unique_ptr<il::TimelineModel> handoffModel(bool withHandoff)
{
    const il::TaskSetResult set = il::parseTaskSet(R"({"tasks":[
        {"name":"t0","phases":[{"acquire":"A"},{"cpu":10},{"release":"A"}]},
        {"name":"t1","phases":[{"acquire":"A"},{"cpu":5},{"release":"A"}]},
        {"name":"t2","phases":[{"acquire":"A"},{"cpu":1},{"release":"A"}]}]})");
    Q_ASSERT(set.ok());
    auto trace = std::make_shared<il::Trace>();
    trace->info.mode = il::Mode::Threads;
    trace->info.lanes = trace->info.workers = trace->info.cores = 2;
    trace->info.laneNames = {"thread 1", "thread 2"};
    trace->info.originNs = 1000 * ms; // relative times below
    const std::int64_t o = trace->info.originNs;
    const auto span = [&](std::int64_t a, std::int64_t b, std::uint32_t task, std::uint16_t lane, std::uint16_t phase,
                          il::SpanKind kind) {
        il::Span sp;
        sp.startNs = o + a;
        sp.endNs = o + b;
        sp.task = task;
        sp.lane = lane;
        sp.phase = phase;
        sp.kind = kind;
        trace->spans.push_back(sp);
    };
    span(0, 10 * ms, 0, 0, 1, il::SpanKind::Cpu);
    span(2 * ms, 10 * ms + ms / 2, 1, 1, 0, il::SpanKind::LockWait);
    span(10 * ms + ms / 2, 15 * ms + ms / 2, 1, 1, 1, il::SpanKind::Cpu);
    span(11 * ms, 12 * ms, 2, 0, 1, il::SpanKind::Cpu);
    trace->tasks.resize(3);
    const std::int64_t bounds[3][2] = {{0, 10 * ms}, {2 * ms, 16 * ms}, {11 * ms, 12 * ms}};
    for (int t = 0; t < 3; ++t) {
        trace->tasks[t].startNs = o + bounds[t][0];
        trace->tasks[t].endNs = o + bounds[t][1];
        trace->tasks[t].lane = t == 1 ? 1 : 0;
        trace->tasks[t].state = il::TaskState::Done;
    }
    if (withHandoff)
        trace->shared.handoffs.push_back({QStringLiteral("A"), 0, 1, o + 10 * ms, o + 10 * ms + ms / 2});
    trace->indexSpans();
    trace->firstNs = o;
    trace->lastNs = o + 16 * ms;
    auto model = std::make_unique<il::TimelineModel>();
    model->setTaskSet(std::make_shared<const il::TaskSet>(*set.taskSet));
    model->setTrace(trace);
    return model;
}

// Two workers: task 0 computes on worker 1 from 0 to 10 ms; task 1, sent
// ahead at 2 ms, sits queued there until 10 ms, then computes 10..12 ms;
// task 2 computes on worker 2 from 0 to 20 ms. Without `queuedAt` the same
// run as older traces had it.
std::unique_ptr<il::TimelineModel> queuedAtModel(bool queuedAt)
{
    auto trace = std::make_shared<il::Trace>();
    trace->info.mode = il::Mode::Processes;
    trace->info.lanes = trace->info.workers = trace->info.cores = 2;
    trace->info.laneNames = {"worker 1 (pid 11)", "worker 2 (pid 22)"};
    trace->info.originNs = 1000 * ms;
    const std::int64_t o = trace->info.originNs;
    const auto span = [&](std::int64_t a, std::int64_t b, std::uint32_t task, std::uint16_t lane, il::SpanKind kind) {
        il::Span sp;
        sp.startNs = o + a;
        sp.endNs = o + b;
        sp.task = task;
        sp.lane = lane;
        sp.phase = kind == il::SpanKind::Cpu ? 0 : il::noPhase;
        sp.kind = kind;
        (kind == il::SpanKind::QueuedAt ? trace->queuedAt : trace->spans).push_back(sp);
    };
    span(0, 10 * ms, 0, 0, il::SpanKind::Cpu);
    span(10 * ms, 12 * ms, 1, 0, il::SpanKind::Cpu);
    span(0, 20 * ms, 2, 1, il::SpanKind::Cpu);
    if (queuedAt)
        span(2 * ms, 10 * ms, 1, 0, il::SpanKind::QueuedAt);
    trace->tasks.resize(3);
    const std::int64_t bounds[3][2] = {{0, 10 * ms}, {10 * ms, 12 * ms}, {0, 20 * ms}};
    for (int t = 0; t < 3; ++t) {
        trace->tasks[t].queuedNs = o;
        trace->tasks[t].startNs = o + bounds[t][0];
        trace->tasks[t].endNs = o + bounds[t][1];
        trace->tasks[t].lane = t == 2 ? 1 : 0;
        trace->tasks[t].state = il::TaskState::Done;
    }
    trace->indexSpans();
    trace->firstNs = o;
    trace->lastNs = o + 20 * ms;
    auto set = std::make_shared<il::TaskSet>();
    for (int t = 0; t < 3; ++t) {
        il::Task task;
        task.name = QStringLiteral("t%1").arg(t);
        task.phases = {{il::PhaseKind::Cpu, 1}};
        set->tasks.push_back(task);
    }
    auto model = std::make_unique<il::TimelineModel>();
    model->setTaskSet(set);
    model->setTrace(trace);
    return model;
}

// The colour at `tMs` in `row` of run 0, `fromBottom` pixels above the
// row's bottom edge (a row's middle when negative), as the painter draws it.
QRgb pixelAt(const il::TimelineModel &model, il::TimelineViewKind view, int row, double tMs, int fromBottom,
             const ui::SpanStyle &style)
{
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, view);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(0, static_cast<double>(model.extentNs()), 600);
    QImage image(600 + ui::TimelineLayout::labelWidth, 400, QImage::Format_RGB32);
    QPainter p(&image);
    ui::TimelinePainter().paint(p, image.rect(), scene, style);
    p.end();
    const auto [top, bottom] = layout.rowSpan(0, row);
    const int y = ui::TimelineLayout::rulerHeight + (fromBottom < 0 ? (top + bottom) / 2 : bottom - fromBottom);
    return image.pixel(static_cast<int>(scene.mapping.toX(tMs * double(ms))), y);
}

int arrowsPainted(const il::TimelineModel &model, il::TimelineViewKind view, bool show)
{
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, view);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.showHandoffs = show;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(0, static_cast<double>(model.extentNs()), 600);
    QImage image(600 + ui::TimelineLayout::labelWidth, 400, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    ui::TimelinePainter painter;
    painter.paint(p, image.rect(), scene, ui::SpanStyle::forPalette(QPalette()));
    return painter.lastArrowCount();
}

} // namespace

// The model's arrows (rows and relative times per view) and the painter's:
// one per handoff, in both views, none when switched off or when the run
// had no handoff.
void TestTimelineSegments::handoffArrowsInBothViews_data()
{
    QTest::addColumn<int>("view");
    QTest::addColumn<int>("fromRow");
    QTest::addColumn<int>("toRow");
    QTest::newRow("by lane") << int(il::TimelineViewKind::ByLane) << 0 << 1;
    QTest::newRow("by task") << int(il::TimelineViewKind::ByTask) << 0 << 1;
}

void TestTimelineSegments::handoffArrowsInBothViews()
{
    QFETCH(int, view);
    QFETCH(int, fromRow);
    QFETCH(int, toRow);
    const auto kind = il::TimelineViewKind(view);
    const auto owned = handoffModel(true);
    const il::TimelineModel &model = *owned;
    QCOMPARE(model.runCount(), 1);
    const std::vector<il::HandoffArrow> arrows = model.run(0).handoffArrows(kind);
    QCOMPARE(arrows.size(), std::size_t(1));
    QCOMPARE(arrows[0].fromRow, fromRow);
    QCOMPARE(arrows[0].toRow, toRow);
    QCOMPARE(arrows[0].fromNs, 10 * ms);
    QCOMPARE(arrows[0].toNs, 10 * ms + ms / 2);
    QCOMPARE(arrowsPainted(model, kind, true), 1);
    QCOMPARE(arrowsPainted(model, kind, false), 0);
    QCOMPARE(arrowsPainted(*handoffModel(false), kind, true), 0);
}

void TestTimelineSegments::segmentsMergeSubPixel()
{
    il::TimelineRow row;
    // 1000 items of 1 µs every 2 µs (2 ms), then one wide item.
    for (int i = 0; i < 1000; ++i)
        row.append(i * 2000, i * 2000 + 1000, i, 0, ItemKind::Cpu);
    row.append(3 * ms, 5 * ms, 1000, 0, ItemKind::Io);
    ui::TimeMapping m{0, 10'000, 0}; // 10 µs per pixel
    std::vector<ui::TimelinePainter::Segment> segs;
    ui::TimelinePainter::buildSegments(row, m, 1000, segs);
    QCOMPARE(segs.size(), 2u);
    QCOMPARE(segs[0].kind, ItemKind::Cpu);
    QCOMPARE(segs[0].x0, 0);
    QCOMPARE(segs[0].x1, 200);
    QCOMPARE(segs[1].kind, ItemKind::Io);
    QCOMPARE(segs[1].x0, 300);
    QCOMPARE(segs[1].x1, 500);
    // Zoomed in (100 ns per pixel), the first items stand apart.
    ui::TimeMapping zoomed{0, 100, 0};
    ui::TimelinePainter::buildSegments(row, zoomed, 1000, segs);
    QCOMPARE(segs.size(), 51u); // 0, 2, ... 100 µs: the last starts on the right edge
    QCOMPARE(segs[1].x0, 20);
    QCOMPARE(segs[1].x1, 30);
}

// Only items wide enough for a name are offered one: a million narrow items
// offer none (and cost no more), a wide one is offered with its task, phase,
// kind and length.
void TestTimelineSegments::namesOnlyWhereTheyFit()
{
    il::TimelineRow row;
    for (int i = 0; i < 1000; ++i)
        row.append(i * 2000, i * 2000 + 1000, i, 0, ItemKind::Cpu);
    row.append(3 * ms, 5 * ms, 1000, 2, ItemKind::Io);      // 200 px
    row.append(6 * ms, 6 * ms + 270'000, 1001, 0, ItemKind::Cpu); // 27 px: too narrow
    ui::TimeMapping m{0, 10'000, 0}; // 10 µs per pixel
    std::vector<ui::Segment> segs;
    std::vector<ui::NamedItem> named;
    ui::buildSegments(row, m, 1000, segs, &named);
    QCOMPARE(named.size(), 1u);
    QCOMPARE(named[0].task, 1000u);
    QCOMPARE(int(named[0].phase), 2);
    QCOMPARE(named[0].kind, ItemKind::Io);
    QCOMPARE(named[0].x0, 300);
    QCOMPARE(named[0].x1, 500);
    QCOMPARE(named[0].durationNs, 2 * ms);
    // Zoomed in 100×, the 1 µs items are 10 px: still none of them.
    ui::buildSegments(row, ui::TimeMapping{0, 100, 0}, 1000, segs, &named);
    QVERIFY(named.empty());
}

// By task a bar's name is its phase's kind and length: lengths that read
// the same share one laid-out text (a frame of 200,000 tasks lays out
// what it shows once, not once per nanosecond).
void TestTimelineSegments::phaseTextsThatReadTheSameAreOne()
{
    ui::SpanNameCache cache;
    const QFont font;
    const ui::SpanNameText &a = cache.phaseText(ItemKind::Io, 452'000, font);
    const ui::SpanNameText &b = cache.phaseText(ItemKind::Io, 452'300, font);
    QCOMPARE(a.text, QStringLiteral("io 452 µs"));
    QCOMPARE(&b, &a);
    QCOMPARE(&cache.phaseText(ItemKind::Io, 452'000, font), &a);
    const ui::SpanNameText &other = cache.phaseText(ItemKind::Io, 453'000, font);
    QCOMPARE(other.text, QStringLiteral("io 453 µs"));
    QVERIFY(&other != &a);
    const ui::SpanNameText &cpu = cache.phaseText(ItemKind::Cpu, 452'000, font);
    QCOMPARE(cpu.text, QStringLiteral("cpu 452 µs"));
    QVERIFY(&cpu != &a);
    // Found by number, a length reads as formatDurationMs writes it, across
    // units and decimals and at halves of a last digit (452.5 µs, 9.95 µs,
    // 10.05 ms, 99.95 ms, 1.005 s), in any order.
    std::vector<std::int64_t> lengths;
    for (std::int64_t ns = 0; ns < 2'000'000; ns += 50)
        lengths.push_back(ns);
    for (std::int64_t ns = 2'000'000; ns < 300'000'000'000; ns += ns / 997 + 1)
        lengths.push_back(ns);
    for (const std::int64_t tie : {452'500ll, 9'950ll, 10'050'000ll, 99'950'000ll, 1'005'000'000ll, 1'015'000'000ll})
        for (std::int64_t d = -2; d <= 2; ++d)
            lengths.push_back(tie + d);
    for (std::size_t i = 0; i < lengths.size(); ++i)
        std::swap(lengths[i], lengths[(i * 7919) % lengths.size()]);
    ui::SpanNameCache byNumber;
    for (const std::int64_t ns : lengths) {
        const QString expected = QStringLiteral("io ") + il::formatDurationMs(double(ns) / 1e6);
        if (byNumber.phaseText(ItemKind::Io, ns, font).text != expected)
            QFAIL(qPrintable(QStringLiteral("%1 ns reads %2, not %3").arg(ns).arg(byNumber.phaseText(ItemKind::Io, ns, font).text, expected)));
    }
}

void TestTimelineSegments::segmentsCoverMillionItems()
{
    il::TimelineRow row;
    row.reserve(1'000'000);
    for (std::int64_t i = 0; i < 1'000'000; ++i)
        row.append(i * 1000, i * 1000 + 500, std::uint32_t(i), 0, i % 2 ? ItemKind::Cpu : ItemKind::Io);
    ui::TimeMapping m;
    m.left = 0;
    m.fit(0, 1e9, 1600);
    std::vector<ui::TimelinePainter::Segment> segs;
    ui::TimelinePainter::buildSegments(row, m, 1600, segs);
    QVERIFY(!segs.empty());
    QVERIFY(segs.size() <= 1600u);
    // Contiguous coverage from the first to the last item: nothing dropped.
    for (std::size_t i = 1; i < segs.size(); ++i)
        QVERIFY(segs[i].x0 <= segs[i - 1].x1 + 1);
    QVERIFY(segs.back().x1 >= int(m.toX(1e9)) - 1);
}

QTEST_MAIN(TestTimelineSegments)
#include "tst_timelinesegments.moc"

// The widget: arrows on screen in both views, gone when switched off.
void TestTimelineSegments::viewDrawsHandoffsUntilSwitchedOff()
{
    const auto model = handoffModel(true);
    ui::TimelineView view;
    view.resize(900, 400);
    view.setModel(model.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.fitAll();
    QVERIFY(view.showsHandoffs());
    QTRY_COMPARE(view.handoffArrowsDrawn(), 1);
    view.setViewKind(il::TimelineViewKind::ByTask);
    view.viewport()->repaint();
    QCOMPARE(view.handoffArrowsDrawn(), 1);
    view.setShowHandoffs(false);
    view.viewport()->repaint();
    QCOMPARE(view.handoffArrowsDrawn(), 0);
    view.setShowHandoffs(true);
    view.viewport()->repaint();
    QCOMPARE(view.handoffArrowsDrawn(), 1);
}

// Hovering a lock-wait: which lock, and which task held it (the one that
// handed it over), with when it let go.
void TestTimelineSegments::lockWaitToolTipNamesLockAndHolder()
{
    const auto model = handoffModel(true);
    ui::TimelineView view;
    view.resize(900, 400);
    view.setModel(model.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.fitAll();
    for (auto kind : {il::TimelineViewKind::ByLane, il::TimelineViewKind::ByTask}) {
        view.setViewKind(kind);
        const int row = 1; // lane 2 by lane, task 1 by task
        const auto [top, bottom] = view.layout().rowSpan(0, row);
        const QPoint at(static_cast<int>(view.mapping().toX(5.0 * ms)),
                        ui::TimelineLayout::rulerHeight + (top + bottom) / 2 - view.verticalScrollBar()->value());
        const QString tip = view.toolTipAt(at);
        QVERIFY2(tip.contains(QStringLiteral("lock-wait")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("for lock A")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("held by t0 (task 0), which released it at 10.0 ms")), qPrintable(tip));
    }
    // Without the handoff (a wait that ended otherwise) nobody is named.
    const auto bare = handoffModel(false);
    QVERIFY(!ui::handoffEnding(bare->run(0), 1, 10 * ms + ms / 2));
    QVERIFY(ui::handoffEnding(model->run(0), 1, 10 * ms + ms / 2));
    QVERIFY(!ui::handoffEnding(model->run(0), 2, 10 * ms + ms / 2));
}

// A task sent ahead to a busy worker: by lane a strip in the queued-at ink
// along the bottom edge of the worker's lane while it sat there (the lane's
// bar above it is still the task it ran); by task its queue wait is drawn
// in the queued-at fill where it sat at the worker; hovering either says
// where and when. Without the record, neither is drawn.
void TestTimelineSegments::queuedAtWorkerIsAStripByLane()
{
    const auto with = queuedAtModel(true), without = queuedAtModel(false);
    for (bool dark : {false, true}) {
        QPalette palette;
        if (dark) {
            palette.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
            palette.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
            palette.setColor(QPalette::WindowText, Qt::white);
            palette.setColor(QPalette::Text, Qt::white);
        }
        const ui::SpanStyle style = ui::SpanStyle::forPalette(palette);
        const QRgb ink = style.kind(ItemKind::QueuedAt).ink.rgb();
        const QRgb fill = style.kind(ItemKind::QueuedAt).fill.rgb();
        const QRgb cpu = style.kind(ItemKind::Cpu).fill.rgb();
        QVERIFY(ink != cpu && fill != style.kind(ItemKind::Queued).fill.rgb());
        const auto lane = il::TimelineViewKind::ByLane;
        const int pad = 4; // the strip's bottom pixel: 3 px of padding under the bars, then the strip
        QCOMPARE(QColor(pixelAt(*with, lane, 0, 6, pad, style)).name(), QColor(ink).name());
        QCOMPARE(QColor(pixelAt(*with, lane, 0, 6, -1, style)).name(), QColor(cpu).name()); // the lane ran task 0
        QCOMPARE(QColor(pixelAt(*without, lane, 0, 6, pad, style)).name(), QColor(cpu).name());
        QCOMPARE(QColor(pixelAt(*with, lane, 0, 1, pad, style)).name(), QColor(cpu).name()); // before it was sent
        QCOMPARE(QColor(pixelAt(*with, lane, 1, 6, pad, style)).name(), QColor(cpu).name()); // another worker
        // By task, task 1's row: the fill where it sat at worker 1 (the
        // wait's horizontal lines may cross the middle: look for the fill
        // along the bar's height), the queued fill before.
        const auto task = il::TimelineViewKind::ByTask;
        bool found = false;
        for (int up = 4; up < 20 && !found; ++up)
            found = pixelAt(*with, task, 1, 6, up, style) == fill;
        QVERIFY2(found, "no queued-at fill in task 1's row at 6 ms");
        for (int up = 4; up < 20; ++up)
            QVERIFY(pixelAt(*without, task, 1, 6, up, style) != fill);
    }

    ui::TimelineView view;
    view.resize(900, 400);
    view.setModel(with.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.fitAll();
    const auto at = [&](int row, double tMs, bool low) {
        const auto [top, bottom] = view.layout().rowSpan(0, row);
        return QPoint(static_cast<int>(view.mapping().toX(tMs * double(ms))),
                      ui::TimelineLayout::rulerHeight + (low ? bottom - 4 : (top + bottom) / 2)
                          - view.verticalScrollBar()->value());
    };
    const QString where = QStringLiteral("queued at worker 1 (pid 11) from 2.00 ms to 10.0 ms");
    QString tip = view.toolTipAt(at(0, 6, true));
    QVERIFY2(tip.contains(where) && tip.contains(QStringLiteral("t1 (task 1)")), qPrintable(tip));
    tip = view.toolTipAt(at(0, 6, false));
    QVERIFY2(!tip.contains(QStringLiteral("queued at")) && tip.contains(QStringLiteral("t0 (task 0)")), qPrintable(tip));
    view.setViewKind(il::TimelineViewKind::ByTask);
    tip = view.toolTipAt(at(1, 6, false));
    QVERIFY2(tip.contains(where), qPrintable(tip));
    tip = view.toolTipAt(at(1, 1, false));
    QVERIFY2(tip.contains(QStringLiteral("queued")) && !tip.contains(QStringLiteral("queued at")), qPrintable(tip));
}
