// The window's Python modes: listed after the five models, off by default,
// and with no usable python3 disabled with the reason (tooltip, status bar).

#include "core/model/mode.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QStatusBar>
#include <QTest>

class TestPythonModes : public QObject
{
    Q_OBJECT

private slots:
    void listedAndOffByDefault()
    {
        qputenv("INTERLEAVE_PYTHON", "/usr/bin/python3");
        ui::MainWindow w({false});
        for (il::Mode mode : il::pythonModes) {
            QAction *a = w.modeAction(mode);
            QVERIFY(a);
            QVERIFY(!a->isChecked());
        }
        QVERIFY(w.modeAction(il::Mode::PyThreads)->isEnabled());
        // Ticking one adds it to the runs, with the same workers box.
        w.modeAction(il::Mode::PyThreads)->setChecked(true);
        const auto runs = w.selectedRuns();
        QCOMPARE(runs.size(), std::size_t(6));
        // It runs just after its model, so the two sit side by side.
        QCOMPARE(runs[2].mode, il::Mode::ThreadsGil);
        QCOMPARE(runs[3].mode, il::Mode::PyThreads);
        QCOMPARE(runs.back().mode, il::Mode::EventLoop);
    }

    void disabledWithTheReason()
    {
        qputenv("INTERLEAVE_PYTHON", "/nonexistent/python3");
        ui::MainWindow w({false});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (il::Mode mode : il::pythonModes) {
            QAction *a = w.modeAction(mode);
            QVERIFY(!a->isEnabled());
            QVERIFY2(a->toolTip().contains(QLatin1String("/nonexistent/python3 does not exist")), qPrintable(a->toolTip()));
            a->setChecked(true); // even if ticked somehow, it is not run
        }
        QVERIFY(w.modeAction(il::Mode::Sequential)->isEnabled());
        QVERIFY2(w.statusBar()->currentMessage().contains(QLatin1String("Python modes are unavailable")),
                 qPrintable(w.statusBar()->currentMessage()));
        QCOMPARE(w.selectedRuns().size(), std::size_t(5));
        qunsetenv("INTERLEAVE_PYTHON");
    }
};

QTEST_MAIN(TestPythonModes)
#include "tst_pythonmodes.moc"
