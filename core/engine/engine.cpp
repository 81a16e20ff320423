#include "core/engine/engine.h"

#include "core/analysis/machineload.h"
#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/recorder.h"
#include "core/modes/modes.h"

#include <QMetaMethod>
#include <QThread>

#include <algorithm>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace il {

namespace {
// A run's executor and trace builder free millions of small blocks on this
// thread; glibc keeps them in the thread's arena, resident, and the next
// stage (the timeline model, a picture) allocates elsewhere. Hand the free
// pages back to the system once a run is built.
void releaseFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
} // namespace

RunInfo makeRunInfo(const Executor &executor, const RunConfig &config)
{
    RunInfo info;
    info.mode = config.mode;
    info.workers = config.effectiveWorkers();
    if (config.mode == Mode::Processes)
        info.prefetch = config.effectivePrefetch();
    info.cores = detectedCores();
    info.lanes = executor.laneCount();
    info.laneNames = executor.laneNames();
    return info;
}

RunResultPtr buildRunResult(RunInfo info, const Recorder &recorder, const Executor &executor,
                            const TaskSet &set, std::int64_t endNs, const CancelToken &cancel,
                            double machineBusy)
{
    info.laneNames = executor.laneNames(); // processes: now with pids
    info.lanePids = executor.lanePids();
    TraceBuilder builder(std::move(info), set.tasks.size());
    std::size_t spanEnds = 0;
    recorder.visit([&](const Event *events, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            spanEnds += events[i].kind == EventKind::SpanEnd && events[i].span != SpanKind::QueuedAt; // held apart
    });
    builder.reserveSpans(spanEnds);
    recorder.visit([&](const Event *events, std::size_t n) { builder.add(events, n); });
    const bool cancelled = cancel.isCancelled();
    auto trace = std::make_shared<Trace>(Trace::fromBuilder(std::move(builder), endNs, cancelled));

    std::vector<Incident> &incidents = trace->incidents;
    incidents = executor.incidents();
    // Never silently: a writer whose buffer was full lost events, said here
    // once per writer, with the count.
    for (int slot = 0; slot < recorder.slotCount(); ++slot) {
        const std::uint64_t dropped = recorder.dropped(slot);
        if (dropped == 0)
            continue;
        trace->eventsDropped += dropped;
        Incident full;
        full.kind = IncidentKind::EventsDropped;
        full.lane = executor.slotLane(slot);
        full.tNs = recorder.firstDropNs(slot);
        full.value = std::int64_t(dropped);
        incidents.push_back(full);
    }
    if (cancelled) {
        Incident stop;
        stop.kind = IncidentKind::Cancelled;
        stop.tNs = cancel.cancelledAtNs();
        stop.value = std::count_if(trace->tasks.begin(), trace->tasks.end(),
                                   [](const TaskRecord &t) { return t.state == TaskState::Cancelled; });
        incidents.push_back(stop);
    }
    std::stable_sort(incidents.begin(), incidents.end(),
                     [](const Incident &a, const Incident &b) { return a.tNs < b.tNs; });

    trace->machineBusy = machineBusy;
    trace->clocks = executor.clockAlignment();
    trace->shared = executor.sharedResults();
    auto result = std::make_shared<RunResult>();
    result->metrics = computeMetrics(*trace, set);
    result->trace = std::move(trace);
    return result;
}

Engine::Engine(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<il::RunInfo>();
    qRegisterMetaType<il::EventBatch>();
    qRegisterMetaType<il::RunResultPtr>();
    m_drainTimer.setInterval(25);
    connect(&m_drainTimer, &QTimer::timeout, this, &Engine::drain);
}

Engine::~Engine()
{
    if (m_thread) {
        m_cancel->cancel();
        m_thread->wait();
        delete m_thread;
    }
}

bool Engine::start(TaskSetPtr set, std::vector<RunConfig> runs, int repeat)
{
    if (m_thread || !set || runs.empty() || repeat < 1)
        return false;
    m_set = set;
    m_cancel = std::make_shared<CancelToken>();
    const quint64 generation = ++m_generation;
    auto cancel = m_cancel;

    // The run thread does the runs one after another and builds each trace
    // itself, so the GUI thread only ever copies small batches. It hands
    // results over through the mailbox (see post()); the generation drops a
    // result from a comparison the user already replaced. `this` outlives the
    // thread: the destructor joins it before any member goes.
    m_thread = QThread::create([this, generation, set, runs = std::move(runs), repeat, cancel] {
        const std::size_t total = runs.size() * std::size_t(repeat);
        for (std::size_t k = 0; k < total && !cancel->isCancelled(); ++k) {
            const std::size_t r = k % runs.size();
            const RunConfig &config = runs[r];
            std::unique_ptr<Executor> executor = makeExecutor(config);
            RunInfo info = makeRunInfo(*executor, config);
            info.runIndex = int(r);
            info.repetition = int(k / runs.size());
            info.repeats = repeat;
            auto recorder = std::make_shared<Recorder>(executor->slotCount());
            info.originNs = monoNs();
            post([this, generation, info, recorder] { onRunStarted(generation, info, recorder); });

            ExecContext ctx{*set, *recorder, *cancel, config};
            const MachineLoad load;
            executor->run(ctx);
            const std::int64_t endNs = monoNs();

            auto result = buildRunResult(info, *recorder, *executor, *set, endNs, *cancel, load.othersShare());
            post([this, generation, result] { onRunFinished(generation, result); });
            executor.reset();
            recorder.reset();
            releaseFreedMemory();
        }
        const bool cancelled = cancel->isCancelled();
        post([this, generation, cancelled] { onThreadDone(generation, cancelled); });
    });
    m_thread->setObjectName(QStringLiteral("interleave-run"));
    m_thread->start();
    m_drainTimer.start();
    return true;
}

void Engine::post(std::function<void()> message)
{
    // A mailbox under a std::mutex, and a queued call that carries no data
    // of ours, rather than a functor posted with QMetaObject::invokeMethod:
    // Qt's event queue hands data over safely, but through a futex-based
    // lock inside libQt6Core that the thread sanitizer cannot see, so it
    // reported the captured data as a race now and then. Here our data
    // crosses the threads only under m_mailboxMutex.
    bool wake = false;
    {
        std::lock_guard lock(m_mailboxMutex);
        wake = m_mailbox.empty();
        m_mailbox.push_back(std::move(message));
    }
    if (wake)
        QMetaObject::invokeMethod(this, "deliverMail", Qt::QueuedConnection);
}

void Engine::deliverMail()
{
    // One message per call, taken from the front; if more wait, the next
    // call is queued before this message runs, so a handler that spins a
    // nested event loop (a dialog) still gets the later messages, in order.
    std::function<void()> message;
    bool more = false;
    {
        std::lock_guard lock(m_mailboxMutex);
        if (m_mailbox.empty())
            return;
        message = std::move(m_mailbox.front());
        m_mailbox.pop_front();
        more = !m_mailbox.empty();
    }
    if (more)
        QMetaObject::invokeMethod(this, "deliverMail", Qt::QueuedConnection);
    message();
}

void Engine::stop()
{
    if (m_cancel)
        m_cancel->cancel();
}

void Engine::drain()
{
    // Nobody listening (the command line): copying every event into
    // batches only to drop them would cost a pass over the whole run.
    if (!m_current || !isSignalConnected(QMetaMethod::fromSignal(&Engine::eventsReady)))
        return;
    auto batch = std::make_shared<std::vector<Event>>();
    m_current->drainNew(*batch);
    if (!batch->empty())
        emit eventsReady(m_currentRun, EventBatch(std::move(batch)));
}

void Engine::onRunStarted(quint64 generation, const RunInfo &info, std::shared_ptr<Recorder> recorder)
{
    if (generation != m_generation)
        return;
    m_current = std::move(recorder);
    m_currentRun = info.runIndex;
    emit runStarted(info);
}

void Engine::onRunFinished(quint64 generation, RunResultPtr result)
{
    if (generation != m_generation)
        return;
    drain(); // the last events before the result, so live views end complete
    m_current.reset();
    emit runFinished(result);
}

void Engine::onThreadDone(quint64 generation, bool cancelled)
{
    if (generation != m_generation || !m_thread)
        return;
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_drainTimer.stop();
    emit finished(cancelled);
}

} // namespace il
