// Renders the window offscreen after a real comparison, in a light and a dark
// palette, plus the saved picture: for a person to look at, not a test.
//   QT_QPA_PLATFORM=offscreen ui_snapshots OUTDIR [PRESET]
// With il-fake-worker beside it, also faults-*.png: a processes run whose
// worker SIGKILLs itself in task 3, and a run stopped mid-way.
#include "ui/chart/comparisonpicture.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runsession.h"
#include "ui/window/tasksetpanel.h"
#include "ui/window/theme.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QPainter>
#include <QSvgRenderer>
#include <QLabel>
#include <QPixmap>
#include <QScrollBar>
#include <QStyleFactory>
#include <QTimer>

static void runAndGrab(const QString &dir, const QString &tag, const QString &preset, bool byTask)
{
    ui::MainWindow w({false});
    if (!preset.isEmpty())
        w.taskSetPanel()->loadPreset(preset);
    w.resize(1440, 900);
    w.show();
    QApplication::processEvents();
    w.grab().save(dir + QStringLiteral("/%1-launch.png").arg(tag));
    QEventLoop loop;
    QObject::connect(w.session(), &ui::RunSession::finished, &loop, &QEventLoop::quit);
    // A mid-run frame too: the live view is what users watch.
    QTimer::singleShot(400, &w, [&] { w.grab().save(dir + QStringLiteral("/%1-live.png").arg(tag)); });
    w.run();
    loop.exec();
    if (byTask)
        w.timeline()->setViewKind(il::TimelineViewKind::ByTask);
    QApplication::processEvents();
    w.grab().save(dir + QStringLiteral("/%1-window.png").arg(tag));
    // Interaction state: a highlighted task, a measured range, a deep zoom.
    ui::TimelineView *view = w.timeline();
    view->setHighlightedTask(3);
    const double extent = static_cast<double>(w.session()->model().extentNs());
    view->setSelection(extent * 0.1, extent * 0.3);
    w.findChild<QLabel *>(QString(), Qt::FindChildrenRecursively);
    QApplication::processEvents();
    w.grab().save(dir + QStringLiteral("/%1-interact.png").arg(tag));
    view->clearSelection();
    view->zoomBy(400, view->mapping().toX(extent * 0.05));
    QApplication::processEvents();
    w.grab().save(dir + QStringLiteral("/%1-zoomed.png").arg(tag));
    view->fitAll();
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum() / 3);
    QApplication::processEvents();
    w.grab().save(dir + QStringLiteral("/%1-scrolled.png").arg(tag));
    view->verticalScrollBar()->setValue(0);
    w.savePictureTo(dir + QStringLiteral("/%1-picture.png").arg(tag));
    const QString svg = dir + QStringLiteral("/%1-picture.svg").arg(tag);
    w.savePictureTo(svg);
    // Render the SVG back to a PNG, to look at what an SVG viewer would show.
    QSvgRenderer renderer(svg);
    QImage back(renderer.defaultSize(), QImage::Format_ARGB32_Premultiplied);
    back.fill(Qt::white);
    QPainter painter(&back);
    renderer.render(&painter);
    painter.end();
    back.save(dir + QStringLiteral("/%1-picture-svg.png").arg(tag));
}

// A worker dies in the middle of task 3 (the fake worker of the fault
// tests), then a comparison is stopped while tasks run: failed and cancelled
// marks, run headers, status bar and "why" as a user would see them.
static void runFaults(const QString &dir, const QString &tag)
{
    const QString fake = QCoreApplication::applicationDirPath() + QStringLiteral("/il-fake-worker");
    if (!QFileInfo(fake).isExecutable())
        return;
    qputenv("IL_FAKE_MODE", "kill-on-task");
    qputenv("IL_FAKE_TASK", "3");
    {
        ui::MainWindow w({false});
        w.resize(1440, 900);
        w.setWorkerPath(fake);
        for (il::Mode m : il::allModes)
            w.modeAction(m)->setChecked(m == il::Mode::Sequential || m == il::Mode::Processes
                                        || m == il::Mode::EventLoop);
        w.show();
        QEventLoop loop;
        QObject::connect(w.session(), &ui::RunSession::finished, &loop, &QEventLoop::quit);
        w.run();
        loop.exec();
        QApplication::processEvents();
        w.grab().save(dir + QStringLiteral("/%1-faults-lane.png").arg(tag));
        w.viewAction(il::TimelineViewKind::ByTask)->trigger();
        QApplication::processEvents();
        w.grab().save(dir + QStringLiteral("/%1-faults-task.png").arg(tag));
        w.viewAction(il::TimelineViewKind::ByLane)->trigger();
        w.savePictureTo(dir + QStringLiteral("/%1-faults-picture.png").arg(tag));
    }
    qunsetenv("IL_FAKE_MODE");
    qunsetenv("IL_FAKE_TASK");
    {
        ui::MainWindow w({false});
        w.resize(1440, 900);
        for (il::Mode m : il::allModes)
            w.modeAction(m)->setChecked(m == il::Mode::Sequential || m == il::Mode::Threads);
        w.show();
        QEventLoop loop;
        QObject::connect(w.session(), &ui::RunSession::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(900, &w, &ui::MainWindow::stop);
        w.run();
        loop.exec();
        QApplication::processEvents();
        w.grab().save(dir + QStringLiteral("/%1-stopped.png").arg(tag));
    }
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("/tmp/interleave-shots");
    const QString preset = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    QDir().mkpath(dir);
    runAndGrab(dir, QStringLiteral("light"), preset, false);
    runFaults(dir, QStringLiteral("light"));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(ui::darkPalette());
    runAndGrab(dir, QStringLiteral("dark"), preset, true);
    runFaults(dir, QStringLiteral("dark"));
    return 0;
}
