#include "gui.h"

#include "comparisonpicture.h"
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>

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
    const QStringList args = QApplication::arguments().mid(1);
    for (const QString &arg : args) {
        if (arg == QLatin1String("--demo")) {
            demo = true;
        } else if (arg == QLatin1String("--dark")) {
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(ui::darkPalette());
        } else if (!arg.startsWith(QLatin1Char('-'))) {
            file = arg;
        }
    }

    ui::MainWindow window;
    if (!file.isEmpty())
        window.openTaskSetFile(file);
    window.show();
    if (demo)
        QTimer::singleShot(0, &window, &ui::MainWindow::run);
    return app.exec();
}

app::ScreenshotFn screenshotRenderer()
{
    return [](const il::TaskSet &set, const std::vector<il::RunResultPtr> &results, const QString &path) {
        return ui::renderComparison(set, results, path);
    };
}
