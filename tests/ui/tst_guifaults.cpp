// The GUI side of faults and bad input (issue 4): a task whose worker dies is
// marked failed in both views, in the run header, the status bar and the
// "why" text; a cancelled one is marked differently; every malformed task set
// is reported inline and leaves the loaded set alone; Run is refused while a
// run goes; closing the window mid-run (in process, and the real app on
// SIGTERM / SIGINT) ends promptly and leaves no worker behind.
#include "../common/processes.h"
#include "ui/chart/comparisonchart.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/text/incidenttext.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runsession.h"
#include "ui/window/tasksetpanel.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

using il::Mode;

namespace {

QString binDir() { return QCoreApplication::applicationDirPath(); }
QString appPath() { return binDir() + QStringLiteral("/interleave"); }
QString workerPath() { return binDir() + QStringLiteral("/interleave-worker"); }
QString fakeWorkerPath() { return binDir() + QStringLiteral("/il-fake-worker"); }

il::TaskSet uniformSet(int count, std::vector<il::Phase> phases, const QString &name = QStringLiteral("faults"))
{
    il::TaskSet set;
    set.name = name;
    for (int i = 0; i < count; ++i) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i);
        t.phases = phases;
        set.tasks.push_back(std::move(t));
    }
    return set;
}

il::Phase cpu(double ms) { return {il::PhaseKind::Cpu, ms}; }
il::Phase io(double ms) { return {il::PhaseKind::Io, ms}; }

void setModes(ui::MainWindow &w, std::initializer_list<Mode> modes)
{
    for (Mode m : il::allModes)
        w.modeAction(m)->setChecked(std::find(modes.begin(), modes.end(), m) != modes.end());
}

bool waitForFinish(ui::MainWindow &w, int timeoutMs = 60000)
{
    QSignalSpy spy(w.session(), &ui::RunSession::finished);
    if (!w.session()->isRunning())
        return true;
    return spy.wait(timeoutMs) || spy.count() > 0;
}

using testprocs::childPids;
using testprocs::cpuTicks;
using testprocs::processExists;

int countColour(const QImage &image, QRgb colour)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < img.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(img.constScanLine(y));
        for (int x = 0; x < img.width(); ++x)
            n += (line[x] & 0xffffff) == (colour & 0xffffff);
    }
    return n;
}

QImage renderTimeline(ui::MainWindow &w)
{
    ui::TimelineView *view = w.timeline();
    QImage image(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    view->renderTo(p, QRect(QPoint(0, 0), image.size()));
    p.end();
    return image;
}

// The centre of the mark's bar in viewport coordinates (the view must show it).
QPoint markPoint(ui::MainWindow &w, int runIndex, const il::TaskMark &mark)
{
    ui::TimelineView *view = w.timeline();
    const il::TimelineRun &run = view->model()->run(runIndex);
    const int row = run.markRow(view->viewKind(), mark);
    const auto [top, bottom] = view->layout().rowSpan(runIndex, row);
    const double x = view->mapping().toX((static_cast<double>(mark.start) + static_cast<double>(mark.end)) / 2);
    return QPoint(static_cast<int>(x),
                  ui::TimelineLayout::rulerHeight + (top + bottom) / 2 - view->verticalScrollBar()->value());
}

// Scrolls the view so that the run's row is on screen.
void scrollToRow(ui::MainWindow &w, int runIndex, int row)
{
    ui::TimelineView *view = w.timeline();
    const auto [top, bottom] = view->layout().rowSpan(runIndex, row);
    view->verticalScrollBar()->setValue(std::max(0, top - 60));
    Q_UNUSED(bottom);
}

QString snapshotDir()
{
    return qEnvironmentVariable("INTERLEAVE_UI_SNAPSHOTS");
}

void snapshot(QWidget &w, const QString &name)
{
    const QString dir = snapshotDir();
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QCoreApplication::processEvents();
    w.grab().save(dir + QLatin1Char('/') + name);
}

} // namespace

class TestGuiFaults : public QObject
{
    Q_OBJECT
    std::unique_ptr<ui::MainWindow> m_badWindow;
    QByteArray m_badBefore;
    QString m_badOrigin;
    QTemporaryDir m_badDir;

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void liveAndFinalMarksAgree();
    void failedTaskVisible();
    void droppedEventsShown();
    void cancelledTaskMarkedDistinctly();
    void runLevelErrorShown();
    void badInputKeepsTaskSet_data();
    void badInputKeepsTaskSet();
    void runRefusedWhileRunning();
    void closeMidRunInProcess_data();
    void closeMidRunInProcess();
    void appClosesOnSignal_data();
    void appClosesOnSignal();
    void appRejectsBadOptions();
};

void TestGuiFaults::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(QFileInfo(fakeWorkerPath()).isExecutable(), qPrintable(fakeWorkerPath()));
    QVERIFY2(QFileInfo(workerPath()).isExecutable(), qPrintable(workerPath()));
    QVERIFY2(QFileInfo(appPath()).isExecutable(), qPrintable(appPath()));
}

void TestGuiFaults::init()
{
    qunsetenv("IL_FAKE_MODE");
    qunsetenv("IL_FAKE_TASK");
    qunsetenv("IL_FAKE_ONCE");
}

void TestGuiFaults::cleanup()
{
    // After every test: no worker left, alive or zombie (a deadline, not a speed target).
    QTRY_VERIFY2_WITH_TIMEOUT(childPids().empty(),
                              qPrintable(QStringLiteral("%1 child process(es) left").arg(childPids().size())), 15000);
}

// The model marks a failed task the same way whether it learnt of it live,
// batch by batch, or from the final trace.
void TestGuiFaults::liveAndFinalMarksAgree()
{
    auto set = std::make_shared<const il::TaskSet>(uniformSet(3, {cpu(1), io(1)}));
    il::RunInfo info;
    info.mode = Mode::Processes;
    info.lanes = 2;
    info.workers = 2;
    info.originNs = 1'000'000;
    const std::int64_t o = info.originNs;
    using K = il::EventKind;
    auto ev = [](K kind, std::int64_t t, std::uint32_t task, std::uint16_t lane, il::SpanKind span = il::SpanKind::None,
                 std::uint16_t phase = il::noPhase) {
        il::Event e;
        e.tNs = t;
        e.task = task;
        e.lane = lane;
        e.phase = phase;
        e.kind = kind;
        e.span = span;
        return e;
    };
    const std::vector<il::Event> events = {
        ev(K::Queued, o + 0, 0, il::noLane), ev(K::Queued, o + 0, 1, il::noLane), ev(K::Queued, o + 0, 2, il::noLane),
        ev(K::TaskStart, o + 10, 0, 0), ev(K::SpanBegin, o + 10, 0, 0, il::SpanKind::Cpu, 0),
        ev(K::TaskStart, o + 12, 1, 1), ev(K::SpanBegin, o + 12, 1, 1, il::SpanKind::Cpu, 0),
        ev(K::SpanEnd, o + 20, 0, 0, il::SpanKind::Cpu, 0), ev(K::SpanBegin, o + 20, 0, 0, il::SpanKind::Io, 1),
        ev(K::SpanEnd, o + 22, 1, 1, il::SpanKind::Cpu, 0), ev(K::SpanBegin, o + 22, 1, 1, il::SpanKind::Io, 1),
        // Task 1's worker dies in its io phase; task 0 ends; task 2 is cancelled before it starts.
        ev(K::TaskFailed, o + 30, 1, 1),
        ev(K::SpanEnd, o + 40, 0, 0, il::SpanKind::Io, 1), ev(K::TaskEnd, o + 40, 0, 0),
        ev(K::TaskCancelled, o + 45, 2, il::noLane),
    };
    il::TimelineModel live;
    live.setTaskSet(set);
    il::LiveRunBuilder builder(live, info, set->tasks.size());
    // In two batches, split right after the failure.
    for (auto [from, to] : {std::pair<std::size_t, std::size_t>{0, 12}, {12, events.size()}})
        builder.add(events.data() + from, to - from, o + 50);
    const il::TimelineRun &lr = live.run(0);
    QCOMPARE(lr.failedTasks(), 1);
    QCOMPARE(lr.cancelledTasks(), 1);
    QCOMPARE(lr.taskState(0), il::TaskState::Done);
    QCOMPARE(lr.taskState(1), il::TaskState::Failed);
    QCOMPARE(lr.taskState(2), il::TaskState::Cancelled);
    QCOMPARE(lr.marks().size(), std::size_t(1)); // task 2 never started: nothing to mark
    const il::TaskMark liveMark = lr.marks().front();
    QCOMPARE(liveMark.task, 1u);
    QCOMPARE(liveMark.state, il::TaskState::Failed);
    QCOMPARE(liveMark.kind, il::ItemKind::Io);
    QCOMPARE(liveMark.lane, std::uint16_t(1));
    QCOMPARE(liveMark.start, 22);
    QCOMPARE(liveMark.end, 30);
    QCOMPARE(lr.markRow(il::TimelineViewKind::ByLane, liveMark), 1);
    QCOMPARE(lr.markRow(il::TimelineViewKind::ByTask, liveMark), 1);
    QCOMPARE(lr.markFor(1), &lr.marks().front());
    QVERIFY(!lr.markFor(0));

    // The rescan path (no batch) finds the same.
    il::TimelineModel rescanned;
    rescanned.setTaskSet(set);
    il::LiveRunBuilder rescanning(rescanned, info, set->tasks.size());
    rescanning.addToTraceOnly(events);
    rescanning.rescan(o + 50);
    QCOMPARE(rescanned.run(0).failedTasks(), 1);
    QCOMPARE(rescanned.run(0).marks().size(), std::size_t(1));
    QCOMPARE(rescanned.run(0).marks().front().end, 30);

    auto trace = std::make_shared<il::Trace>(builder.finish(o + 50, false));
    // The incident as data. Its detail (a worker's stderr, shown only) names
    // another task on purpose: nothing may read which task failed from it.
    il::Incident crash;
    crash.kind = il::IncidentKind::WorkerCrashed;
    crash.lane = 1;
    crash.pid = 4242;
    crash.task = 1;
    crash.tNs = o + 30;
    crash.replaced = true;
    crash.detail = QStringLiteral("stderr: gave up on task 11");
    trace->incidents.push_back(crash);
    live.setTrace(trace);
    const il::TimelineRun &fr = live.run(0);
    QCOMPARE(fr.failedTasks(), 1);
    QCOMPARE(fr.cancelledTasks(), 1);
    QCOMPARE(fr.marks().size(), std::size_t(1));
    const il::TaskMark &m = fr.marks().front();
    QCOMPARE(m.task, liveMark.task);
    QCOMPARE(m.start, liveMark.start);
    QCOMPARE(m.end, liveMark.end);
    QCOMPARE(m.lane, liveMark.lane);
    QCOMPARE(m.kind, liveMark.kind);
    // Words for it.
    const QString header = ui::TimelinePainter::runHeaderText(fr, 3);
    QVERIFY2(header.contains(QLatin1String("1 failed")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("1 cancelled")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("crashed or was killed")), qPrintable(header));
    // A failed task's words come from the incident that names it by index,
    // its lane and pid from the record; the detail is only shown.
    const QString why = ui::failureTextFor(fr, 1);
    QCOMPARE(why, ui::incidentText(crash, fr.info()));
    QVERIFY2(why.startsWith(QLatin1String("worker 2 (pid 4242) crashed or was killed")), qPrintable(why));
    QVERIFY2(why.contains(QLatin1String("task 1 failed")), qPrintable(why));
    QVERIFY2(why.contains(crash.detail), qPrintable(why));
    QVERIFY(ui::failureTextFor(fr, 11).isEmpty()); // named in the detail only
    QVERIFY(ui::failureTextFor(fr, 0).isEmpty());
    QCOMPARE(ui::comparisonProblemSummary(live), QStringLiteral("1 failed · 1 incident"));
    QCOMPARE(ui::runProblemLines(fr), QStringList{QStringLiteral("⚠ ") + why});
}

// The recorder ran out of room: the run header says how many events were
// dropped, its tooltip the incident in full, from the trace's count.
void TestGuiFaults::droppedEventsShown()
{
    auto set = std::make_shared<const il::TaskSet>(uniformSet(2, {io(1)}));
    il::RunInfo info;
    info.mode = Mode::Threads;
    info.lanes = 2;
    info.workers = 2;
    info.laneNames = {QStringLiteral("thread 1"), QStringLiteral("thread 2")};
    il::TimelineModel model;
    model.setTaskSet(set);
    il::TraceBuilder builder(info, set->tasks.size());
    auto trace = std::make_shared<il::Trace>(il::Trace::fromBuilder(std::move(builder), 0, false));
    trace->eventsDropped = 12345;
    il::Incident full;
    full.kind = il::IncidentKind::EventsDropped;
    full.lane = 1;
    full.value = 12345;
    trace->incidents.push_back(full);
    model.setTrace(trace);
    const il::TimelineRun &run = model.run(0);
    const QString header = ui::TimelinePainter::runHeaderText(run, 2);
    QVERIFY2(header.contains(QStringLiteral("⚠ 12345 events dropped")), qPrintable(header));
    const QString tip = ui::TimelinePainter::runHeaderToolTip(run, 2);
    QVERIFY2(tip.contains(QLatin1String("the recorder was full: 12345 events dropped on thread 2")), qPrintable(tip));
    const QString summary = ui::comparisonProblemSummary(model);
    QVERIFY2(summary.contains(QLatin1String("1 incident")), qPrintable(summary));
}

// A worker SIGKILLs itself in the middle of task 1 (the fake worker of the
// pool fault tests): the task is marked failed everywhere a user looks.
void TestGuiFaults::failedTaskVisible()
{
    qputenv("IL_FAKE_MODE", "kill-on-task");
    qputenv("IL_FAKE_TASK", "1");
    ui::MainWindow w({false});
    w.resize(1400, 900);
    w.taskSetPanel()->setTaskSet(uniformSet(6, {cpu(2), io(60)}), QStringLiteral("faults"));
    setModes(w, {Mode::Sequential, Mode::Processes});
    w.workersBox()->setValue(2);
    w.setWorkerPath(fakeWorkerPath());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.run();
    QVERIFY(waitForFinish(w));

    // The engine's account.
    QCOMPARE(w.session()->results().size(), std::size_t(2));
    const il::RunResultPtr &r = w.session()->results()[1];
    QCOMPARE(r->trace->info.mode, Mode::Processes);
    QCOMPARE(r->trace->tasks[1].state, il::TaskState::Failed);
    QCOMPARE(r->metrics.failed, 1);
    QCOMPARE(r->trace->incidents.size(), std::size_t(1));
    const il::Incident &crash = r->trace->incidents.front();
    QCOMPARE(crash.kind, il::IncidentKind::WorkerCrashed);
    QCOMPARE(crash.task, 1u);
    const QString note = ui::incidentText(crash, r->trace->info);
    QVERIFY2(note.contains(QLatin1String("crashed or was killed; task 1 failed; worker replaced")), qPrintable(note));

    // The model's.
    const il::TimelineModel &model = w.session()->model();
    QCOMPARE(model.runCount(), 2);
    QCOMPARE(model.run(0).failedTasks(), 0);
    QVERIFY(model.run(0).marks().empty());
    const il::TimelineRun &run = model.run(1);
    QCOMPARE(run.failedTasks(), 1);
    QCOMPARE(run.cancelledTasks(), 0);
    QCOMPARE(run.taskState(1), il::TaskState::Failed);
    QCOMPARE(run.taskState(0), il::TaskState::Done);
    const il::TaskMark *mark = run.markFor(1);
    QVERIFY(mark);
    QCOMPARE(mark->state, il::TaskState::Failed);
    QCOMPARE(mark->kind, il::ItemKind::Io); // it died in its io phase
    QVERIFY(mark->lane < 2);
    QVERIFY(mark->end >= mark->start);

    // The header: its text, drawn and as a tooltip.
    const QString header = ui::TimelinePainter::runHeaderText(run, 6);
    QVERIFY2(header.contains(QLatin1String("1 failed")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("crashed or was killed")), qPrintable(header));
    QVERIFY(!ui::TimelinePainter::runHeaderText(model.run(0), 6).contains(QLatin1String("failed")));
    ui::TimelineView *view = w.timeline();
    const auto [headerTop, headerBottom] = std::pair{view->layout().bands[1].top, view->layout().bands[1].rowsTop()};
    const QPoint headerPos(400, ui::TimelineLayout::rulerHeight + (headerTop + headerBottom) / 2
                                    - view->verticalScrollBar()->value());
    const QString headerTip = view->toolTipAt(headerPos);
    QVERIFY2(headerTip.contains(QLatin1String("1 task failed")), qPrintable(headerTip));
    QVERIFY2(headerTip.contains(note), qPrintable(headerTip));

    // The status bar and the "why" text.
    const QString status = w.session()->statusText();
    QVERIFY2(status.contains(QLatin1String("1 failed")), qPrintable(status));
    QVERIFY2(status.contains(QLatin1String("1 incident")), qPrintable(status));
    QVERIFY2(w.whyLabel()->text().contains(QLatin1String("processes: 1 task failed")), qPrintable(w.whyLabel()->text()));
    QVERIFY2(w.whyLabel()->text().contains(QLatin1String("crashed or was killed")), qPrintable(w.whyLabel()->text()));
    QCOMPARE(w.chart()->categories(), QStringList({QStringLiteral("sequential"), QStringLiteral("processes (1 failed)")}));
    // sequential's utilisation is drawn; the failed run's is missing.
    QCOMPARE(w.chart()->utilisation().size(), std::size_t(2));
    QVERIFY(w.chart()->utilisation()[0].has_value());
    QVERIFY(!w.chart()->utilisation()[1].has_value());

    const ui::SpanStyle style = ui::SpanStyle::forPalette(view->palette());
    for (auto kind : {il::TimelineViewKind::ByLane, il::TimelineViewKind::ByTask}) {
        w.viewAction(kind)->trigger();
        view->fitAll();
        scrollToRow(w, 1, run.markRow(kind, *mark));
        QCoreApplication::processEvents();
        // Hovering the failed span says so.
        const QString tip = view->toolTipAt(markPoint(w, 1, *mark));
        QVERIFY2(tip.contains(QLatin1String("failed")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("crashed or was killed")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("t1 (task 1)")), qPrintable(tip));
        // And the failure colour is on screen: the mark, the header stripe and text.
        const QImage image = renderTimeline(w);
        QVERIFY2(countColour(image, style.failed.rgb()) > 40,
                 qPrintable(QString::number(countColour(image, style.failed.rgb()))));
        // Exactly at the mark: the end cap sits at the end of the failed span.
        const int capX = static_cast<int>(std::ceil(view->mapping().toX(static_cast<double>(mark->end))));
        const QPoint at = markPoint(w, 1, *mark);
        int capPixels = 0;
        for (int x = capX - 3; x <= capX + 3; ++x)
            capPixels += (image.pixel(x, at.y()) & 0xffffff) == (style.failed.rgb() & 0xffffff);
        QVERIFY2(capPixels >= 2, qPrintable(QStringLiteral("cap at x=%1 y=%2").arg(capX).arg(at.y())));
        snapshot(w, kind == il::TimelineViewKind::ByLane ? QStringLiteral("failed-by-lane.png")
                                                         : QStringLiteral("failed-by-task.png"));
    }
    // The task view names the failed task's row too.
    const auto [rowTop, rowBottom] = view->layout().rowSpan(1, 1);
    const QString labelTip = view->toolTipAt(
        QPoint(40, ui::TimelineLayout::rulerHeight + (rowTop + rowBottom) / 2 - view->verticalScrollBar()->value()));
    QVERIFY2(labelTip.contains(QLatin1String("failed")), qPrintable(labelTip));

    // The saved picture shows it as well.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    w.viewAction(il::TimelineViewKind::ByLane)->trigger();
    const QString png = dir.filePath(QStringLiteral("failed.png"));
    QCOMPARE(w.savePictureTo(png), QString());
    QImage picture(png);
    QVERIFY(!picture.isNull());
    QVERIFY2(countColour(picture, style.failed.rgb()) > 40, "no failure colour in the saved picture");
    if (!snapshotDir().isEmpty())
        QFile::copy(png, snapshotDir() + QStringLiteral("/failed-picture.png"));
}

// Stop while tasks run: the running ones are marked cancelled, not failed,
// in a colour of their own.
void TestGuiFaults::cancelledTaskMarkedDistinctly()
{
    ui::MainWindow w({false});
    w.resize(1400, 900);
    // 60 s of io per task: only Stop can end this run within the deadline below.
    w.taskSetPanel()->setTaskSet(uniformSet(4, {io(60000)}), QStringLiteral("slow"));
    setModes(w, {Mode::Threads});
    w.workersBox()->setValue(2);
    w.show();
    w.run();
    // Both workers in their io phase.
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->model().hasRun(0) && w.session()->model().run(0).live()
                                 && w.session()->model().run(0).live()->openTask.size() == 2, 20000);
    w.stop();
    QVERIFY(waitForFinish(w, 30000));
    const il::TimelineRun &run = w.session()->model().run(0);
    QCOMPARE(run.failedTasks(), 0);
    QCOMPARE(run.cancelledTasks(), 4);
    QCOMPARE(run.marks().size(), std::size_t(2)); // the two that had started
    for (const il::TaskMark &m : run.marks())
        QCOMPARE(m.state, il::TaskState::Cancelled);
    const QString header = ui::TimelinePainter::runHeaderText(run, 4);
    QVERIFY2(header.contains(QLatin1String("4 cancelled")), qPrintable(header));
    QVERIFY2(!header.contains(QLatin1String("failed")), qPrintable(header));
    QVERIFY2(!w.session()->statusText().contains(QLatin1String("failed")), qPrintable(w.session()->statusText()));
    QVERIFY2(w.session()->statusText().startsWith(QLatin1String("Stopped")), qPrintable(w.session()->statusText()));
    QVERIFY2(header.contains(QLatin1String("0/4 tasks finished")), qPrintable(header));
    QVERIFY2(!header.contains(QLatin1String("efficiency")), qPrintable(header)); // a part is not comparable
    QCOMPARE(w.chart()->categories(), QStringList({QStringLiteral("threads (stopped)")}));
    // Its utilisation is missing, not a figure (0 % or 100 % of a part would lie).
    QCOMPARE(w.chart()->utilisation().size(), std::size_t(1));
    QVERIFY(!w.chart()->utilisation()[0].has_value());
    QVERIFY2(w.whyLabel()->text().contains(QLatin1String("Stopped: threads")), qPrintable(w.whyLabel()->text()));
    ui::TimelineView *view = w.timeline();
    view->fitAll();
    QCoreApplication::processEvents();
    const QString tip = view->toolTipAt(markPoint(w, 0, run.marks().front()));
    QVERIFY2(tip.contains(QLatin1String("cancelled")), qPrintable(tip));
    const ui::SpanStyle style = ui::SpanStyle::forPalette(view->palette());
    QVERIFY(style.cancelled != style.failed);
    for (auto kind : {il::TimelineViewKind::ByLane, il::TimelineViewKind::ByTask}) {
        w.viewAction(kind)->trigger();
        QCoreApplication::processEvents();
        const QImage image = renderTimeline(w);
        QVERIFY2(countColour(image, style.cancelled.rgb()) > 20,
                 qPrintable(QString::number(countColour(image, style.cancelled.rgb()))));
        QCOMPARE(countColour(image, style.failed.rgb()), 0);
        snapshot(w, kind == il::TimelineViewKind::ByLane ? QStringLiteral("cancelled-by-lane.png")
                                                         : QStringLiteral("cancelled-by-task.png"));
    }
}

// A run that cannot start its workers at all: its error is in the header,
// its tooltip, the status bar and the "why" text; the other modes still ran.
void TestGuiFaults::runLevelErrorShown()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("no-such-worker"));
    ui::MainWindow w({false});
    w.taskSetPanel()->setTaskSet(uniformSet(3, {cpu(1), io(5)}), QStringLiteral("small"));
    setModes(w, {Mode::Sequential, Mode::Processes});
    w.setWorkerPath(missing);
    w.show();
    w.run();
    QVERIFY(waitForFinish(w));
    const il::TimelineModel &model = w.session()->model();
    QCOMPARE(model.runCount(), 2);
    const il::TimelineRun &run = model.run(1);
    QVERIFY(run.trace());
    QVERIFY(run.trace()->failed());
    const il::Incident &fatal = run.trace()->incidents.front();
    QCOMPARE(fatal.kind, il::IncidentKind::WorkerMissing);
    QCOMPARE(fatal.detail, missing);
    QCOMPARE(run.failedTasks(), 3);
    const QString header = ui::TimelinePainter::runHeaderText(run, 3);
    QVERIFY2(header.contains(QLatin1String("error: ")) && header.contains(missing), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("3 failed")), qPrintable(header));
    QVERIFY2(!header.contains(QLatin1String("efficiency")), qPrintable(header));
    QCOMPARE(w.chart()->categories(), QStringList({QStringLiteral("sequential"), QStringLiteral("processes (error)")}));
    const QString tip = ui::TimelinePainter::runHeaderToolTip(run, 3);
    QVERIFY2(tip.contains(ui::incidentText(fatal, run.info())), qPrintable(tip));
    QVERIFY2(w.session()->statusText().contains(QLatin1String("1 run error")), qPrintable(w.session()->statusText()));
    QVERIFY2(w.whyLabel()->text().contains(missing.toHtmlEscaped()), qPrintable(w.whyLabel()->text()));
    // The failed tasks never started: flagged in the task view's names.
    QVERIFY(run.marks().empty());
    w.viewAction(il::TimelineViewKind::ByTask)->trigger();
    QCoreApplication::processEvents();
    const ui::SpanStyle style = ui::SpanStyle::forPalette(w.timeline()->palette());
    QVERIFY(countColour(renderTimeline(w), style.failed.rgb()) > 3 * 30);
    QCOMPARE(model.run(0).failedTasks(), 0);
    snapshot(w, QStringLiteral("run-error.png"));
}

void TestGuiFaults::badInputKeepsTaskSet_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const QString corpus = QStringLiteral(INTERLEAVE_BAD_CORPUS);
    QFile tsv(corpus + QStringLiteral("/expected.tsv"));
    QVERIFY2(tsv.open(QIODevice::ReadOnly), qPrintable(tsv.fileName()));
    int rows = 0;
    for (const QByteArray &raw : tsv.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue; // comments, including the generated cases (not files here)
        const QStringList cols = line.split(QLatin1Char('\t'));
        QVERIFY2(cols.size() == 2, qPrintable(line));
        QTest::newRow(qPrintable(cols[0])) << corpus + QLatin1Char('/') + cols[0] << cols[1];
        ++rows;
    }
    QVERIFY(rows >= 40);
    // A few of the generated kinds that are cheap to make here.
    static QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QDir().mkpath(dir.filePath(QStringLiteral("a-directory.json")));
    QTest::newRow("a-directory.json") << dir.filePath(QStringLiteral("a-directory.json"))
                                      << QStringLiteral("is a directory, not a task set file");
    QTest::newRow("missing.json") << dir.filePath(QStringLiteral("missing.json")) << QStringLiteral(": no such file");
    QTest::newRow("dev-zero") << QStringLiteral("/dev/zero") << QStringLiteral("zero: is a device, not a task set file");
    {
        // A 50 MB name: the message quotes none of it, the label stays small.
        QFile f(dir.filePath(QStringLiteral("50mb-name.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"name\":\"" + QByteArray(50 * 1024 * 1024, 'a') + "\",\"tasks\":[{\"phases\":[{\"cpu\":1}]}]}");
        QTest::newRow("50mb-name.json") << f.fileName() << QStringLiteral("name: at most 1000 characters (got 52428800)");
    }
}

// Every malformed file, opened as File > Open does: the inline message says
// what is wrong, and the task set loaded before stays loaded, unchanged.
void TestGuiFaults::badInputKeepsTaskSet()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    // One window for all rows: the set must survive every one of them.
    QByteArray &before = m_badBefore;
    QString &origin = m_badOrigin;
    QTemporaryDir &good = m_badDir;
    if (!m_badWindow) {
        m_badWindow = std::make_unique<ui::MainWindow>(ui::MainWindowOptions{false});
        m_badWindow->show();
        ui::MainWindow *w = m_badWindow.get();
        QVERIFY(good.isValid());
        const QString file = good.filePath(QStringLiteral("good.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "good", "tasks": [{"name": "a", "phases": [{"cpu": 3}, {"io": 7}]},
                   {"name": "b", "phases": [{"io": 11}]}]})");
        f.close();
        QVERIFY(w->openTaskSetFile(file));
        before = il::taskSetToJson(w->taskSetPanel()->currentTaskSet());
        origin = w->taskSetPanel()->origin();
        QCOMPARE(w->taskSetPanel()->currentTaskSet().tasks.size(), std::size_t(2));
    }
    ui::MainWindow *w = m_badWindow.get();
    QVERIFY(!w->openTaskSetFile(path));
    const QString shown = w->taskSetPanel()->errorText();
    QVERIFY2(shown.contains(expected), qPrintable(QStringLiteral("shown: %1\nexpected: %2").arg(shown, expected)));
    // Named by its file, not twice by its path.
    const QString name = QFileInfo(path).fileName();
    QVERIFY2(shown.startsWith(name), qPrintable(shown));
    QVERIFY2(shown.count(name) <= 2, qPrintable(shown));
    QVERIFY(shown.size() < 1000);
    // The message is visible in the dock, as plain text.
    auto *label = [&]() -> QLabel * {
        for (QLabel *l : w->taskSetPanel()->findChildren<QLabel *>())
            if (l->text() == shown)
                return l;
        return nullptr;
    }();
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QCOMPARE(label->textFormat(), Qt::PlainText);
    QVERIFY(label->toolTip().contains(expected));
    // The loaded set is untouched, and still what Run would run.
    QCOMPARE(il::taskSetToJson(w->taskSetPanel()->currentTaskSet()), before);
    QCOMPARE(il::taskSetToJson(*w->taskSetPanel()->taskSet()), before);
    QCOMPARE(w->taskSetPanel()->origin(), origin);
}

// Run is disabled while a comparison runs, and nothing else starts one.
void TestGuiFaults::runRefusedWhileRunning()
{
    ui::MainWindow w({false});
    w.taskSetPanel()->setTaskSet(uniformSet(4, {io(60000)}), QStringLiteral("slow"));
    setModes(w, {Mode::Threads, Mode::EventLoop});
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy started(w.session(), &ui::RunSession::started);
    QVERIFY(w.runAction()->isEnabled());
    w.runAction()->trigger();
    QCOMPARE(started.count(), 1);
    QVERIFY(w.session()->isRunning());
    QVERIFY(!w.runAction()->isEnabled());
    QVERIFY(w.stopAction()->isEnabled());
    QVERIFY(!w.openAction()->isEnabled());
    QVERIFY(!w.taskSetPanel()->isEnabled());
    for (Mode m : il::allModes)
        QVERIFY(!w.modeAction(m)->isEnabled());
    const auto configs = w.session()->configs();
    const il::TaskSetPtr set = w.session()->taskSet();
    // Every way to ask again: the action, its shortcut, the slot, the session.
    w.runAction()->trigger();
    QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
    w.run();
    QVERIFY(!w.session()->start(set, {il::RunConfig{}}));
    QCOMPARE(started.count(), 1);
    QCOMPARE(w.session()->configs().size(), configs.size());
    QCOMPARE(w.session()->taskSet(), set);
    QVERIFY(w.session()->isRunning());
    QCOMPARE(w.session()->results().size(), std::size_t(0));
    w.stopAction()->trigger();
    QVERIFY(waitForFinish(w, 30000)); // a deadline: the tasks alone would take a minute
    QVERIFY(w.runAction()->isEnabled());
    QVERIFY(!w.stopAction()->isEnabled());
    QVERIFY(w.openAction()->isEnabled());
}

void TestGuiFaults::closeMidRunInProcess_data()
{
    QTest::addColumn<bool>("destroy");
    QTest::newRow("close") << false;
    QTest::newRow("delete window") << true;
}

// Closing the window (or destroying it) mid-run in processes mode returns
// promptly, the engine stops and every worker is reaped. "Promptly" is
// measured against the work itself: the tasks wait 60 s, and the window must
// be gone, the run stopped and the workers reaped in under a quarter of that
// however busy the machine is (it takes a few milliseconds).
void TestGuiFaults::closeMidRunInProcess()
{
    QFETCH(bool, destroy);
    constexpr int taskMs = 60000;
    constexpr int deadlineMs = taskMs / 4;
    auto w = std::make_unique<ui::MainWindow>(ui::MainWindowOptions{false});
    w->taskSetPanel()->setTaskSet(uniformSet(4, {cpu(1), io(taskMs)}), QStringLiteral("long"));
    setModes(*w, {Mode::Processes, Mode::EventLoop}); // processes runs first
    w->workersBox()->setValue(2);
    w->show();
    w->run();
    QTRY_VERIFY_WITH_TIMEOUT(childPids().size() == 2, 20000);
    const auto workers = childPids();
    // Both busy: their first task started.
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->model().hasRun(0) && w->session()->model().run(0).live()
                                 && w->session()->model().run(0).live()->openTask.size() == 2, 20000);
    QElapsedTimer clock;
    clock.start();
    if (destroy) {
        w.reset();
    } else {
        QVERIFY(w->close());
        QVERIFY(!w->isVisible());
        // close() does not wait for the run: it is still stopping when it returns
        // or already stopped, never finished by its tasks.
        QTRY_VERIFY_WITH_TIMEOUT(!w->session()->isRunning(), deadlineMs);
        QVERIFY(w->session()->results().empty() || w->session()->results().front()->trace->cancelled);
        // The second mode never started.
        QCOMPARE(w->session()->model().runCount(), 1);
    }
    for (pid_t pid : workers)
        QTRY_VERIFY2_WITH_TIMEOUT(!processExists(pid), qPrintable(QString::number(pid)), deadlineMs);
    QVERIFY2(clock.elapsed() < deadlineMs, qPrintable(QString::number(clock.elapsed())));
}

void TestGuiFaults::appClosesOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

// The real app, mid-run in processes mode (one worker deep in a cpu phase, so
// it does not read its pipe), gets SIGTERM / SIGINT: it closes its window as
// the close button would (settings saved), exits 0 long before its tasks
// could have ended, and leaves no worker behind.
void TestGuiFaults::appClosesOnSignal()
{
    QFETCH(int, signal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("long.json"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"name": "long", "tasks": [{"phases": [{"cpu": 60000}]}, {"phases": [{"io": 60000}]},
               {"phases": [{"io": 60000}]}]})");
    f.close();
    const QString conf = dir.filePath(QStringLiteral("config/Interleave/interleave.conf"));
    {
        // What the user chose at an earlier launch: --modes must not replace it.
        QSettings before(conf, QSettings::IniFormat);
        before.setValue(QStringLiteral("modes"), QStringList({QStringLiteral("sequential"), QStringLiteral("threads")}));
    }
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.remove(QStringLiteral("INTERLEAVE_WORKER"));
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    app.start(appPath(), {file, QStringLiteral("--demo"), QStringLiteral("--modes"), QStringLiteral("processes"),
                          QStringLiteral("--workers"), QStringLiteral("2")});
    QVERIFY(app.waitForStarted());
    const pid_t pid = pid_t(app.processId());
    QTRY_VERIFY_WITH_TIMEOUT(childPids(pid).size() == 2, 30000);
    const auto workers = childPids(pid);
    for (pid_t w : workers)
        QVERIFY(QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(w)).endsWith(QLatin1String("/interleave-worker")));
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(workers.begin(), workers.end(), [](pid_t p) { return cpuTicks(p) >= 5; }) == 1,
                             30000);
    // The tasks need 60 s; a stopped run ends in milliseconds. A quarter of
    // the tasks' time is the deadline, so a loaded machine cannot fail it
    // while an app that waits for its tasks still does.
    constexpr int deadlineMs = 15000;
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid, signal), 0);
    QVERIFY2(app.waitForFinished(deadlineMs), "the app did not exit within 15 s of 60 s of work");
    const qint64 took = clock.elapsed();
    qInfo("exited %lld ms after the signal", took);
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    for (pid_t w : workers)
        QVERIFY2(!processExists(w), qPrintable(QStringLiteral("worker %1 outlived the app").arg(w)));
    // Closed like a window, not just killed: it saved its settings (the
    // window's state and the task set it had open), but not the launch's --modes.
    QSettings saved(conf, QSettings::IniFormat);
    QVERIFY(saved.contains(QStringLiteral("window/state")));
    QCOMPARE(saved.value(QStringLiteral("taskset/origin")).toString(), QStringLiteral("long.json"));
    QCOMPARE(saved.value(QStringLiteral("modes")).toStringList(),
             QStringList({QStringLiteral("sequential"), QStringLiteral("threads")}));
}

void TestGuiFaults::appRejectsBadOptions()
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    app.setProcessEnvironment(env);
    app.start(appPath(), {QStringLiteral("--modes"), QStringLiteral("threads,bogus")});
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 2);
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("bogus")), qPrintable(err));
}

QTEST_MAIN(TestGuiFaults)
#include "tst_guifaults.moc"
