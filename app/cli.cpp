#include "cli.h"

#include "exporters.h"
#include "presets.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace app {

namespace {

std::atomic<bool> g_interrupted{false};

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

const char *usage =
    "usage: interleave                      open the window (scrape-and-parse preset)\n"
    "       interleave FILE.json | --demo   open the window on FILE / and press Run\n"
    "       interleave run (--taskset FILE | --preset NAME) [--mode M[,M...] | --mode all]\n"
    "                      [--workers N] [--worker PATH] [--task-timeout MS] [--trace FILE] [--summary FILE]\n"
    "                      [--screenshot FILE.png|FILE.svg] [--quiet]\n"
    "       interleave presets\n"
    "       interleave validate FILE\n"
    "modes: sequential, threads, threads-gil, processes, eventloop (default: all)\n";

int fail(const QString &message, int code = 2)
{
    err() << "interleave: " << message << Qt::endl;
    return code;
}

QString fmtMs(double ms)
{
    if (ms >= 10000)
        return QStringLiteral("%1 s").arg(ms / 1000, 0, 'f', 2);
    if (ms >= 100)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 0);
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', 1);
}

void printTable(const il::TaskSet &set, const std::vector<il::RunResultPtr> &runs)
{
    QTextStream &o = out();
    o << "\n" << set.name << ": " << set.summaryLine() << ", " << il::detectedCores() << " cores\n\n";
    o << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
             .arg(QStringLiteral("mode"), -12).arg(QStringLiteral("workers"), 7)
             .arg(QStringLiteral("makespan"), 10).arg(QStringLiteral("ideal"), 10)
             .arg(QStringLiteral("effic."), 7).arg(QStringLiteral("cpu"), 10)
             .arg(QStringLiteral("io wait"), 10).arg(QStringLiteral("gil wait"), 10)
             .arg(QStringLiteral("util."), 6).arg(QStringLiteral("done/failed"), 12);
    for (const auto &run : runs) {
        const il::Metrics &m = run->metrics;
        o << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                 .arg(il::modeName(m.mode), -12).arg(m.workers, 7)
                 .arg(fmtMs(m.makespanMs), 10).arg(fmtMs(m.idealMs), 10)
                 .arg(m.efficiency > 0 ? QStringLiteral("%1 %").arg(m.efficiency * 100, 0, 'f', 0) : QStringLiteral("–"), 7)
                 .arg(fmtMs(m.cpuMs), 10).arg(fmtMs(m.ioWaitMs), 10).arg(fmtMs(m.gilWaitMs), 10)
                 .arg(QStringLiteral("%1 %").arg(m.utilization * 100, 0, 'f', 0), 6)
                 .arg(QStringLiteral("%1/%2%3").arg(m.completed).arg(m.failed)
                          .arg(m.cancelled ? QStringLiteral(" (%1 cancelled)").arg(m.cancelled) : QString()), 12);
        if (!run->trace->error.isEmpty())
            o << "  error: " << run->trace->error << "\n";
        for (const QString &note : run->trace->notes)
            o << "  note: " << note << "\n";
    }
    o.flush();
}

int cmdPresets()
{
    for (const QString &name : il::presetNames()) {
        const il::TaskSetResult r = il::loadPreset(name);
        out() << QStringLiteral("%1  %2\n").arg(name, -18).arg(r.ok() ? r.taskSet->summaryLine() : r.error);
        const QString description = il::presetDescription(name);
        if (!description.isEmpty())
            out() << QStringLiteral("%1  %2\n").arg(QString(), -18).arg(description);
    }
    out().flush();
    return 0;
}

int cmdValidate(const QStringList &args)
{
    if (args.size() != 1)
        return fail(QStringLiteral("validate takes exactly one FILE\n") + QLatin1String(usage));
    const il::TaskSetResult r = il::loadTaskSetFile(args.first());
    if (!r.ok())
        return fail(r.error, 1);
    out() << args.first() << ": ok: " << r.taskSet->summaryLine() << Qt::endl;
    return 0;
}

int cmdRun(const QStringList &args, const ScreenshotFn &screenshot)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions({
        {QStringLiteral("taskset"), QStringLiteral("Task set JSON file."), QStringLiteral("FILE")},
        {QStringLiteral("preset"), QStringLiteral("Built-in task set."), QStringLiteral("NAME")},
        {QStringLiteral("mode"), QStringLiteral("Modes to run, comma-separated, or all."), QStringLiteral("M"), QStringLiteral("all")},
        {QStringLiteral("workers"), QStringLiteral("Threads / processes per pool."), QStringLiteral("N")},
        {QStringLiteral("worker"), QStringLiteral("Worker executable for processes (default: $INTERLEAVE_WORKER, else interleave-worker beside interleave)."), QStringLiteral("PATH")},
        {QStringLiteral("task-timeout"), QStringLiteral("Kill a worker process after MS on one task (default: 5 s + 3 x the task's declared time)."), QStringLiteral("MS")},
        {QStringLiteral("trace"), QStringLiteral("Write a Chrome trace (Perfetto)."), QStringLiteral("FILE")},
        {QStringLiteral("summary"), QStringLiteral("Write the summary JSON (or CSV if FILE ends in .csv)."), QStringLiteral("FILE")},
        {QStringLiteral("screenshot"), QStringLiteral("Render the timeline and chart to PNG or SVG."), QStringLiteral("FILE")},
        {QStringLiteral("quiet"), QStringLiteral("No table, no progress.")},
    });
    if (!parser.parse(QStringList{QStringLiteral("interleave-run")} + args))
        return fail(parser.errorText() + QLatin1Char('\n') + QLatin1String(usage));
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"\n%2").arg(parser.positionalArguments().first(), QLatin1String(usage)));
    if (parser.isSet(QStringLiteral("taskset")) == parser.isSet(QStringLiteral("preset")))
        return fail(QStringLiteral("run needs exactly one of --taskset FILE or --preset NAME\n") + QLatin1String(usage));

    const il::TaskSetResult loaded = parser.isSet(QStringLiteral("taskset"))
                                         ? il::loadTaskSetFile(parser.value(QStringLiteral("taskset")))
                                         : il::loadPreset(parser.value(QStringLiteral("preset")));
    if (!loaded.ok())
        return fail(loaded.error);
    QString error;
    const auto modes = il::parseModeList(parser.value(QStringLiteral("mode")), &error);
    if (!modes)
        return fail(error);
    int workers = 0;
    if (parser.isSet(QStringLiteral("workers"))) {
        bool ok = false;
        workers = parser.value(QStringLiteral("workers")).toInt(&ok);
        if (!ok || workers < 1 || workers > 256)
            return fail(QStringLiteral("--workers: must be a whole number from 1 to 256 (got \"%1\")").arg(parser.value(QStringLiteral("workers"))));
    }
    int timeoutMs = 0;
    if (parser.isSet(QStringLiteral("task-timeout"))) {
        bool ok = false;
        timeoutMs = parser.value(QStringLiteral("task-timeout")).toInt(&ok);
        if (!ok || timeoutMs < 1)
            return fail(QStringLiteral("--task-timeout: must be a whole number of milliseconds >= 1 (got \"%1\")").arg(parser.value(QStringLiteral("task-timeout"))));
    }
    // As in the window: --worker, else INTERLEAVE_WORKER, else beside us.
    QString workerPath = qEnvironmentVariable("INTERLEAVE_WORKER");
    if (parser.isSet(QStringLiteral("worker"))) {
        workerPath = parser.value(QStringLiteral("worker"));
        if (workerPath.isEmpty())
            return fail(QStringLiteral("--worker: needs the path of a worker executable (got an empty string)"));
    }
    const QString shot = parser.value(QStringLiteral("screenshot"));
    if (!shot.isEmpty()) {
        if (!shot.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) && !shot.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
            return fail(QStringLiteral("--screenshot: FILE must end in .png or .svg (got \"%1\")").arg(shot));
        if (!screenshot)
            return fail(QStringLiteral("--screenshot: this build has no GUI library"));
    }
    const bool quiet = parser.isSet(QStringLiteral("quiet"));

    auto set = std::make_shared<const il::TaskSet>(*loaded.taskSet);
    std::vector<il::RunConfig> configs;
    for (il::Mode mode : *modes) {
        il::RunConfig c;
        c.mode = mode;
        c.workers = workers;
        c.taskTimeoutMs = timeoutMs;
        c.workerPath = workerPath;
        configs.push_back(c);
    }

    il::Engine engine;
    std::vector<il::RunResultPtr> results;
    bool cancelled = false;
    QObject::connect(&engine, &il::Engine::runStarted, [&](const il::RunInfo &info) {
        if (!quiet)
            err() << "running " << il::modeName(info.mode) << " (" << info.lanes << (info.lanes == 1 ? " lane" : " lanes") << ")…" << Qt::endl;
    });
    QObject::connect(&engine, &il::Engine::runFinished, [&](const il::RunResultPtr &r) { results.push_back(r); });
    QObject::connect(&engine, &il::Engine::finished, [&](bool wasCancelled) {
        cancelled = wasCancelled;
        QCoreApplication::exit(0);
    });
    // Ctrl+C stops cleanly: workers are killed and reaped, partial results kept.
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::signal(SIGTERM, [](int) { g_interrupted = true; });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, [&] {
        if (g_interrupted)
            engine.stop();
    });
    interruptPoll.start(50);
    engine.start(set, configs);
    QCoreApplication::exec();

    if (!quiet)
        printTable(*set, results);
    int code = cancelled ? 130 : 0;
    for (const auto &r : results)
        if (!r->trace->error.isEmpty() || r->metrics.failed > 0)
            code = code ? code : 1;
    const auto write = [&](const QString &path, const QByteArray &data) {
        const QString e = il::writeFileAtomically(path, data);
        if (!e.isEmpty()) {
            err() << "interleave: " << e << Qt::endl;
            code = 1;
        } else if (!quiet) {
            err() << "wrote " << path << Qt::endl;
        }
    };
    if (parser.isSet(QStringLiteral("trace")))
        write(parser.value(QStringLiteral("trace")), il::chromeTraceJson(*set, results));
    if (parser.isSet(QStringLiteral("summary"))) {
        const QString path = parser.value(QStringLiteral("summary"));
        write(path, path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? il::summaryCsv(results) : il::summaryJson(*set, results));
    }
    if (!shot.isEmpty()) {
        const QString e = screenshot(*set, results, shot);
        if (!e.isEmpty()) {
            err() << "interleave: " << e << Qt::endl;
            code = 1;
        } else if (!quiet) {
            err() << "wrote " << shot << Qt::endl;
        }
    }
    return code;
}

} // namespace

bool isCliCommand(const QString &arg)
{
    return arg == QLatin1String("run") || arg == QLatin1String("presets") || arg == QLatin1String("validate")
           || arg == QLatin1String("help") || arg == QLatin1String("--help") || arg == QLatin1String("-h")
           || arg == QLatin1String("--version");
}

int runCli(const QStringList &args, const ScreenshotFn &screenshot)
{
    const QString command = args.value(0);
    const QStringList rest = args.mid(1);
    if (command == QLatin1String("run"))
        return cmdRun(rest, screenshot);
    if (command == QLatin1String("presets"))
        return cmdPresets();
    if (command == QLatin1String("validate"))
        return cmdValidate(rest);
    if (command == QLatin1String("--version")) {
        out() << "interleave " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    }
    out() << usage;
    out().flush();
    return command.isEmpty() || command.startsWith(QLatin1Char('-')) || command == QLatin1String("help") ? 0 : 2;
}

} // namespace app
