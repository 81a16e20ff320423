#include "core/io/chrometracewriter.h"

#include "core/base/wording.h"
#include "core/json/jsontextout.h"

#include <algorithm>
#include <cmath>

namespace il {

namespace {

// Rounds nanoseconds since the origin to eighths of a microsecond, half up
// (floor division, so it is monotonic for negative offsets too).
std::int64_t eighthsOfUs(std::int64_t ns)
{
    const std::int64_t x = 8 * ns + 500;
    return x >= 0 ? x / 1000 : -((-x + 999) / 1000);
}

class RunWriter
{
public:
    RunWriter(JsonTextOut &out, bool &first, std::int64_t &flowId, const TaskSet &set, const Trace &trace,
              const Metrics &metrics)
        : m_out(out), m_first(first), m_flowId(flowId), m_set(set), m_trace(trace), m_info(trace.info), m_metrics(metrics),
          m_pid(trace.info.runIndex + 1), m_foreign(trace.foreign.get())
    {
    }

    void write()
    {
        const QString label = QStringLiteral("%1 · %2 (%3)")
                                  .arg(m_info.runIndex + 1)
                                  .arg(m_foreign ? foreignOrigin() : modeName(m_info.mode), plural(m_info.lanes, "lane"));
        metadata("process_name", 0, label);
        metadata("process_sort_index", 0, m_info.runIndex);
        runMetadata();
        for (int l = 0; l < m_info.lanes; ++l) {
            if (m_foreign)
                foreignLaneName(l);
            else
                metadata("thread_name", l + 1, m_info.laneNames.value(l));
            metadata("thread_sort_index", l + 1, l);
        }
        if (m_foreign)
            writeForeign();
        else if (isLoopMode(m_info.mode))
            writeEventLoop();
        else
            writeLanes();
        if (!m_foreign)
            writeQueuedAt();
        for (const LockHandoff &h : m_trace.shared.handoffs) {
            if (!m_out.ok())
                break;
            writeHandoff(h);
        }
        for (const Incident &i : m_trace.incidents) {
            if (!m_out.ok())
                break;
            writeIncident(i);
        }
    }

private:
    // On the event loop, what a task waits for while the loop is free.
    static bool onTaskTrack(const Span &s)
    {
        return s.kind == SpanKind::Io || s.kind == SpanKind::Ready || s.kind == SpanKind::LockWait;
    }

    // The lock a lock-wait span waited for (its acquire phase), or null.
    const QString *lockOf(const Span &s) const
    {
        if (s.kind != SpanKind::LockWait || s.task >= m_set.tasks.size())
            return nullptr;
        const std::vector<Phase> &phases = m_set.tasks[s.task].phases;
        if (s.phase >= phases.size() || phases[s.phase].kind != PhaseKind::Acquire
            || phases[s.phase].ref >= m_set.names.size())
            return nullptr;
        return &m_set.nameOf(phases[s.phase]);
    }

    bool taskShown(std::uint32_t i) const
    {
        const TaskRecord &t = m_trace.tasks[i];
        return t.startNs >= 0 && t.endNs >= 0;
    }

    // Each lane's track: its tasks and its spans, merged in start order with
    // the enclosing event first.
    void writeLanes()
    {
        // Tasks grouped by lane in one counting pass (index order kept),
        // then each lane's put in start order: usually it already is.
        const std::size_t lanes = std::size_t(std::max(0, m_info.lanes));
        const auto bucket = [&](std::uint32_t i) { return std::min<std::size_t>(m_trace.tasks[i].lane, lanes); };
        std::vector<std::uint32_t> first(lanes + 2, 0);
        for (std::uint32_t i = 0; i < m_trace.tasks.size(); ++i)
            if (taskShown(i))
                ++first[bucket(i) + 1];
        for (std::size_t l = 0; l <= lanes; ++l)
            first[l + 1] += first[l];
        std::vector<std::uint32_t> order(first[lanes + 1]);
        {
            std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
            for (std::uint32_t i = 0; i < m_trace.tasks.size(); ++i)
                if (taskShown(i))
                    order[next[bucket(i)]++] = i;
        }
        const auto trackOrder = [&](std::uint32_t a, std::uint32_t b) {
            const TaskRecord &x = m_trace.tasks[a], &y = m_trace.tasks[b];
            if (x.lane != y.lane) // only in the bucket of undeclared lanes
                return x.lane < y.lane;
            if (x.startNs != y.startNs)
                return x.startNs < y.startNs;
            if (x.endNs != y.endNs)
                return x.endNs > y.endNs;
            return a < b;
        };
        for (std::size_t l = 0; l <= lanes; ++l) {
            const auto from = order.begin() + first[l], to = order.begin() + first[l + 1];
            if (!std::is_sorted(from, to, trackOrder))
                std::sort(from, to, trackOrder);
        }
        auto task = order.cbegin();
        for (int l = 0; l < m_info.lanes && m_out.ok(); ++l) {
            const Trace::Range spans = m_trace.laneSpans(l);
            const Span *s = spans.begin;
            const int tid = l + 1;
            while (m_out.ok()) {
                const bool haveTask = task != order.cend() && m_trace.tasks[*task].lane == l;
                const bool haveSpan = s != spans.end;
                if (!haveTask && !haveSpan)
                    break;
                if (haveTask && (!haveSpan || taskFirst(m_trace.tasks[*task], *s)))
                    writeTask(*task++, tid);
                else
                    writeSpan(*s++, tid);
            }
        }
        // A task recorded on a lane the run did not declare: still shown.
        for (; task != order.cend() && m_out.ok(); ++task)
            writeTask(*task, int(m_trace.tasks[*task].lane) + 1);
    }

    // Tasks queued at a worker while it ran another (processes --prefetch),
    // each an X event of category "queued-at" named after the task, on a
    // track of its own beside the worker's ("worker 2 (pid 4242) · queued
    // ahead"): the worker's track is busy with the task it runs then, and a
    // slice there would not nest. With --prefetch 2 and more the waits
    // overlap: each goes on the lane's first track free at its start, so
    // every track's slices nest as Perfetto needs.
    void writeQueuedAt()
    {
        std::vector<std::int64_t> trackEnd; // per track of the lane: its last slice's end
        int lane = -1;
        for (const Span &s : m_trace.queuedAt) {
            if (!m_out.ok())
                return;
            if (int(s.lane) != lane) {
                lane = s.lane;
                trackEnd.clear();
            }
            std::size_t k = 0;
            while (k < trackEnd.size() && trackEnd[k] > s.startNs)
                ++k;
            if (k == trackEnd.size() && k < std::size_t(chromeQueuedTracksPerLane)) {
                trackEnd.push_back(s.endNs);
                const int tid = queuedTid(lane, int(k));
                metadata("thread_name", tid,
                         QStringLiteral("%1 · queued ahead%2")
                             .arg(m_info.laneNames.value(lane, QStringLiteral("lane %1").arg(lane + 1)),
                                  k ? QStringLiteral(" %1").arg(k + 1) : QString()));
                metadata("thread_sort_index", tid, lane);
            }
            k = std::min(k, trackEnd.size() - 1); // past 128 at once: the last track, overlapping
            trackEnd[k] = std::max(trackEnd[k], s.endNs);
            beginEvent();
            m_out.literal("{\"name\":");
            taskName(s.task);
            m_out.literal(",\"cat\":\"queued-at\"");
            head("X", queuedTid(lane, int(k)));
            times(s.startNs, s.endNs);
            m_out.literal(",\"args\":{\"task\":");
            m_out.integer(s.task);
            m_out.literal("}}");
        }
    }

    static int queuedTid(int lane, int track) { return chromeQueuedTidBase + lane * chromeQueuedTracksPerLane + track; }

    // The loop's track holds the cpu it ran; every task gets its own track
    // with its io and ready-wait, because tasks overlap on the one loop.
    void writeEventLoop()
    {
        // The waits grouped by task in one counting pass (the trace is in
        // lane order, not task order), then each task's few sorted by start.
        const std::size_t taskCount = m_trace.tasks.size();
        std::vector<std::uint32_t> first(taskCount + 1, 0);
        for (const Span &s : m_trace.spans)
            if (onTaskTrack(s) && s.task < taskCount)
                ++first[s.task + 1];
        for (std::size_t i = 0; i < taskCount; ++i)
            first[i + 1] += first[i];
        std::vector<std::uint32_t> waits(first[taskCount]);
        {
            std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
            for (std::uint32_t k = 0; k < m_trace.spans.size(); ++k) {
                const Span &s = m_trace.spans[k];
                if (onTaskTrack(s) && s.task < taskCount)
                    waits[next[s.task]++] = k;
            }
        }
        const auto byStart = [&](std::uint32_t a, std::uint32_t b) {
            const Span &x = m_trace.spans[a], &y = m_trace.spans[b];
            if (x.startNs != y.startNs)
                return x.startNs < y.startNs;
            return x.endNs > y.endNs;
        };
        // Insertion sort: a task has a handful of waits, often in order.
        for (std::size_t i = 0; i < taskCount; ++i) {
            for (std::uint32_t j = first[i] + 1; j < first[i + 1]; ++j) {
                const std::uint32_t k = waits[j];
                std::uint32_t m = j;
                for (; m > first[i] && byStart(k, waits[m - 1]); --m)
                    waits[m] = waits[m - 1];
                waits[m] = k;
            }
        }
        for (int l = 0; l < m_info.lanes && m_out.ok(); ++l) {
            const Trace::Range spans = m_trace.laneSpans(l);
            for (const Span *s = spans.begin; s != spans.end && m_out.ok(); ++s)
                if (!onTaskTrack(*s))
                    writeSpan(*s, l + 1);
        }
        for (std::uint32_t i = 0; i < taskCount && m_out.ok(); ++i) {
            const bool shown = taskShown(i);
            auto wait = waits.cbegin() + first[i];
            const auto end = waits.cbegin() + first[i + 1];
            if (!shown && wait == end)
                continue;
            const int tid = chromeTaskTidBase + int(i);
            awaitingTrackName(tid, i);
            metadata("thread_sort_index", tid, m_info.lanes + int(i));
            bool taskPending = shown;
            while (m_out.ok() && (taskPending || wait != end)) {
                if (taskPending && (wait == end || taskFirst(m_trace.tasks[i], m_trace.spans[*wait]))) {
                    writeTask(i, tid);
                    taskPending = false;
                } else {
                    writeSpan(m_trace.spans[*wait++], tid);
                }
            }
        }
    }

    // "app.json (VizTracer)": the file a run from another tool was read from.
    QString foreignOrigin() const
    {
        return m_foreign->recordedBy.isEmpty() ? m_foreign->origin
                                               : QStringLiteral("%1 (%2)").arg(m_foreign->origin, m_foreign->recordedBy);
    }

    // A run opened from another tool's file: its lanes' names, and whether
    // the measures count a lane (a nested call level or an overflow lane
    // is inside its caller's time: "in_measures":false).
    void foreignLaneName(int l)
    {
        beginEvent();
        m_out.literal("{\"name\":\"thread_name\"");
        head("M", l + 1);
        m_out.literal(",\"args\":{\"name\":");
        m_out.string(m_info.laneNames.value(l));
        if (std::size_t(l) >= m_foreign->countedLanes.size() || !m_foreign->countedLanes[std::size_t(l)])
            m_out.literal(",\"in_measures\":false");
        m_out.literal("}}");
    }

    // Its tasks (Dask keys, asyncio tasks, async ids) as metadata, since
    // their spans need not nest inside them on one track; then each lane's
    // spans under the names and categories they were read with, times to
    // the nanosecond they were read to (the file's µs rounded once).
    void writeForeign()
    {
        for (std::uint32_t i = 0; i < m_trace.tasks.size() && m_out.ok(); ++i) {
            const TaskRecord &t = m_trace.tasks[i];
            beginEvent();
            m_out.literal("{\"name\":\"interleave_task\"");
            head("M", 0);
            if (taskShown(i))
                exactTimes(t.startNs, t.endNs);
            m_out.literal(",\"args\":{\"task\":");
            m_out.integer(i);
            m_out.literal(",\"name\":");
            m_out.string(m_foreign->taskNames.value(qsizetype(i)));
            m_out.literal(",\"state\":\"");
            m_out.literal(taskStateName(t.state));
            m_out.ch('"');
            if (t.lane != noLane) {
                m_out.literal(",\"lane\":");
                m_out.integer(t.lane);
            }
            m_out.literal("}}");
        }
        for (int l = 0; l < m_info.lanes && m_out.ok(); ++l) {
            const Trace::Range spans = m_trace.laneSpans(l);
            for (const Span *s = spans.begin; s != spans.end && m_out.ok(); ++s)
                writeForeignSpan(*s, l + 1);
        }
    }

    void exactTimes(std::int64_t startNs, std::int64_t endNs)
    {
        m_out.literal(",\"ts\":");
        m_out.fixed(startNs - m_info.originNs, 3);
        m_out.literal(",\"dur\":");
        m_out.fixed(endNs - startNs, 3);
    }

    void writeForeignSpan(const Span &s, int tid)
    {
        const bool labelled = m_foreign->hasLabel(s);
        beginEvent();
        m_out.literal("{\"name\":");
        utf8(labelled ? m_foreign->name(s) : std::string_view());
        m_out.literal(",\"cat\":");
        utf8(labelled ? m_foreign->cat(s) : std::string_view());
        head("X", tid);
        exactTimes(s.startNs, s.endNs);
        spanArgs(s, s.cpuUs != 0, nullptr);
        m_out.ch('}');
    }

    // A span's "args" (none if it has nothing to say): its task, phase, the
    // cpu time it used (`cpu`) and the lock a lock-wait waited for.
    void spanArgs(const Span &s, bool cpu, const QString *lock)
    {
        const bool hasTask = s.task != noTask, hasPhase = s.phase != noPhase;
        if (!hasTask && !hasPhase && !cpu && !lock)
            return;
        m_out.literal(",\"args\":{");
        const char *sep = "";
        if (hasTask) {
            m_out.literal("\"task\":");
            m_out.integer(s.task);
            sep = ",";
        }
        if (hasPhase) {
            m_out.literal(sep);
            m_out.literal("\"phase\":");
            m_out.integer(s.phase);
            sep = ",";
        }
        if (cpu) {
            m_out.literal(sep);
            m_out.literal("\"cpu_ms\":");
            m_out.fixed(s.cpuUs, 3);
            sep = ",";
        }
        if (lock) {
            m_out.literal(sep);
            m_out.literal("\"lock\":");
            m_out.string(*lock);
        }
        m_out.ch('}');
    }

    // A JSON string from UTF-8 as read from a file: quotes, backslashes and
    // control characters escaped. The reader let only valid UTF-8 in; a
    // byte that is not (a trace assembled otherwise) is written as U+FFFD.
    void utf8(std::string_view text)
    {
        m_out.room(); // then at most 500 characters (6 bytes each) between checks
        m_out.ch('"');
        std::size_t sinceRoom = 0;
        for (std::size_t i = 0; i < text.size();) {
            if (++sinceRoom == 500) {
                m_out.room();
                sinceRoom = 0;
            }
            const auto c = static_cast<unsigned char>(text[i]);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    m_out.ch('\\');
                    m_out.ch(char(c));
                } else if (c >= 0x20) {
                    m_out.ch(char(c));
                } else {
                    static constexpr char hex[] = "0123456789abcdef";
                    m_out.literal("\\u00");
                    m_out.ch(hex[c >> 4]);
                    m_out.ch(hex[c & 15]);
                }
                ++i;
                continue;
            }
            const int length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            bool valid = length > 0 && i + std::size_t(length) <= text.size();
            for (int k = 1; valid && k < length; ++k)
                valid = (static_cast<unsigned char>(text[i + std::size_t(k)]) & 0xc0) == 0x80;
            if (valid) {
                m_out.literal(text.substr(i, std::size_t(length)));
                i += std::size_t(length);
            } else {
                m_out.literal("\xef\xbf\xbd");
                ++i;
            }
        }
        m_out.ch('"');
    }

    static bool taskFirst(const TaskRecord &t, const Span &s)
    {
        return t.startNs < s.startNs || (t.startNs == s.startNs && t.endNs >= s.endNs);
    }

    void beginEvent()
    {
        m_out.room();
        m_out.literal(m_first ? "\n" : ",\n");
        m_first = false;
    }

    void head(const char *ph, int tid)
    {
        m_out.literal(",\"ph\":\"");
        m_out.literal(ph);
        m_out.literal("\",\"pid\":");
        m_out.integer(m_pid);
        m_out.literal(",\"tid\":");
        m_out.integer(tid);
    }

    void metadata(const char *name, int tid, const QString &value)
    {
        beginEvent();
        m_out.literal("{\"name\":\"");
        m_out.literal(name);
        m_out.ch('"');
        head("M", tid);
        m_out.literal(",\"args\":{\"name\":");
        m_out.string(value);
        m_out.literal("}}");
    }

    // What the events alone do not say, so that opening the file
    // (core/import) gives back the same run and measures. Viewers ignore
    // metadata names they do not know.
    void runMetadata()
    {
        beginEvent();
        m_out.literal("{\"name\":\"interleave_run\"");
        head("M", 0);
        m_out.literal(",\"args\":{\"mode\":");
        m_out.string(m_foreign ? QStringLiteral("opened") : modeName(m_info.mode));
        if (m_foreign) {
            m_out.literal(",\"opened_from\":");
            m_out.string(m_foreign->origin);
            if (!m_foreign->recordedBy.isEmpty()) {
                m_out.literal(",\"recorded_by\":");
                m_out.string(m_foreign->recordedBy);
            }
            m_out.literal(",\"overflow_spans\":");
            m_out.integer(std::int64_t(m_trace.overflowSpans));
        }
        m_out.literal(",\"workers\":");
        m_out.integer(m_info.workers);
        m_out.literal(",\"cores\":");
        m_out.integer(m_info.cores);
        m_out.literal(",\"lanes\":");
        m_out.integer(m_info.lanes);
        m_out.literal(",\"tasks\":");
        m_out.integer(std::int64_t(m_trace.tasks.size()));
        m_out.literal(",\"events\":");
        m_out.integer(std::int64_t(m_trace.eventCount));
        m_out.literal(",\"ideal_ms\":");
        m_out.fixed(std::llround(m_metrics.idealMs * 1e6), 6);
        m_out.literal(m_trace.cancelled ? ",\"cancelled\":true" : ",\"cancelled\":false");
        m_out.literal("}}");
    }

    // "task N (awaiting)", once per task: written straight, no QString.
    void awaitingTrackName(int tid, std::uint32_t task)
    {
        beginEvent();
        m_out.literal("{\"name\":\"thread_name\"");
        head("M", tid);
        m_out.literal(",\"args\":{\"name\":\"task ");
        m_out.integer(task);
        m_out.literal(" (awaiting)\"}}");
    }

    void metadata(const char *name, int tid, int sortIndex)
    {
        beginEvent();
        m_out.literal("{\"name\":\"");
        m_out.literal(name);
        m_out.ch('"');
        head("M", tid);
        m_out.literal(",\"args\":{\"sort_index\":");
        m_out.integer(sortIndex);
        m_out.literal("}}");
    }

    void times(std::int64_t startNs, std::int64_t endNs)
    {
        const std::int64_t start = eighthsOfUs(startNs - m_info.originNs);
        const std::int64_t end = eighthsOfUs(endNs - m_info.originNs);
        m_out.literal(",\"ts\":");
        m_out.fixed(start * chromeTraceResolutionNs, 3);
        m_out.literal(",\"dur\":");
        m_out.fixed((end - start) * chromeTraceResolutionNs, 3);
    }

    // Task i's name as a JSON string: the run's set names it, else "task i".
    void taskName(std::uint32_t i)
    {
        if (i < m_set.tasks.size())
            m_out.string(m_set.tasks[i].name);
        else
            m_out.string(QStringLiteral("task %1").arg(i));
    }

    void writeTask(std::uint32_t i, int tid)
    {
        const TaskRecord &t = m_trace.tasks[i];
        beginEvent();
        m_out.literal("{\"name\":");
        taskName(i);
        m_out.literal(",\"cat\":\"task\"");
        head("X", tid);
        times(t.startNs, t.endNs);
        m_out.literal(",\"args\":{\"task\":");
        m_out.integer(i);
        m_out.literal(",\"state\":\"");
        m_out.literal(taskStateName(t.state));
        m_out.ch('"');
        if (t.queuedNs >= 0) {
            m_out.literal(",\"queued_ms\":");
            m_out.fixed(t.startNs - t.queuedNs, 6);
        }
        m_out.literal("}}");
    }

    void writeSpan(const Span &s, int tid)
    {
        const char *kind = spanKindName(s.kind);
        beginEvent();
        m_out.literal("{\"name\":\"");
        m_out.literal(kind);
        m_out.literal("\",\"cat\":\"");
        m_out.literal(kind);
        m_out.ch('"');
        head("X", tid);
        times(s.startNs, s.endNs);
        spanArgs(s, s.kind == SpanKind::Cpu, lockOf(s));
        m_out.ch('}');
    }

    // A lock handoff as a flow, which Perfetto draws as an arrow: its start
    // on the releasing task's track at the release, its end bound to the
    // slice that encloses the waiter's wait end ("bp":"e"). Ids count up
    // through the whole file, so that no two runs' flows meet.
    void writeHandoff(const LockHandoff &h)
    {
        const std::int64_t id = ++m_flowId;
        flowEvent("s", h, id, trackOf(h.from), h.releaseNs);
        flowEvent("f", h, id, trackOf(h.to), h.acquiredNs);
    }

    int trackOf(std::uint32_t task) const
    {
        if (isLoopMode(m_info.mode))
            return chromeTaskTidBase + int(task);
        if (task < m_trace.tasks.size() && m_trace.tasks[task].lane != noLane)
            return int(m_trace.tasks[task].lane) + 1;
        return 0;
    }

    void flowEvent(const char *ph, const LockHandoff &h, std::int64_t id, int tid, std::int64_t tNs)
    {
        beginEvent();
        m_out.literal("{\"name\":\"handoff\",\"cat\":\"lock\"");
        head(ph, tid);
        if (ph[0] == 'f')
            m_out.literal(",\"bp\":\"e\"");
        m_out.literal(",\"id\":");
        m_out.integer(id);
        m_out.literal(",\"ts\":");
        m_out.fixed(eighthsOfUs(tNs - m_info.originNs) * chromeTraceResolutionNs, 3);
        m_out.literal(",\"args\":{\"lock\":");
        m_out.string(h.lock);
        m_out.literal(",\"from\":");
        m_out.integer(h.from);
        m_out.literal(",\"to\":");
        m_out.integer(h.to);
        m_out.literal("}}");
    }

    // An instant event: on its lane's track, or across the whole run when it
    // has no lane (a run-level incident). Absent task / pid / value are null.
    void writeIncident(const Incident &i)
    {
        const bool onLane = i.lane != noLane && int(i.lane) < m_info.lanes;
        const char *kind = incidentKindName(i.kind);
        beginEvent();
        m_out.literal("{\"name\":\"");
        m_out.literal(kind);
        m_out.literal("\",\"cat\":\"incident\"");
        head("i", onLane ? int(i.lane) + 1 : 0);
        m_out.literal(onLane ? ",\"s\":\"t\"" : ",\"s\":\"p\"");
        m_out.literal(",\"ts\":");
        m_out.fixed(eighthsOfUs(i.tNs - m_info.originNs) * chromeTraceResolutionNs, 3);
        m_out.literal(",\"args\":{\"kind\":\"");
        m_out.literal(kind);
        m_out.literal("\",\"task\":");
        nullOr(i.task != noTask, i.task);
        m_out.literal(",\"pid\":");
        nullOr(i.pid != 0, i.pid);
        m_out.literal(",\"value\":");
        nullOr(hasValue(i.kind), i.value);
        m_out.literal(",\"fatal\":");
        m_out.literal(i.fatal() ? "true" : "false");
        m_out.literal(",\"replaced\":");
        m_out.literal(i.replaced ? "true" : "false");
        m_out.literal(",\"detail\":");
        m_out.string(i.detail);
        m_out.literal("}}");
    }

    void nullOr(bool present, std::int64_t value)
    {
        if (present)
            m_out.integer(value);
        else
            m_out.literal("null");
    }

    JsonTextOut &m_out;
    bool &m_first;
    std::int64_t &m_flowId;
    const TaskSet &m_set;
    const Trace &m_trace;
    const RunInfo &m_info;
    const Metrics &m_metrics;
    const int m_pid;
    const ForeignRun *m_foreign;
};

} // namespace

bool writeChromeTrace(const TaskSet &set, const std::vector<RunResultPtr> &runs, const ByteSink &sink,
                      const std::vector<std::shared_ptr<const TaskSet>> &runSets)
{
    JsonTextOut out(sink);
    out.literal("{\"traceEvents\":[");
    bool first = true;
    std::int64_t flowId = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!out.ok())
            break;
        const TaskSet &names = i < runSets.size() && runSets[i] ? *runSets[i] : set;
        RunWriter(out, first, flowId, names, *runs[i]->trace, runs[i]->metrics).write();
    }
    out.room();
    out.literal("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"taskset\":");
    out.string(set.name);
    out.literal(",\"generator\":\"interleave\",\"time_resolution_ns\":");
    out.integer(chromeTraceResolutionNs);
    out.literal("}}\n");
    return out.finish();
}

} // namespace il
