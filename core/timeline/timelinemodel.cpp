#include "core/timeline/timelinemodel.h"

#include <QtGlobal>

#include <algorithm>
#include <atomic>

namespace il {

ItemKind itemKindFor(SpanKind kind)
{
    switch (kind) {
    case SpanKind::Cpu: return ItemKind::Cpu;
    case SpanKind::Io: return ItemKind::Io;
    case SpanKind::GilWait: return ItemKind::GilWait;
    case SpanKind::Spawn: return ItemKind::Spawn;
    case SpanKind::Ipc: return ItemKind::Ipc;
    case SpanKind::Ready: return ItemKind::Ready;
    case SpanKind::NotRunning: return ItemKind::NotRunning;
    case SpanKind::None: break;
    }
    return ItemKind::Cpu;
}

const char *itemKindName(ItemKind kind)
{
    switch (kind) {
    case ItemKind::Cpu: return "cpu";
    case ItemKind::Io: return "io";
    case ItemKind::GilWait: return "gil-wait";
    case ItemKind::Spawn: return "spawn";
    case ItemKind::Ipc: return "ipc";
    case ItemKind::Queued: return "queued";
    case ItemKind::Ready: return "ready-wait";
    case ItemKind::NotRunning: return "not-running";
    }
    return "?";
}

// ---------------------------------------------------------------- TimelineRow

std::size_t TimelineRow::firstIndex(std::int64_t t) const
{
    const auto it = std::partition_point(m_items.begin(), m_items.end(),
                                         [t](const TimelineItem &item) { return item.maxEnd <= t; });
    return static_cast<std::size_t>(it - m_items.begin());
}

std::size_t TimelineRow::lastIndex(std::int64_t t) const
{
    const auto it = std::partition_point(m_items.begin(), m_items.end(),
                                         [t](const TimelineItem &item) { return item.start < t; });
    return static_cast<std::size_t>(it - m_items.begin());
}

void TimelineRow::append(std::int64_t start, std::int64_t end, std::uint32_t task,
                         std::uint16_t phase, ItemKind kind)
{
    end = std::max(start, end);
    TimelineItem item{start, end, end, task, phase, kind};
    if (settled() && (m_items.empty() || m_items.back().start <= start)) {
        if (!m_items.empty())
            item.maxEnd = std::max(end, m_items.back().maxEnd);
        m_items.push_back(item);
        return;
    }
    if (settled())
        m_sortedPrefix = m_items.size();
    m_items.push_back(item);
}

void TimelineRow::settle()
{
    if (settled())
        return;
    const auto byStart = [](const TimelineItem &a, const TimelineItem &b) { return a.start < b.start; };
    const auto mid = m_items.begin() + static_cast<std::ptrdiff_t>(m_sortedPrefix);
    std::stable_sort(mid, m_items.end(), byStart);
    // Everything from the first place a late item lands needs a new maxEnd.
    const auto firstChanged = std::upper_bound(m_items.begin(), mid, *mid, byStart);
    const auto from = static_cast<std::size_t>(firstChanged - m_items.begin());
    std::inplace_merge(m_items.begin(), mid, m_items.end(), byStart);
    m_sortedPrefix = npos;
    recomputeMaxEnd(from);
}

void TimelineRow::recomputeMaxEnd(std::size_t from)
{
    std::int64_t running = from == 0 ? INT64_MIN : m_items[from - 1].maxEnd;
    for (std::size_t i = from; i < m_items.size(); ++i) {
        running = std::max(running, m_items[i].end);
        m_items[i].maxEnd = running;
    }
}

std::optional<std::size_t> TimelineRow::itemAt(std::int64_t t, std::int64_t tolerance) const
{
    const std::size_t first = firstIndex(t - tolerance);
    const std::size_t last = lastIndex(t + tolerance + 1);
    std::optional<std::size_t> best;
    std::int64_t bestDistance = INT64_MAX;
    // Bounded: at extreme zoom-out thousands of items share a pixel, and any
    // of the closest ones is a fine answer for a tooltip.
    const std::size_t cap = std::min(last, first + 4096);
    for (std::size_t i = first; i < cap; ++i) {
        const TimelineItem &item = m_items[i];
        std::int64_t distance = 0;
        if (t < item.start)
            distance = item.start - t;
        else if (t > item.end)
            distance = t - item.end;
        // Prefer the shortest containing item: it is the one drawn on top.
        if (distance < bestDistance
            || (distance == bestDistance && best
                && item.end - item.start < m_items[*best].end - m_items[*best].start)) {
            bestDistance = distance;
            best = i;
        }
    }
    if (best && bestDistance <= tolerance)
        return best;
    return std::nullopt;
}

// ---------------------------------------------------------------- TimelineRun

int TimelineRun::rowCount(TimelineViewKind view) const
{
    return static_cast<int>(view == TimelineViewKind::ByLane ? laneRows.size() + waitRows.size()
                                                             : taskRows.size());
}

const TimelineRow &TimelineRun::row(TimelineViewKind view, int index) const
{
    Q_ASSERT(index >= 0 && index < rowCount(view));
    const auto i = static_cast<std::size_t>(index);
    if (view == TimelineViewKind::ByTask)
        return taskRows[i];
    return i < laneRows.size() ? laneRows[i] : waitRows[i - laneRows.size()].second;
}

TimelineRow &TimelineRun::waitRow(ItemKind kind)
{
    auto it = std::find_if(waitRows.begin(), waitRows.end(),
                           [kind](const auto &r) { return r.first >= kind; });
    if (it == waitRows.end() || it->first != kind)
        it = waitRows.insert(it, {kind, TimelineRow()});
    return it->second;
}

int TimelineRun::waitRowIndex(ItemKind kind) const
{
    for (std::size_t i = 0; i < waitRows.size(); ++i)
        if (waitRows[i].first == kind)
            return static_cast<int>(i);
    return -1;
}

const TaskMark *TimelineRun::markFor(std::uint32_t task) const
{
    const auto it = std::lower_bound(marks.begin(), marks.end(), task,
                                     [](const TaskMark &m, std::uint32_t t) { return m.task < t; });
    return it != marks.end() && it->task == task ? &*it : nullptr;
}

int TimelineRun::markRow(TimelineViewKind view, const TaskMark &mark) const
{
    if (view == TimelineViewKind::ByTask)
        return mark.task < taskRows.size() ? static_cast<int>(mark.task) : -1;
    if (mark.lane != noLane)
        return mark.lane < laneRows.size() ? static_cast<int>(mark.lane) : -1;
    const int wait = waitRowIndex(mark.kind);
    return wait < 0 ? -1 : static_cast<int>(laneRows.size()) + wait;
}

// -------------------------------------------------------------- TimelineModel

namespace {
// One counter for every model, so (model, revision) pairs never repeat even
// when a view is handed another model, or one model replaces another at the
// same address.
std::atomic<std::uint64_t> g_lastRevision{0};
} // namespace

TimelineModel::TimelineModel()
{
    touch();
}

void TimelineModel::touch()
{
    m_revision = g_lastRevision.fetch_add(1, std::memory_order_relaxed) + 1;
}

void TimelineModel::setTaskSet(std::shared_ptr<const TaskSet> set)
{
    m_set = std::move(set);
    touch();
}

QString TimelineModel::taskName(std::uint32_t task) const
{
    if (m_set && task < m_set->tasks.size() && !m_set->tasks[task].name.isEmpty())
        return m_set->tasks[task].name;
    if (task == noTask)
        return QString();
    return QStringLiteral("task %1").arg(task);
}

void TimelineModel::clear()
{
    m_runs.clear();
    touch();
}

bool TimelineModel::hasRun(int index) const
{
    return index >= 0 && index < runCount() && m_runs[static_cast<std::size_t>(index)];
}

const TimelineRun *TimelineModel::findRun(int index) const
{
    return hasRun(index) ? m_runs[static_cast<std::size_t>(index)].get() : nullptr;
}

const TimelineRun &TimelineModel::run(int index) const
{
    Q_ASSERT(hasRun(index));
    return *m_runs[static_cast<std::size_t>(index)];
}

TimelineRun &TimelineModel::ensureRun(int index)
{
    const auto i = static_cast<std::size_t>(std::max(0, index));
    if (m_runs.size() <= i)
        m_runs.resize(i + 1);
    if (!m_runs[i])
        m_runs[i] = std::make_unique<TimelineRun>();
    return *m_runs[i];
}

static std::size_t taskCountOf(const TaskSet *set, std::size_t fallback)
{
    return set ? set->tasks.size() : fallback;
}

void TimelineModel::beginRun(const RunInfo &info)
{
    TimelineRun &run = ensureRun(info.runIndex);
    run = TimelineRun();
    run.info = info;
    run.laneRows.resize(static_cast<std::size_t>(std::max(0, info.lanes)));
    const std::size_t tasks = taskCountOf(m_set.get(), 0);
    run.taskRows.resize(tasks);
    run.queuedSince.assign(tasks, TimelineRun::notQueued);
    run.taskStates.assign(tasks, TaskState::Pending);
    touch();
}

TimelineRun *TimelineModel::liveRun(int runIndex, const TraceBuilder &builder)
{
    if (!hasRun(runIndex))
        beginRun(builder.info());
    TimelineRun &run = *m_runs[static_cast<std::size_t>(runIndex)];
    if (!run.live)
        return nullptr; // the final trace already replaced the live view
    const std::size_t tasks = builder.tasks().size();
    if (run.taskRows.size() < tasks) {
        run.taskRows.resize(tasks);
        run.queuedSince.resize(tasks, TimelineRun::notQueued);
    }
    if (run.taskStates.size() < tasks)
        run.taskStates.resize(tasks, TaskState::Pending);
    return &run;
}

// Turns what the builder knows about one task's queue wait into either a
// closed Queued item in its row or an open wait. The builder has already
// seen the whole batch, so its record is final for these events whatever
// order the lanes' events came in.
void TimelineModel::settleQueue(TimelineRun &run, const TaskRecord &rec, std::uint32_t task, bool queuedEvent)
{
    std::int64_t &since = run.queuedSince[task];
    if (rec.queuedNs < 0 || since == TimelineRun::queueClosed)
        return;
    const std::int64_t origin = run.info.originNs;
    if (rec.startNs >= 0) {
        if (rec.startNs > rec.queuedNs)
            run.taskRows[task].append(rec.queuedNs - origin, rec.startNs - origin, task, noPhase,
                                      ItemKind::Queued);
        run.taskRows[task].settle(); // its queued event may come after its first spans
        since = TimelineRun::queueClosed;
    } else if (queuedEvent) {
        since = rec.queuedNs - origin;
    } else {
        since = TimelineRun::queueClosed; // ended without starting
    }
}

void TimelineModel::updateLive(int runIndex, const TraceBuilder &builder, const Event *events,
                               std::size_t count, std::int64_t nowNs)
{
    TimelineRun *run = liveRun(runIndex, builder);
    if (!run)
        return;
    const auto &records = builder.tasks();
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
            ++run->tasksDone;
            settleQueue(*run, records[e.task], e.task, false);
            if (e.kind != EventKind::TaskEnd)
                ended.push_back(e.task);
            else
                run->taskStates[e.task] = TaskState::Done;
            break;
        case EventKind::Queued:
        case EventKind::TaskStart:
            settleQueue(*run, records[e.task], e.task, e.kind == EventKind::Queued);
            break;
        default:
            break;
        }
    }
    absorbSpans(*run, builder, nowNs);
    // After the spans: a failed task's last span was closed by its failure.
    if (ended.empty())
        return;
    for (std::uint32_t task : ended)
        markEnded(*run, records[task], task);
    std::sort(run->marks.begin(), run->marks.end(),
              [](const TaskMark &a, const TaskMark &b) { return a.task < b.task; });
}

void TimelineModel::updateLive(int runIndex, const TraceBuilder &builder, std::int64_t nowNs)
{
    TimelineRun *run = liveRun(runIndex, builder);
    if (!run)
        return;
    const auto &records = builder.tasks();
    run->tasksDone = 0;
    for (std::size_t t = 0; t < records.size(); ++t) {
        const TaskState state = records[t].state;
        if (state == TaskState::Done || state == TaskState::Failed || state == TaskState::Cancelled)
            ++run->tasksDone;
        settleQueue(*run, records[t], static_cast<std::uint32_t>(t), state == TaskState::Queued);
    }
    absorbSpans(*run, builder, nowNs);
    run->marks.clear();
    run->failedTasks = 0;
    run->cancelledTasks = 0;
    std::fill(run->taskStates.begin(), run->taskStates.end(), TaskState::Pending);
    for (std::size_t t = 0; t < records.size(); ++t) {
        if (records[t].state == TaskState::Done)
            run->taskStates[t] = TaskState::Done;
        else if (records[t].state == TaskState::Failed || records[t].state == TaskState::Cancelled)
            markEnded(*run, records[t], static_cast<std::uint32_t>(t));
    }
}

void TimelineModel::markEnded(TimelineRun &run, const TaskRecord &rec, std::uint32_t task)
{
    if (rec.state != TaskState::Failed && rec.state != TaskState::Cancelled)
        return;
    if (run.taskStates.size() <= task)
        run.taskStates.resize(task + 1u, TaskState::Pending);
    if (run.taskStates[task] == rec.state)
        return; // already counted
    run.taskStates[task] = rec.state;
    (rec.state == TaskState::Failed ? run.failedTasks : run.cancelledTasks) += 1;
    if (rec.startNs < 0)
        return; // never started: nothing on the timeline to mark
    const std::int64_t origin = run.info.originNs;
    TaskMark mark;
    mark.task = task;
    mark.state = rec.state;
    mark.lane = rec.lane;
    mark.start = rec.startNs - origin;
    mark.end = mark.start;
    // The task's last span (latest end), from its row; queue waits do not count.
    const TimelineItem *last = nullptr;
    if (task < run.taskRows.size())
        for (const TimelineItem &item : run.taskRows[task].items())
            if (item.kind != ItemKind::Queued && (!last || item.end >= last->end))
                last = &item;
    if (last) {
        mark.start = last->start;
        mark.end = last->end;
        mark.kind = last->kind;
        // Live rows do not keep lanes: event-loop io and ready waits occupy none.
        if (last->kind == ItemKind::Ready || (last->kind == ItemKind::Io && isLoopMode(run.info.mode)))
            mark.lane = noLane;
    }
    if (rec.endNs >= 0)
        mark.end = std::max(mark.end, rec.endNs - origin);
    run.marks.push_back(mark);
}

void TimelineModel::absorbSpans(TimelineRun &run, const TraceBuilder &builder, std::int64_t nowNs)
{
    const std::int64_t origin = run.info.originNs;
    run.liveNowNs = nowNs - origin;
    const auto &spans = builder.closedSpans();
    for (std::size_t i = run.consumedSpans; i < spans.size(); ++i) {
        const Span &s = spans[i];
        const ItemKind kind = itemKindFor(s.kind);
        if (s.lane != noLane) {
            if (run.laneRows.size() <= s.lane)
                run.laneRows.resize(s.lane + 1u);
            run.laneRows[s.lane].append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
        } else {
            run.waitRow(kind).append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
        }
        if (s.task < run.taskRows.size())
            run.taskRows[s.task].append(s.startNs - origin, s.endNs - origin, s.task, s.phase, kind);
    }
    // Merge late arrivals once per batch (a no-op for rows that got none).
    for (std::size_t i = run.consumedSpans; i < spans.size(); ++i)
        if (spans[i].task < run.taskRows.size())
            run.taskRows[spans[i].task].settle();
    for (TimelineRow &row : run.laneRows)
        row.settle();
    for (auto &[kind, row] : run.waitRows)
        row.settle();
    run.consumedSpans = spans.size();

    run.openLane.clear();
    run.openTask.clear();
    // Open waits on no lane all end at "now", so per wait row their union is
    // one item from the earliest start: 20,000 tasks awaiting io draw as one.
    std::vector<std::pair<ItemKind, std::int64_t>> waiting;
    for (const Span &s : builder.openSpans(nowNs)) {
        const OpenItem item{s.startNs - origin, std::max(s.startNs, nowNs) - origin, s.task,
                            s.lane, s.phase, itemKindFor(s.kind)};
        if (s.lane != noLane && s.lane < run.laneRows.size()) {
            run.openLane.push_back(item);
        } else if (s.lane == noLane) {
            auto it = std::find_if(waiting.begin(), waiting.end(),
                                   [&](const auto &w) { return w.first == item.kind; });
            if (it == waiting.end())
                waiting.emplace_back(item.kind, item.start);
            else
                it->second = std::min(it->second, item.start);
        }
        if (s.task < run.taskRows.size())
            run.openTask.push_back(item);
    }
    for (const auto &[kind, start] : waiting)
        run.waitRow(kind); // so the row exists while its first span is open
    for (const auto &[kind, start] : waiting) {
        const auto row = run.laneRows.size() + static_cast<std::size_t>(run.waitRowIndex(kind));
        run.openLane.push_back({start, std::max(start, nowNs - origin), noTask,
                                static_cast<std::uint16_t>(row), noPhase, kind});
    }

    std::int64_t extent = builder.lastNs() == INT64_MIN ? 0 : builder.lastNs() - origin;
    // While anything is open or queued the run reaches "now".
    if (run.tasksDone < static_cast<int>(builder.tasks().size()))
        extent = std::max(extent, nowNs - origin);
    run.extentNs = std::max(run.extentNs, extent);
    touch();
}


void TimelineModel::fillFromTrace(TimelineRun &run, const Trace &trace)
{
    const std::int64_t origin = trace.info.originNs;
    const int tracedLanes = std::max(0, static_cast<int>(trace.laneBegin.size()) - 2);
    run.laneRows.assign(static_cast<std::size_t>(std::max(trace.info.lanes, tracedLanes)),
                        TimelineRow());
    for (int lane = 0; lane < tracedLanes; ++lane) {
        const Trace::Range range = trace.laneSpans(lane);
        TimelineRow &row = run.laneRows[static_cast<std::size_t>(lane)];
        row.reserve(static_cast<std::size_t>(range.end - range.begin));
        for (const Span *s = range.begin; s != range.end; ++s)
            row.append(s->startNs - origin, s->endNs - origin, s->task, s->phase,
                       itemKindFor(s->kind));
    }
    run.waitRows.clear();
    const Trace::Range unlaned = trace.unlanedSpans();
    for (const Span *s = unlaned.begin; s != unlaned.end; ++s)
        run.waitRow(itemKindFor(s->kind))
            .append(s->startNs - origin, s->endNs - origin, s->task, s->phase, itemKindFor(s->kind));
    for (auto &[kind, row] : run.waitRows)
        row.shrinkToFit();

    // Task rows: bucket spans by task (counting sort), then order each bucket
    // by start. Each row gets exactly one allocation.
    const std::size_t tasks = trace.tasks.size();
    std::vector<std::uint32_t> begin(tasks + 1, 0);
    for (const Span &s : trace.spans)
        if (s.task < tasks)
            ++begin[s.task + 1];
    for (std::size_t t = 0; t < tasks; ++t)
        begin[t + 1] += begin[t];
    std::vector<std::uint32_t> order(begin[tasks]);
    {
        std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
        for (std::size_t i = 0; i < trace.spans.size(); ++i) {
            const Span &s = trace.spans[i];
            if (s.task < tasks)
                order[fill[s.task]++] = static_cast<std::uint32_t>(i);
        }
    }
    run.taskRows.assign(tasks, TimelineRow());
    run.taskStates.assign(tasks, TaskState::Pending);
    run.marks.clear();
    run.failedTasks = 0;
    run.cancelledTasks = 0;
    const std::int64_t runEnd = trace.lastNs;
    for (std::size_t t = 0; t < tasks; ++t) {
        auto first = order.begin() + begin[t];
        auto last = order.begin() + begin[t + 1];
        std::sort(first, last, [&trace](std::uint32_t a, std::uint32_t b) {
            return trace.spans[a].startNs < trace.spans[b].startNs;
        });
        const TaskRecord &rec = trace.tasks[t];
        TimelineRow &row = run.taskRows[t];
        row.reserve(static_cast<std::size_t>(last - first) + 1);
        const auto task = static_cast<std::uint32_t>(t);
        if (rec.queuedNs >= 0) {
            // A task that never started (stopped run) waited until the end.
            const std::int64_t until = rec.startNs >= 0 ? rec.startNs : runEnd;
            if (until > rec.queuedNs)
                row.append(rec.queuedNs - origin, until - origin, task, noPhase, ItemKind::Queued);
        }
        for (auto it = first; it != last; ++it) {
            const Span &s = trace.spans[*it];
            row.append(s.startNs - origin, s.endNs - origin, s.task, s.phase, itemKindFor(s.kind));
        }
        // The same marking as live updates use, so both give one picture;
        // tasks are visited in order, so the marks stay sorted by task.
        if (rec.state == TaskState::Done)
            run.taskStates[t] = TaskState::Done;
        else
            markEnded(run, rec, task);
    }
}

void TimelineModel::setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics)
{
    if (!trace)
        return;
    TimelineRun &run = ensureRun(trace->info.runIndex);
    TimelineRun fresh;
    fresh.info = trace->info;
    fillFromTrace(fresh, *trace);
    fresh.metrics = metrics;
    fresh.trace = trace;
    fresh.live = false;
    fresh.cancelled = trace->cancelled;
    fresh.extentNs = trace->lastNs > trace->info.originNs ? trace->lastNs - trace->info.originNs : 0;
    for (const TaskRecord &rec : trace->tasks)
        if (rec.state == TaskState::Done || rec.state == TaskState::Failed
            || rec.state == TaskState::Cancelled)
            ++fresh.tasksDone;
    fresh.consumedSpans = trace->spans.size();
    run = std::move(fresh);
    touch();
}

std::int64_t TimelineModel::extentNs() const
{
    std::int64_t extent = 0;
    for (const auto &run : m_runs)
        if (run)
            extent = std::max(extent, run->extentNs);
    return extent;
}

std::size_t TimelineModel::itemCount() const
{
    std::size_t n = 0;
    for (const auto &run : m_runs) {
        if (!run)
            continue;
        for (const auto &row : run->laneRows)
            n += row.size();
        for (const auto &row : run->taskRows)
            n += row.size();
        for (const auto &[kind, row] : run->waitRows)
            n += row.size();
    }
    return n;
}

std::size_t TimelineModel::memoryBytes() const
{
    std::size_t bytes = sizeof(*this) + m_runs.capacity() * sizeof(void *);
    for (const auto &run : m_runs) {
        if (!run)
            continue;
        bytes += sizeof(TimelineRun);
        for (const auto &row : run->laneRows)
            bytes += row.memoryBytes();
        for (const auto &row : run->taskRows)
            bytes += row.memoryBytes();
        for (const auto &[kind, row] : run->waitRows)
            bytes += row.memoryBytes();
        bytes += (run->openLane.capacity() + run->openTask.capacity()) * sizeof(OpenItem);
        bytes += run->queuedSince.capacity() * sizeof(std::int64_t);
        bytes += run->taskStates.capacity() * sizeof(TaskState) + run->marks.capacity() * sizeof(TaskMark);
    }
    return bytes;
}

RangeStats TimelineModel::rangeStats(int runIndex, std::int64_t fromNs, std::int64_t toNs) const
{
    RangeStats stats;
    if (toNs < fromNs)
        std::swap(fromNs, toNs);
    stats.fromNs = fromNs;
    stats.toNs = toNs;
    if (!hasRun(runIndex) || toNs <= fromNs)
        return stats;
    const TimelineRun &run = this->run(runIndex);
    stats.lanes = static_cast<int>(run.laneRows.size());
    auto clipped = [fromNs, toNs](std::int64_t s, std::int64_t e) {
        return std::max<std::int64_t>(0, std::min(e, toNs) - std::max(s, fromNs));
    };
    auto addKinds = [&](const TimelineRow &row) {
        for (std::size_t i = row.firstIndex(fromNs), n = row.lastIndex(toNs); i < n; ++i)
            stats.kindNs[static_cast<std::size_t>(row[i].kind)] +=
                static_cast<double>(clipped(row[i].start, row[i].end));
    };
    double busy = 0;
    for (const TimelineRow &row : run.laneRows) {
        addKinds(row);
        // Union of the row's items, so overlapping items never count twice.
        std::int64_t coveredUntil = fromNs;
        for (std::size_t i = row.firstIndex(fromNs), n = row.lastIndex(toNs); i < n; ++i) {
            const std::int64_t s = std::max(row[i].start, coveredUntil);
            const std::int64_t e = std::min(row[i].end, toNs);
            if (e > s) {
                busy += static_cast<double>(e - s);
                coveredUntil = e;
            }
        }
    }
    for (const auto &[kind, row] : run.waitRows)
        addKinds(row);
    // Queue waits live in the task rows only.
    for (const TimelineRow &row : run.taskRows)
        for (std::size_t i = row.firstIndex(fromNs), n = row.lastIndex(toNs); i < n; ++i)
            if (row[i].kind == ItemKind::Queued)
                stats.kindNs[static_cast<std::size_t>(ItemKind::Queued)] +=
                    static_cast<double>(clipped(row[i].start, row[i].end));
    if (stats.lanes > 0)
        stats.busyFraction =
            busy / (static_cast<double>(stats.lanes) * static_cast<double>(toNs - fromNs));
    return stats;
}

} // namespace il
