#include "core/timeline/timelinemodel.h"

#include <QtGlobal>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <utility>

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
    case SpanKind::LockWait: return ItemKind::LockWait;
    case SpanKind::QueuedAt: return ItemKind::QueuedAt;
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
    case ItemKind::LockWait: return "lock-wait";
    case ItemKind::QueuedAt: return "queued-at";
    }
    return "?";
}

// ---------------------------------------------------------------- TimelineRow

TimelineRow::~TimelineRow()
{
    release();
}

TimelineRow::TimelineRow(const TimelineRow &other)
{
    *this = other;
}

TimelineRow &TimelineRow::operator=(const TimelineRow &other)
{
    if (this == &other)
        return *this;
    clear();
    reserve(other.m_size);
    if (other.m_size) {
        std::memcpy(m_data, other.m_data, other.m_size * sizeof(TimelineItem));
        m_size = other.m_size;
        recomputeBlocks(0);
    }
    m_sortedPrefix = other.m_sortedPrefix;
    return *this;
}

TimelineRow::TimelineRow(TimelineRow &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
    , m_blocks(std::exchange(other.m_blocks, nullptr))
    , m_size(std::exchange(other.m_size, 0))
    , m_capacity(std::exchange(other.m_capacity, 0))
    , m_sortedPrefix(std::exchange(other.m_sortedPrefix, npos))
{
}

TimelineRow &TimelineRow::operator=(TimelineRow &&other) noexcept
{
    if (this != &other) {
        release();
        m_data = std::exchange(other.m_data, nullptr);
        m_blocks = std::exchange(other.m_blocks, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_capacity = std::exchange(other.m_capacity, 0);
        m_sortedPrefix = std::exchange(other.m_sortedPrefix, npos);
    }
    return *this;
}

void TimelineRow::release()
{
    if (owned()) {
        std::free(m_data);
        std::free(m_blocks);
    }
    m_data = nullptr;
    m_blocks = nullptr;
    m_size = 0;
    m_capacity = 0;
}

void TimelineRow::clear()
{
    release();
    m_sortedPrefix = npos;
}

void TimelineRow::borrow(TimelineItem *items, std::size_t count, std::int64_t *blocks)
{
    Q_ASSERT(count <= npos - 1);
    release();
    m_data = items;
    m_blocks = blocksFor(count) ? blocks : nullptr;
    m_size = static_cast<std::uint32_t>(count);
    m_sortedPrefix = npos;
}

// Reallocates to `capacity` items (>= size), taking ownership of borrowed items.
void TimelineRow::grow(std::size_t capacity)
{
    Q_ASSERT(capacity >= m_size && capacity <= npos - 1);
    if (capacity == 0) {
        release();
        return;
    }
    const std::size_t blocks = blocksFor(capacity);
    auto *data = static_cast<TimelineItem *>(owned() ? std::realloc(m_data, capacity * sizeof(TimelineItem))
                                                     : std::malloc(capacity * sizeof(TimelineItem)));
    std::int64_t *blockData = nullptr;
    if (blocks)
        blockData = static_cast<std::int64_t *>(owned() ? std::realloc(m_blocks, blocks * sizeof(std::int64_t))
                                                        : std::malloc(blocks * sizeof(std::int64_t)));
    else if (owned())
        std::free(m_blocks);
    if (!data || (blocks && !blockData))
        qFatal("TimelineRow: out of memory (%zu items)", capacity);
    if (!owned()) {
        if (m_size)
            std::memcpy(data, m_data, m_size * sizeof(TimelineItem));
        if (blocksFor(m_size))
            std::memcpy(blockData, m_blocks, blocksFor(m_size) * sizeof(std::int64_t));
    }
    m_data = data;
    m_blocks = blockData;
    m_capacity = static_cast<std::uint32_t>(capacity);
}

void TimelineRow::reserve(std::size_t n)
{
    if (n > (owned() ? m_capacity : m_size) || (!owned() && m_data && n > 0))
        grow(std::max<std::size_t>(n, m_size));
}

void TimelineRow::shrinkToFit()
{
    if (owned() && m_capacity > m_size)
        grow(m_size);
}

std::size_t TimelineRow::memoryBytes() const
{
    return sizeof(*this)
           + (owned() ? m_capacity * sizeof(TimelineItem) + blocksFor(m_capacity) * sizeof(std::int64_t) : 0);
}

void TimelineRow::fillBlocks(const TimelineItem *items, std::size_t count, std::int64_t *blocks,
                             std::size_t fromBlock)
{
    std::int64_t running = fromBlock == 0 ? INT64_MIN : blocks[fromBlock - 1];
    for (std::size_t k = fromBlock, n = blocksFor(count); k < n; ++k) {
        for (std::size_t i = k * blockSize; i < (k + 1) * blockSize; ++i)
            running = std::max(running, items[i].end);
        blocks[k] = running;
    }
}

void TimelineRow::recomputeBlocks(std::size_t fromItem)
{
    fillBlocks(m_data, m_size, m_blocks, fromItem / blockSize);
}

std::int64_t TimelineRow::maxEndAt(std::size_t i) const
{
    Q_ASSERT(i < m_size);
    const std::size_t k = (i + 1) / blockSize; // full blocks up to and including i
    std::int64_t running = k == 0 ? INT64_MIN : m_blocks[k - 1];
    for (std::size_t j = k * blockSize; j <= i; ++j)
        running = std::max(running, m_data[j].end);
    return running;
}

std::size_t TimelineRow::firstIndex(std::int64_t t) const
{
    // The first block whose running maximum passes t holds the answer;
    // past the last full block, the tail does (or nothing does).
    const std::size_t blocks = blocksFor(m_size);
    const std::size_t k = static_cast<std::size_t>(
        std::partition_point(m_blocks, m_blocks + blocks, [t](std::int64_t m) { return m <= t; }) - m_blocks);
    std::int64_t running = k == 0 ? INT64_MIN : m_blocks[k - 1];
    const std::size_t stop = k < blocks ? (k + 1) * blockSize : m_size;
    for (std::size_t i = k * blockSize; i < stop; ++i) {
        running = std::max(running, m_data[i].end);
        if (running > t)
            return i;
    }
    Q_ASSERT(k == blocks);
    return m_size;
}

std::size_t TimelineRow::lastIndex(std::int64_t t) const
{
    const TimelineItem *it = std::partition_point(m_data, m_data + m_size,
                                                  [t](const TimelineItem &item) { return item.start < t; });
    return static_cast<std::size_t>(it - m_data);
}

void TimelineRow::append(std::int64_t start, std::int64_t end, std::uint32_t task,
                         std::uint16_t phase, ItemKind kind)
{
    end = std::max(start, end);
    if (!owned() || m_size == m_capacity)
        grow(std::max<std::size_t>(4, std::size_t(m_size) * 2));
    const bool inOrder = m_size == 0 || m_data[m_size - 1].start <= start;
    if (settled() && !inOrder)
        m_sortedPrefix = m_size;
    m_data[m_size++] = TimelineItem{start, end, task, phase, kind};
    // Blocks are kept for sorted rows only; settle() makes them for the rest.
    if (settled() && m_size % blockSize == 0)
        fillBlocks(m_data, m_size, m_blocks, m_size / blockSize - 1);
}

void TimelineRow::settle()
{
    if (settled())
        return;
    const auto byStart = [](const TimelineItem &a, const TimelineItem &b) { return a.start < b.start; };
    TimelineItem *mid = m_data + m_sortedPrefix;
    TimelineItem *last = m_data + m_size;
    std::stable_sort(mid, last, byStart);
    // Everything from the first place a late item lands needs new blocks.
    const TimelineItem *firstChanged = std::upper_bound(m_data, mid, *mid, byStart);
    const auto from = static_cast<std::size_t>(firstChanged - m_data);
    std::inplace_merge(m_data, mid, last, byStart);
    m_sortedPrefix = npos;
    recomputeBlocks(from);
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
        const TimelineItem &item = m_data[i];
        std::int64_t distance = 0;
        if (t < item.start)
            distance = item.start - t;
        else if (t > item.end)
            distance = t - item.end;
        // Prefer the shortest containing item: it is the one drawn on top.
        if (distance < bestDistance
            || (distance == bestDistance && best
                && item.end - item.start < m_data[*best].end - m_data[*best].start)) {
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
    return static_cast<int>(view == TimelineViewKind::ByLane ? m_laneRows.size() + m_waitRows.size()
                                                             : m_taskRows.size());
}

const TimelineRow &TimelineRun::row(TimelineViewKind view, int index) const
{
    Q_ASSERT(index >= 0 && index < rowCount(view));
    const auto i = static_cast<std::size_t>(index);
    if (view == TimelineViewKind::ByTask)
        return m_taskRows[i];
    return i < m_laneRows.size() ? m_laneRows[i] : m_waitRows[i - m_laneRows.size()].second;
}

TimelineRow &TimelineRun::waitRow(ItemKind kind)
{
    auto it = std::find_if(m_waitRows.begin(), m_waitRows.end(),
                           [kind](const auto &r) { return r.first >= kind; });
    if (it == m_waitRows.end() || it->first != kind)
        it = m_waitRows.insert(it, {kind, TimelineRow()});
    return it->second;
}

int TimelineRun::waitRowIndex(ItemKind kind) const
{
    for (std::size_t i = 0; i < m_waitRows.size(); ++i)
        if (m_waitRows[i].first == kind)
            return static_cast<int>(i);
    return -1;
}

const TaskMark *TimelineRun::markFor(std::uint32_t task) const
{
    const auto it = std::lower_bound(m_marks.begin(), m_marks.end(), task,
                                     [](const TaskMark &m, std::uint32_t t) { return m.task < t; });
    return it != m_marks.end() && it->task == task ? &*it : nullptr;
}

int TimelineRun::markRow(TimelineViewKind view, const TaskMark &mark) const
{
    if (view == TimelineViewKind::ByTask)
        return mark.task < m_taskRows.size() ? static_cast<int>(mark.task) : -1;
    if (mark.lane != noLane)
        return mark.lane < m_laneRows.size() ? static_cast<int>(mark.lane) : -1;
    const int wait = waitRowIndex(mark.kind);
    return wait < 0 ? -1 : static_cast<int>(m_laneRows.size()) + wait;
}

std::vector<HandoffArrow> TimelineRun::handoffArrows(TimelineViewKind view) const
{
    std::vector<HandoffArrow> out;
    if (!m_trace)
        return out;
    const Trace &trace = *m_trace;
    const auto laneRow = [&](std::uint32_t task, bool waiting) {
        if (task >= trace.tasks.size())
            return -1;
        if (waiting && isLoopMode(m_info.mode)) {
            const int wait = waitRowIndex(ItemKind::LockWait);
            return wait < 0 ? -1 : static_cast<int>(m_laneRows.size()) + wait;
        }
        const std::uint16_t lane = trace.tasks[task].lane;
        return lane < m_laneRows.size() ? static_cast<int>(lane) : -1;
    };
    out.reserve(trace.shared.handoffs.size());
    for (const LockHandoff &h : trace.shared.handoffs) {
        HandoffArrow a;
        a.fromNs = h.releaseNs - trace.info.originNs;
        a.toNs = h.acquiredNs - trace.info.originNs;
        a.fromTask = h.from;
        a.toTask = h.to;
        if (view == TimelineViewKind::ByTask) {
            a.fromRow = h.from < m_taskRows.size() ? static_cast<int>(h.from) : -1;
            a.toRow = h.to < m_taskRows.size() ? static_cast<int>(h.to) : -1;
        } else {
            a.fromRow = laneRow(h.from, false);
            a.toRow = laneRow(h.to, true);
        }
        if (a.fromRow >= 0 && a.toRow >= 0)
            out.push_back(a);
    }
    return out;
}

std::size_t TimelineRun::ArrowIndex::memoryBytes() const
{
    return sizeof(*this) + entries.capacity() * sizeof(Entry)
           + (taskBegin.capacity() + byLane.capacity() + laneBegin.capacity()) * sizeof(std::uint32_t);
}

const TimelineRun::ArrowIndex &TimelineRun::arrowIndex(TaskArrowKind kind) const
{
    auto &slot = m_arrowIndex[static_cast<std::size_t>(kind)];
    if (!slot)
        slot = std::make_unique<ArrowIndex>(buildArrowIndex(kind));
    return *slot;
}

TimelineRun::ArrowIndex TimelineRun::buildArrowIndex(TaskArrowKind kind) const
{
    ArrowIndex ix;
    Q_ASSERT(m_trace);
    const Trace &trace = *m_trace;
    const std::int64_t origin = trace.info.originNs;
    const std::size_t tasks = std::min(trace.tasks.size(), m_taskRows.size());
    const std::size_t lanes = m_laneRows.size();
    const auto onLane = [&](const Span &s) { return s.lane < lanes && s.task < tasks; };
    if (kind == TaskArrowKind::Queue) {
        // Picked up: where and when the task started (on the event loop its
        // first phase may be an io on no lane, so not its first span), else
        // where its first span on a lane began (a trace that records no start).
        std::vector<std::int64_t> first(tasks, INT64_MAX);
        std::vector<std::uint16_t> firstLane(tasks, noLane);
        for (std::size_t t = 0; t < tasks; ++t)
            if (trace.tasks[t].startNs >= 0 && trace.tasks[t].lane < lanes) {
                first[t] = trace.tasks[t].startNs;
                firstLane[t] = trace.tasks[t].lane;
            }
        for (const Span &s : trace.spans)
            if (onLane(s) && s.startNs < first[s.task] && trace.tasks[s.task].lane >= lanes) {
                first[s.task] = s.startNs;
                firstLane[s.task] = s.lane;
            }
        for (std::size_t t = 0; t < tasks; ++t) {
            const std::int64_t queued = trace.tasks[t].queuedNs;
            if (queued >= 0 && firstLane[t] != noLane)
                ix.entries.push_back({std::min(queued, first[t]) - origin, first[t] - origin,
                                      static_cast<std::uint32_t>(t), firstLane[t]});
        }
    } else {
        // Each task's spans on a lane by start (a counting sort by task),
        // then for every io the task awaited on no lane the first of them
        // at or after the io's end: where the loop ran it next.
        std::vector<std::uint32_t> begin(tasks + 1, 0);
        for (const Span &s : trace.spans)
            if (onLane(s))
                ++begin[s.task + 1];
        for (std::size_t t = 0; t < tasks; ++t)
            begin[t + 1] += begin[t];
        std::vector<std::pair<std::int64_t, std::uint16_t>> starts(begin[tasks]);
        {
            std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
            for (const Span &s : trace.spans)
                if (onLane(s))
                    starts[fill[s.task]++] = {s.startNs, s.lane};
        }
        for (std::size_t t = 0; t < tasks; ++t)
            std::sort(starts.begin() + begin[t], starts.begin() + begin[t + 1]);
        const Trace::Range unlaned = trace.unlanedSpans();
        for (const Span *s = unlaned.begin; s != unlaned.end; ++s) {
            if (s->kind != SpanKind::Io || s->task >= tasks)
                continue;
            const auto from = starts.begin() + begin[s->task], to = starts.begin() + begin[s->task + 1];
            const auto next = std::lower_bound(from, to, std::pair<std::int64_t, std::uint16_t>{s->endNs, 0});
            if (next != to)
                ix.entries.push_back({s->endNs - origin, next->first - origin, s->task, next->second});
        }
        std::sort(ix.entries.begin(), ix.entries.end(), [](const ArrowIndex::Entry &a, const ArrowIndex::Entry &b) {
            return a.task != b.task ? a.task < b.task : a.toNs < b.toNs;
        });
    }
    ix.entries.shrink_to_fit();
    // By task: entries are in (task, toNs) order already.
    ix.taskBegin.assign(tasks + 1, 0);
    for (const ArrowIndex::Entry &e : ix.entries)
        ++ix.taskBegin[e.task + 1];
    for (std::size_t t = 0; t < tasks; ++t)
        ix.taskBegin[t + 1] += ix.taskBegin[t];
    // By head lane, each lane's by head time.
    ix.laneBegin.assign(lanes + 1, 0);
    for (const ArrowIndex::Entry &e : ix.entries)
        ++ix.laneBegin[e.toLane + 1u];
    for (std::size_t l = 0; l < lanes; ++l)
        ix.laneBegin[l + 1] += ix.laneBegin[l];
    ix.byLane.resize(ix.entries.size());
    {
        std::vector<std::uint32_t> fill(ix.laneBegin.begin(), ix.laneBegin.end() - 1);
        for (std::size_t i = 0; i < ix.entries.size(); ++i)
            ix.byLane[fill[ix.entries[i].toLane]++] = static_cast<std::uint32_t>(i);
    }
    const auto byHead = [&](std::uint32_t a, std::uint32_t b) {
        return ix.entries[a].toNs != ix.entries[b].toNs ? ix.entries[a].toNs < ix.entries[b].toNs : a < b;
    };
    for (std::size_t l = 0; l < lanes; ++l)
        std::sort(ix.byLane.begin() + ix.laneBegin[l], ix.byLane.begin() + ix.laneBegin[l + 1], byHead);
    return ix;
}

void TimelineRun::taskArrows(TaskArrowKind kind, TimelineViewKind view, const TaskArrowQuery &q,
                             std::vector<TaskArrow> &out) const
{
    if (!m_trace || q.limit == 0 || q.toNs < q.fromNs || q.lastRow < q.firstRow)
        return;
    const ArrowIndex &ix = arrowIndex(kind);
    std::size_t budget = q.limit;
    // Entries [begin, end) of one head row, by head time: those with heads in
    // the query's range, one per minGapNs (the next found by binary search,
    // so a dense row costs what is drawn, not what it holds).
    const auto scan = [&](std::size_t begin, std::size_t end, auto entryAt, auto take) {
        const auto headAt = [&](std::size_t i) { return entryAt(i).toNs; };
        const auto firstFrom = [&](std::size_t lo, std::int64_t t) {
            std::size_t hi = end;
            while (lo < hi) {
                const std::size_t mid = lo + (hi - lo) / 2;
                if (headAt(mid) < t)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            return lo;
        };
        for (std::size_t i = firstFrom(begin, q.fromNs); i < end && budget > 0;) {
            const ArrowIndex::Entry &e = entryAt(i);
            if (e.toNs > q.toNs)
                break;
            take(e);
            if (q.minGapNs <= 0 || e.toNs > INT64_MAX - q.minGapNs)
                ++i;
            else
                i = firstFrom(i + 1, e.toNs + q.minGapNs);
        }
    };
    if (view == TimelineViewKind::ByTask) {
        const std::size_t rows = ix.taskBegin.size() - 1;
        const auto first = static_cast<std::size_t>(std::max(0, q.firstRow));
        for (std::size_t t = first; t < rows && t <= static_cast<std::size_t>(q.lastRow) && budget > 0; ++t)
            scan(ix.taskBegin[t], ix.taskBegin[t + 1], [&](std::size_t i) -> const ArrowIndex::Entry & { return ix.entries[i]; },
                 [&](const ArrowIndex::Entry &e) {
                     out.push_back({e.fromNs, e.toNs, static_cast<int>(t), static_cast<int>(t), e.task});
                     --budget;
                 });
        return;
    }
    int fromRow = TaskArrow::queueRow;
    if (kind == TaskArrowKind::Wake) {
        const int io = waitRowIndex(ItemKind::Io);
        if (io < 0)
            return;
        fromRow = static_cast<int>(m_laneRows.size()) + io;
    }
    for (std::size_t l = 0; l + 1 < ix.laneBegin.size() && budget > 0; ++l) {
        const int toRow = static_cast<int>(l);
        if (std::min(fromRow, toRow) > q.lastRow || std::max(fromRow, toRow) < q.firstRow)
            continue;
        scan(ix.laneBegin[l], ix.laneBegin[l + 1],
             [&](std::size_t i) -> const ArrowIndex::Entry & { return ix.entries[ix.byLane[i]]; },
             [&](const ArrowIndex::Entry &e) {
                 out.push_back({e.fromNs, e.toNs, fromRow, toRow, e.task});
                 --budget;
             });
    }
}

std::size_t TimelineRun::itemCount() const
{
    std::size_t n = 0;
    for (const auto &row : m_laneRows)
        n += row.size();
    for (const auto &row : m_taskRows)
        n += row.size();
    for (const auto &[kind, row] : m_waitRows)
        n += row.size();
    for (const auto &row : m_queuedAtRows)
        n += row.size();
    return n;
}

std::size_t TimelineRun::memoryBytes() const
{
    std::size_t bytes = sizeof(*this);
    for (const auto &row : m_laneRows)
        bytes += row.memoryBytes();
    for (const auto &row : m_taskRows)
        bytes += row.memoryBytes();
    for (const auto &[kind, row] : m_waitRows)
        bytes += row.memoryBytes();
    bytes += m_queuedAtRows.capacity() * sizeof(TimelineRow);
    for (const auto &row : m_queuedAtRows)
        bytes += row.memoryBytes();
    if (m_live)
        bytes += sizeof(LiveRunState) + (m_live->openLane.capacity() + m_live->openTask.capacity()) * sizeof(OpenItem)
                 + m_live->queuedSince.capacity() * sizeof(std::int64_t);
    bytes += m_taskItems.capacity() * sizeof(TimelineItem) + m_taskBlocks.capacity() * sizeof(std::int64_t);
    bytes += m_taskStates.capacity() * sizeof(TaskState) + m_marks.capacity() * sizeof(TaskMark);
    for (const auto &index : m_arrowIndex)
        if (index)
            bytes += index->memoryBytes();
    return bytes;
}

void TimelineRun::markEnded(const TaskRecord &rec, std::uint32_t task)
{
    if (rec.state != TaskState::Failed && rec.state != TaskState::Cancelled)
        return;
    if (m_taskStates.size() <= task)
        m_taskStates.resize(task + 1u, TaskState::Pending);
    if (m_taskStates[task] == rec.state)
        return; // already counted
    m_taskStates[task] = rec.state;
    (rec.state == TaskState::Failed ? m_failedTasks : m_cancelledTasks) += 1;
    if (rec.startNs < 0)
        return; // never started: nothing on the timeline to mark
    const std::int64_t origin = m_info.originNs;
    TaskMark mark;
    mark.task = task;
    mark.state = rec.state;
    mark.lane = rec.lane;
    mark.start = rec.startNs - origin;
    mark.end = mark.start;
    // The task's last span (latest end), from its row; queue waits do not count.
    const TimelineItem *last = nullptr;
    if (task < m_taskRows.size())
        for (const TimelineItem &item : m_taskRows[task])
            if (item.kind != ItemKind::Queued && item.kind != ItemKind::QueuedAt && (!last || item.end >= last->end))
                last = &item;
    if (last) {
        mark.start = last->start;
        mark.end = last->end;
        mark.kind = last->kind;
        // Live rows do not keep lanes: event-loop io and ready waits occupy none.
        if (last->kind == ItemKind::Ready
            || ((last->kind == ItemKind::Io || last->kind == ItemKind::LockWait) && isLoopMode(m_info.mode)))
            mark.lane = noLane;
    }
    if (rec.endNs >= 0)
        mark.end = std::max(mark.end, rec.endNs - origin);
    m_marks.push_back(mark);
}

void poolPieces(std::int64_t from, std::int64_t to, const std::vector<std::pair<std::int64_t, std::int64_t>> &at,
                const std::vector<std::pair<std::int64_t, std::int64_t>> &ipc,
                const std::function<void(std::int64_t, std::int64_t)> &fn)
{
    if (at.empty()) { // queued in the pool only: the whole wait (nearly every task)
        if (from < to)
            fn(from, to);
        return;
    }
    // What is cut out: each wait at a worker, and the hop within the worker
    // that follows it (an ipc that begins where it ended).
    std::vector<std::pair<std::int64_t, std::int64_t>> cut(at);
    for (const auto &[s, e] : ipc)
        if (std::any_of(at.begin(), at.end(), [s = s](const auto &a) { return a.second == s; }))
            cut.emplace_back(s, e);
    std::sort(cut.begin(), cut.end());
    for (const auto &[s, e] : cut) {
        if (from >= to)
            return;
        if (s > from)
            fn(from, std::min(s, to));
        from = std::max(from, e);
    }
    if (from < to)
        fn(from, to);
}

void TimelineRun::fillFromTrace(const Trace &trace)
{
    const std::int64_t origin = trace.info.originNs;
    Q_ASSERT(trace.laneBegin.size() >= 2); // lanes + the unlaned bucket + its end
    const int tracedLanes = std::max(0, static_cast<int>(trace.laneBegin.size()) - 2);
    m_laneRows.assign(static_cast<std::size_t>(std::max(trace.info.lanes, tracedLanes)), TimelineRow());
    for (int lane = 0; lane < tracedLanes; ++lane) {
        const Trace::Range range = trace.laneSpans(lane);
        TimelineRow &row = m_laneRows[static_cast<std::size_t>(lane)];
        row.reserve(static_cast<std::size_t>(range.end - range.begin));
        for (const Span *s = range.begin; s != range.end; ++s)
            row.append(s->startNs - origin, s->endNs - origin, s->task, s->phase,
                       itemKindFor(s->kind));
        // A trace keeps each lane's spans in start order, so the row never
        // needed a merge: its binary searches are valid as filled.
        Q_ASSERT(row.settled());
    }
    m_waitRows.clear();
    const Trace::Range unlaned = trace.unlanedSpans();
    for (const Span *s = unlaned.begin; s != unlaned.end; ++s)
        waitRow(itemKindFor(s->kind))
            .append(s->startNs - origin, s->endNs - origin, s->task, s->phase, itemKindFor(s->kind));
    for (auto &[kind, row] : m_waitRows)
        row.shrinkToFit();
    // Tasks queued ahead at a worker, by lane (the trace has them sorted so).
    m_queuedAtRows.clear();
    if (!trace.queuedAt.empty()) {
        m_queuedAtRows.resize(m_laneRows.size());
        for (const Span &s : trace.queuedAt) {
            if (s.lane >= m_queuedAtRows.size())
                continue;
            m_queuedAtRows[s.lane].append(s.startNs - origin, s.endNs - origin, s.task, s.lane, ItemKind::QueuedAt);
        }
        for (TimelineRow &row : m_queuedAtRows) {
            row.settle();
            row.shrinkToFit();
        }
    }

    // Task rows: every task's items in one array, in task order (a counting
    // sort by task, its queue wait first), each row a slice of it; then each
    // slice ordered by start. No allocation per row.
    const std::size_t tasks = trace.tasks.size();
    const std::int64_t runEnd = trace.lastNs;
    // Where a task that never started stopped waiting (a stopped run: the end).
    const auto queuedUntil = [runEnd](const TaskRecord &rec) { return rec.startNs >= 0 ? rec.startNs : runEnd; };
    const auto hasQueued = [&](const TaskRecord &rec) { return rec.queuedNs >= 0 && queuedUntil(rec) > rec.queuedNs; };
    // A task sent ahead (processes --prefetch) waited partly in the pool,
    // partly queued at a worker: its queue wait is cut into Queued pieces
    // around its QueuedAt items (poolPieces). Its queued-at spans by
    // (task, start), and the ipc spans of those tasks by task.
    std::vector<std::uint32_t> atOrder, atBegin;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ipcOf; // (task, span index)
    if (!trace.queuedAt.empty()) {
        atBegin.assign(tasks + 1, 0);
        for (const Span &s : trace.queuedAt)
            if (s.task < tasks)
                ++atBegin[s.task + 1];
        for (std::size_t t = 0; t < tasks; ++t)
            atBegin[t + 1] += atBegin[t];
        atOrder.resize(atBegin[tasks]);
        std::vector<std::uint32_t> next(atBegin.begin(), atBegin.end() - 1);
        for (std::uint32_t k = 0; k < trace.queuedAt.size(); ++k)
            if (trace.queuedAt[k].task < tasks)
                atOrder[next[trace.queuedAt[k].task]++] = k;
        for (std::size_t t = 0; t < tasks; ++t)
            std::sort(atOrder.begin() + atBegin[t], atOrder.begin() + atBegin[t + 1],
                      [&](std::uint32_t a, std::uint32_t b) { return trace.queuedAt[a].startNs < trace.queuedAt[b].startNs; });
        for (std::uint32_t k = 0; k < trace.spans.size(); ++k) {
            const Span &s = trace.spans[k];
            if (s.kind == SpanKind::Ipc && s.task < tasks && atBegin[s.task + 1] > atBegin[s.task])
                ipcOf.emplace_back(s.task, k);
        }
        std::sort(ipcOf.begin(), ipcOf.end());
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> at, ipc;
    // fn(start, end) for each piece of task t's queue wait not queued at a worker.
    const auto queuedPieces = [&](std::size_t t, auto &&fn) {
        const TaskRecord &rec = trace.tasks[t];
        if (!hasQueued(rec))
            return;
        at.clear();
        ipc.clear();
        if (!atBegin.empty()) {
            for (std::uint32_t k = atBegin[t]; k < atBegin[t + 1]; ++k)
                at.emplace_back(trace.queuedAt[atOrder[k]].startNs, trace.queuedAt[atOrder[k]].endNs);
            for (auto it = std::lower_bound(ipcOf.begin(), ipcOf.end(), std::make_pair(std::uint32_t(t), 0u));
                 it != ipcOf.end() && it->first == t; ++it)
                ipc.emplace_back(trace.spans[it->second].startNs, trace.spans[it->second].endNs);
        }
        poolPieces(rec.queuedNs, queuedUntil(rec), at, ipc, fn);
    };
    std::vector<std::uint32_t> begin(tasks + 1, 0);
    for (const Span &s : trace.spans)
        if (s.task < tasks)
            ++begin[s.task + 1];
    for (const Span &s : trace.queuedAt)
        if (s.task < tasks)
            ++begin[s.task + 1];
    for (std::size_t t = 0; t < tasks; ++t) {
        std::uint32_t pieces = 0;
        queuedPieces(t, [&](std::int64_t, std::int64_t) { ++pieces; });
        begin[t + 1] += begin[t] + pieces;
    }
    m_taskItems.assign(begin[tasks], TimelineItem());
    m_taskItems.shrink_to_fit();
    std::size_t blockCount = 0;
    for (std::size_t t = 0; t < tasks; ++t)
        blockCount += TimelineRow::blocksFor(begin[t + 1] - begin[t]);
    m_taskBlocks.assign(blockCount, 0);
    m_taskBlocks.shrink_to_fit();
    {
        // `begin` doubles as the fill position of each task; rebuilt below.
        for (std::size_t t = 0; t < tasks; ++t)
            queuedPieces(t, [&](std::int64_t from, std::int64_t to) {
                m_taskItems[begin[t]++] = TimelineItem{from - origin, to - origin, static_cast<std::uint32_t>(t), noPhase,
                                                       ItemKind::Queued};
            });
        for (const Span &s : trace.spans)
            if (s.task < tasks)
                m_taskItems[begin[s.task]++] = TimelineItem{s.startNs - origin, std::max(s.startNs, s.endNs) - origin,
                                                            s.task, s.phase, itemKindFor(s.kind)};
        // Queued at a worker: between the pieces of its queue wait.
        for (const Span &s : trace.queuedAt)
            if (s.task < tasks)
                m_taskItems[begin[s.task]++] = TimelineItem{s.startNs - origin, std::max(s.startNs, s.endNs) - origin,
                                                            s.task, s.lane, ItemKind::QueuedAt};
        // Each task's fill position is now the next task's start.
        for (std::size_t t = tasks; t > 0; --t)
            begin[t] = begin[t - 1];
        begin[0] = 0;
    }
    m_taskRows.assign(tasks, TimelineRow());
    m_taskStates.assign(tasks, TaskState::Pending);
    m_marks.clear();
    m_failedTasks = 0;
    m_cancelledTasks = 0;
    const auto byStart = [](const TimelineItem &a, const TimelineItem &b) { return a.start < b.start; };
    std::int64_t *blocks = m_taskBlocks.data();
    for (std::size_t t = 0; t < tasks; ++t) {
        TimelineItem *first = m_taskItems.data() + begin[t];
        TimelineItem *last = m_taskItems.data() + begin[t + 1];
        const auto n = static_cast<std::size_t>(last - first);
        // Stable, so items starting together keep the trace's order (the
        // queue wait first, then lane by lane, the enclosing span first).
        if (n <= 32) {
            for (TimelineItem *i = first + 1; i < last; ++i)
                for (TimelineItem *j = i; j > first && byStart(*j, *(j - 1)); --j)
                    std::swap(*j, *(j - 1));
        } else {
            std::stable_sort(first, last, byStart);
        }
        TimelineRow::fillBlocks(first, n, blocks, 0);
        m_taskRows[t].borrow(first, n, blocks);
        blocks += TimelineRow::blocksFor(n);
        // The same marking as live updates use, so both give one picture;
        // tasks are visited in order, so the marks stay sorted by task.
        const TaskRecord &rec = trace.tasks[t];
        if (rec.state == TaskState::Done)
            m_taskStates[t] = TaskState::Done;
        else
            markEnded(rec, static_cast<std::uint32_t>(t));
    }
}

// -------------------------------------------------------------- TimelineModel

namespace {
// One counter for every model, so (model, revision) pairs never repeat even
// when a view is handed another model, or one model replaces another at the
// same address.
std::atomic<std::uint64_t> g_lastRevision{0};
} // namespace

TimelineModel::TimelineModel(QObject *parent)
    : QObject(parent)
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
    emit taskSetChanged();
    emit changed();
}

QString TimelineRun::taskName(std::uint32_t task) const
{
    if (m_names && task < m_names->tasks.size() && !m_names->tasks[task].name.isEmpty())
        return m_names->tasks[task].name;
    if (task == noTask)
        return QString();
    return QStringLiteral("task %1").arg(task);
}

QString TimelineModel::taskName(int run, std::uint32_t task) const
{
    if (const TimelineRun *r = findRun(run))
        return r->taskName(task);
    return task == noTask ? QString() : QStringLiteral("task %1").arg(task);
}

int TimelineModel::namesGroup(int run) const
{
    const TimelineRun *r = findRun(run);
    if (!r || !r->taskSet())
        return run;
    for (int i = 0; i < run; ++i)
        if (const TimelineRun *other = findRun(i); other && other->taskSet() == r->taskSet())
            return i;
    return run;
}

void TimelineModel::clear()
{
    m_runs.clear();
    touch();
    emit runsCleared();
    emit changed();
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

TimelineRun &TimelineModel::ensureRun(int index, bool &added)
{
    Q_ASSERT(index >= 0);
    const auto i = static_cast<std::size_t>(std::max(0, index));
    if (m_runs.size() <= i)
        m_runs.resize(i + 1);
    added = !m_runs[i];
    if (added)
        m_runs[i] = std::make_unique<TimelineRun>();
    return *m_runs[i];
}

TimelineRun &TimelineModel::beginRun(const RunInfo &info, std::shared_ptr<const LiveRunState> live)
{
    bool added = false;
    TimelineRun &run = ensureRun(info.runIndex, added);
    run = TimelineRun();
    run.m_info = info;
    run.m_names = m_set;
    run.m_live = std::move(live);
    run.m_laneRows.resize(static_cast<std::size_t>(std::max(0, info.lanes)));
    const std::size_t tasks = m_set ? m_set->tasks.size() : 0;
    run.m_taskRows.resize(tasks);
    run.m_taskStates.assign(tasks, TaskState::Pending);
    touch();
    emit (added ? runAdded(info.runIndex) : runChanged(info.runIndex));
    emit changed();
    return run;
}

TimelineRun *TimelineModel::editRun(int index)
{
    return hasRun(index) ? m_runs[static_cast<std::size_t>(index)].get() : nullptr;
}

void TimelineModel::runUpdated(int index)
{
    touch();
    emit runChanged(index);
    emit changed();
}

void TimelineModel::setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics)
{
    if (trace)
        setTrace(trace, metrics, trace->info.runIndex, QString());
}

void TimelineModel::setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics, int index,
                             const QString &title)
{
    setTrace(trace, metrics, index, title, m_set);
}

void TimelineModel::setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics, int index,
                             const QString &title, std::shared_ptr<const TaskSet> names)
{
    if (!trace || index < 0)
        return;
    bool added = false;
    TimelineRun &run = ensureRun(index, added);
    TimelineRun fresh;
    fresh.m_info = trace->info;
    fresh.m_info.runIndex = index;
    fresh.m_names = std::move(names);
    if (!title.isEmpty())
        fresh.m_info.openedFrom = title;
    fresh.fillFromTrace(*trace);
    fresh.m_metrics = metrics;
    fresh.m_trace = trace;
    fresh.m_cancelled = trace->cancelled;
    fresh.m_extentNs = trace->lastNs > trace->info.originNs ? trace->lastNs - trace->info.originNs : 0;
    for (const TaskRecord &rec : trace->tasks)
        if (rec.state == TaskState::Done || rec.state == TaskState::Failed || rec.state == TaskState::Cancelled)
            ++fresh.m_tasksDone;
    run = std::move(fresh);
    touch();
    emit (added ? runAdded(index) : runChanged(index));
    emit changed();
}

std::int64_t TimelineModel::extentNs() const
{
    std::int64_t extent = 0;
    for (const auto &run : m_runs)
        if (run)
            extent = std::max(extent, run->extentNs());
    return extent;
}

std::size_t TimelineModel::itemCount() const
{
    std::size_t n = 0;
    for (const auto &run : m_runs)
        if (run)
            n += run->itemCount();
    return n;
}

std::size_t TimelineModel::memoryBytes() const
{
    std::size_t bytes = sizeof(*this) + m_runs.capacity() * sizeof(void *);
    for (const auto &run : m_runs)
        if (run)
            bytes += run->memoryBytes();
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
    stats.lanes = static_cast<int>(run.laneRows().size());
    auto clipped = [fromNs, toNs](std::int64_t s, std::int64_t e) {
        return std::max<std::int64_t>(0, std::min(e, toNs) - std::max(s, fromNs));
    };
    auto addKinds = [&](const TimelineRow &row) {
        for (std::size_t i = row.firstIndex(fromNs), n = row.lastIndex(toNs); i < n; ++i)
            stats.kindNs[static_cast<std::size_t>(row[i].kind)] +=
                static_cast<double>(clipped(row[i].start, row[i].end));
    };
    double busy = 0;
    for (const TimelineRow &row : run.laneRows()) {
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
    for (const auto &[kind, row] : run.waitRows())
        addKinds(row);
    // Queue waits live in the task rows only.
    for (const TimelineRow &row : run.taskRows())
        for (std::size_t i = row.firstIndex(fromNs), n = row.lastIndex(toNs); i < n; ++i)
            if (row[i].kind == ItemKind::Queued || row[i].kind == ItemKind::QueuedAt) // both: the queue wait
                stats.kindNs[static_cast<std::size_t>(ItemKind::Queued)] +=
                    static_cast<double>(clipped(row[i].start, row[i].end));
    if (stats.lanes > 0)
        stats.busyFraction =
            busy / (static_cast<double>(stats.lanes) * static_cast<double>(toNs - fromNs));
    return stats;
}

} // namespace il
