#include "gui.h"

#include "stopsignals.h"

#include "ui/chart/comparisonpicture.h"
#include "ui/window/mainwindow.h"
#include "ui/window/theme.h"

#include <QApplication>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace {

void usageError(const QString &message)
{
    std::fprintf(stderr, "interleave: %s\n"
                         "  usage: interleave [FILE.json] [--demo] [--dark] [--modes LIST] [--workers N] [--worker PATH]\n",
                 qPrintable(message));
}

} // namespace

int runGui(int argc, char **argv)
{
    // Without a display Qt would abort with a core dump; say what to do instead.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fprintf(stderr,
                     "interleave: no display (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                     "  Compare on the command line:  interleave run --preset scrape-and-parse --mode all\n"
                     "  or render the picture:        interleave run ... --screenshot out.png\n"
                     "  or force a platform:          QT_QPA_PLATFORM=offscreen interleave ...\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Interleave"));
    QApplication::setApplicationName(QStringLiteral("interleave"));
    QApplication::setApplicationDisplayName(QStringLiteral("Interleave"));

    bool demo = false;
    QString file;
    std::optional<std::vector<il::Mode>> modes;
    int workers = -1;
    QString workerPath = qEnvironmentVariable("INTERLEAVE_WORKER");
    const QStringList args = QApplication::arguments().mid(1);
    for (int i = 0; i < args.size(); ++i) {
        QString arg = args[i];
        QString value;
        // --name VALUE and --name=VALUE alike.
        const auto takeValue = [&](const QString &name) {
            if (arg.startsWith(name + QLatin1Char('='))) {
                value = arg.mid(name.size() + 1);
                return true;
            }
            if (arg == name) {
                if (i + 1 >= args.size())
                    return false;
                value = args[++i];
                return true;
            }
            return false;
        };
        if (arg == QLatin1String("--demo")) {
            demo = true;
        } else if (arg == QLatin1String("--dark")) {
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(ui::darkPalette());
        } else if (arg.startsWith(QLatin1String("--modes"))) {
            QString error;
            if (!takeValue(QStringLiteral("--modes")) || !(modes = il::parseModeList(value, &error))) {
                usageError(error.isEmpty() ? QStringLiteral("--modes needs a list, e.g. threads,processes") : error);
                return 2;
            }
        } else if (arg.startsWith(QLatin1String("--workers"))) {
            bool ok = false;
            if (takeValue(QStringLiteral("--workers")))
                workers = value.toInt(&ok);
            if (!ok || workers < 0 || workers > 256) {
                usageError(QStringLiteral("--workers needs a number from 0 (default) to 256"));
                return 2;
            }
        } else if (arg.startsWith(QLatin1String("--worker"))) {
            if (!takeValue(QStringLiteral("--worker")) || value.isEmpty()) {
                usageError(QStringLiteral("--worker needs the path of an interleave-worker"));
                return 2;
            }
            workerPath = value;
        } else if (!arg.startsWith(QLatin1Char('-'))) {
            file = arg;
        } else {
            usageError(QStringLiteral("unknown option %1").arg(arg));
            return 2;
        }
    }

    ui::MainWindow window;
    if (!file.isEmpty())
        window.openTaskSetFile(file);
    // The command line wins over the remembered toggles, for this launch only.
    window.applyLaunchOptions(modes, workers >= 0 ? std::optional<int>(workers) : std::nullopt);
    if (!workerPath.isEmpty())
        window.setWorkerPath(workerPath);

    // SIGTERM / SIGINT close the window like the close button does: the run
    // is stopped, its workers reaped, settings saved, exit code 0. The same
    // signal helper as the command line's (stopsignals.h).
    app::catchStopSignals(true);
    const auto signalNotifier = app::onStopSignal([] {
        // Close every window (the main one stops its run and saves its
        // settings), then leave every event loop, a modal dialog's too.
        QApplication::closeAllWindows();
        QCoreApplication::exit(0);
    });

    window.show();
    if (demo)
        QTimer::singleShot(0, &window, &ui::MainWindow::run);
    return app.exec();
}

app::ScreenshotFn screenshotRenderer()
{
    return [](const std::shared_ptr<const il::TaskSet> &set, const std::vector<il::RunResultPtr> &results,
              const QString &path, const app::ScreenshotOptions &options, QStringList *files) {
        ui::PictureOptions picture;
        picture.view = options.byTask ? il::TimelineViewKind::ByTask : il::TimelineViewKind::ByLane;
        picture.fromNs = options.fromMs * 1e6;
        picture.toNs = options.toMs * 1e6;
        picture.queueArrows = options.queueArrows;
        picture.wakeArrows = options.wakeArrows;
        picture.runNames = options.runNames;
        if (options.dark) {
            // The chart is a widget: it takes the application's style and palette.
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(ui::darkPalette());
        }
        picture.palette = QApplication::palette();
        ui::PictureStats stats;
        const QString error = ui::renderComparison(set, results, path, picture, &stats);
        if (files)
            *files = stats.files;
        return error;
    };
}
