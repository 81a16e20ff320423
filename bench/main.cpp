// interleave-bench: the engine's (and, when built with the GUI, the
// timeline's) performance figures as a table on stdout and a JSON file.

#include "benchutil.h"
#include "corebench.h"
#include "exportbench.h"
#include "iotimingbench.h"
#include "jsonbench.h"
#include "lockbench.h"
#include "openbench.h"
#include "pybench.h"
#ifdef INTERLEAVE_BENCH_GUI
#include "guibench.h"
#include <QApplication>
#endif

#include "core/io/exporters.h"
#include "core/model/mode.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QSysInfo>

#include <cstdio>
#include <memory>

namespace {

const char *const usage =
    "usage: interleave-bench [--quick] [--reps N] [--only GROUP[,GROUP...]] [--json FILE]\n"
    "\n"
    "  --quick   small sizes (runs in seconds; the ctest smoke test uses it)\n"
    "  --reps N  repetitions per figure (default 3, quick 1); median and min reported\n"
    "  --only    groups: overhead, engine, eventloop-io, cpu, memory, export, io-timing, stop, json, open,\n"
    "            twins, py-overhead, py-runner, gui, locks\n"
    "  --json    where the JSON goes (default bench-results.json in the current directory)\n";

const QStringList allGroups{QStringLiteral("overhead"), QStringLiteral("engine"), QStringLiteral("eventloop-io"),
                            QStringLiteral("cpu"), QStringLiteral("memory"), QStringLiteral("export"),
                            QStringLiteral("io-timing"), QStringLiteral("stop"),
                            QStringLiteral("json"), QStringLiteral("open"), QStringLiteral("twins"),
                            QStringLiteral("py-overhead"), QStringLiteral("py-runner"), QStringLiteral("gui"),
                            QStringLiteral("locks")};

bool wantsGui(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (QByteArray(argv[i]) == "--only") {
            // open draws an opened trace's first picture too
            const QList<QByteArray> groups = QByteArray(argv[i + 1]).split(',');
            return groups.contains("gui") || groups.contains("open");
        }
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    std::unique_ptr<QCoreApplication> app;
#ifdef INTERLEAVE_BENCH_GUI
    // Painting text needs a GUI application, not a display; saved pictures
    // (their chart) need widgets.
    if (wantsGui(argc, argv)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    }
#else
    (void)wantsGui;
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("interleave-bench"));

    bench::Options options;
    QString jsonPath = QStringLiteral("bench-results.json");
    bool repsGiven = false;
    const QStringList args = QCoreApplication::arguments().mid(1);
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == QLatin1String("--quick")) {
            options.quick = true;
        } else if (a == QLatin1String("--json") && hasValue) {
            jsonPath = args[++i];
        } else if (a == QLatin1String("--reps") && hasValue) {
            bool ok = false;
            options.reps = args[++i].toInt(&ok);
            if (!ok || options.reps < 1) {
                std::fprintf(stderr, "interleave-bench: --reps needs a number >= 1\n");
                return 2;
            }
            repsGiven = true;
        } else if (a == QLatin1String("--only") && hasValue) {
            options.only = args[++i].split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (const QString &g : options.only) {
                if (!allGroups.contains(g)) {
                    std::fprintf(stderr, "interleave-bench: unknown group '%s'\n%s", qPrintable(g), usage);
                    return 2;
                }
            }
        } else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            std::fputs(usage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "interleave-bench: unknown or incomplete option '%s'\n%s", qPrintable(a), usage);
            return 2;
        }
    }
    if (options.quick && !repsGiven)
        options.reps = 1;

    bench::Report report;
    const auto stage = [&](const QString &group, void (*fn)(const bench::Options &, bench::Report &)) {
        if (!options.wants(group))
            return;
        std::fprintf(stderr, "interleave-bench: %s...\n", qPrintable(group));
        fn(options, report);
    };
    stage(QStringLiteral("overhead"), bench::benchSchedulingOverhead);
    stage(QStringLiteral("engine"), bench::benchEngineEndToEnd);
    stage(QStringLiteral("eventloop-io"), bench::benchEventLoopIo);
    stage(QStringLiteral("cpu"), bench::benchCpuAccuracy);
    stage(QStringLiteral("memory"), bench::benchRecorderMemory);
    stage(QStringLiteral("export"), bench::benchExport);
    stage(QStringLiteral("io-timing"), bench::benchIoTiming);
    stage(QStringLiteral("stop"), bench::benchStopLatency);
    stage(QStringLiteral("json"), bench::benchJsonReader);
    stage(QStringLiteral("open"), bench::benchOpen);
    stage(QStringLiteral("twins"), bench::benchTwins);
    stage(QStringLiteral("py-overhead"), bench::benchPythonOverhead);
    stage(QStringLiteral("py-runner"), bench::benchRunnerOverhead);
    stage(QStringLiteral("locks"), bench::benchLocks);
#ifdef INTERLEAVE_BENCH_GUI
    stage(QStringLiteral("gui"), bench::benchGui);
#else
    if (options.wants(QStringLiteral("gui")))
        report.skip(QStringLiteral("gui"), QStringLiteral("timeline model / painter"),
                    QStringLiteral("built without the GUI (target interleave_ui absent)"));
#endif

    QJsonObject context;
    context[QStringLiteral("tool")] = QStringLiteral("interleave-bench");
    context[QStringLiteral("date")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    context[QStringLiteral("quick")] = options.quick;
    context[QStringLiteral("reps")] = options.reps;
    context[QStringLiteral("cores")] = il::detectedCores();
    context[QStringLiteral("qt")] = QString::fromLatin1(qVersion());
    context[QStringLiteral("kernel")] = QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion();
    context[QStringLiteral("cpu")] = QSysInfo::currentCpuArchitecture();
#ifdef NDEBUG
    context[QStringLiteral("build")] = QStringLiteral("release");
#else
    context[QStringLiteral("build")] = QStringLiteral("debug");
#endif
    report.setContext(context);

    std::fprintf(stdout, "interleave-bench  %s  %d cores  Qt %s  reps %d%s\n\n",
                 qPrintable(context[QStringLiteral("date")].toString()), il::detectedCores(), qVersion(),
                 options.reps, options.quick ? "  (quick)" : "");
    std::fputs(report.table().toUtf8().constData(), stdout);

    const QString error = il::writeFileAtomically(jsonPath, report.json());
    if (!error.isEmpty()) {
        std::fprintf(stderr, "interleave-bench: %s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(stdout, "\nJSON: %s\n", qPrintable(QDir::current().absoluteFilePath(jsonPath)));
    return 0;
}
