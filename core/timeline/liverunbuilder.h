#pragma once

#include "core/timeline/timelinemodel.h"
#include "core/trace/trace.h"

#include <memory>
#include <unordered_map>
#include <vector>

namespace il {

// Builds one run of a TimelineModel while its events stream in: owns the
// run's TraceBuilder and what only a live run has (open spans, queue waits,
// how far the spans were consumed), and updates the model's run after each
// batch, which then announces the change. Whoever drives the run owns it (the
// window's RunSession); when the run is over, its final trace replaces the
// live run in the model (TimelineModel::setTrace) and the builder goes.
class LiveRunBuilder
{
public:
    // Begins the run at info.runIndex in `model` (replacing what was there).
    LiveRunBuilder(TimelineModel &model, const RunInfo &info, std::size_t tasks);
    LiveRunBuilder(const LiveRunBuilder &) = delete;
    LiveRunBuilder &operator=(const LiveRunBuilder &) = delete;

    int runIndex() const { return m_builder.info().runIndex; }
    const TraceBuilder &traceBuilder() const { return m_builder; }

    // Adds `events` (the next batch) and updates the run: O(batch + open
    // spans), not O(tasks). `nowNs` is absolute (CLOCK_MONOTONIC): open items
    // are drawn up to it.
    void add(const Event *events, std::size_t count, std::int64_t nowNs);
    void add(const std::vector<Event> &events, std::int64_t nowNs) { add(events.data(), events.size(), nowNs); }
    // Adds events to the trace only; rescan() brings the run up to date by
    // visiting every task record, O(tasks) (tests compare it with add()).
    void addToTraceOnly(const std::vector<Event> &events) { m_builder.add(events); }
    void rescan(std::int64_t nowNs);

    // The trace of what was seen, for a run that ended without the engine's
    // trace (stopped): nothing left open. Consumes the builder.
    Trace finish(std::int64_t endNs, bool cancelled);

private:
    TimelineRun *run(); // nullptr once the model has the final trace (or lost the run)
    void settleQueue(TimelineRun &run, const TaskRecord &rec, std::uint32_t task, bool queuedEvent);
    void absorbSpans(TimelineRun &run, std::int64_t nowNs);
    // Tasks that stopped being queued at a worker: into the lane's
    // queuedAtRow and the task's row (before its queue wait is settled).
    void absorbQueuedAt(TimelineRun &run);
    // The ipc spans closed since the last absorbSpans (of tasks that may
    // have sat at a worker), for settleQueue.
    void collectBatchIpc(const TimelineRun &run);
    void published(); // the model announces the change

    TimelineModel &m_model;
    TraceBuilder m_builder;
    std::shared_ptr<LiveRunState> m_state;
    std::size_t m_consumedSpans = 0;
    std::size_t m_consumedQueuedAt = 0;
    // This batch's ipc spans not yet in the rows, by task (only for a run
    // with tasks queued at a worker).
    std::unordered_multimap<std::uint32_t, std::pair<std::int64_t, std::int64_t>> m_batchIpc;
};

} // namespace il
