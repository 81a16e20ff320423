#include "cli.h"
#include "openedcli.h"

#include "stopsignals.h"

#include "core/analysis/repeats.h"
#include "core/base/clock.h"
#include "core/base/wording.h"
#include "core/import/openedsummary.h"
#include "core/io/exporters.h"
#include "core/model/presets.h"
#include "core/trace/incidentwords.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QTextStream>

#include <cerrno>
#include <cmath>
#include <csignal>

#include <unistd.h>

namespace app {

namespace {

// Once no child process is left to inherit it: a closed stdout or stderr
// becomes an EPIPE error we report instead of a silent death by SIGPIPE, and
// a file size limit an EFBIG error instead of a core dump by SIGXFSZ.
void reportWriteErrorsInsteadOfDying()
{
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);
}

// Everything for stdout goes out unbuffered through here, so a closed pipe
// or a full disk is noticed; the first failure is kept for the exit code.
QString g_stdoutError;

void printOut(const QString &text)
{
    if (!g_stdoutError.isEmpty())
        return;
    const QByteArray bytes = text.toUtf8();
    const char *p = bytes.constData();
    std::size_t left = std::size_t(bytes.size());
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n > 0) {
            p += n;
            left -= std::size_t(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            g_stdoutError = qt_error_string(n < 0 ? errno : EIO);
            return;
        }
    }
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
    "                      [--workers N] [--worker PATH] [--task-timeout MS] [--prefetch N]\n"
    "                      [--trace FILE] [--summary FILE]\n"
    "                      [--screenshot FILE.png|FILE.svg [--view lane|task] [--range START_MS:END_MS] [--dark]\n"
    "                                    [--arrows queue,wake]]\n"
    "                      [--open TRACE]... [--repeat N] [--quiet] [--python PATH]\n"
    "                      [--dask-scheduler tcp://HOST:PORT]\n"
    "       interleave run --open TRACE [--open TRACE]... [--summary FILE] [--trace FILE] [--screenshot FILE]\n"
    "       interleave presets\n"
    "       interleave validate FILE\n"
    "modes: sequential, threads, threads-gil, processes, eventloop (all, the default);\n"
    "       py-sequential, py-threads, py-processes, py-asyncio, dask (real CPython and Dask);\n"
    "       everything = all ten\n";

// One line on stderr. `message` may echo user input: escaped, so it cannot
// move the cursor or forge a line.
void complain(const QString &message)
{
    err() << "interleave: " << il::printable(message) << Qt::endl;
}

int fail(const QString &message, int code = 2, bool withUsage = false)
{
    complain(message);
    if (withUsage)
        err() << usage << Qt::flush;
    return code;
}

// The exit code once stdout is done with: a table that could not be written
// is a failure, as in coreutils (`seq 9 | true` with SIGPIPE ignored).
int finishStdout(int code)
{
    if (g_stdoutError.isEmpty())
        return code;
    complain(QStringLiteral("cannot write to standard output: %1").arg(g_stdoutError));
    return code ? code : 1;
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
    QString o;
    o += QStringLiteral("\n%1: %2, %3\n\n")
             .arg(il::printable(set.name), set.summaryLine(), il::plural(il::detectedCores(), "core"));
    o += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
             .arg(QStringLiteral("mode"), -12).arg(QStringLiteral("workers"), 7)
             .arg(QStringLiteral("makespan"), 10).arg(QStringLiteral("ideal"), 10)
             .arg(QStringLiteral("effic."), 7).arg(QStringLiteral("cpu"), 10)
             .arg(QStringLiteral("io wait"), 10).arg(QStringLiteral("gil wait"), 10)
             .arg(QStringLiteral("util."), 6).arg(QStringLiteral("done/failed"), 12);
    for (const auto &run : runs) {
        const il::Metrics &m = run->metrics;
        o += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                 .arg(il::modeName(m.mode), -12).arg(m.workers, 7)
                 .arg(fmtMs(m.makespanMs), 10).arg(fmtMs(m.idealMs), 10)
                 .arg(m.efficiency > 0 ? QStringLiteral("%1 %").arg(m.efficiency * 100, 0, 'f', 0) : QStringLiteral("–"), 7)
                 .arg(fmtMs(m.cpuMs), 10).arg(fmtMs(m.ioWaitMs), 10).arg(fmtMs(m.gilWaitMs), 10)
                 .arg(QStringLiteral("%1 %").arg(m.utilization * 100, 0, 'f', 0), 6)
                 .arg(QStringLiteral("%1/%2%3").arg(m.completed).arg(m.failed)
                          .arg(m.cancelled ? QStringLiteral(" (%1 cancelled)").arg(m.cancelled) : QString()), 12);
        if (m.repeat.repeated()) {
            QStringList each;
            for (double ms : m.repeat.makespansMs)
                each << fmtMs(ms);
            o += QStringLiteral("  median of %1, in the order run: %2%3\n")
                     .arg(il::plural(int(m.repeat.makespansMs.size()), "finished run"), each.join(QStringLiteral(" · ")),
                          m.repeat.stopped ? QStringLiteral(", %1 stopped").arg(m.repeat.stopped) : QString());
        }
        // Incidents may quote a worker's words or a task's name: escaped.
        for (const il::Incident &incident : run->trace->incidents)
            o += QStringLiteral("  %1: %2\n")
                     .arg(incident.fatal() ? QStringLiteral("error") : QStringLiteral("note"),
                          il::printable(il::incidentWords(incident, run->trace->info)));
        // Shared state: what each counter came to, what each lock cost.
        for (const il::CounterResult &c : m.counters)
            o += QStringLiteral("  counter %1: %2, final %3, %4 lost\n")
                     .arg(il::printable(c.name), il::plural(c.expected, "increment"))
                     .arg(c.finalValue).arg(c.lost());
        for (const il::LockResult &l : m.locks)
            o += QStringLiteral("  lock %1: %2, %3 waited %4 in all (longest %5), longest hold %6\n")
                     .arg(il::printable(l.name), il::plural(qint64(l.acquisitions), "acquisition"))
                     .arg(l.contended)
                     .arg(fmtMs(il::nsToMs(l.waitNs)), fmtMs(il::nsToMs(l.longestWaitNs)),
                          fmtMs(il::nsToMs(l.longestHoldNs)));
    }
    printOut(o);
}

int cmdPresets()
{
    QString o;
    for (const QString &name : il::presetNames()) {
        const il::TaskSetResult r = il::loadPreset(name);
        o += QStringLiteral("%1  %2\n").arg(name, -18).arg(r.ok() ? r.taskSet->summaryLine() : r.error);
        const QString description = il::presetDescription(name);
        if (!description.isEmpty())
            o += QStringLiteral("%1  %2\n").arg(QString(), -18).arg(description);
    }
    printOut(o);
    return finishStdout(0);
}

int cmdValidate(const QStringList &args)
{
    if (args.size() != 1)
        return fail(QStringLiteral("validate takes exactly one FILE"), 2, true);
    const il::TaskSetResult r = il::loadTaskSetFile(args.first());
    if (!r.ok())
        return fail(r.error); // a bad task set: 2, as for run
    printOut(QStringLiteral("%1: ok: %2\n").arg(il::printable(args.first()), r.taskSet->summaryLine()));
    return finishStdout(0);
}

// run's options, for parsing and for `run --help`.
void addRunOptions(QCommandLineParser &parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions({
        {QStringLiteral("taskset"), QStringLiteral("Task set JSON file."), QStringLiteral("FILE")},
        {QStringLiteral("preset"), QStringLiteral("Built-in task set."), QStringLiteral("NAME")},
        {QStringLiteral("mode"), QStringLiteral("Modes to run, comma-separated, or all."), QStringLiteral("M"), QStringLiteral("all")},
        {QStringLiteral("workers"), QStringLiteral("Threads / processes per pool."), QStringLiteral("N")},
        {QStringLiteral("worker"), QStringLiteral("Worker executable for processes (default: $INTERLEAVE_WORKER, else interleave-worker beside interleave)."), QStringLiteral("PATH")},
        {QStringLiteral("task-timeout"), QStringLiteral("Kill a worker process after MS on one task (default: 5 s + 3 x the task's declared time)."), QStringLiteral("MS")},
        {QStringLiteral("prefetch"), QStringLiteral("Tasks queued ahead in each busy worker process (0 to 64, default 1, as CPython's ProcessPoolExecutor)."), QStringLiteral("N")},
        {QStringLiteral("trace"), QStringLiteral("Write a Chrome trace (Perfetto)."), QStringLiteral("FILE")},
        {QStringLiteral("summary"), QStringLiteral("Write the summary JSON (or CSV if FILE ends in .csv)."), QStringLiteral("FILE")},
        {QStringLiteral("screenshot"), QStringLiteral("Render the timeline and chart to PNG or SVG."), QStringLiteral("FILE")},
        {QStringLiteral("view"), QStringLiteral("--screenshot by lane (default) or by task."), QStringLiteral("lane|task")},
        {QStringLiteral("range"), QStringLiteral("--screenshot of this time range only, in ms from each run's start."), QStringLiteral("START_MS:END_MS")},
        {QStringLiteral("dark"), QStringLiteral("--screenshot in the dark palette.")},
        {QStringLiteral("arrows"), QStringLiteral("--screenshot with queue arrows (queued -> started), wake-up arrows (event loop: io ended -> run), or both: queue, wake or queue,wake."), QStringLiteral("LIST")},
        {QStringLiteral("open"), QStringLiteral("Open a trace file (Chrome trace JSON, Dask task stream) beside the runs; repeatable."), QStringLiteral("TRACE")},
        {QStringLiteral("repeat"), QStringLiteral("Run every mode N times, interleaved; show the median run and the spread (1 to 100, default 1)."), QStringLiteral("N")},
        {QStringLiteral("quiet"), QStringLiteral("No table, no progress.")},
        {QStringLiteral("dask-scheduler"), QStringLiteral("Run the dask mode on the cluster at tcp://HOST:PORT instead of a LocalCluster."), QStringLiteral("ADDRESS")},
        {QStringLiteral("python"), QStringLiteral("Python for the py-modes and dask (default: $INTERLEAVE_PYTHON, else /usr/bin/python3, else python3 on PATH)."), QStringLiteral("PATH")},
    });
}

// `interleave SUBCOMMAND --help`: what it does and its options, on stdout.
QString subcommandHelp(const QString &command)
{
    if (command == QLatin1String("presets"))
        return QStringLiteral("usage: interleave presets\n\n"
                              "Lists the built-in task sets, each with a line on its tasks and one on what it "
                              "teaches.\n");
    if (command == QLatin1String("validate"))
        return QStringLiteral("usage: interleave validate FILE\n\n"
                              "Checks a task set file: \"FILE: ok: ...\" and exit 0, or what is wrong and where\n"
                              "(the field and why, or the byte, line and column) and exit 2.\n");
    QCommandLineParser parser;
    addRunOptions(parser);
    // Qt's text starts with its own usage line (a program name of its
    // choosing): ours instead, then the option list as Qt lays it out.
    QString options = parser.helpText();
    options = options.mid(options.indexOf(QLatin1String("\n")) + 1).trimmed();
    return QStringLiteral("usage: interleave run (--taskset FILE | --preset NAME) [options]\n"
                          "       interleave run --open TRACE [--open TRACE]... [options]\n\n"
                          "Runs the task set through each mode (one after another, each on its own), prints a\n"
                          "table and writes what was asked. Exit 0: every task ran; 1: a task or run failed, or a\n"
                          "file could not be written; 2: bad arguments or input; 130: stopped by a signal.\n\n"
                          "%1\n\n"
                          "modes: sequential, threads, threads-gil, processes, eventloop (all, the default);\n"
                          "       py-sequential, py-threads, py-processes, py-asyncio, dask (real CPython and Dask);\n"
                          "       everything = all ten\n")
        .arg(options);
}

bool asksForHelp(const QStringList &args)
{
    return args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"));
}

int cmdRun(const QStringList &args, const ScreenshotFn &screenshot)
{
    QCommandLineParser parser;
    addRunOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("interleave-run")} + args))
        return fail(parser.errorText(), 2, true);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()), 2, true);
    const QStringList openPaths = parser.values(QStringLiteral("open"));
    const bool labRuns = parser.isSet(QStringLiteral("taskset")) || parser.isSet(QStringLiteral("preset"));
    if ((parser.isSet(QStringLiteral("taskset")) && parser.isSet(QStringLiteral("preset"))) || (!labRuns && openPaths.isEmpty()))
        return fail(QStringLiteral("run needs exactly one of --taskset FILE or --preset NAME, or --open TRACE"), 2, true);

    il::TaskSetResult loaded = !labRuns ? il::TaskSetResult{il::TaskSet{}, {}}
                                     : parser.isSet(QStringLiteral("taskset"))
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
    int repeat = 1;
    if (parser.isSet(QStringLiteral("repeat"))) {
        bool ok = false;
        repeat = parser.value(QStringLiteral("repeat")).toInt(&ok);
        if (!ok || repeat < 1 || repeat > 100)
            return fail(QStringLiteral("--repeat: must be a whole number from 1 to 100 (got \"%1\")").arg(parser.value(QStringLiteral("repeat"))));
        if (!labRuns)
            return fail(QStringLiteral("--repeat: needs a task set to run (--taskset or --preset); opened traces are not run"), 2, true);
    }
    int timeoutMs = 0;
    if (parser.isSet(QStringLiteral("task-timeout"))) {
        bool ok = false;
        timeoutMs = parser.value(QStringLiteral("task-timeout")).toInt(&ok);
        if (!ok || timeoutMs < 1)
            return fail(QStringLiteral("--task-timeout: must be a whole number of milliseconds >= 1 (got \"%1\")").arg(parser.value(QStringLiteral("task-timeout"))));
    }
    int prefetch = -1;
    if (parser.isSet(QStringLiteral("prefetch"))) {
        bool ok = false;
        prefetch = parser.value(QStringLiteral("prefetch")).toInt(&ok);
        if (!ok || prefetch < 0 || prefetch > il::RunConfig::maxPrefetch)
            return fail(QStringLiteral("--prefetch: must be a whole number from 0 to %1 (got \"%2\")")
                            .arg(il::RunConfig::maxPrefetch).arg(parser.value(QStringLiteral("prefetch"))));
    }
    // As in the window: --worker, else INTERLEAVE_WORKER, else beside us.
    QString workerPath = qEnvironmentVariable("INTERLEAVE_WORKER");
    if (parser.isSet(QStringLiteral("worker"))) {
        workerPath = parser.value(QStringLiteral("worker"));
        if (workerPath.isEmpty())
            return fail(QStringLiteral("--worker: needs the path of a worker executable (got an empty string)"));
    }
    const QString pythonPath = parser.value(QStringLiteral("python"));
    if (parser.isSet(QStringLiteral("python")) && pythonPath.isEmpty())
        return fail(QStringLiteral("--python: needs the path of a python3 executable (got an empty string)"));
    const QString daskScheduler = parser.value(QStringLiteral("dask-scheduler"));
    if (parser.isSet(QStringLiteral("dask-scheduler"))
        && !QRegularExpression(QStringLiteral("^(tcp|tls)://[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}$")).match(daskScheduler).hasMatch())
        return fail(QStringLiteral("--dask-scheduler: must be tcp://HOST:PORT (got \"%1\")").arg(daskScheduler));
    const QString shot = parser.value(QStringLiteral("screenshot"));
    if (!shot.isEmpty()) {
        if (!shot.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) && !shot.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
            return fail(QStringLiteral("--screenshot: FILE must end in .png or .svg (got \"%1\")").arg(shot));
    }
    // How the picture is drawn: only with --screenshot.
    ScreenshotOptions shotOptions;
    for (const char *option : {"view", "range", "dark", "arrows"})
        if (parser.isSet(QLatin1String(option)) && shot.isEmpty())
            return fail(QStringLiteral("--%1: only with --screenshot FILE").arg(QLatin1String(option)), 2, true);
    if (parser.isSet(QStringLiteral("view"))) {
        const QString view = parser.value(QStringLiteral("view"));
        if (view != QLatin1String("lane") && view != QLatin1String("task"))
            return fail(QStringLiteral("--view: must be lane or task (got \"%1\")").arg(view));
        shotOptions.byTask = view == QLatin1String("task");
    }
    if (parser.isSet(QStringLiteral("range"))) {
        const QString range = parser.value(QStringLiteral("range"));
        const QStringList ends = range.split(QLatin1Char(':'));
        bool okFrom = false, okTo = false;
        const double from = ends.size() == 2 ? ends[0].toDouble(&okFrom) : 0;
        const double to = ends.size() == 2 ? ends[1].toDouble(&okTo) : 0;
        if (!okFrom || !okTo || !std::isfinite(from) || !std::isfinite(to) || from < 0 || to <= from || to > 1e9)
            return fail(QStringLiteral("--range: must be START_MS:END_MS with 0 <= START < END, in milliseconds (got \"%1\")").arg(range));
        shotOptions.fromMs = from;
        shotOptions.toMs = to;
    }
    shotOptions.dark = parser.isSet(QStringLiteral("dark"));
    if (parser.isSet(QStringLiteral("arrows"))) {
        const QString list = parser.value(QStringLiteral("arrows"));
        for (const QString &kind : list.split(QLatin1Char(','))) {
            if (kind == QLatin1String("queue"))
                shotOptions.queueArrows = true;
            else if (kind == QLatin1String("wake"))
                shotOptions.wakeArrows = true;
            else
                return fail(QStringLiteral("--arrows: must be queue, wake or queue,wake (got \"%1\")").arg(list));
        }
    }
    // Every option's value checked first: what is wrong with the line is said
    // whatever the build.
    if (!shot.isEmpty() && !screenshot)
        return fail(QStringLiteral("--screenshot: this build has no GUI library"));
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    // Opened before the run: a bad trace is said before a long comparison.
    catchStopSignals(true);
    OpenedFiles opened = openTraceFiles(openPaths, complain, [] { return stopSignalCount() != 0; });
    if (opened.code == 130)
        return 130;
    if (opened.code != 0 && opened.runs.empty())
        return opened.code;

    // Moved, not copied: a million-task set is held once.
    auto set = std::make_shared<const il::TaskSet>(std::move(*loaded.taskSet));
    std::vector<il::RunConfig> configs;
    for (il::Mode mode : *modes) {
        il::RunConfig c;
        c.mode = mode;
        c.workers = workers;
        c.taskTimeoutMs = timeoutMs;
        c.prefetch = prefetch;
        c.workerPath = workerPath;
        c.pythonPath = pythonPath;
        c.daskScheduler = daskScheduler;
        configs.push_back(c);
    }

    il::Engine engine;
    std::vector<il::RunResultPtr> results;
    bool cancelled = false;
    QObject::connect(&engine, &il::Engine::runStarted, [&](const il::RunInfo &info) {
        if (quiet)
            return;
        err() << "running " << il::modeName(info.mode) << " (" << il::plural(info.lanes, "lane") << ")";
        if (info.repeats > 1)
            err() << ", repetition " << info.repetition + 1 << " of " << info.repeats;
        err() << "…" << Qt::endl;
    });
    QObject::connect(&engine, &il::Engine::runFinished, [&](const il::RunResultPtr &r) { results.push_back(r); });
    QObject::connect(&engine, &il::Engine::finished, [&](bool wasCancelled) {
        cancelled = wasCancelled;
        QCoreApplication::exit(0);
    });
    // Ctrl+C stops cleanly: workers are killed and reaped, partial results
    // kept. The signal wakes this loop (stopsignals.h): nothing polls.
    catchStopSignals(true);
    if (labRuns) {
        engine.start(set, configs, repeat);
        // A signal that came before this is not lost: the descriptor stays
        // readable until read, so the loop's first turn delivers it.
        const auto onSignal = onStopSignal([&engine] { engine.stop(); });
        QCoreApplication::exec();
    }

    // Every signal so far was aimed at the run; one from now on stops the
    // writing (the writer asks at each piece it writes). The run's workers
    // are gone: nothing inherits the dispositions.
    const int signalsBeforeWriting = stopSignalCount();
    catchStopSignals(false);
    reportWriteErrorsInsteadOfDying();
    const il::StopCheck interrupted = [signalsBeforeWriting] { return stopSignalCount() != signalsBeforeWriting; };

    int code = cancelled || signalsBeforeWriting > 0 ? 130 : 0;
    for (const auto &r : results)
        if (r->trace->failed() || r->metrics.failed > 0)
            code = code ? code : 1;
    code = code ? code : opened.code;
    // Every repetition counted above; from here on each mode is its median run.
    const std::vector<il::RunResultPtr> labResults = il::medianRuns(results, repeat);
    results = il::appendOpenedRuns(labResults, opened.runs);
    // Without a task set, the comparison's is the (first) opened file's.
    const std::shared_ptr<const il::TaskSet> &namesSet = labRuns || opened.runs.empty() ? set : opened.runs.front().tasks;
    const il::TaskSet &names = *namesSet;
    // The picture and the trace name each run's tasks as that run does: the
    // lab's from the set, an opened file's from its own names.
    std::vector<std::shared_ptr<const il::TaskSet>> runNames(labResults.size(), set);
    for (const il::OpenedRun &o : opened.runs)
        runNames.push_back(o.tasks);
    shotOptions.runNames = runNames;

    // Files first, the table after: a closed stdout must not cost a file.
    // The summary goes first (small, the most asked for), then the trace;
    // each is written or fails on its own.
    const auto wrote = [&](const QString &path, const QString &error) {
        if (!error.isEmpty()) {
            complain(error);
            code = interrupted() ? 130 : code ? code : 1;
        } else if (!quiet) {
            err() << "wrote " << il::printable(path) << Qt::endl;
        }
    };
    const auto skipped = [&](const QString &path) {
        complain(QStringLiteral("%1: not written: interrupted").arg(path));
        code = 130;
    };
    if (parser.isSet(QStringLiteral("summary"))) {
        const QString path = parser.value(QStringLiteral("summary"));
        if (interrupted())
            skipped(path);
        else
            wrote(path, il::writeFileAtomically(path,
                                                path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
                                                    ? il::summaryCsvWithOpened(results, opened.runs)
                                                    : il::summaryJsonWithOpened(*set, results, opened.runs),
                                                interrupted));
    }
    if (parser.isSet(QStringLiteral("trace"))) {
        const QString path = parser.value(QStringLiteral("trace"));
        if (interrupted())
            skipped(path);
        else
        {
            // Every run: the lab's, then the opened ones (a run from another
            // tool's file keeps its span and task names in its trace).
            wrote(path, il::writeChromeTraceFile(path, names, results, interrupted, runNames));
        }
    }
    if (!shot.isEmpty()) {
        if (interrupted())
            skipped(shot);
        else
        {
            QStringList files; // a very tall picture is split into pages
            const QString error = screenshot(namesSet, results, shot, shotOptions, &files);
            if (!error.isEmpty() || files.isEmpty())
                wrote(shot, error);
            for (const QString &file : files)
                wrote(file, QString());
        }
    }
    // Interrupted while writing: stop here, as asked.
    if (!quiet && !interrupted()) {
        if (labRuns)
            printTable(*set, labResults);
        printOut(openedTable(opened.runs));
    }
    return finishStdout(code);
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
    if (command != QLatin1String("run")) // run waits until its workers are gone
        reportWriteErrorsInsteadOfDying();
    const QStringList rest = args.mid(1);
    const bool subcommand = command == QLatin1String("run") || command == QLatin1String("presets")
                            || command == QLatin1String("validate");
    // --help and --version mean the same after a subcommand as before it.
    if (subcommand && asksForHelp(rest)) {
        printOut(subcommandHelp(command));
        return finishStdout(0);
    }
    if (command == QLatin1String("help") && !rest.isEmpty()) { // interleave help run
        const QString topic = rest.first();
        const bool known = topic == QLatin1String("run") || topic == QLatin1String("presets")
                           || topic == QLatin1String("validate");
        printOut(known ? subcommandHelp(topic) : QLatin1String(usage));
        return finishStdout(0);
    }
    if (subcommand && rest.contains(QLatin1String("--version"))) {
        printOut(QStringLiteral("interleave %1\n").arg(QCoreApplication::applicationVersion()));
        return finishStdout(0);
    }
    if (command == QLatin1String("run"))
        return cmdRun(rest, screenshot);
    if (command == QLatin1String("presets"))
        return cmdPresets();
    if (command == QLatin1String("validate"))
        return cmdValidate(rest);
    if (command == QLatin1String("--version")) {
        printOut(QStringLiteral("interleave %1\n").arg(QCoreApplication::applicationVersion()));
        return finishStdout(0);
    }
    printOut(QLatin1String(usage));
    return finishStdout(command.isEmpty() || command.startsWith(QLatin1Char('-')) || command == QLatin1String("help") ? 0 : 2);
}

} // namespace app
