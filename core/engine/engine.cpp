#include "core/engine/engine.h"

#include "core/analysis/machineload.h"
#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/recorder.h"
#include "core/modes/modes.h"

#include <QPointer>
#include <QThread>

namespace il {

RunResultPtr buildRunResult(RunInfo info, const Recorder &recorder, const Executor &executor,
                            const TaskSet &set, std::int64_t endNs, bool cancelled, double machineBusy)
{
    info.laneNames = executor.laneNames(); // processes: now with pids
    info.lanePids = executor.lanePids();
    TraceBuilder builder(std::move(info), set.tasks.size());
    recorder.visit([&](const Event *events, std::size_t n) { builder.add(events, n); });
    auto trace = std::make_shared<Trace>(Trace::fromBuilder(std::move(builder), endNs, cancelled));
    trace->error = executor.error();
    trace->notes = executor.notes();
    trace->machineBusy = machineBusy;
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

bool Engine::start(TaskSetPtr set, std::vector<RunConfig> runs)
{
    if (m_thread || !set || runs.empty())
        return false;
    m_set = set;
    m_cancel = std::make_shared<CancelToken>();
    const quint64 generation = ++m_generation;
    QPointer<Engine> self(this);
    auto cancel = m_cancel;

    // The run thread does the runs one after another and builds each trace
    // itself, so the GUI thread only ever copies small batches. Results are
    // posted back guarded by QPointer and the generation: a result from a
    // comparison the user already replaced never lands.
    m_thread = QThread::create([self, generation, set, runs = std::move(runs), cancel] {
        const int cores = detectedCores();
        for (std::size_t r = 0; r < runs.size() && !cancel->isCancelled(); ++r) {
            const RunConfig &config = runs[r];
            std::unique_ptr<Executor> executor = makeExecutor(config);
            RunInfo info;
            info.runIndex = int(r);
            info.mode = config.mode;
            info.workers = config.effectiveWorkers();
            info.cores = cores;
            info.lanes = executor->laneCount();
            info.laneNames = executor->laneNames();
            auto recorder = std::make_shared<Recorder>(executor->slotCount());
            info.originNs = monoNs();
            QMetaObject::invokeMethod(self, [self, generation, info, recorder] {
                if (self)
                    self->onRunStarted(generation, info, recorder);
            }, Qt::QueuedConnection);

            ExecContext ctx{*set, *recorder, *cancel, config};
            const MachineLoad load;
            executor->run(ctx);
            const std::int64_t endNs = monoNs();

            auto result = buildRunResult(info, *recorder, *executor, *set, endNs, cancel->isCancelled(),
                                         load.othersShare());
            QMetaObject::invokeMethod(self, [self, generation, result] {
                if (self)
                    self->onRunFinished(generation, result);
            }, Qt::QueuedConnection);
        }
        const bool cancelled = cancel->isCancelled();
        QMetaObject::invokeMethod(self, [self, generation, cancelled] {
            if (self)
                self->onThreadDone(generation, cancelled);
        }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("interleave-run"));
    m_thread->start();
    m_drainTimer.start();
    return true;
}

void Engine::stop()
{
    if (m_cancel)
        m_cancel->cancel();
}

void Engine::drain()
{
    if (!m_current)
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
