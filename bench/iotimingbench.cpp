#include "iotimingbench.h"

#include "corebench.h"

#include "core/base/clock.h"
#include "core/engine/engine.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/recorder.h"
#include "core/model/mode.h"
#include "core/model/taskset.h"
#include "core/modes/modes.h"
#include "core/trace/trace.h"

#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include <sys/prctl.h>
#include <time.h>

namespace bench {

namespace {

il::TaskSet repeatedPhases(int tasks, int phases, il::PhaseKind kind, double ms)
{
    il::TaskSet set;
    set.name = QStringLiteral("timing");
    set.tasks.resize(std::size_t(tasks));
    for (int i = 0; i < tasks; ++i) {
        il::Task &t = set.tasks[std::size_t(i)];
        t.name = QStringLiteral("t%1").arg(i);
        t.phases.assign(std::size_t(phases), il::Phase{kind, ms});
    }
    return set;
}

// The executor on its own QThread (it needs an event dispatcher for the
// process pool and the event loop), as the engine's run thread does it.
// `whileRunning` runs on the calling thread meanwhile, e.g. to press Stop.
struct Ran
{
    il::RunResultPtr result;
    std::int64_t endNs = 0; // when Executor::run() returned
    QString error;
};

Ran runOnThread(const il::TaskSet &set, const il::RunConfig &config,
                const std::function<void(il::Recorder &, il::CancelToken &)> &whileRunning = {})
{
    std::unique_ptr<il::Executor> executor = il::makeExecutor(config);
    il::Recorder recorder(executor->slotCount());
    il::CancelToken cancel;
    il::RunInfo info = il::makeRunInfo(*executor, config);
    Ran out;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        il::ExecContext ctx{set, recorder, cancel, config};
        info.originNs = il::monoNs();
        executor->run(ctx);
        out.endNs = il::monoNs();
    }));
    thread->start();
    if (whileRunning)
        whileRunning(recorder, cancel);
    thread->wait();
    out.result = il::buildRunResult(info, recorder, *executor, set, out.endNs, cancel);
    out.error = runFailure(*out.result->trace);
    return out;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return std::nan("");
    std::sort(v.begin(), v.end());
    const auto rank = std::size_t(std::ceil(p * double(v.size())));
    return v[std::min(v.size() - 1, rank > 0 ? rank - 1 : 0)];
}

// Lateness of every io phase in µs: when the phase really ended (its io
// span, or on the event loop the ready-wait after it) minus its deadline
// (io span start + the asked duration).
std::vector<double> ioLatenessUs(const il::Trace &trace, const il::TaskSet &set)
{
    struct Phase
    {
        std::int64_t start = INT64_MAX;
        std::int64_t end = INT64_MIN;
    };
    std::map<std::uint64_t, Phase> phases;
    for (const il::Span &s : trace.spans) {
        if (s.kind != il::SpanKind::Io && s.kind != il::SpanKind::Ready)
            continue;
        Phase &p = phases[(std::uint64_t(s.task) << 16) | s.phase];
        if (s.kind == il::SpanKind::Io)
            p.start = std::min(p.start, s.startNs);
        p.end = std::max(p.end, s.endNs);
    }
    std::vector<double> late;
    late.reserve(phases.size());
    for (const auto &[key, p] : phases) {
        const double ms = set.tasks[key >> 16].phases[key & 0xffff].ms;
        late.push_back(double(p.end - (p.start + il::msToNs(ms))) / 1000.0);
    }
    return late;
}

double medianOf(const std::vector<double> &v) { return percentile(v, 0.5); }

QString modeText(il::Mode mode, int workers)
{
    const QString name = il::modeName(mode);
    return mode == il::Mode::Sequential || mode == il::Mode::EventLoop
               ? name
               : QStringLiteral("%1 (%2 workers)").arg(name).arg(workers);
}

bool skipWithoutWorker(il::Mode mode, const QString &id, const QString &label, Report &report)
{
    if (mode != il::Mode::Processes || QFileInfo(workerExecutable()).isExecutable())
        return false;
    report.skip(id, label, QStringLiteral("no worker executable at %1").arg(workerExecutable()));
    return true;
}

// ---------------------------------------------- lateness of short io waits

void ioLateness(const Options &options, Report &report)
{
    // The case: 10 tasks x 1000 io phases of 0.1 ms. On the event
    // loop all ten wait at once (ideal 100 ms); the blocking modes give each
    // task a lane where they can.
    const int tasks = 10;
    const int phases = options.quick ? 100 : 1000;
    const double ms = 0.1;
    const il::TaskSet set = repeatedPhases(tasks, phases, il::PhaseKind::Io, ms);
    const QString shape = QStringLiteral("%1 x %2 x 0.1 ms io").arg(tasks).arg(phases);

    struct Case
    {
        il::Mode mode;
        int workers;
    };
    const Case cases[] = {{il::Mode::Sequential, 1}, {il::Mode::Threads, tasks}, {il::Mode::Processes, 2},
                          {il::Mode::EventLoop, 1}};
    for (const Case &c : cases) {
        il::RunConfig config;
        config.mode = c.mode;
        config.workers = c.workers;
        config.workerPath = workerExecutable();
        const QString mode = il::modeName(c.mode);
        const QString text = modeText(c.mode, config.effectiveWorkers());
        const QString p50Id = QStringLiteral("io-timing.late-p50.%1").arg(mode);
        const QString p50Label = QStringLiteral("io phase end - deadline, median, %1").arg(text);
        const QString p99Label = QStringLiteral("io phase end - deadline, p99, %1").arg(text);
        if (skipWithoutWorker(c.mode, p50Id, p50Label, report))
            continue;

        std::vector<double> p50, p99, worst, makespan, ideal, ready;
        QString error;
        for (int r = 0; r < options.reps; ++r) {
            const Ran ran = runOnThread(set, config);
            if (!ran.error.isEmpty())
                error = ran.error;
            else if (ran.result->metrics.completed != tasks)
                error = QStringLiteral("only %1 of %2 tasks completed").arg(ran.result->metrics.completed).arg(tasks);
            const std::vector<double> late = ioLatenessUs(*ran.result->trace, set);
            p50.push_back(percentile(late, 0.5));
            p99.push_back(percentile(late, 0.99));
            worst.push_back(percentile(late, 1.0));
            makespan.push_back(ran.result->metrics.makespanMs);
            ideal.push_back(ran.result->metrics.idealMs);
            ready.push_back(ran.result->metrics.readyWaitMs);
        }
        const QString note = QStringLiteral("%1; phase end = io end (+ ready-wait on the event loop); makespan %2 ms "
                                            "against ideal %3 ms; worst phase %4 µs late")
                                 .arg(shape)
                                 .arg(medianOf(makespan), 0, 'f', 1)
                                 .arg(medianOf(ideal), 0, 'f', 1)
                                 .arg(medianOf(worst), 0, 'f', 0)
                             + (error.isEmpty() ? QString() : QStringLiteral("; ERROR: ") + error);

        Figure f50;
        f50.id = p50Id;
        f50.label = p50Label;
        f50.unit = QStringLiteral("µs");
        f50.samples = p50;
        f50.aim = Aim::below(50, QStringLiteral("<= 50"));
        f50.note = note;
        f50.extra[QStringLiteral("phases")] = tasks * phases;
        f50.extra[QStringLiteral("makespan_ms_median")] = medianOf(makespan);
        f50.extra[QStringLiteral("ideal_ms")] = medianOf(ideal);
        f50.extra[QStringLiteral("late_us_max_median")] = medianOf(worst);
        f50.extra[QStringLiteral("ready_wait_ms_median")] = medianOf(ready);
        report.add(std::move(f50));

        Figure f99;
        f99.id = QStringLiteral("io-timing.late-p99.%1").arg(mode);
        f99.label = p99Label;
        f99.unit = QStringLiteral("µs");
        f99.samples = p99;
        f99.note = QStringLiteral("same runs as the median");
        report.add(std::move(f99));

        if (c.mode == il::Mode::EventLoop) {
            // Each of the 1000 rounds may end 50 µs late: 150 ms for 100 ms of io.
            Figure m;
            m.id = QStringLiteral("io-timing.makespan.eventloop");
            m.label = QStringLiteral("eventloop %1, makespan").arg(shape);
            m.unit = QStringLiteral("ms");
            m.samples = makespan;
            m.aim = Aim::below(1.5 * phases * ms, QStringLiteral("<= %1").arg(1.5 * phases * ms));
            m.note = QStringLiteral("ideal %1 ms; ready-wait summed over tasks %2 ms")
                         .arg(medianOf(ideal), 0, 'f', 1)
                         .arg(medianOf(ready), 0, 'f', 2);
            report.add(std::move(m));
        }
    }
}

// ---------------------------------------------- what the OS itself allows

void osFloor(const Options &options, Report &report)
{
    // The same 0.1 ms waits with nothing of ours around them: a bare
    // clock_nanosleep to an absolute deadline, 1 ns timer slack, on a fresh
    // thread. What the io figures above add on top of this is ours; this
    // much is the kernel's (and on a VM, the hypervisor's) wake-up latency.
    const int count = options.quick ? 300 : 3000;
    Figure f50;
    f50.id = QStringLiteral("io-timing.os-floor-p50");
    f50.label = QStringLiteral("bare clock_nanosleep 0.1 ms, end - deadline, median");
    f50.unit = QStringLiteral("µs");
    Figure f99;
    f99.id = QStringLiteral("io-timing.os-floor-p99");
    f99.label = QStringLiteral("bare clock_nanosleep 0.1 ms, end - deadline, p99");
    f99.unit = QStringLiteral("µs");
    for (int r = 0; r < options.reps; ++r) {
        std::vector<double> late;
        late.reserve(std::size_t(count));
        std::unique_ptr<QThread> thread(QThread::create([&] {
            ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
            for (int i = 0; i < count; ++i) {
                const std::int64_t deadline = il::monoNs() + 100'000;
                const timespec ts{time_t(deadline / 1'000'000'000), long(deadline % 1'000'000'000)};
                while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
                }
                late.push_back(double(il::monoNs() - deadline) / 1000.0);
            }
        }));
        thread->start();
        thread->wait();
        f50.samples.push_back(percentile(late, 0.5));
        f99.samples.push_back(percentile(late, 0.99));
    }
    f50.note = QStringLiteral("%1 sleeps of 0.1 ms per repetition; the floor under the io-timing.late-* figures").arg(count);
    f99.note = QStringLiteral("same sleeps as the median");
    report.add(std::move(f50));
    report.add(std::move(f99));
}

// ----------------------------------------------------- zero-length io

void zeroIo(const Options &options, Report &report)
{
    const int count = options.quick ? 1000 : 10'000;
    const il::TaskSet zero = repeatedPhases(count, 1, il::PhaseKind::Io, 0.0);
    const il::TaskSet empty = repeatedPhases(count, 1, il::PhaseKind::Cpu, 0.0);
    const QString countText = count % 1000 == 0 ? QStringLiteral("%1k").arg(count / 1000) : QString::number(count);
    for (il::Mode mode : il::allModes) {
        il::RunConfig config;
        config.mode = mode;
        config.workers = mode == il::Mode::Processes ? 2 : 0;
        config.workerPath = workerExecutable();
        const QString id = QStringLiteral("io-timing.zero-io.%1").arg(il::modeName(mode));
        const QString label = QStringLiteral("%1 x io:0, cost per phase, %2").arg(countText, modeText(mode, config.effectiveWorkers()));
        if (skipWithoutWorker(mode, id, label, report))
            continue;
        Figure f;
        f.id = id;
        f.label = label;
        f.unit = QStringLiteral("µs");
        if (mode != il::Mode::Processes) // a pipe round trip per task dominates there
            f.aim = Aim::below(5, QStringLiteral("< 5"));
        std::vector<double> emptyUs, ioWait;
        QString error;
        f.samples = repeat(options.reps, [&] {
            // An equal count of empty tasks right before: the scheduling
            // cost the io phase comes on top of.
            const Ran base = runOnThread(empty, config);
            emptyUs.push_back(base.result->metrics.makespanMs * 1000.0 / count);
            const Ran ran = runOnThread(zero, config);
            if (!ran.error.isEmpty())
                error = ran.error;
            ioWait.push_back(ran.result->metrics.ioWaitMs);
            return ran.result->metrics.makespanMs * 1000.0 / count;
        });
        f.note = QStringLiteral("makespan / %1 tasks of one io:0 phase; the same count of empty tasks: %2 µs/task; "
                                "io wait reported %3 ms in all")
                     .arg(countText)
                     .arg(medianOf(emptyUs), 0, 'f', 2)
                     .arg(medianOf(ioWait), 0, 'f', 2);
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        f.extra[QStringLiteral("tasks")] = count;
        f.extra[QStringLiteral("empty_task_us_median")] = medianOf(emptyUs);
        f.extra[QStringLiteral("io_wait_ms_median")] = medianOf(ioWait);
        report.add(std::move(f));
    }
}

} // namespace

void benchIoTiming(const Options &options, Report &report)
{
    ioLateness(options, report);
    osFloor(options, report);
    zeroIo(options, report);
}

// ------------------------------------------------------- stop latency

void benchStopLatency(const Options &options, Report &report)
{
    // Six tasks far longer than the benchmark on three lanes; Stop once a
    // lane is inside the phase; the figure is Stop to Executor::run()
    // returning (every lane joined, every worker reaped).
    for (il::Mode mode : il::allModes) {
        for (const bool cpuBound : {true, false}) {
            il::RunConfig config;
            config.mode = mode;
            config.workers = 3;
            config.workerPath = workerExecutable();
            const QString id = QStringLiteral("stop.%1-%2").arg(il::modeName(mode), cpuBound ? "cpu" : "io");
            const QString label = QStringLiteral("Stop to run() returned, %1, in %2")
                                      .arg(modeText(mode, config.effectiveWorkers()), cpuBound ? "cpu" : "io");
            if (skipWithoutWorker(mode, id, label, report))
                continue;
            const il::TaskSet set = repeatedPhases(6, 1, cpuBound ? il::PhaseKind::Cpu : il::PhaseKind::Io, 60'000);
            const il::SpanKind want = cpuBound ? il::SpanKind::Cpu : il::SpanKind::Io;
            Figure f;
            f.id = id;
            f.label = label;
            f.unit = QStringLiteral("ms");
            f.aim = Aim::below(50, QStringLiteral("< 50"));
            QString error;
            f.samples = repeat(options.reps, [&] {
                std::int64_t stopNs = 0;
                const Ran ran = runOnThread(set, config, [&](il::Recorder &recorder, il::CancelToken &cancel) {
                    std::vector<il::Event> seen;
                    const std::int64_t giveUp = il::monoNs() + 30'000'000'000;
                    while (il::monoNs() < giveUp) {
                        recorder.drainNew(seen);
                        if (std::any_of(seen.begin(), seen.end(), [&](const il::Event &e) {
                                return e.kind == il::EventKind::SpanBegin && e.span == want;
                            }))
                            break;
                        QThread::msleep(1); // a benchmark may poll; tests may not
                    }
                    stopNs = il::monoNs();
                    cancel.cancel();
                });
                if (!ran.error.isEmpty())
                    error = ran.error;
                return il::nsToMs(ran.endNs - stopNs);
            });
            f.note = QStringLiteral("6 tasks x 60 s on 3 lanes, stopped inside the first phase");
            if (!error.isEmpty())
                f.note += QStringLiteral("; ERROR: ") + error;
            report.add(std::move(f));
        }
    }
}

} // namespace bench
