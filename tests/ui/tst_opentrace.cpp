// The window opens trace files beside its runs: File -> Open trace and a
// drop, in the background, with the run headers naming the files.

#include "core/import/traceopener.h"
#include "core/io/exporters.h"
#include "synthetictrace.h"
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runsession.h"

#include <QAction>
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
    void tooltipNamesAnOpenedSpan();
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

    // A second export of other tasks, beside it: named from the set shown,
    // and the status bar says so.
    const QString other = dir.filePath(QStringLiteral("other.json"));
    il::TaskSet renamed = named;
    for (il::Task &t : renamed.tasks)
        t.name.replace(QStringLiteral("alpha"), QStringLiteral("beta"));
    QVERIFY(il::writeChromeTraceFile(other, renamed, {result}).isEmpty());
    done = false;
    w.openTraces({other}, [&] { done = true; });
    QTRY_VERIFY(done);
    QCOMPARE(int(w.session()->results().size()), 2);
    QCOMPARE(w.session()->model().taskSet()->tasks[3].name, QStringLiteral("alpha-3"));
    QVERIFY2(w.statusBar()->currentMessage().contains(
                 QStringLiteral("other.json: its tasks are shown with the names of the task set already shown")),
             qPrintable(w.statusBar()->currentMessage()));
    // The same names again: nothing to say.
    done = false;
    w.openTraces({path}, [&] { done = true; });
    QTRY_VERIFY(done);
    QVERIFY2(!w.statusBar()->currentMessage().contains(QStringLiteral("its tasks are shown")),
             qPrintable(w.statusBar()->currentMessage()));
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

QTEST_MAIN(TestOpenTrace)
#include "tst_opentrace.moc"
