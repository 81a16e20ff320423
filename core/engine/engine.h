#pragma once

#include "core/analysis/runresult.h"
#include "core/model/mode.h"
#include "core/model/taskset.h"
#include "core/trace/trace.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace il {

class CancelToken;
class Recorder;

using TaskSetPtr = std::shared_ptr<const TaskSet>;
using EventBatch = std::shared_ptr<const std::vector<Event>>;

class Executor;

// After executor.run() returned: builds the immutable trace (straight from
// the recorder's buffers, no copy) and its metrics. `info` is the RunInfo the
// run started with; lane names and pids are refreshed from the executor.
RunResultPtr buildRunResult(RunInfo info, const Recorder &recorder, const Executor &executor,
                            const TaskSet &set, std::int64_t endNs, bool cancelled, double machineBusy = -1);

// Runs a comparison (one task set through several RunConfigs, one after the
// other, never concurrently) on a background thread and streams it back:
//   runStarted -> eventsReady* (batched, every batchIntervalMs) -> runFinished
//   ... -> finished
// All signals are emitted on the thread that owns the Engine.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(QObject *parent = nullptr);
    ~Engine() override; // cancels and joins

    // Refused (returns false) while a comparison runs.
    bool start(TaskSetPtr set, std::vector<RunConfig> runs);
    void stop();
    bool isRunning() const { return m_thread != nullptr; }
    void setBatchIntervalMs(int ms) { m_drainTimer.setInterval(ms); }
    TaskSetPtr taskSet() const { return m_set; }

signals:
    void runStarted(const il::RunInfo &info);
    void eventsReady(int runIndex, const il::EventBatch &batch);
    void runFinished(const il::RunResultPtr &result);
    void finished(bool cancelled);

private:
    void drain();
    void onRunStarted(quint64 generation, const RunInfo &info, std::shared_ptr<Recorder> recorder);
    void onRunFinished(quint64 generation, RunResultPtr result);
    void onThreadDone(quint64 generation, bool cancelled);

    TaskSetPtr m_set;
    QThread *m_thread = nullptr;
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<Recorder> m_current;
    int m_currentRun = -1;
    QTimer m_drainTimer;
    quint64 m_generation = 0;
};

} // namespace il

Q_DECLARE_METATYPE(il::RunInfo)
Q_DECLARE_METATYPE(il::EventBatch)
