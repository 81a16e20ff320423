#include "corebench.h"

#include "core/analysis/metrics.h"
#include "core/base/clock.h"
#include "core/engine/engine.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/model/mode.h"
#include "core/model/taskset.h"
#include "core/modes/modes.h"
#include "core/timeline/timelinemodel.h"
#include "core/trace/trace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace bench {

// ---------------------------------------------------------------- helpers

il::TaskSet uniformTaskSet(const QString &name, int count, il::PhaseKind kind, double ms)
{
    il::TaskSet set;
    set.name = name;
    set.tasks.resize(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        il::Task &t = set.tasks[std::size_t(i)];
        t.name = QStringLiteral("t%1").arg(i);
        t.phases.push_back(il::Phase{kind, ms});
    }
    return set;
}

double medianOf(std::vector<double> v)
{
    if (v.empty())
        return std::nan("");
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

QString countText(int n)
{
    return n % 1000 == 0 ? QStringLiteral("%1k").arg(n / 1000) : QString::number(n);
}

// The executor runs on its own QThread (which has an event dispatcher, as
// the process pool and the event loop need).
DirectRun runDirect(const il::TaskSet &set, const il::RunConfig &config)
{
    DirectRun out;
    std::unique_ptr<il::Executor> executor = il::makeExecutor(config);
    il::Recorder recorder(executor->slotCount());
    il::CancelToken cancel;
    il::RunInfo info = il::makeRunInfo(*executor, config);

    std::int64_t endNs = 0;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        il::ExecContext ctx{set, recorder, cancel, config};
        info.originNs = il::monoNs();
        executor->run(ctx);
        endNs = il::monoNs();
    }));
    thread->start();
    thread->wait();
    out.runWallMs = il::nsToMs(endNs - info.originNs);

    const std::int64_t t0 = il::monoNs();
    const il::RunResultPtr result = il::buildRunResult(info, recorder, *executor, set, endNs, cancel);
    out.metrics = result->metrics;
    out.traceBuildMs = il::nsToMs(il::monoNs() - t0);
    out.error = runFailure(*result->trace);
    if (out.error.isEmpty() && out.metrics.completed != int(set.tasks.size()))
        out.error = QStringLiteral("only %1 of %2 tasks completed (%3 failed)")
                        .arg(out.metrics.completed).arg(set.tasks.size()).arg(out.metrics.failed);
    out.trace = result->trace;
    return out;
}

QString modeLabel(il::Mode mode, int workers)
{
    const QString name = il::modeName(mode);
    if (mode == il::Mode::Sequential || mode == il::Mode::EventLoop)
        return name;
    return QStringLiteral("%1 (%2 workers)").arg(name).arg(workers);
}

QString workerExecutable()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/interleave-worker");
}

QString runFailure(const il::Trace &trace)
{
    for (const il::Incident &i : trace.incidents)
        if (i.fatal())
            return QStringLiteral("%1: %2").arg(QLatin1String(il::incidentKindName(i.kind)), i.detail);
    return QString();
}

// ------------------------------------------------- 1. scheduling overhead

void benchSchedulingOverhead(const Options &options, Report &report)
{
    const int count = options.quick ? 1000 : 10'000;
    const il::TaskSet set = uniformTaskSet(QStringLiteral("zero"), count, il::PhaseKind::Cpu, 0.0);
    const QString worker = workerExecutable();

    struct Case
    {
        il::Mode mode;
        int workers;
        double aimUs; // 0 = none
        QString aimText;
        int prefetch = -1; // processes: -1 the default
    };
    // processes: the default (a task queued ahead per worker) at 2 and 4
    // workers, and one task at a time (--prefetch 0) beside it, as it was.
    const Case cases[] = {
        {il::Mode::Sequential, 1, 0.55, QStringLiteral("≤ 0.55")},
        {il::Mode::Threads, 0, 0.55, QStringLiteral("≤ 0.55")},
        {il::Mode::ThreadsGil, 0, 0.55, QStringLiteral("≤ 0.55")},
        {il::Mode::Processes, 2, 4.5, QStringLiteral("≤ 4.5")},
        {il::Mode::Processes, 4, 4.5, QStringLiteral("≤ 4.5")},
        {il::Mode::Processes, 2, 0, QString(), 0},
        {il::Mode::Processes, 4, 0, QString(), 0},
        {il::Mode::EventLoop, 1, 0.6, QStringLiteral("≤ 0.6")},
    };
    for (const Case &c : cases) {
        il::RunConfig config;
        config.mode = c.mode;
        config.workers = c.workers;
        config.workerPath = worker;
        config.prefetch = c.prefetch;
        const int workers = config.effectiveWorkers();
        QString id = QStringLiteral("overhead.%1").arg(il::modeName(c.mode));
        QString label = QStringLiteral("overhead/task, %1").arg(modeLabel(c.mode, workers));
        if (c.mode == il::Mode::Processes) {
            // The first case keeps the old id (2 workers, default prefetch).
            if (c.workers != 2 || c.prefetch >= 0)
                id += QStringLiteral(".w%1.prefetch%2").arg(c.workers).arg(config.effectivePrefetch());
            label += QStringLiteral(", prefetch %1").arg(config.effectivePrefetch());
        }
        if (c.mode == il::Mode::Processes && !QFileInfo(worker).isExecutable()) {
            report.skip(id, label, QStringLiteral("no worker executable at %1").arg(worker));
            continue;
        }
        Figure f;
        f.id = id;
        f.label = label;
        f.unit = QStringLiteral("µs");
        if (c.aimUs > 0)
            f.aim = Aim::below(c.aimUs, c.aimText);
        std::vector<double> wallUs, traceMs, spawnMs;
        QString error;
        f.samples = repeat(options.reps, [&] {
            const DirectRun r = runDirect(set, config);
            if (!r.error.isEmpty())
                error = r.error;
            wallUs.push_back(r.runWallMs * 1000.0 / count);
            traceMs.push_back(r.traceBuildMs);
            spawnMs.push_back(r.metrics.spawnMs / std::max(1, workers)); // start to hello, per worker
            return r.metrics.makespanMs * 1000.0 / count;
        });
        f.note = QStringLiteral("makespan / %1 zero-length tasks; Executor::run() wall %2 µs/task; "
                                "trace+metrics %3 ms")
                     .arg(countText(count))
                     .arg(medianOf(wallUs), 0, 'f', 2)
                     .arg(medianOf(traceMs), 0, 'f', 1);
        if (c.mode == il::Mode::Processes) {
            f.note += QStringLiteral("; spawn %1 ms per worker").arg(medianOf(spawnMs), 0, 'f', 2);
            f.extra[QStringLiteral("spawn_ms_per_worker_median")] = medianOf(spawnMs);
        }
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        f.extra[QStringLiteral("tasks")] = count;
        f.extra[QStringLiteral("workers")] = workers;
        f.extra[QStringLiteral("run_wall_us_per_task_median")] = medianOf(wallUs);
        f.extra[QStringLiteral("trace_build_ms_median")] = medianOf(traceMs);
        report.add(std::move(f));
    }
}

// ---------------------------------------- engine end to end, main thread

void benchEngineEndToEnd(const Options &options, Report &report)
{
    // The whole public path a front end sees: Engine::start on the GUI-side
    // thread, batched eventsReady fed into a live TraceBuilder (as the
    // timeline does), runFinished, finished. A 1 ms heartbeat on the same
    // thread measures the longest stretch the engine kept that thread busy.
    const int count = options.quick ? 2000 : 20'000;
    const auto set = std::make_shared<const il::TaskSet>(
        uniformTaskSet(QStringLiteral("zero"), count, il::PhaseKind::Cpu, 0.0));
    const QString worker = workerExecutable();

    struct Sample
    {
        double usPerTask = 0;
        double maxGapMs = 0;
        std::size_t events = 0;
        std::size_t batches = 0;
        bool ok = false;
    };
    const auto once = [&](il::Mode mode) {
        Sample s;
        il::RunConfig config;
        config.mode = mode;
        config.workers = mode == il::Mode::Processes ? 2 : 0;
        config.workerPath = worker;
        il::Engine engine;
        std::unique_ptr<il::TraceBuilder> live;
        QEventLoop loop;
        QObject::connect(&engine, &il::Engine::runStarted, &loop, [&](const il::RunInfo &info) {
            live = std::make_unique<il::TraceBuilder>(info, set->tasks.size());
        });
        QObject::connect(&engine, &il::Engine::eventsReady, &loop, [&](int, const il::EventBatch &batch) {
            ++s.batches;
            s.events += batch->size();
            if (live)
                live->add(*batch);
        });
        QObject::connect(&engine, &il::Engine::runFinished, &loop, [&](const il::RunResultPtr &result) {
            s.ok = result->metrics.completed == count;
        });
        QObject::connect(&engine, &il::Engine::finished, &loop, &QEventLoop::quit);
        const std::int64_t t0 = il::monoNs();
        const StallMeter stalls;
        engine.start(set, {config});
        loop.exec();
        s.maxGapMs = stalls.maxGapMs();
        s.usPerTask = il::nsToMs(il::monoNs() - t0) * 1000.0 / count;
        return s;
    };

    std::vector<double> gaps;
    std::size_t events = 0, batches = 0;
    for (il::Mode mode : il::allModes) {
        const QString id = QStringLiteral("engine.%1").arg(il::modeName(mode));
        const QString label = QStringLiteral("Engine end-to-end/task, %1").arg(il::modeName(mode));
        if (mode == il::Mode::Processes && !QFileInfo(worker).isExecutable()) {
            report.skip(id, label, QStringLiteral("no worker executable at %1").arg(worker));
            continue;
        }
        Figure f;
        f.id = id;
        f.label = label;
        f.unit = QStringLiteral("µs");
        bool ok = true;
        f.samples = repeat(options.reps, [&] {
            const Sample s = once(mode);
            ok = ok && s.ok;
            gaps.push_back(s.maxGapMs);
            events = s.events;
            batches = s.batches;
            return s.usPerTask;
        });
        f.note = QStringLiteral("Engine::start to finished / %1 zero tasks (trace + metrics included), "
                                "%2 events in %3 batches")
                     .arg(countText(count)).arg(events).arg(batches);
        if (!ok)
            f.note += QStringLiteral("; ERROR: not every task completed");
        report.add(std::move(f));
    }
    Figure g;
    g.id = QStringLiteral("engine.main-thread-stall");
    g.label = QStringLiteral("Engine: longest main-thread stall while streaming");
    g.unit = QStringLiteral("ms");
    g.samples = gaps;
    g.aim = Aim::below(50, QStringLiteral("<= 50"));
    g.note = QStringLiteral("max gap of a 1 ms heartbeat on the Engine's thread during the runs above "
                            "(at least %1 events per run, batches fed into a TraceBuilder); one sample per run")
                 .arg(count * 5);
    report.add(std::move(g));
}

// ---------------------------------------------- 2. eventloop io at scale

void benchEventLoopIo(const Options &options, Report &report)
{
    const int count = options.quick ? 1000 : 10'000;
    const double ioMs = 200;
    const il::TaskSet set = uniformTaskSet(QStringLiteral("io"), count, il::PhaseKind::Io, ioMs);
    il::RunConfig config;
    config.mode = il::Mode::EventLoop;
    Figure f;
    f.id = QStringLiteral("eventloop-io.makespan");
    f.label = QStringLiteral("eventloop %1 x 200 ms io, makespan").arg(countText(count));
    f.unit = QStringLiteral("ms");
    f.aim = Aim::below(1.25 * ioMs, QStringLiteral("<= 250"));
    std::vector<double> wall, ready, startSpread, lateMedian, lateMax;
    QString error;
    f.samples = repeat(options.reps, [&] {
        const DirectRun r = runDirect(set, config);
        if (!r.error.isEmpty())
            error = r.error;
        wall.push_back(r.runWallMs);
        ready.push_back(r.metrics.readyWaitMs);
        // Where the time beyond 200 ms goes: the loop starts tasks one after
        // another (spread of the starts), and timers fire late (lateness of
        // io ends against their deadlines).
        std::int64_t firstStart = INT64_MAX, lastStart = INT64_MIN;
        for (const il::TaskRecord &t : r.trace->tasks) {
            if (t.startNs < 0)
                continue;
            firstStart = std::min(firstStart, t.startNs);
            lastStart = std::max(lastStart, t.startNs);
        }
        startSpread.push_back(lastStart >= firstStart ? il::nsToMs(lastStart - firstStart) : 0);
        std::vector<double> late;
        for (const il::Span &s : r.trace->spans)
            if (s.kind == il::SpanKind::Io)
                late.push_back(il::nsToMs(s.endNs - s.startNs) - ioMs);
        lateMedian.push_back(medianOf(late));
        lateMax.push_back(late.empty() ? 0 : *std::max_element(late.begin(), late.end()));
        return r.metrics.makespanMs;
    });
    f.note = QStringLiteral("first task start to last end; Executor::run() wall %1 ms; last task started "
                            "%2 ms after the first; io ends late by %3 ms median, %4 ms max; ready-wait "
                            "summed over tasks %5 ms")
                 .arg(medianOf(wall), 0, 'f', 1)
                 .arg(medianOf(startSpread), 0, 'f', 1)
                 .arg(medianOf(lateMedian), 0, 'f', 2)
                 .arg(medianOf(lateMax), 0, 'f', 2)
                 .arg(medianOf(ready), 0, 'f', 1);
    f.extra[QStringLiteral("start_spread_ms_median")] = medianOf(startSpread);
    f.extra[QStringLiteral("io_late_ms_median")] = medianOf(lateMedian);
    f.extra[QStringLiteral("io_late_ms_max_median")] = medianOf(lateMax);
    if (!error.isEmpty())
        f.note += QStringLiteral("; ERROR: ") + error;
    report.add(std::move(f));
}

// ------------------------------------------------------ 3. cpu accuracy

void benchCpuAccuracy(const Options &options, Report &report)
{
    const int n = options.quick ? 3 : 10;
    const double ms = 100;
    const Aim aim = Aim::band(ms - 2, ms + 2, QStringLiteral("100 +- 2"));

    // (a) il::burnCpu on this thread, its own measurement of used CPU.
    {
        Figure f;
        f.id = QStringLiteral("cpu.burn");
        f.label = QStringLiteral("100 ms cpu phase, burnCpu usedNs");
        f.unit = QStringLiteral("ms");
        f.aim = aim;
        il::CancelToken cancel;
        std::vector<double> wall;
        f.samples = repeat(n, [&] {
            std::int64_t used = 0;
            const std::int64_t t0 = il::monoNs();
            il::burnCpu(ms, cancel, &used);
            wall.push_back(il::nsToMs(il::monoNs() - t0));
            return il::nsToMs(used);
        });
        f.note = QStringLiteral("thread CPU time (CLOCK_THREAD_CPUTIME_ID); wall median %1 ms")
                     .arg(medianOf(wall), 0, 'f', 2);
        report.add(std::move(f));
    }

    // (b) the cpuUs the trace records, sequential run of n x 100 ms.
    const auto spansOf = [](const il::Trace &trace, std::vector<double> &cpu, std::vector<double> &wall) {
        for (const il::Span &s : trace.spans) {
            if (s.kind != il::SpanKind::Cpu)
                continue;
            cpu.push_back(double(s.cpuUs) / 1000.0);
            wall.push_back(il::nsToMs(s.endNs - s.startNs));
        }
    };
    {
        const il::TaskSet set = uniformTaskSet(QStringLiteral("cpu"), n, il::PhaseKind::Cpu, ms);
        il::RunConfig config;
        config.mode = il::Mode::Sequential;
        const DirectRun r = runDirect(set, config);
        Figure f;
        f.id = QStringLiteral("cpu.trace-sequential");
        f.label = QStringLiteral("100 ms cpu phase, trace cpuUs (sequential)");
        f.unit = QStringLiteral("ms");
        f.aim = aim;
        std::vector<double> wall;
        spansOf(*r.trace, f.samples, wall);
        f.note = QStringLiteral("one sample per span of %1 x 100 ms; span wall median %2 ms")
                     .arg(n).arg(medianOf(wall), 0, 'f', 2);
        if (!r.error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + r.error;
        report.add(std::move(f));
    }

    // (c) under contention: more busy threads than cores. The wall time of
    // each span stretches, the CPU time must not.
    {
        const int cores = il::detectedCores();
        const int threads = std::max(2, 2 * cores);
        const il::TaskSet set = uniformTaskSet(QStringLiteral("cpu"), threads, il::PhaseKind::Cpu, ms);
        il::RunConfig config;
        config.mode = il::Mode::Threads;
        config.workers = threads;
        Figure f;
        f.id = QStringLiteral("cpu.trace-contended");
        f.label = QStringLiteral("100 ms cpu phase, trace cpuUs (%1 threads on %2 cores)").arg(threads).arg(cores);
        f.unit = QStringLiteral("ms");
        f.aim = aim;
        std::vector<double> wall;
        QString error;
        const int runs = std::max(1, (n + threads - 1) / threads);
        for (int i = 0; i < runs; ++i) {
            const DirectRun r = runDirect(set, config);
            if (!r.error.isEmpty())
                error = r.error;
            spansOf(*r.trace, f.samples, wall);
        }
        f.note = QStringLiteral("%1 runs; span wall median %2 ms (stretched by sharing the cores)")
                     .arg(runs).arg(medianOf(wall), 0, 'f', 1);
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        report.add(std::move(f));
    }
}

// ---------------------------------------------------- 4. memory per event

namespace {

// The Recorder's layout as core/recorder.cpp lays it out (chunkBits = 14,
// maxChunks = 4096): per slot a fixed table of maxChunks chunk pointers, and
// chunks of 2^14 events allocated as they fill. Used to cross-check the
// measured heap growth, not instead of it.
constexpr std::size_t recorderChunkEvents = std::size_t(1) << 14;
constexpr std::size_t recorderMaxChunks = 4096;

double recorderLayoutBytes(const std::vector<std::size_t> &perSlot)
{
    double bytes = 0;
    for (std::size_t n : perSlot) {
        const std::size_t chunks = (n + recorderChunkEvents - 1) / recorderChunkEvents;
        bytes += double(recorderMaxChunks * sizeof(void *)) + double(chunks * recorderChunkEvents * sizeof(il::Event));
    }
    return bytes;
}

// A synthetic but well-formed stream: per task Queued (control slot), then on
// its lane TaskStart, cpu begin/end, io begin/end, TaskEnd: 7 events a task.
constexpr int eventsPerTask = 7;

void appendSyntheticRun(il::Recorder &recorder, int lanes, std::uint32_t tasks, std::vector<std::size_t> &perSlot)
{
    perSlot.assign(std::size_t(lanes + 1), 0);
    std::vector<std::int64_t> clock(std::size_t(lanes), 1'000'000);
    const int control = lanes;
    for (std::uint32_t t = 0; t < tasks; ++t) {
        const auto lane = std::uint16_t(t % std::uint32_t(lanes));
        std::int64_t &now = clock[lane];
        recorder.append(control, il::Event{now, t, il::noLane, il::noPhase, il::EventKind::Queued, il::SpanKind::None, 0});
        const auto ev = [&](il::EventKind kind, il::SpanKind span, std::uint16_t phase, std::uint32_t cpuUs = 0) {
            now += 1000;
            recorder.append(lane, il::Event{now, t, lane, phase, kind, span, cpuUs});
        };
        ev(il::EventKind::TaskStart, il::SpanKind::None, il::noPhase);
        ev(il::EventKind::SpanBegin, il::SpanKind::Cpu, 0);
        ev(il::EventKind::SpanEnd, il::SpanKind::Cpu, 0, 1);
        ev(il::EventKind::SpanBegin, il::SpanKind::Io, 1);
        ev(il::EventKind::SpanEnd, il::SpanKind::Io, 1);
        ev(il::EventKind::TaskEnd, il::SpanKind::None, il::noPhase);
        perSlot[std::size_t(control)] += 1;
        perSlot[lane] += eventsPerTask - 1;
    }
}

std::size_t traceHeapBytes(const il::Trace &t)
{
    return t.spans.capacity() * sizeof(il::Span) + t.tasks.capacity() * sizeof(il::TaskRecord)
           + t.laneBegin.capacity() * sizeof(std::uint32_t);
}

} // namespace

namespace {

// The shape at a tenth: tasks of four zero-length phases (cpu, io,
// cpu, io) through the event loop, 15 events a task; what its trace and its
// timeline model hold per event.
void benchEventLoopRunMemory(const Options &options, Report &report)
{
    const int count = options.quick ? 10'000 : 100'000;
    il::TaskSet set = uniformTaskSet(QStringLiteral("zero4"), count, il::PhaseKind::Cpu, 0.0);
    for (il::Task &t : set.tasks)
        t.phases = {il::Phase{il::PhaseKind::Cpu, 0}, il::Phase{il::PhaseKind::Io, 0},
                    il::Phase{il::PhaseKind::Cpu, 0}, il::Phase{il::PhaseKind::Io, 0}};
    il::RunConfig config;
    config.mode = il::Mode::EventLoop;
    std::vector<double> modelPerEvent, modelHeapPerEvent, tracePerEvent, buildMs;
    QString error;
    double events = 0;
    for (int rep = 0; rep < options.reps; ++rep) {
        DirectRun r = runDirect(set, config);
        if (!r.error.isEmpty())
            error = r.error;
        events = double(r.trace->eventCount);
        tracePerEvent.push_back(double(traceHeapBytes(*r.trace)) / events);
        trimHeap();
        const std::int64_t heap0 = heapInUseBytes();
        const std::int64_t t0 = il::monoNs();
        auto model = std::make_unique<il::TimelineModel>();
        model->setTrace(r.trace, r.metrics);
        buildMs.push_back(il::nsToMs(il::monoNs() - t0));
        modelPerEvent.push_back(double(model->memoryBytes()) / events);
        if (heap0 >= 0)
            modelHeapPerEvent.push_back(double(heapInUseBytes() - heap0) / events);
    }
    const QString what = QStringLiteral("%1 tasks x 4 zero-length phases (cpu, io, cpu, io), eventloop, %2 events")
                             .arg(countText(count)).arg(events, 0, 'f', 0);
    Figure model;
    model.id = QStringLiteral("memory.timeline");
    model.label = QStringLiteral("TimelineModel bytes/event, eventloop run");
    model.unit = QStringLiteral("B");
    model.aim = Aim::below(24, QStringLiteral("<= 24"));
    model.samples = modelPerEvent;
    model.note = QStringLiteral("%1; TimelineModel::memoryBytes() / events after setTrace (lane, wait and task rows; "
                                "the shared Trace not counted); heap growth %2 B/event; built in %3 ms")
                     .arg(what)
                     .arg(modelHeapPerEvent.empty() ? -1.0 : medianOf(modelHeapPerEvent), 0, 'f', 1)
                     .arg(medianOf(buildMs), 0, 'f', 1);
    if (!error.isEmpty())
        model.note += QStringLiteral("; ERROR: ") + error;
    report.add(std::move(model));

    Figure trace;
    trace.id = QStringLiteral("memory.trace-eventloop");
    trace.label = QStringLiteral("Trace bytes/event, eventloop run");
    trace.unit = QStringLiteral("B");
    trace.samples = tracePerEvent;
    trace.note = QStringLiteral("%1; spans + task records held by the Trace").arg(what);
    report.add(std::move(trace));
}

} // namespace

void benchRecorderMemory(const Options &options, Report &report)
{
    const int lanes = 3; // + 1 control slot = 4 writers, as threads mode with 3 workers
    const std::uint32_t tasks = std::uint32_t((options.quick ? 100'000 : 1'000'000) / eventsPerTask);
    const double events = double(tasks) * eventsPerTask;

    il::TaskSet set;
    set.name = QStringLiteral("synthetic");
    set.tasks.resize(tasks);
    for (il::Task &t : set.tasks)
        t.phases = {il::Phase{il::PhaseKind::Cpu, 0.001}, il::Phase{il::PhaseKind::Io, 0.001}};

    std::vector<double> heapPerEvent, rssPerEvent, appendNs, traceBytes, buildMs, peakPerEvent;
    double layout = 0;
    bool heapKnown = true;
    for (int rep = 0; rep < options.reps; ++rep) {
        trimHeap();
        const std::int64_t rss0 = residentBytes();
        const std::int64_t heap0 = heapInUseBytes();
        auto recorder = std::make_unique<il::Recorder>(lanes + 1);
        std::vector<std::size_t> perSlot;
        const std::int64_t t0 = il::monoNs();
        appendSyntheticRun(*recorder, lanes, tasks, perSlot);
        appendNs.push_back(double(il::monoNs() - t0) / events);
        const std::int64_t rss1 = residentBytes();
        const std::int64_t heap1 = heapInUseBytes();
        heapKnown = heapKnown && heap0 >= 0;
        heapPerEvent.push_back(double(heap1 - heap0) / events);
        rssPerEvent.push_back(double(rss1 - rss0) / events);
        layout = recorderLayoutBytes(perSlot) / events;

        // What il::buildRunResult does after a run: build straight from the
        // recorder's chunks, sort.
        il::RunInfo info;
        info.mode = il::Mode::Threads;
        info.workers = lanes;
        info.lanes = lanes;
        info.cores = il::detectedCores();
        const std::int64_t b0 = il::monoNs();
        std::int64_t peak = heapInUseBytes();
        il::TraceBuilder builder(info, set.tasks.size());
        recorder->visit([&](const il::Event *e, std::size_t n) { builder.add(e, n); });
        peak = std::max(peak, heapInUseBytes());
        auto trace = std::make_shared<const il::Trace>(il::Trace::fromBuilder(std::move(builder), 0, false));
        peak = std::max(peak, heapInUseBytes());
        const il::Metrics m = il::computeMetrics(*trace, set);
        buildMs.push_back(il::nsToMs(il::monoNs() - b0));
        peakPerEvent.push_back(double(peak - heap0) / events);
        traceBytes.push_back(double(traceHeapBytes(*trace)) / events);
        if (m.completed != int(tasks) || trace->eventCount != std::size_t(events))
            qWarning("memory: synthetic trace inconsistent (%d completed, %zu events)", m.completed,
                     trace->eventCount);
        trace.reset();
        recorder.reset();
    }

    const QString n = QStringLiteral("%1 events").arg(events, 0, 'f', 0);
    Figure heap;
    heap.id = QStringLiteral("memory.recorder");
    heap.label = QStringLiteral("Recorder bytes/event (heap growth)");
    heap.unit = QStringLiteral("B");
    heap.aim = Aim::below(32, QStringLiteral("<= 32"));
    heap.samples = heapInUseBytes() >= 0 && heapKnown ? heapPerEvent : std::vector<double>{};
    heap.note = QStringLiteral("%1 on %2 slots via Recorder::append; malloc'd bytes (mallinfo2); "
                               "chunk layout of core/recorder.cpp predicts %3 B/event (sizeof(Event) = %4)")
                    .arg(n).arg(lanes + 1).arg(layout, 0, 'f', 2).arg(sizeof(il::Event));
    if (heap.samples.empty()) {
        heap.samples = {layout};
        heap.note += QStringLiteral("; heap not measurable here, value is the layout figure");
    }
    heap.extra[QStringLiteral("layout_bytes_per_event")] = layout;
    report.add(std::move(heap));

    Figure rss;
    rss.id = QStringLiteral("memory.recorder-rss");
    rss.label = QStringLiteral("Recorder bytes/event (RSS growth)");
    rss.unit = QStringLiteral("B");
    rss.aim = Aim::below(32, QStringLiteral("<= 32"));
    rss.samples = rssPerEvent;
    rss.note = QStringLiteral("/proc/self/statm resident growth across the appends (cross-check)");
    report.add(std::move(rss));

    Figure append;
    append.id = QStringLiteral("memory.append");
    append.label = QStringLiteral("Recorder::append time/event");
    append.unit = QStringLiteral("ns");
    append.samples = appendNs;
    append.note = QStringLiteral("single writer thread, chunk allocation included");
    report.add(std::move(append));

    Figure trace;
    trace.id = QStringLiteral("memory.trace");
    trace.label = QStringLiteral("Trace bytes/event (spans + tasks)");
    trace.unit = QStringLiteral("B");
    trace.samples = traceBytes;
    trace.note = QStringLiteral("vector capacities held by the immutable Trace; sizeof Span %1, TaskRecord %2; "
                                "7 events = 2 spans + 1 task record")
                     .arg(sizeof(il::Span)).arg(sizeof(il::TaskRecord));
    report.add(std::move(trace));

    Figure build;
    build.id = QStringLiteral("memory.trace-build");
    build.label = QStringLiteral("trace + metrics build after a run");
    build.unit = QStringLiteral("ms");
    build.samples = buildMs;
    build.note = QStringLiteral("%1: TraceBuilder::add from the recorder's chunks + Trace::fromBuilder + computeMetrics, "
                                "as engine.cpp does at the end of a run").arg(n);
    report.add(std::move(build));

    // A small run (a preset's size) on a threads-mode recorder with the
    // default 6 workers + control slot: the per-slot fixed costs dominate.
    if (heapKnown) {
        const int writers = il::defaultWorkers(il::Mode::Threads) + 1;
        const int small = 200;
        std::vector<double> smallPerEvent;
        for (int rep = 0; rep < options.reps; ++rep) {
            trimHeap();
            const std::int64_t h0 = heapInUseBytes();
            auto r = std::make_unique<il::Recorder>(writers);
            for (int i = 0; i < small; ++i)
                r->append(i % writers, il::Event{i, std::uint32_t(i), 0, 0, il::EventKind::TaskStart, il::SpanKind::None, 0});
            smallPerEvent.push_back(double(heapInUseBytes() - h0) / small);
        }
        Figure sm;
        sm.id = QStringLiteral("memory.recorder-small");
        sm.label = QStringLiteral("Recorder bytes/event, 200-event run");
        sm.unit = QStringLiteral("B");
        sm.samples = smallPerEvent;
        sm.note = QStringLiteral("%1 slots (threads default workers + control), 200 events: every slot that "
                                 "writes allocates a 4096-pointer table and a whole 16384-event chunk").arg(writers);
        report.add(std::move(sm));
    }

    benchEventLoopRunMemory(options, report);

    if (heapKnown) {
        Figure peak;
        peak.id = QStringLiteral("memory.trace-build-peak");
        peak.label = QStringLiteral("peak heap/event while building the trace");
        peak.unit = QStringLiteral("B");
        peak.samples = peakPerEvent;
        peak.note = QStringLiteral("recorder + builder (spans, open-span map) + trace at the highest "
                                   "of three probes");
        report.add(std::move(peak));
    }
}

} // namespace bench

// ------------------------------------------- synthetic trace for the GUI

namespace bench {

namespace {

il::TracePtr syntheticThreads(std::size_t events, unsigned seed, il::TaskSet &set)
{
    const int lanes = 8;
    const auto tasks = std::uint32_t(std::max<std::size_t>(1, events / eventsPerTask));
    set.tasks.resize(tasks);

    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> ioNs(5'000, 900'000);
    std::uniform_int_distribution<std::int64_t> cpuNs(2'000, 400'000);
    const std::int64_t origin = 1'000'000'000;
    std::vector<std::int64_t> clock(std::size_t(lanes), origin + 50'000);
    il::Recorder recorder(lanes + 1);
    const int control = lanes;
    for (std::uint32_t t = 0; t < tasks; ++t) {
        const std::int64_t io = ioNs(rng), cpu = cpuNs(rng);
        set.tasks[t].phases = {il::Phase{il::PhaseKind::Io, double(io) / 1e6},
                               il::Phase{il::PhaseKind::Cpu, double(cpu) / 1e6}};
        // First free lane, like a pool: the lane whose clock is earliest.
        const auto lane = std::uint16_t(std::min_element(clock.begin(), clock.end()) - clock.begin());
        std::int64_t &now = clock[lane];
        recorder.append(control, il::Event{origin, t, il::noLane, il::noPhase, il::EventKind::Queued, il::SpanKind::None, 0});
        const auto ev = [&](il::EventKind kind, il::SpanKind span, std::uint16_t phase, std::uint32_t cpuUs = 0) {
            recorder.append(lane, il::Event{now, t, lane, phase, kind, span, cpuUs});
        };
        ev(il::EventKind::TaskStart, il::SpanKind::None, il::noPhase);
        ev(il::EventKind::SpanBegin, il::SpanKind::Io, 0);
        now += io;
        ev(il::EventKind::SpanEnd, il::SpanKind::Io, 0);
        ev(il::EventKind::SpanBegin, il::SpanKind::Cpu, 1);
        now += cpu;
        ev(il::EventKind::SpanEnd, il::SpanKind::Cpu, 1, std::uint32_t(cpu / 1000));
        ev(il::EventKind::TaskEnd, il::SpanKind::None, il::noPhase);
        now += 1'000; // scheduling gap
    }
    il::RunInfo info;
    info.mode = il::Mode::Threads;
    info.workers = lanes;
    info.lanes = lanes;
    info.cores = 2;
    info.originNs = origin;
    for (int l = 0; l < lanes; ++l)
        info.laneNames << QStringLiteral("thread %1").arg(l + 1);
    il::TraceBuilder builder(info, tasks);
    recorder.visit([&](const il::Event *e, std::size_t n) { builder.add(e, n); });
    const std::int64_t end = *std::max_element(clock.begin(), clock.end());
    return std::make_shared<const il::Trace>(il::Trace::fromBuilder(std::move(builder), end, false));
}

il::TracePtr syntheticEventLoop(std::size_t events, unsigned seed, il::TaskSet &set)
{
    // About 9 events a task: 8, or 10 when it had to wait for the busy loop.
    const auto tasks = std::uint32_t(std::max<std::size_t>(1, events / 9));
    set.tasks.resize(tasks);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> ioNs(1'000'000, 500'000'000);
    std::uniform_int_distribution<std::int64_t> cpuNs(1'000, 20'000);
    const std::int64_t origin = 1'000'000'000;

    struct Plan { std::int64_t start, ioEnd, cpu; };
    std::vector<Plan> plan(tasks);
    std::int64_t loop = origin + 20'000;
    for (std::uint32_t t = 0; t < tasks; ++t) {
        plan[t].start = loop;
        loop += 1'500; // starting a task costs the loop a little
        plan[t].ioEnd = plan[t].start + ioNs(rng);
        plan[t].cpu = cpuNs(rng);
        set.tasks[t].phases = {il::Phase{il::PhaseKind::Io, double(plan[t].ioEnd - plan[t].start) / 1e6},
                               il::Phase{il::PhaseKind::Cpu, double(plan[t].cpu) / 1e6}};
    }
    // The loop serves io completions in deadline order; it is busy until
    // the previous cpu phase ended.
    std::vector<std::uint32_t> order(tasks);
    for (std::uint32_t t = 0; t < tasks; ++t)
        order[t] = t;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return plan[a].ioEnd < plan[b].ioEnd; });
    std::vector<std::int64_t> cpuStart(tasks);
    for (std::uint32_t t : order) {
        loop = std::max(loop, plan[t].ioEnd);
        cpuStart[t] = loop;
        loop += plan[t].cpu;
    }

    il::Recorder recorder(1);
    using K = il::EventKind;
    using S = il::SpanKind;
    for (std::uint32_t t = 0; t < tasks; ++t) {
        const Plan &p = plan[t];
        const auto ev = [&](std::int64_t ns, K kind, std::uint16_t lane, S span = S::None,
                            std::uint16_t phase = il::noPhase, std::uint32_t cpuUs = 0) {
            recorder.append(0, il::Event{ns, t, lane, phase, kind, span, cpuUs});
        };
        ev(origin, K::Queued, il::noLane);
        ev(p.start, K::TaskStart, 0);
        ev(p.start, K::SpanBegin, il::noLane, S::Io, 0);
        ev(p.ioEnd, K::SpanEnd, il::noLane, S::Io, 0);
        if (cpuStart[t] - p.ioEnd > 1'000'000) {
            ev(p.ioEnd, K::SpanBegin, il::noLane, S::Ready, 0);
            ev(cpuStart[t], K::SpanEnd, il::noLane, S::Ready, 0);
        }
        ev(cpuStart[t], K::SpanBegin, 0, S::Cpu, 1);
        ev(cpuStart[t] + p.cpu, K::SpanEnd, 0, S::Cpu, 1, std::uint32_t(p.cpu / 1000));
        ev(cpuStart[t] + p.cpu, K::TaskEnd, 0);
    }
    il::RunInfo info;
    info.mode = il::Mode::EventLoop;
    info.workers = 1;
    info.lanes = 1;
    info.cores = 2;
    info.originNs = origin;
    info.laneNames << QStringLiteral("event loop");
    il::TraceBuilder builder(info, tasks);
    recorder.visit([&](const il::Event *e, std::size_t n) { builder.add(e, n); });
    return std::make_shared<const il::Trace>(il::Trace::fromBuilder(std::move(builder), loop, false));
}

} // namespace

il::TracePtr buildSyntheticTrace(std::size_t events, SyntheticShape shape, unsigned seed, il::TaskSet &set)
{
    set = il::TaskSet();
    set.name = shape == SyntheticShape::Threads ? QStringLiteral("synthetic-threads")
                                                : QStringLiteral("synthetic-eventloop");
    il::TracePtr trace = shape == SyntheticShape::Threads ? syntheticThreads(events, seed, set)
                                                          : syntheticEventLoop(events, seed, set);
    for (std::size_t t = 0; t < set.tasks.size(); ++t)
        set.tasks[t].name = QStringLiteral("task %1").arg(t + 1);
    return trace;
}

} // namespace bench
