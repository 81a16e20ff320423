#pragma once

#include "core/analysis/runresult.h"
#include "core/model/mode.h"
#include "core/model/taskset.h"
#include "core/trace/trace.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace il {

class CancelToken;
class Recorder;

using TaskSetPtr = std::shared_ptr<const TaskSet>;
using EventBatch = std::shared_ptr<const std::vector<Event>>;

class Executor;

// What a run of `config` on `executor` is, before it starts: mode, workers,
// the machine's cores, lanes and their names (runIndex and originNs are the
// caller's to set).
RunInfo makeRunInfo(const Executor &executor, const RunConfig &config);

// After executor.run() returned: builds the immutable trace (straight from
// the recorder's buffers, no copy) and its metrics. `info` is the RunInfo the
// run started with; lane names and pids are refreshed from the executor. The
// trace's incidents are the executor's, one EventsDropped per recorder
// writer that ran out of room, and a Cancelled one if `cancel` fired.
RunResultPtr buildRunResult(RunInfo info, const Recorder &recorder, const Executor &executor,
                            const TaskSet &set, std::int64_t endNs, const CancelToken &cancel,
                            double machineBusy = -1);

// Runs a comparison (one task set through several RunConfigs, one after the
// other, never concurrently, each once or `repeat` times) on a background thread and streams it back:
//   runStarted -> eventsReady* (batched, every batchIntervalMs) -> runFinished
//   ... -> finished
// All signals are emitted on the thread that owns the Engine.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(QObject *parent = nullptr);
    ~Engine() override; // cancels and joins

    // Refused (returns false) while a comparison runs. With repeat > 1 the
    // runs go `repeat` times, interleaved (every config once, then again),
    // each repetition with its config's runIndex and RunInfo::repetition;
    // runFinished comes for every repetition (see core/analysis/repeats.h).
    bool start(TaskSetPtr set, std::vector<RunConfig> runs, int repeat = 1);
    void stop();
    bool isRunning() const { return m_thread != nullptr; }
    void setBatchIntervalMs(int ms) { m_drainTimer.setInterval(ms); }
    TaskSetPtr taskSet() const { return m_set; }

signals:
    void runStarted(const il::RunInfo &info);
    void eventsReady(int runIndex, const il::EventBatch &batch);
    void runFinished(const il::RunResultPtr &result);
    void finished(bool cancelled);

private slots:
    void deliverMail(); // on the engine's thread: the run thread's messages, in order

private:
    void post(std::function<void()> message); // from the run thread
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
    std::mutex m_mailboxMutex;
    std::deque<std::function<void()>> m_mailbox;
};

} // namespace il

Q_DECLARE_METATYPE(il::RunInfo)
Q_DECLARE_METATYPE(il::EventBatch)
