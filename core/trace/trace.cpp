#include "core/trace/trace.h"

#include <QtGlobal>

#include <algorithm>

namespace il {

const char *taskStateName(TaskState state)
{
    switch (state) {
    case TaskState::Pending: return "pending";
    case TaskState::Queued: return "queued";
    case TaskState::Running: return "running";
    case TaskState::Done: return "done";
    case TaskState::Failed: return "failed";
    case TaskState::Cancelled: return "cancelled";
    }
    return "?";
}

TraceBuilder::TraceBuilder(RunInfo info, std::size_t taskCount)
    : m_info(std::move(info)), m_tasks(taskCount)
{
}

static std::uint64_t openKey(const Event &e)
{
    return e.task != noTask ? std::uint64_t(e.task) : ((std::uint64_t(1) << 40) | e.lane);
}

void TraceBuilder::add(const Event *events, std::size_t count)
{
    for (std::size_t k = 0; k < count; ++k) {
        const Event &e = events[k];
        ++m_events;
        m_first = std::min(m_first, e.tNs);
        m_last = std::max(m_last, e.tNs);
        if (e.kind == EventKind::SpanBegin) {
            m_open[openKey(e)] = Span{e.tNs, e.tNs, e.task, e.lane, e.phase, e.span};
            continue;
        }
        if (e.kind == EventKind::SpanEnd) {
            // An end without its begin is possible only when the recorder
            // dropped events (an EventsDropped incident says so): skipped.
            const auto it = m_open.find(openKey(e));
            if (it != m_open.end() && it->second.kind == e.span) {
                it->second.endNs = std::max(e.tNs, it->second.startNs);
                it->second.cpuUs = e.cpuUs;
                (e.span == SpanKind::QueuedAt ? m_queuedAt : m_spans).push_back(it->second);
                m_open.erase(it);
            }
            continue;
        }
        // Queued, start, end, failed and cancelled always name a task of
        // the set: the executors and the process pool's checks see to it.
        Q_ASSERT(e.task < m_tasks.size());
        if (e.task >= m_tasks.size())
            continue;
        TaskRecord &t = m_tasks[e.task];
        switch (e.kind) {
        case EventKind::Queued:
            t.queuedNs = e.tNs;
            if (t.state == TaskState::Pending)
                t.state = TaskState::Queued;
            break;
        case EventKind::TaskStart:
            t.startNs = e.tNs;
            t.lane = e.lane;
            if (t.state < TaskState::Running)
                t.state = TaskState::Running;
            break;
        case EventKind::TaskEnd:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled: {
            t.endNs = e.tNs;
            if (t.lane == noLane)
                t.lane = e.lane;
            t.state = e.kind == EventKind::TaskEnd      ? TaskState::Done
                      : e.kind == EventKind::TaskFailed ? TaskState::Failed
                                                        : TaskState::Cancelled;
            // A task that dies mid-phase leaves its span open: close it here.
            const auto it = m_open.find(e.task);
            if (it != m_open.end() && e.kind != EventKind::TaskEnd) {
                it->second.endNs = std::max(e.tNs, it->second.startNs);
                (it->second.kind == SpanKind::QueuedAt ? m_queuedAt : m_spans).push_back(it->second);
                m_open.erase(it);
            }
            break;
        }
        default: break;
        }
    }
}

std::vector<Span> TraceBuilder::openSpans(std::int64_t nowNs) const
{
    std::vector<Span> spans;
    spans.reserve(m_open.size());
    for (const auto &[key, span] : m_open) {
        Span s = span;
        s.endNs = std::max(nowNs, s.startNs);
        spans.push_back(s);
    }
    return spans;
}

Trace Trace::fromBuilder(TraceBuilder &&b, std::int64_t endNs, bool cancelled)
{
    Trace t;
    t.info = std::move(b.m_info);
    t.eventCount = b.m_events;
    t.cancelled = cancelled;
    t.firstNs = b.m_events ? b.m_first : t.info.originNs;
    t.lastNs = b.m_events ? b.m_last : t.info.originNs;
    t.spans = std::move(b.m_spans);
    if (!b.m_open.empty())
        t.spans.reserve(t.spans.size() + b.m_open.size());
    t.queuedAt = std::move(b.m_queuedAt);
    for (const auto &[key, span] : b.m_open) {
        Span s = span;
        s.endNs = std::max(endNs, s.startNs);
        (s.kind == SpanKind::QueuedAt ? t.queuedAt : t.spans).push_back(s);
    }
    t.tasks = std::move(b.m_tasks);
    for (TaskRecord &r : t.tasks) {
        if (r.state == TaskState::Done || r.state == TaskState::Failed || r.state == TaskState::Cancelled)
            continue;
        // Never finished: Stop came first (or, without Stop, something broke).
        r.state = cancelled ? TaskState::Cancelled : TaskState::Failed;
        if (r.startNs >= 0)
            r.endNs = std::max(endNs, r.startNs);
    }

    t.indexSpans();
    t.sortQueuedAt();
    return t;
}

void Trace::sortQueuedAt()
{
    std::sort(queuedAt.begin(), queuedAt.end(), [](const Span &a, const Span &b) {
        if (a.lane != b.lane)
            return a.lane < b.lane;
        if (a.startNs != b.startNs)
            return a.startNs < b.startNs;
        return a.task < b.task;
    });
}

void Trace::indexSpans()
{
    const int lanes = std::max(0, info.lanes);
    const auto bucket = [lanes](const Span &s) { return s.lane < lanes ? int(s.lane) : lanes; };
    const auto order = [&](const Span &a, const Span &b) {
        const int ba = bucket(a), bb = bucket(b);
        if (ba != bb)
            return ba < bb;
        if (a.startNs != b.startNs)
            return a.startNs < b.startNs;
        return a.endNs > b.endNs; // enclosing span first
    };
    // An opened file's spans are usually added in this order already: one
    // pass to see it instead of a sort (a run's come in completion order,
    // the pass stops at once).
    if (!std::is_sorted(spans.begin(), spans.end(), order))
        std::sort(spans.begin(), spans.end(), order);
    // Only when there is slack: shrinking copies every span, for a moment
    // holding them twice.
    if (spans.capacity() > spans.size() + spans.size() / 8)
        spans.shrink_to_fit();
    laneBegin.assign(std::size_t(lanes) + 2, 0);
    std::size_t i = 0;
    for (int l = 0; l <= lanes; ++l) {
        laneBegin[std::size_t(l)] = std::uint32_t(i);
        while (i < spans.size() && bucket(spans[i]) == l)
            ++i;
    }
    laneBegin[std::size_t(lanes) + 1] = std::uint32_t(spans.size());
#ifndef QT_NO_DEBUG
    // What laneSpans() and every reader of the trace rely on: each lane's
    // spans in start order (the enclosing one first), buckets in lane order
    // and covering every span, every span well-formed.
    Q_ASSERT(std::is_sorted(laneBegin.begin(), laneBegin.end()));
    for (int l = 0; l <= lanes; ++l)
        for (std::uint32_t k = laneBegin[std::size_t(l)]; k < laneBegin[std::size_t(l) + 1]; ++k) {
            const Span &s = spans[k];
            Q_ASSERT(bucket(s) == l);
            Q_ASSERT(s.startNs <= s.endNs);
            Q_ASSERT(k == laneBegin[std::size_t(l)] || spans[k - 1].startNs <= s.startNs);
        }
#endif
}

bool Trace::failed() const
{
    return std::any_of(incidents.begin(), incidents.end(), [](const Incident &i) { return i.fatal(); });
}

Trace::Range Trace::laneSpans(int lane) const
{
    if (lane < 0 || lane >= info.lanes)
        return {nullptr, nullptr};
    return {spans.data() + laneBegin[std::size_t(lane)], spans.data() + laneBegin[std::size_t(lane) + 1]};
}

Trace::Range Trace::unlanedSpans() const
{
    const auto lanes = std::size_t(std::max(0, info.lanes));
    return {spans.data() + laneBegin[lanes], spans.data() + laneBegin[lanes + 1]};
}

std::uint32_t ForeignRun::addText(std::string_view text)
{
    m_texts.append(text);
    m_ends.push_back(m_texts.size());
    return std::uint32_t(m_ends.size() - 1);
}

} // namespace il
