// The window opens trace files beside its runs: File -> Open trace and a
// drop, in the background, with the run headers naming the files.

#include "core/import/traceopener.h"
#include "core/io/exporters.h"
#include "synthetictrace.h"
#include "core/timeline/timelinemodel.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/timeline/runheader.h"
#include "ui/timeline/spannames.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/detailspanel.h"
#include "ui/window/findbar.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runsession.h"
#include "ui/window/tasksetpanel.h"

#include <QAction>
#include <QComboBox>
#include <QSignalSpy>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QTimer>
#include <QMimeData>
#include <QScrollBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

namespace {
QString fixture(const char *name) { return QStringLiteral(INTERLEAVE_TRACE_FIXTURES "/") + QLatin1String(name); }

// Answers the next save dialog with `path` as a user typing it would.
class SaveAs
{
public:
    explicit SaveAs(const QString &path)
    {
        m_poll.setInterval(20);
        QObject::connect(&m_poll, &QTimer::timeout, [this, path] {
            auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            if (!dialog || !dialog->isVisible() || dialog == m_answered)
                return;
            if (auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit")))
                name->setText(path);
            else
                dialog->selectFile(path);
            m_answered = dialog;
            QMetaObject::invokeMethod(dialog, [dialog] { static_cast<QDialog *>(dialog)->accept(); }, Qt::QueuedConnection);
        });
        m_poll.start();
    }

private:
    QTimer m_poll;
    QPointer<QFileDialog> m_answered;
};
} // namespace

class TestOpenTrace : public QObject
{
    Q_OBJECT
private slots:
    void opensBesideTheRuns();
    void dropOpensFiles();
    void badFileIsSaidAndKeepsTheWindow();
    void exportKeepsOpenedNames();
    void cancelStopsTheOpening();
    void openedExportNamesItsOwnTasks();
    void labRunAndOpenedExportKeepTheirOwnNames();
    void tooltipNamesAnOpenedSpan();
    void otherToolsSpanNamesInTheBars();
};

void TestOpenTrace::opensBesideTheRuns()
{
    ui::MainWindow w({false});
    w.show();
    QVERIFY(w.openTraceAction());
    bool done = false;
    w.openTraces({fixture("viztracer.json"), fixture("dask-taskstream.json")}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 2);
    const il::TimelineModel &model = w.session()->model();
    QCOMPARE(model.runCount(), 2);
    QCOMPARE(model.run(0).info().openedFrom, QStringLiteral("viztracer.json (VizTracer)"));
    QCOMPARE(model.run(1).info().runIndex, 1);
    // The header names the file, not a mode of ours, and has no ideal bound.
    const QString header = ui::TimelinePainter::runHeaderText(model.run(1), 0);
    QVERIFY2(header.startsWith(QStringLiteral("dask-taskstream.json (Dask) · 2 lanes · makespan")), qPrintable(header));
    QVERIFY(!header.contains(QStringLiteral("ideal")));
    // A file without tasks (VizTracer's functions) is its header alone by
    // task: the header says why; Dask's keys are tasks.
    const QString lanesOnly = ui::TimelinePainter::runHeaderText(model.run(0), 0);
    QVERIFY2(lanesOnly.endsWith(QStringLiteral(" spans · no tasks recognised")), qPrintable(lanesOnly));
    QVERIFY2(!header.contains(QStringLiteral("no tasks")), qPrintable(header));
    QVERIFY(w.openTraceAction()->isEnabled());
    QVERIFY2(w.statusBar()->currentMessage().startsWith(QStringLiteral("Opened 2 runs · 12 spans")),
             qPrintable(w.statusBar()->currentMessage()));
    // Once the notice is gone: runs opened, not a comparison stopped part-way.
    QVERIFY2(w.session()->statusText().startsWith(QStringLiteral("2 runs opened from files · ")), // · ⚠ the Dask task that failed
             qPrintable(w.session()->statusText()));
}

void TestOpenTrace::dropOpensFiles()
{
    ui::MainWindow w({false});
    w.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(fixture("chrome-array.json"))});
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QApplication::sendEvent(&w, &drop);
    QVERIFY(drop.isAccepted());
    QTRY_COMPARE(int(w.session()->results().size()), 1);
    QCOMPARE(w.session()->model().run(0).info().laneNames.size(), 7);
}

void TestOpenTrace::badFileIsSaidAndKeepsTheWindow()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("cut.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"traceEvents":[{"ph":"X","pid":1,"tid":1,"ts":1,"dur":2},{"ph":"X","ts":)");
    f.close();
    ui::MainWindow w({false});
    w.show();
    bool done = false;
    w.openTraces({bad}, [&] { done = true; });
    QTRY_VERIFY(done);
    // What was read before the cut is shown.
    QCOMPARE(int(w.session()->results().size()), 1);
    QCOMPARE(int(w.session()->model().run(0).trace()->spans.size()), 1);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("cut.json: at byte 73 (line 1, column 74), in event 1: ends inside")),
             qPrintable(w.statusBar()->currentMessage()));
}

// File -> Export trace with runs opened from other tools' files: the file
// keeps their span names, lanes and task names, and opens as the same runs.
void TestOpenTrace::exportKeepsOpenedNames()
{
    QTemporaryDir dir;
    ui::MainWindow w({false});
    w.show();
    bool done = false;
    w.openTraces({fixture("viztracer.json"), fixture("dask-taskstream.json")}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 2);
    const QString path = dir.filePath(QStringLiteral("window.json"));
    QVERIFY(w.exportTraceAction()->isEnabled()); // opened runs alone can be exported
    {
        SaveAs answer(path);
        w.exportTraceAction()->trigger();
    }
    QVERIFY(QFile::exists(path));
    const il::OpenResult again = il::openTraceFile(path);
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(int(again.runs.size()), 2);
    for (int i = 0; i < 2; ++i) {
        const il::Trace &before = *w.session()->results()[std::size_t(i)]->trace, &after = *again.runs[std::size_t(i)].run->trace;
        QCOMPARE(after.info.laneNames, before.info.laneNames);
        QCOMPARE(after.spans.size(), before.spans.size());
        QVERIFY(after.foreign && before.foreign);
        QStringList a, b;
        for (const il::Span &s : before.spans)
            a << QString::fromUtf8(before.foreign->name(s)) + '/' + QString::fromUtf8(before.foreign->cat(s));
        for (const il::Span &s : after.spans)
            b << QString::fromUtf8(after.foreign->name(s)) + '/' + QString::fromUtf8(after.foreign->cat(s));
        a.sort();
        b.sort();
        QCOMPARE(b, a);
        QCOMPARE(after.foreign->taskNames, before.foreign->taskNames);
    }
    const il::Trace &viz = *again.runs[0].run->trace;
    bool loads = false;
    for (const il::Span &s : viz.spans)
        loads = loads || viz.foreign->name(s) == "json.loads";
    QVERIFY(loads);
    QCOMPARE(again.runs[1].run->trace->foreign->taskNames.value(1), QStringLiteral("('inc-6a1f', 1)"));
}

// Cancel in the progress dialog while a big trace is read: the reading
// stops, the result says cancelled, no run is added and the window can
// open again.
void TestOpenTrace::cancelStopsTheOpening()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.json"));
    {
        // About 300,000 events (30 MB): read in a good part of a second,
        // far longer than Cancel takes to be pressed.
        auto result = std::make_shared<il::RunResult>();
        result->trace = testdata::makeSyntheticTrace(700'000, 8);
        QVERIFY(il::writeChromeTraceFile(path, il::TaskSet(), {result}).isEmpty());
    }
    ui::MainWindow w({false});
    w.show();
    bool done = false;
    w.openTraces({path}, [&] { done = true; });
    auto *progress = w.findChild<QProgressDialog *>();
    QVERIFY(progress);
    QVERIFY(!w.openTraceAction()->isEnabled());
    auto *cancel = progress->findChild<QPushButton *>();
    QVERIFY(cancel);
    cancel->click();
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 0);
    QCOMPARE(w.session()->model().runCount(), 0);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("opening cancelled")),
             qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(w.openTraceAction()->isEnabled());
    QTRY_VERIFY(!w.findChild<QProgressDialog *>()); // the dialog is gone
    // Opened again, to its end: the run is there.
    done = false;
    w.openTraces({path}, [&] { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    QCOMPARE(int(w.session()->results().size()), 1);
    QCOMPARE(w.session()->results().front()->trace->tasks.size(), std::size_t(100'000));
}

// An Interleave export opened in a window that shows nothing yet names its
// tasks as the file does, not as the task set panel's preset does (as the
// command line's --open without a task set).
void TestOpenTrace::openedExportNamesItsOwnTasks()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("named.json"));
    auto result = std::make_shared<il::RunResult>();
    result->trace = testdata::makeSyntheticTrace(70, 2);
    il::TaskSet named;
    named.name = QStringLiteral("named");
    for (std::size_t i = 0; i < result->trace->tasks.size(); ++i) {
        il::Task t;
        t.name = QStringLiteral("alpha-%1").arg(i);
        t.phases = {il::Phase{il::PhaseKind::Cpu, 1.0}, il::Phase{il::PhaseKind::Io, 1.0}};
        named.tasks.push_back(t);
    }
    QVERIFY(il::writeChromeTraceFile(path, named, {result}).isEmpty());

    ui::MainWindow w({false});
    w.show();
    QVERIFY(w.session()->results().empty());
    bool done = false;
    w.openTraces({path}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 1);
    QVERIFY(w.session()->taskSet());
    QCOMPARE(w.session()->taskSet()->tasks.size(), named.tasks.size());
    QCOMPARE(w.session()->taskSet()->tasks[3].name, QStringLiteral("alpha-3"));
    QVERIFY(w.session()->model().taskSet());
    QCOMPARE(w.session()->model().taskSet()->tasks[3].name, QStringLiteral("alpha-3"));

    // A second export of other tasks, beside it: each run names its tasks
    // from its own file; nothing to apologise for in the status bar.
    const QString other = dir.filePath(QStringLiteral("other.json"));
    il::TaskSet renamed = named;
    for (il::Task &t : renamed.tasks)
        t.name.replace(QStringLiteral("alpha"), QStringLiteral("beta"));
    QVERIFY(il::writeChromeTraceFile(other, renamed, {result}).isEmpty());
    done = false;
    w.openTraces({other}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 2);
    const il::TimelineModel &model = w.session()->model();
    QCOMPARE(model.taskName(0, 3), QStringLiteral("alpha-3"));
    QCOMPARE(model.taskName(1, 3), QStringLiteral("beta-3"));
    QCOMPARE(model.namesGroup(1), 1); // its task 3 is not the first file's
    QVERIFY2(!w.statusBar()->currentMessage().contains(QStringLiteral("its tasks are shown")),
             qPrintable(w.statusBar()->currentMessage()));
    // The first file's names again: the same tasks as the first run's.
    done = false;
    w.openTraces({path}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(model.taskName(2, 3), QStringLiteral("alpha-3"));
    QCOMPARE(model.namesGroup(2), 0);
}

// A lab run and, beside it, an export of another task set: each run's tasks
// go by its own names in the row names, the bars, the tooltips, find, the
// highlight and the details table.
void TestOpenTrace::labRunAndOpenedExportKeepTheirOwnNames()
{
    il::TaskSet primes;
    primes.name = QStringLiteral("primes");
    for (int i = 0; i < 6; ++i) {
        il::Task t;
        t.name = QStringLiteral("prime-sieve-%1").arg(i);
        t.phases = {il::Phase{il::PhaseKind::Cpu, 40.0}};
        primes.tasks.push_back(t);
    }
    il::TaskSet fetches;
    fetches.name = QStringLiteral("fetches");
    for (int i = 0; i < 4; ++i) {
        il::Task t;
        t.name = QStringLiteral("fetch-page-%1").arg(i);
        t.phases = {il::Phase{il::PhaseKind::Io, 40.0}};
        fetches.tasks.push_back(t);
    }
    // The export of primes: made by a run of it, in another window.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("primes.json"));
    {
        ui::MainWindow source({false});
        source.taskSetPanel()->setTaskSet(primes, QStringLiteral("primes"));
        for (il::Mode m : il::allModes)
            source.modeAction(m)->setChecked(m == il::Mode::Sequential);
        source.run();
        QSignalSpy finished(source.session(), &ui::RunSession::finished);
        QVERIFY(!source.session()->isRunning() || finished.wait(60000));
        QVERIFY(il::writeChromeTraceFile(path, primes, source.session()->results()).isEmpty());
    }

    ui::MainWindow w({false});
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.taskSetPanel()->setTaskSet(fetches, QStringLiteral("fetches"));
    for (il::Mode m : il::allModes)
        w.modeAction(m)->setChecked(m == il::Mode::Threads);
    w.run();
    QSignalSpy finished(w.session(), &ui::RunSession::finished);
    QVERIFY(!w.session()->isRunning() || finished.wait(60000));
    bool done = false;
    w.openTraces({path}, [&] { done = true; });
    QTRY_VERIFY(done);
    const il::TimelineModel &model = w.session()->model();
    QCOMPARE(model.runCount(), 2);
    const il::TimelineRun &lab = model.run(0), &opened = model.run(1);
    // The comparison finished; the file's run is no run of it.
    QVERIFY2(w.session()->statusText().startsWith(QStringLiteral("Done: 1 run of 4 tasks · 1 opened from files")),
             qPrintable(w.session()->statusText()));
    QCOMPARE(opened.taskRows().size(), std::size_t(6));

    // Row names by task.
    QCOMPARE(ui::TimelinePainter::rowLabel(lab, il::TimelineViewKind::ByTask, 3), QStringLiteral("fetch-page-3"));
    QCOMPARE(ui::TimelinePainter::rowLabel(opened, il::TimelineViewKind::ByTask, 3), QStringLiteral("prime-sieve-3"));
    QCOMPARE(ui::TimelinePainter::rowLabel(opened, il::TimelineViewKind::ByTask, 5), QStringLiteral("prime-sieve-5"));
    // The names the bars draw (by lane), laid out per run's set.
    ui::SpanNameCache names;
    const QFont font = w.timeline()->font();
    QCOMPARE(names.taskName(lab, 3, font).text, QStringLiteral("fetch-page-3"));
    QCOMPARE(names.taskName(opened, 3, font).text, QStringLiteral("prime-sieve-3"));
    QCOMPARE(names.taskName(lab, 3, font).text, QStringLiteral("fetch-page-3"));
    // The run headers count each run's own tasks.
    QVERIFY2(ui::RunHeader::of(opened).text().isEmpty() == false, "header");
    QCOMPARE(ui::RunHeader::runTaskCount(opened), std::size_t(6));
    QCOMPARE(ui::RunHeader::runTaskCount(lab), std::size_t(4));

    // Hovering task 3's bar in each run (by task: its row, the bar's middle).
    ui::TimelineView *view = w.timeline();
    view->setViewKind(il::TimelineViewKind::ByTask);
    view->fitAll();
    const auto tipAt = [&](int runIndex, std::uint32_t task) {
        const il::TimelineRow &row = model.run(runIndex).taskRows()[task];
        const il::TimelineItem *bar = nullptr;
        for (const il::TimelineItem &item : row)
            if (item.kind != il::ItemKind::Queued)
                bar = &item;
        if (!bar)
            return QStringLiteral("no bar");
        const auto [top, bottom] = view->layout().rowSpan(runIndex, int(task));
        view->verticalScrollBar()->setValue(std::max(0, top - 40));
        const QPoint at(int(view->mapping().toX(double(bar->start + bar->end) / 2)),
                        ui::TimelineLayout::rulerHeight + (top + bottom) / 2 - view->verticalScrollBar()->value());
        return view->toolTipAt(at);
    };
    const QString labTip = tipAt(0, 3), openedTip = tipAt(1, 3);
    QVERIFY2(labTip.startsWith(QStringLiteral("fetch-page-3 (task 3)")), qPrintable(labTip));
    QVERIFY2(openedTip.startsWith(QStringLiteral("prime-sieve-3 (task 3)")), qPrintable(openedTip));

    // Find: each run by its own names, a match counted once per set.
    ui::FindBar *bar = w.findBar();
    bar->open();
    bar->field()->setText(QStringLiteral("sieve"));
    QCOMPARE(bar->matches().size(), std::size_t(6));
    for (const il::TaskMatch &m : bar->matches())
        QCOMPARE(m.group, 1);
    QCOMPARE(bar->countText(), QStringLiteral("1 of 6"));
    // The first match highlighted in the opened run only: the lab's task 0 is another task.
    QCOMPARE(view->highlightedTask(), 0u);
    QCOMPARE(view->highlightedGroup(), 1);
    bar->field()->setText(QStringLiteral("-3"));
    QCOMPARE(bar->matches(), (std::vector<il::TaskMatch>{{0, 3}, {1, 3}}));
    bar->field()->setText(QStringLiteral("fetch"));
    QCOMPARE(bar->matches().size(), std::size_t(4));
    bar->close();

    // The details table: each run's rows by its own names; a task clicked
    // in the opened run shows that run's table.
    ui::DetailsPanel *details = w.detailsPanel();
    QTRY_COMPARE(details->runPicker()->count(), 2);
    details->runPicker()->setCurrentIndex(0);
    QVERIFY2(details->csv().contains(QStringLiteral("fetch-page-3")), qPrintable(details->csv()));
    QVERIFY(!details->csv().contains(QStringLiteral("prime-sieve")));
    details->runPicker()->setCurrentIndex(1);
    QVERIFY2(details->csv().contains(QStringLiteral("prime-sieve-3")), qPrintable(details->csv()));
    QVERIFY(!details->csv().contains(QStringLiteral("fetch-page")));
    details->runPicker()->setCurrentIndex(0);
    view->setHighlightedTask(il::noTask);
    view->setHighlightedTask(2, model.namesGroup(1));
    emit view->taskClicked(2);
    QCOMPARE(details->shownRun(), 1);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Highlighted prime-sieve-2 in every run of its task set")),
             qPrintable(w.statusBar()->currentMessage()));

    // File -> Export trace names each run's tasks so too.
    const QString both = dir.filePath(QStringLiteral("both.json"));
    {
        SaveAs answer(both);
        w.exportTraceAction()->trigger();
    }
    const il::OpenResult again = il::openTraceFile(both);
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(int(again.runs.size()), 2);
    QCOMPARE(again.runs[0].tasks->tasks[3].name, QStringLiteral("fetch-page-3"));
    QCOMPARE(again.runs[1].tasks->tasks[3].name, QStringLiteral("prime-sieve-3"));
}

// Hovering a span of another tool's trace names it as the file did.
void TestOpenTrace::tooltipNamesAnOpenedSpan()
{
    ui::MainWindow w({false});
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    bool done = false;
    w.openTraces({fixture("viztracer.json")}, [&] { done = true; });
    QTRY_VERIFY(done);
    ui::TimelineView *view = w.timeline();
    view->setViewKind(il::TimelineViewKind::ByLane);
    const il::TimelineRun &run = view->model()->run(0);
    const il::Trace &trace = *run.trace();
    QVERIFY(trace.foreign);
    // The json.loads call: its lane's row, the middle of its bar.
    const il::Span *loads = nullptr;
    for (const il::Span &s : trace.spans)
        if (trace.foreign->name(s) == "json.loads")
            loads = &s;
    QVERIFY(loads);
    const double from = double(loads->startNs - trace.info.originNs), to = double(loads->endNs - trace.info.originNs);
    view->setMapping(ui::TimeMapping{from - (to - from), (to - from) / 200.0, double(ui::TimelineLayout::labelWidth)});
    const auto [top, bottom] = view->layout().rowSpan(0, int(loads->lane));
    const QPoint at(int(view->mapping().toX((from + to) / 2)),
                    ui::TimelineLayout::rulerHeight + (top + bottom) / 2 - view->verticalScrollBar()->value());
    const QString tip = view->toolTipAt(at);
    QVERIFY2(tip.startsWith(QStringLiteral("json.loads")), qPrintable(tip));
    // The run is the file, not a mode it never ran in.
    QVERIFY2(tip.contains(QStringLiteral("run 1: viztracer.json (VizTracer)")), qPrintable(tip));
}

// Another tool's spans carry the names its file gave them inside the bars
// (by lane), as the lab's carry task names: in a saved picture too. SVG
// keeps them as text.
void TestOpenTrace::otherToolsSpanNamesInTheBars()
{
    ui::MainWindow w({false});
    w.show();
    bool done = false;
    w.openTraces({fixture("viztracer.json")}, [&] { done = true; });
    QTRY_VERIFY(done);
    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("viz.svg"));
    ui::PictureOptions options;
    options.width = 2400;
    options.includeChart = false;
    QVERIFY(ui::savePicture(svg, w.session()->model(), w.session()->results(), options).isEmpty());
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    for (const char *name : {"json.loads", "socket.recv", "main (fetch.py:30)", "parse (fetch.py:12)"})
        QVERIFY2(text.contains(name), name);
    // By task there are no lanes' spans to name: nothing of the kind.
    options.view = il::TimelineViewKind::ByTask;
    QVERIFY(ui::savePicture(svg, w.session()->model(), w.session()->results(), options).isEmpty());
    f.close();
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains("socket.recv"));
}

QTEST_MAIN(TestOpenTrace)
#include "tst_opentrace.moc"
