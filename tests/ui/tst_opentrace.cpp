// The window opens trace files beside its runs: File -> Open trace and a
// drop, in the background, with the run headers naming the files.

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runsession.h"

#include <QApplication>
#include <QFile>
#include <QMimeData>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

namespace {
QString fixture(const char *name) { return QStringLiteral(INTERLEAVE_TRACE_FIXTURES "/") + QLatin1String(name); }
} // namespace

class TestOpenTrace : public QObject
{
    Q_OBJECT
private slots:
    void opensBesideTheRuns();
    void dropOpensFiles();
    void badFileIsSaidAndKeepsTheWindow();
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

QTEST_MAIN(TestOpenTrace)
#include "tst_opentrace.moc"
