// Queue and wake-up arrows on the timeline (View menu): drawn where the
// model says, in both views, only when switched on, thinned when there are
// too many to read.
#include "core/model/taskset.h"
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/passes/renderpasses.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelineview.h"

#include "synthetictrace.h"

#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QTest>

#include <memory>

using il::TimelineViewKind;

namespace {
constexpr std::int64_t ms = 1'000'000;
constexpr int axisWidth = 600;
constexpr int imageHeight = 300;

std::shared_ptr<const il::TaskSet> namedTasks(int n)
{
    auto set = std::make_shared<il::TaskSet>();
    for (int i = 0; i < n; ++i) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i);
        t.phases = {{il::PhaseKind::Io, 10}, {il::PhaseKind::Cpu, 5}};
        set->tasks.push_back(t);
    }
    return set;
}

// Relative times in ms; mode decides where io goes.
struct TraceMaker
{
    std::shared_ptr<il::Trace> trace = std::make_shared<il::Trace>();
    std::int64_t o = 1000 * ms;
    TraceMaker(il::Mode mode, int lanes, int tasks)
    {
        trace->info.mode = mode;
        trace->info.lanes = trace->info.workers = trace->info.cores = lanes;
        for (int l = 0; l < lanes; ++l)
            trace->info.laneNames << QStringLiteral("lane %1").arg(l + 1);
        trace->info.originNs = o;
        trace->tasks.resize(std::size_t(tasks));
    }
    void span(double a, double b, std::uint32_t task, std::uint16_t lane, il::SpanKind kind)
    {
        il::Span s;
        s.startNs = o + std::int64_t(a * ms);
        s.endNs = o + std::int64_t(b * ms);
        s.task = task;
        s.lane = lane;
        s.kind = kind;
        trace->spans.push_back(s);
    }
    void task(std::uint32_t t, double queued, double start, double end, std::uint16_t lane)
    {
        il::TaskRecord &r = trace->tasks[t];
        r.queuedNs = o + std::int64_t(queued * ms);
        r.startNs = o + std::int64_t(start * ms);
        r.endNs = o + std::int64_t(end * ms);
        r.lane = lane;
        r.state = il::TaskState::Done;
    }
    std::unique_ptr<il::TimelineModel> model(double lastMs)
    {
        trace->indexSpans();
        trace->firstNs = o;
        trace->lastNs = o + std::int64_t(lastMs * ms);
        auto m = std::make_unique<il::TimelineModel>();
        m->setTaskSet(namedTasks(int(trace->tasks.size())));
        m->setTrace(trace);
        return m;
    }
};

// The event loop: both tasks await io 0..10 ms off the loop; task 0 runs
// 10..15, task 1 (ready from 10) runs 20..25: a 10 ms wait for the loop.
std::unique_ptr<il::TimelineModel> loopModel()
{
    TraceMaker m(il::Mode::EventLoop, 1, 2);
    m.task(0, 0, 0, 15, 0);
    m.task(1, 0, 0, 25, 0);
    m.span(0, 10, 0, il::noLane, il::SpanKind::Io);
    m.span(0, 10, 1, il::noLane, il::SpanKind::Io);
    m.span(10, 20, 1, il::noLane, il::SpanKind::Ready);
    m.span(10, 15, 0, 0, il::SpanKind::Cpu);
    m.span(20, 25, 1, 0, il::SpanKind::Cpu);
    return m.model(25);
}

// Two threads, three tasks queued at 0; task 2 waits for lane 0 until 14 ms.
std::unique_ptr<il::TimelineModel> threadsModel()
{
    TraceMaker m(il::Mode::Threads, 2, 3);
    m.task(0, 0, 2, 14, 0);
    m.task(1, 0, 2, 14, 1);
    m.task(2, 0, 14, 25, 0);
    for (std::uint32_t t = 0; t < 3; ++t) {
        const double s = t == 2 ? 14 : 2;
        m.span(s, s + 6, t, t == 1 ? 1 : 0, il::SpanKind::Io);
        m.span(s + 6, s + 11, t, t == 1 ? 1 : 0, il::SpanKind::Cpu);
    }
    return m.model(25);
}

struct Shot
{
    QImage image;
    int queue = 0;
    int wake = 0;
    ui::TimeMapping mapping;
    ui::TimelineLayout layout;
};

Shot render(const il::TimelineModel &model, TimelineViewKind view, bool queue, bool wake, const QPalette &palette = {})
{
    Shot s;
    s.layout = ui::TimelineLayout::compute(model, view);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &s.layout;
    scene.showQueueArrows = queue;
    scene.showWakeArrows = wake;
    scene.showHandoffs = false;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(0, double(model.extentNs()), axisWidth);
    s.mapping = scene.mapping;
    s.image = QImage(axisWidth + ui::TimelineLayout::labelWidth, imageHeight, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&s.image);
    ui::TimelinePainter painter;
    painter.paint(p, s.image.rect(), scene, ui::SpanStyle::forPalette(palette));
    s.queue = painter.lastQueueArrowCount();
    s.wake = painter.lastWakeArrowCount();
    return s;
}

int differingPixels(const QImage &a, const QImage &b, const QRect &area)
{
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            if (a.pixel(x, y) != b.pixel(x, y))
                ++n;
    return n;
}

int pixelsNear(const QImage &image, const QColor &colour, const QRect &area, int tolerance = 40)
{
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green())
                    + std::abs(c.blue() - colour.blue()) <= tolerance)
                ++n;
        }
    return n;
}

// The content y of a row's middle in the first run.
int rowMiddle(const Shot &s, int row)
{
    const ui::TimelineLayout::Band &band = s.layout.bands.at(0);
    return ui::TimelineLayout::rulerHeight + band.rowsTop() + row * band.rowHeight + band.rowHeight / 2;
}

QRect around(double x, int y, int r = 4)
{
    return QRect(int(std::lround(x)) - r, y - r, 2 * r + 1, 2 * r + 1);
}
} // namespace

class TestArrows : public QObject
{
    Q_OBJECT
private slots:
    void offDrawsNothing_data();
    void offDrawsNothing();
    void wakeArrowsEndWhereTheLoopRanTheTask_data();
    void wakeArrowsEndWhereTheLoopRanTheTask();
    void queueArrowsEndWhereALaneStartedTheTask();
    void thinnedWhenTooManyToRead();
    void viewDrawsThemUntilSwitchedOff();
};

// Switched off, no arrow is collected and not a pixel changes; on, the
// arrows of runs where they apply change the picture, and a run where a
// kind does not apply (threads await io on their lane) is left alone.
void TestArrows::offDrawsNothing_data()
{
    QTest::addColumn<int>("view");
    QTest::newRow("by lane") << int(TimelineViewKind::ByLane);
    QTest::newRow("by task") << int(TimelineViewKind::ByTask);
}

void TestArrows::offDrawsNothing()
{
    QFETCH(int, view);
    const auto kind = TimelineViewKind(view);
    const auto loop = loopModel();
    const Shot off = render(*loop, kind, false, false);
    QCOMPARE(off.queue, 0);
    QCOMPARE(off.wake, 0);
    const Shot wake = render(*loop, kind, false, true);
    QCOMPARE(wake.queue, 0);
    QVERIFY(wake.wake > 0);
    QVERIFY(differingPixels(off.image, wake.image, off.image.rect()) > 20);
    const auto threads = threadsModel();
    const Shot threadsOff = render(*threads, kind, false, false);
    const Shot threadsWake = render(*threads, kind, false, true);
    QCOMPARE(threadsWake.wake, 0);
    QCOMPARE(differingPixels(threadsOff.image, threadsWake.image, threadsOff.image.rect()), 0);
    const Shot threadsQueue = render(*threads, kind, true, false);
    QCOMPARE(threadsQueue.queue, 3);
    QVERIFY(differingPixels(threadsOff.image, threadsQueue.image, threadsOff.image.rect()) > 20);
}

// Task 1's io ended at 10 ms; the loop ran it at 20 ms. By task the arrow
// runs along its row from 10 to 20 ms; by lane from the io row to the
// loop's lane. Its head is in the wake colour, where the model says, in
// both palettes; the zero-length wait of task 0 draws nothing by task.
void TestArrows::wakeArrowsEndWhereTheLoopRanTheTask_data()
{
    QTest::addColumn<int>("view");
    QTest::addColumn<bool>("dark");
    QTest::newRow("by lane, light") << int(TimelineViewKind::ByLane) << false;
    QTest::newRow("by task, light") << int(TimelineViewKind::ByTask) << false;
    QTest::newRow("by lane, dark") << int(TimelineViewKind::ByLane) << true;
    QTest::newRow("by task, dark") << int(TimelineViewKind::ByTask) << true;
}

void TestArrows::wakeArrowsEndWhereTheLoopRanTheTask()
{
    QFETCH(int, view);
    QFETCH(bool, dark);
    const auto kind = TimelineViewKind(view);
    QPalette palette;
    if (dark) {
        palette.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
        palette.setColor(QPalette::Base, QColor(0x1b, 0x1d, 0x21));
        palette.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    }
    const auto model = loopModel();
    const std::vector<il::TaskArrow> arrows = model->run(0).taskArrows(il::TaskArrowKind::Wake, kind);
    QCOMPARE(arrows.size(), std::size_t(2));
    const il::TaskArrow &a = arrows[1];
    QCOMPARE(a.task, 1u);
    QCOMPARE(a.fromNs, 10 * ms);
    QCOMPARE(a.toNs, 20 * ms);
    const Shot on = render(*model, kind, false, true, palette);
    const Shot off = render(*model, kind, false, false, palette);
    const QColor ink = ui::passes::wakeArrowColor(ui::SpanStyle::forPalette(palette));
    const double headX = on.mapping.toX(double(a.toNs));
    const double tailX = on.mapping.toX(double(a.fromNs));
    const int headY = rowMiddle(on, a.toRow);
    QVERIFY2(pixelsNear(on.image, ink, around(headX - 3, headY)) >= 6, "no arrow head at the loop's start of task 1");
    QCOMPARE(pixelsNear(off.image, ink, around(headX - 3, headY)), 0);
    // The shaft: dashed, so somewhere along the middle of it.
    const QPointF mid((headX + tailX) / 2, (headY + rowMiddle(on, a.fromRow)) / 2.0);
    QVERIFY2(differingPixels(on.image, off.image, around(mid.x(), int(mid.y()), 5)) >= 3,
             "no shaft between io end and the loop");
    if (kind == TimelineViewKind::ByTask) {
        // Task 0 ran the moment its io ended: nothing to draw on its row.
        QCOMPARE(arrows[0].fromNs, arrows[0].toNs);
        QCOMPARE(pixelsNear(on.image, ink, QRect(ui::TimelineLayout::labelWidth, rowMiddle(on, 0) - 3, axisWidth, 7)), 0);
    } else {
        QCOMPARE(a.fromRow, 1); // the io row under the loop's lane
        QCOMPARE(a.toRow, 0);
    }
}

// Queue arrows: task 2 was queued at 0 and started on lane 0 at 14 ms. By
// task along its own row; by lane from the run's header (the queue) at 0
// down to lane 0 at 14 ms.
void TestArrows::queueArrowsEndWhereALaneStartedTheTask()
{
    const auto model = threadsModel();
    for (const TimelineViewKind kind : {TimelineViewKind::ByLane, TimelineViewKind::ByTask}) {
        const std::vector<il::TaskArrow> arrows = model->run(0).taskArrows(il::TaskArrowKind::Queue, kind);
        QCOMPARE(arrows.size(), std::size_t(3));
        const auto it = std::find_if(arrows.begin(), arrows.end(), [](const il::TaskArrow &a) { return a.task == 2; });
        QVERIFY(it != arrows.end());
        QCOMPARE(it->fromNs, 0);
        QCOMPARE(it->toNs, 14 * ms);
        QCOMPARE(it->toRow, kind == TimelineViewKind::ByTask ? 2 : 0);
        QCOMPARE(it->fromRow, kind == TimelineViewKind::ByTask ? 2 : il::TaskArrow::queueRow);
        const Shot on = render(*model, kind, true, false);
        const Shot off = render(*model, kind, false, false);
        const double headX = on.mapping.toX(double(it->toNs));
        const int headY = rowMiddle(on, it->toRow);
        QVERIFY2(differingPixels(on.image, off.image, around(headX - 3, headY)) >= 6,
                 qPrintable(QStringLiteral("no queue arrow head at task 2's start (%1)")
                                .arg(kind == TimelineViewKind::ByTask ? "by task" : "by lane")));
    }
}

// A run of 20,000 tasks at fit: every task has a queue arrow, but a frame
// draws at most one per few pixels of each lane, so the fan stays readable
// and the frame cheap; by task only the rows on screen have theirs.
void TestArrows::thinnedWhenTooManyToRead()
{
    const int lanes = 8;
    const il::TracePtr trace = testdata::makeSyntheticTrace(20'000 * 7, lanes, 3);
    il::TimelineModel model;
    model.setTaskSet(namedTasks(int(trace->tasks.size())));
    model.setTrace(trace);
    QCOMPARE(model.run(0).taskArrows(il::TaskArrowKind::Queue, TimelineViewKind::ByLane).size(), trace->tasks.size());
    const Shot byLane = render(model, TimelineViewKind::ByLane, true, false);
    QVERIFY2(byLane.queue >= lanes * 20, qPrintable(QString::number(byLane.queue)));
    QVERIFY2(byLane.queue <= lanes * (axisWidth / 5 + 4), qPrintable(QString::number(byLane.queue)));
    QVERIFY2(byLane.queue <= 400, qPrintable(QString::number(byLane.queue))); // a frame's budget per kind
    const Shot byTask = render(model, TimelineViewKind::ByTask, true, false);
    const int rowsOnScreen = (imageHeight - ui::TimelineLayout::rulerHeight) / ui::TimelineLayout::taskRowHeight + 1;
    QVERIFY2(byTask.queue > 0 && byTask.queue <= rowsOnScreen, qPrintable(QString::number(byTask.queue)));
}

// The widget follows its switches, in both views.
void TestArrows::viewDrawsThemUntilSwitchedOff()
{
    const auto model = loopModel();
    ui::TimelineView view;
    view.resize(900, 400);
    view.setModel(model.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.fitAll();
    QVERIFY(!view.showsQueueArrows());
    QVERIFY(!view.showsWakeArrows());
    view.viewport()->repaint();
    QCOMPARE(view.queueArrowsDrawn(), 0);
    QCOMPARE(view.wakeArrowsDrawn(), 0);
    view.setShowWakeArrows(true);
    view.viewport()->repaint();
    QCOMPARE(view.wakeArrowsDrawn(), 2);
    QCOMPARE(view.queueArrowsDrawn(), 0);
    view.setShowQueueArrows(true);
    view.setViewKind(TimelineViewKind::ByTask);
    view.viewport()->repaint();
    QCOMPARE(view.queueArrowsDrawn(), 2);
    QCOMPARE(view.wakeArrowsDrawn(), 2);
    view.setShowWakeArrows(false);
    view.setShowQueueArrows(false);
    view.viewport()->repaint();
    QCOMPARE(view.queueArrowsDrawn(), 0);
    QCOMPARE(view.wakeArrowsDrawn(), 0);
}

QTEST_MAIN(TestArrows)
#include "tst_arrows.moc"
