#pragma once

#include "core/engine/engine.h"
#include "core/timeline/liverunbuilder.h"
#include "core/timeline/timelinemodel.h"

#include <QObject>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

namespace ui {

// One comparison as the window sees it: drives il::Engine, feeds each run's
// event batches through its own il::LiveRunBuilder into the TimelineModel
// (which announces every change itself), and swaps in the immutable
// il::Trace when a run finishes. Lives on the GUI
// thread; the engine does the work elsewhere and only hands over batches.
class RunSession : public QObject
{
    Q_OBJECT
public:
    explicit RunSession(QObject *parent = nullptr);
    ~RunSession() override;

    // repeat > 1: every run `repeat` times, interleaved; while they go each
    // mode shows its latest repetition, at the end its median one
    // (core/analysis/repeats.h), whose metrics carry the spread.
    bool start(il::TaskSetPtr set, std::vector<il::RunConfig> runs, int repeat = 1);
    // Adds finished runs opened from trace files (their run indexes follow
    // the results'); refused while a run goes. The next start() clears them.
    // Each run names its tasks from its own entry of `names` (the file's;
    // null: "task 3"), whatever the runs shown have. `set` becomes taskSet()
    // when nothing is shown yet (the first opened file's own, else the
    // panel's): what the chart's why text and the exports go by.
    bool addOpened(const std::vector<il::RunResultPtr> &runs, const std::vector<il::TaskSetPtr> &names,
                   const il::TaskSetPtr &set);
    // Shows finished runs kept from earlier comparisons (the run history)
    // instead of the current one: each at the next run index, named by its
    // title ("#2 threads") if it has one. Refused while a run goes.
    struct StoredRun
    {
        il::RunResultPtr result;
        QString title;
    };
    // Every run named from `set` (the history's entries keep the set they
    // ran; two compared on one axis have the same names).
    bool showStored(const il::TaskSetPtr &set, const std::vector<StoredRun> &runs, const QString &what);
    void stop();
    bool isRunning() const { return m_running; }

    // Listen to its signals for changes (runs added, changed, cleared).
    const il::TimelineModel &model() const { return m_model; }
    const std::vector<il::RunResultPtr> &results() const { return m_results; }
    std::vector<il::Metrics> metrics() const;
    il::TaskSetPtr taskSet() const { return m_set; }
    const std::vector<il::RunConfig> &configs() const { return m_configs; }
    int repeat() const { return m_repeat; }
    il::Engine &engine() { return m_engine; }

    int tasksDone() const;
    int tasksTotal() const;
    QString statusText() const;

signals:
    void started();
    void progressChanged();
    void runFinished(const il::RunResultPtr &result);
    void finished(bool cancelled);

private:
    void onRunStarted(const il::RunInfo &info);
    void onEventsReady(int runIndex, const il::EventBatch &batch);
    void onRunFinished(const il::RunResultPtr &result);
    void onFinished(bool cancelled);
    // Feeds queued batches to their builders in slices of at most
    // sliceEvents, yielding to the event loop in between, so a burst (the
    // event loop ending 20,000 io waits at once) never blocks the window.
    void processPending(bool all = false);

    struct Pending
    {
        int run = 0;
        il::EventBatch batch;
        std::size_t offset = 0;
    };
    static constexpr std::size_t sliceEvents = 16'384;

    il::Engine m_engine;
    il::TimelineModel m_model;
    il::TaskSetPtr m_set;
    std::vector<il::RunConfig> m_configs;
    std::vector<std::unique_ptr<il::LiveRunBuilder>> m_builders; // live runs only
    std::vector<il::RunResultPtr> m_results;     // per mode: the latest repetition, at the end the median
    std::vector<il::RunResultPtr> m_repetitions; // --repeat: every repetition that ended, in order
    int m_repeat = 1;
    int m_tasksInEndedRepetitions = 0;           // progress: tasks of every repetition that ended
    std::deque<Pending> m_pending;
    QTimer m_sliceTimer;
    int m_currentRun = -1;
    bool m_running = false;
    bool m_stopping = false;
    bool m_cancelled = false; // the last comparison was stopped
    QString m_storedNote;     // what is shown, when it is from the history
};

} // namespace ui
