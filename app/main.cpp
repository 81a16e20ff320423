#include "cli.h"

#ifdef INTERLEAVE_HAVE_GUI
#include "gui.h"
#include <QApplication>
#endif

#include <QCoreApplication>

#include <memory>

int main(int argc, char **argv)
{
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    app::ScreenshotFn screenshot;
    std::unique_ptr<QCoreApplication> application;
#ifdef INTERLEAVE_HAVE_GUI
    if (!app::isCliCommand(first))
        return runGui(argc, argv);
    bool wantsPicture = false;
    for (int i = 1; i < argc; ++i)
        wantsPicture |= QByteArray(argv[i]).startsWith("--screenshot");
    if (wantsPicture) {
        // Rendering needs a GUI application, not a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        application = std::make_unique<QApplication>(argc, argv);
        screenshot = screenshotRenderer();
    }
#endif
    if (!application)
        application = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("interleave"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INTERLEAVE_VERSION));
    return app::runCli(QCoreApplication::arguments().mid(1), screenshot);
}
