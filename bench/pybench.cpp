#include "pybench.h"

#include "corebench.h"

#include "core/analysis/machineload.h"
#include "core/analysis/twins.h"
#include "core/model/presets.h"
#include "core/modes/python/pythoninterpreter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

namespace bench {

namespace {

const il::Mode models[] = {il::Mode::Sequential, il::Mode::ThreadsGil, il::Mode::Processes, il::Mode::EventLoop};

// The interpreter the py-modes would use, or why a group cannot run.
QString pythonProblem(bool needDask)
{
    const il::PythonInfo py = il::probePython(il::resolvePythonPath());
    if (!py.usable)
        return py.problem;
    if (needDask && !py.hasDask)
        return py.daskProblem;
    return QString();
}

il::RunConfig configFor(il::Mode mode)
{
    il::RunConfig c;
    c.mode = mode;
    c.workerPath = workerExecutable();
    return c;
}

struct Measured
{
    DirectRun run;
    double busy = -1; // machine_busy during the run
};

Measured measure(const il::TaskSet &set, il::Mode mode)
{
    const il::MachineLoad load;
    Measured m;
    m.run = runDirect(set, configFor(mode));
    m.busy = load.othersShare();
    return m;
}

} // namespace

// ------------------------------------------------------ model against twin

void benchTwins(const Options &options, Report &report)
{
    const QStringList presets = options.quick ? QStringList{}
                                              : QStringList{QStringLiteral("primes"), QStringLiteral("downloads"),
                                                            QStringLiteral("scrape-and-parse"), QStringLiteral("one-hog")};
    if (presets.isEmpty()) {
        report.skip(QStringLiteral("twins"), QStringLiteral("model ÷ real twin"),
                    QStringLiteral("not in --quick: minutes of real runs"));
        return;
    }
    const QString problem = pythonProblem(false);
    for (const QString &preset : presets) {
        const il::TaskSet set = *il::loadPreset(preset).taskSet;
        for (il::Mode model : models) {
            const il::Mode twin = *il::twinOf(model);
            const QString id = QStringLiteral("twins.%1.%2").arg(preset, il::modeName(model));
            const QString label = QStringLiteral("%1 ÷ %2, %3").arg(il::modeName(model), il::modeName(twin), preset);
            if (!problem.isEmpty()) {
                report.skip(id, label, problem);
                continue;
            }
            Figure f;
            f.id = id;
            f.label = label;
            f.unit = QStringLiteral("×");
            f.aim.low = 0.85;
            f.aim.high = 1.15;
            f.aim.text = QStringLiteral("0.85–1.15");
            std::vector<double> modelMs, twinMs, busy;
            QString error;
            // Interleaved, model then twin, so a disturbance falls on both.
            f.samples = repeat(options.reps, [&] {
                const Measured a = measure(set, model);
                const Measured b = measure(set, twin);
                for (const QString &e : {a.run.error, b.run.error})
                    if (!e.isEmpty())
                        error = e;
                modelMs.push_back(a.run.metrics.makespanMs);
                twinMs.push_back(b.run.metrics.makespanMs);
                busy.push_back(std::max(a.busy, b.busy));
                return b.run.metrics.makespanMs > 0 ? a.run.metrics.makespanMs / b.run.metrics.makespanMs : std::nan("");
            });
            f.note = QStringLiteral("makespans %1 ms vs %2 ms (medians); machine_busy up to %3 %")
                         .arg(medianOf(modelMs), 0, 'f', 1)
                         .arg(medianOf(twinMs), 0, 'f', 1)
                         .arg(std::lround(*std::max_element(busy.begin(), busy.end()) * 100));
            if (!error.isEmpty())
                f.note += QStringLiteral("; ERROR: ") + error;
            f.extra[QStringLiteral("model_ms_median")] = medianOf(modelMs);
            f.extra[QStringLiteral("twin_ms_median")] = medianOf(twinMs);
            f.extra[QStringLiteral("machine_busy_max")] = *std::max_element(busy.begin(), busy.end());
            report.add(std::move(f));
        }
    }
}

// ------------------------------------------------ per-task cost of py-modes

void benchPythonOverhead(const Options &options, Report &report)
{
    const int count = options.quick ? 200 : 5000;
    struct Case
    {
        il::Mode real;
        il::Mode model; // measured in the same loop
        int count;
    };
    // Dask pays a scheduler round trip per task: fewer tasks keep it short.
    const Case cases[] = {{il::Mode::PySequential, il::Mode::Sequential, count},
                          {il::Mode::PyThreads, il::Mode::ThreadsGil, count},
                          {il::Mode::PyProcesses, il::Mode::Processes, count},
                          {il::Mode::PyAsyncio, il::Mode::EventLoop, count},
                          {il::Mode::Dask, il::Mode::Processes, std::max(100, count / 5)}};
    for (const Case &c : cases) {
        const QString id = QStringLiteral("py-overhead.%1").arg(il::modeName(c.real));
        const int workers = configFor(c.real).effectiveWorkers();
        const QString label = QStringLiteral("overhead/task, %1").arg(modeLabel(c.real, workers));
        if (const QString problem = pythonProblem(c.real == il::Mode::Dask); !problem.isEmpty()) {
            report.skip(id, label, problem);
            continue;
        }
        const il::TaskSet set = uniformTaskSet(QStringLiteral("zero"), c.count, il::PhaseKind::Cpu, 0.0);
        Figure f;
        f.id = id;
        f.label = label;
        f.unit = QStringLiteral("µs");
        std::vector<double> modelUs, spawnMs;
        QString error;
        f.samples = repeat(options.reps, [&] {
            const Measured real = measure(set, c.real);
            const Measured model = measure(set, c.model);
            for (const QString &e : {real.run.error, model.run.error})
                if (!e.isEmpty())
                    error = e;
            modelUs.push_back(model.run.metrics.makespanMs * 1000.0 / c.count);
            spawnMs.push_back(real.run.metrics.spawnMs);
            // Start-up is its own figure (spawn); the per-task cost is the rest.
            const double spawn = c.real == il::Mode::PyProcesses || c.real == il::Mode::Dask
                                     ? real.run.metrics.spawnMs / std::max(1, workers) : 0.0;
            return (real.run.metrics.makespanMs - spawn) * 1000.0 / c.count;
        });
        const double modelMedian = medianOf(modelUs);
        const bool spawns = c.real == il::Mode::PyProcesses || c.real == il::Mode::Dask;
        f.note = QStringLiteral("makespan%1 / %2 zero-length tasks; %3 in the same loop: %4 µs/task (%5× less)")
                     .arg(spawns ? QStringLiteral(" (less one worker's start-up)") : QString(), countText(c.count),
                          modeLabel(c.model, configFor(c.model).effectiveWorkers()))
                     .arg(modelMedian, 0, 'f', 2)
                     .arg(f.median() / modelMedian, 0, 'f', 0);
        if (spawns)
            f.note += QStringLiteral("; spawn %1 ms in all").arg(medianOf(spawnMs), 0, 'f', 0);
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        f.extra[QStringLiteral("tasks")] = c.count;
        f.extra[QStringLiteral("model")] = il::modeName(c.model);
        f.extra[QStringLiteral("model_us_per_task_median")] = modelMedian;
        f.extra[QStringLiteral("spawn_ms_median")] = medianOf(spawnMs);
        report.add(std::move(f));
    }
}

// -------------------------------------------- what the runner's recording costs

namespace {

QByteArray jobFor(il::Mode mode, const il::TaskSet &set)
{
    QJsonArray tasks;
    for (const il::Task &t : set.tasks) {
        QJsonArray phases;
        for (const il::Phase &p : t.phases)
            phases.append(QJsonArray{p.kind == il::PhaseKind::Cpu ? 0 : 1, p.ms});
        tasks.append(phases);
    }
    QJsonObject job{{QStringLiteral("mode"), il::modeName(mode)},
                    {QStringLiteral("workers"), configFor(mode).effectiveWorkers()},
                    {QStringLiteral("scheduler"), QString()},
                    {QStringLiteral("tasks"), tasks}};
    return QJsonDocument(job).toJson(QJsonDocument::Compact);
}

} // namespace

void benchRunnerOverhead(const Options &options, Report &report)
{
    const QString script = QStringLiteral(INTERLEAVE_SOURCE_DIR "/bench/runner_overhead.py");
    const QString resources = QStringLiteral(INTERLEAVE_SOURCE_DIR "/resources/python");
    const QString problem = pythonProblem(false);
    QTemporaryDir dir;
    // Small real tasks (1 ms of cpu, 1 ms of io: 7 events each), and
    // zero-length ones, where recording is nearly all there is.
    const int small = options.quick ? 100 : 500;
    il::TaskSet work;
    work.tasks.resize(std::size_t(small));
    for (il::Task &t : work.tasks)
        t.phases = {il::Phase{il::PhaseKind::Cpu, 1.0}, il::Phase{il::PhaseKind::Io, 1.0}};
    const il::TaskSet zero = uniformTaskSet(QStringLiteral("zero"), options.quick ? 500 : 5000, il::PhaseKind::Cpu, 0.0);

    for (il::Mode mode : {il::Mode::PySequential, il::Mode::PyThreads, il::Mode::PyAsyncio}) {
        for (bool perEvent : {false, true}) {
            const QString id = QStringLiteral("py-runner.%1%2").arg(il::modeName(mode), perEvent ? QStringLiteral(".per-event") : QString());
            const QString label = perEvent ? QStringLiteral("runner cost/event, %1, zero tasks").arg(il::modeName(mode))
                                           : QStringLiteral("runner's share, %1, %2 × (cpu 1 ms, io 1 ms)")
                                                 .arg(il::modeName(mode), countText(small));
            if (!problem.isEmpty() || !dir.isValid()) {
                report.skip(id, label, problem.isEmpty() ? QStringLiteral("no temporary directory") : problem);
                continue;
            }
            const QString jobPath = dir.filePath(QStringLiteral("%1.json").arg(id));
            QFile job(jobPath);
            if (!job.open(QIODevice::WriteOnly) || job.write(jobFor(mode, perEvent ? zero : work)) < 0) {
                report.skip(id, label, QStringLiteral("could not write %1").arg(jobPath));
                continue;
            }
            job.close();
            QProcess py;
            py.start(il::resolvePythonPath(), {script, resources, jobPath, QString::number(options.reps)});
            const bool done = py.waitForFinished(600'000);
            const QJsonObject out = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
            const QJsonArray bare = out.value(QLatin1String("bare_ms")).toArray();
            const QJsonArray recorded = out.value(QLatin1String("recorded_ms")).toArray();
            const double events = out.value(QLatin1String("events")).toDouble();
            if (!done || py.exitCode() != 0 || bare.isEmpty() || bare.size() != recorded.size() || events <= 0) {
                report.skip(id, label, QStringLiteral("runner_overhead.py failed: %1")
                                           .arg(QString::fromUtf8(py.readAllStandardError()).trimmed().right(300)));
                continue;
            }
            Figure f;
            f.id = id;
            f.label = label;
            std::vector<double> bareMs, recordedMs;
            for (qsizetype i = 0; i < bare.size(); ++i) {
                bareMs.push_back(bare[i].toDouble());
                recordedMs.push_back(recorded[i].toDouble());
                // Taken in pairs, one right after the other: compared pairwise.
                f.samples.push_back(perEvent ? (recordedMs.back() - bareMs.back()) * 1000.0 / events
                                             : (recordedMs.back() - bareMs.back()) / bareMs.back() * 100.0);
            }
            f.unit = perEvent ? QStringLiteral("µs") : QStringLiteral("%");
            if (!perEvent)
                f.aim = Aim::below(5, QStringLiteral("< 5"));
            f.note = QStringLiteral("the mode's own Python code with recording vs with none: %1 ms vs %2 ms "
                                    "(medians), %3 events")
                         .arg(medianOf(recordedMs), 0, 'f', 1)
                         .arg(medianOf(bareMs), 0, 'f', 1)
                         .arg(qint64(events));
            f.extra[QStringLiteral("events")] = events;
            f.extra[QStringLiteral("recorded_ms_median")] = medianOf(recordedMs);
            f.extra[QStringLiteral("bare_ms_median")] = medianOf(bareMs);
            report.add(std::move(f));
        }
    }
}

} // namespace bench
