#include "core/timeline/liverunbuilder.h"

#include <algorithm>

namespace il {

LiveRunBuilder::LiveRunBuilder(TimelineModel &model, const RunInfo &info, std::size_t tasks)
    : m_model(model)
    , m_builder(info, tasks)
    , m_state(std::make_shared<LiveRunState>())
{
    TimelineRun &run = m_model.beginRun(info, m_state);
    const std::size_t rows = std::max(tasks, run.m_taskRows.size());
    run.m_taskRows.resize(rows);
    run.m_taskStates.resize(rows, TaskState::Pending);
    m_state->queuedSince.assign(rows, LiveRunState::notQueued);
}

TimelineRun *LiveRunBuilder::run()
{
    TimelineRun *run = m_model.editRun(runIndex());
    // The final trace (or a new comparison) replaced the live run: not ours.
    return run && run->m_live == m_state ? run : nullptr;
}

void LiveRunBuilder::published()
{
    m_model.runUpdated(runIndex());
}

// Turns what the builder knows about one task's queue wait into either a
// closed Queued item in its row or an open wait. The builder has already
// seen the whole batch, so its record is final for these events whatever
// order the lanes' events came in.
void LiveRunBuilder::settleQueue(TimelineRun &run, const TaskRecord &rec, std::uint32_t task, bool queuedEvent)
{
    Q_ASSERT(task < m_state->queuedSince.size() && task < run.m_taskRows.size());
    std::int64_t &since = m_state->queuedSince[task];
    if (rec.queuedNs < 0 || since == LiveRunState::queueClosed)
        return;
    const std::int64_t origin = run.m_info.originNs;
    if (rec.startNs >= 0) {
        // Its queue wait in the pool: less the time it sat queued at a
        // worker and the hop within it after (its QueuedAt items are in its
        // row already, absorbQueuedAt() ran first; its ipc spans are there
        // or among this batch's).
        TimelineRow &row = run.m_taskRows[task];
        std::vector<std::pair<std::int64_t, std::int64_t>> at, ipc;
        if (!run.m_queuedAtRows.empty()) {
            for (const TimelineItem &item : row) {
                if (item.kind == ItemKind::QueuedAt)
                    at.emplace_back(item.start, item.end);
                else if (item.kind == ItemKind::Ipc)
                    ipc.emplace_back(item.start, item.end);
            }
            for (auto [it, end] = m_batchIpc.equal_range(task); it != end; ++it)
                ipc.push_back(it->second);
        }
        poolPieces(rec.queuedNs - origin, rec.startNs - origin, at, ipc, [&](std::int64_t from, std::int64_t to) {
            row.append(from, to, task, noPhase, ItemKind::Queued);
        });
        row.settle(); // its queued event may come after its first spans
        since = LiveRunState::queueClosed;
    } else if (queuedEvent) {
        since = rec.queuedNs - origin;
    } else {
        since = LiveRunState::queueClosed; // ended without starting
    }
}

void LiveRunBuilder::add(const Event *events, std::size_t count, std::int64_t nowNs)
{
    m_builder.add(events, count);
    TimelineRun *r = run();
    if (!r)
        return;
    TimelineRun &run = *r;
    const auto &records = m_builder.tasks();
    absorbQueuedAt(run);
    collectBatchIpc(run);
    std::vector<std::uint32_t> ended;
    // Queue waits before this batch's spans: a task's wait precedes its
    // phases, so task rows stay in start order.
    for (std::size_t k = 0; k < count; ++k) {
        const Event &e = events[k];
        if (e.task >= records.size())
            continue;
        switch (e.kind) {
        case EventKind::TaskEnd:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled:
            ++run.m_tasksDone;
            settleQueue(run, records[e.task], e.task, false);
            if (e.kind != EventKind::TaskEnd)
                ended.push_back(e.task);
            else
                run.m_taskStates[e.task] = TaskState::Done;
            break;
        case EventKind::Queued:
        case EventKind::TaskStart:
            settleQueue(run, records[e.task], e.task, e.kind == EventKind::Queued);
            break;
        default:
            break;
        }
    }
    absorbSpans(run, nowNs);
    // After the spans: a failed task's last span was closed by its failure.
    if (!ended.empty()) {
        for (std::uint32_t task : ended)
            run.markEnded(records[task], task);
        std::sort(run.m_marks.begin(), run.m_marks.end(),
                  [](const TaskMark &a, const TaskMark &b) { return a.task < b.task; });
    }
    published();
}

void LiveRunBuilder::rescan(std::int64_t nowNs)
{
    TimelineRun *r = run();
    if (!r)
        return;
    TimelineRun &run = *r;
    const auto &records = m_builder.tasks();
    absorbQueuedAt(run);
    collectBatchIpc(run);
    run.m_tasksDone = 0;
    for (std::size_t t = 0; t < records.size(); ++t) {
        const TaskState state = records[t].state;
        if (state == TaskState::Done || state == TaskState::Failed || state == TaskState::Cancelled)
            ++run.m_tasksDone;
        settleQueue(run, records[t], static_cast<std::uint32_t>(t), state == TaskState::Queued);
    }
    absorbSpans(run, nowNs);
    run.m_marks.clear();
    run.m_failedTasks = 0;
    run.m_cancelledTasks = 0;
    std::fill(run.m_taskStates.begin(), run.m_taskStates.end(), TaskState::Pending);
    for (std::size_t t = 0; t < records.size(); ++t) {
        if (records[t].state == TaskState::Done)
            run.m_taskStates[t] = TaskState::Done;
        else if (records[t].state == TaskState::Failed || records[t].state == TaskState::Cancelled)
            run.markEnded(records[t], static_cast<std::uint32_t>(t));
    }
    published();
}

void LiveRunBuilder::absorbQueuedAt(TimelineRun &run)
{
    const auto &spans = m_builder.closedQueuedAt();
    if (m_consumedQueuedAt == spans.size())
        return;
    const std::int64_t origin = run.m_info.originNs;
    for (std::size_t i = m_consumedQueuedAt; i < spans.size(); ++i) {
        const Span &s = spans[i];
        if (s.lane != noLane) {
            if (run.m_queuedAtRows.size() <= s.lane)
                run.m_queuedAtRows.resize(std::max<std::size_t>(s.lane + 1u, run.m_laneRows.size()));
            run.m_queuedAtRows[s.lane].append(s.startNs - origin, s.endNs - origin, s.task, s.lane, ItemKind::QueuedAt);
        }
        if (s.task < run.m_taskRows.size())
            run.m_taskRows[s.task].append(s.startNs - origin, s.endNs - origin, s.task, s.lane, ItemKind::QueuedAt);
    }
    for (std::size_t i = m_consumedQueuedAt; i < spans.size(); ++i)
        if (spans[i].task < run.m_taskRows.size())
            run.m_taskRows[spans[i].task].settle();
    for (TimelineRow &row : run.m_queuedAtRows)
        row.settle();
    m_consumedQueuedAt = spans.size();
}

void LiveRunBuilder::collectBatchIpc(const TimelineRun &run)
{
    m_batchIpc.clear();
    if (run.m_queuedAtRows.empty())
        return;
    const auto &spans = m_builder.closedSpans();
    const std::int64_t origin = run.m_info.originNs;
    for (std::size_t i = m_consumedSpans; i < spans.size(); ++i)
        if (spans[i].kind == SpanKind::Ipc)
            m_batchIpc.emplace(spans[i].task, std::make_pair(spans[i].startNs - origin, spans[i].endNs - origin));
}

void LiveRunBuilder::absorbSpans(TimelineRun &run, std::int64_t nowNs)
{
    const std::int64_t origin = run.m_info.originNs;
    LiveRunState &live = *m_state;
    live.nowNs = nowNs - origin;
    const auto &spans = m_builder.closedSpans();
    for (std::size_t i = m_consumedSpans; i < spans.size(); ++i) {
        const Span &s = spans[i];
        const ItemKind kind = itemKindFor(s.kind);
        if (s.lane != noLane) {
            if (run.m_laneRows.size() <= s.lane)
                run.m_laneRows.resize(s.lane + 1u);
            run.m_laneRows[s.lane].append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
        } else {
            run.waitRow(kind).append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
        }
        if (s.task < run.m_taskRows.size())
            run.m_taskRows[s.task].append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
    }
    // Merge late arrivals once per batch (a no-op for rows that got none).
    for (std::size_t i = m_consumedSpans; i < spans.size(); ++i)
        if (spans[i].task < run.m_taskRows.size())
            run.m_taskRows[spans[i].task].settle();
    for (TimelineRow &row : run.m_laneRows)
        row.settle();
    for (auto &[kind, row] : run.m_waitRows)
        row.settle();
    m_consumedSpans = spans.size();

    live.openLane.clear();
    live.openTask.clear();
    // Open waits on no lane all end at "now", so per wait row their union is
    // one item from the earliest start: 20,000 tasks awaiting io draw as one.
    std::vector<std::pair<ItemKind, std::int64_t>> waiting;
    for (const Span &s : m_builder.openSpans(nowNs)) {
        // A task queued at a worker: its item's phase is that worker's lane.
        const OpenItem item{s.startNs - origin, std::max(s.startNs, nowNs) - origin, s.task,
                            s.lane, s.kind == SpanKind::QueuedAt ? s.lane : s.phase, itemKindFor(s.kind)};
        if (s.lane != noLane && s.lane < run.m_laneRows.size()) {
            live.openLane.push_back(item);
        } else if (s.lane == noLane) {
            auto it = std::find_if(waiting.begin(), waiting.end(), [&](const auto &w) { return w.first == item.kind; });
            if (it == waiting.end())
                waiting.emplace_back(item.kind, item.start);
            else
                it->second = std::min(it->second, item.start);
        }
        if (s.task < run.m_taskRows.size())
            live.openTask.push_back(item);
    }
    for (const auto &[kind, start] : waiting)
        run.waitRow(kind); // so the row exists while its first span is open
    for (const auto &[kind, start] : waiting) {
        const auto row = run.m_laneRows.size() + static_cast<std::size_t>(run.waitRowIndex(kind));
        live.openLane.push_back({start, std::max(start, nowNs - origin), noTask, static_cast<std::uint16_t>(row),
                                 noPhase, kind});
    }

    std::int64_t extent = m_builder.lastNs() == INT64_MIN ? 0 : m_builder.lastNs() - origin;
    // While anything is open or queued the run reaches "now".
    if (run.m_tasksDone < static_cast<int>(m_builder.tasks().size()))
        extent = std::max(extent, nowNs - origin);
    run.m_extentNs = std::max(run.m_extentNs, extent);
}

Trace LiveRunBuilder::finish(std::int64_t endNs, bool cancelled)
{
    return Trace::fromBuilder(std::move(m_builder), endNs, cancelled);
}

} // namespace il
