#pragma once

#include "core/model/mode.h"
#include "core/trace/event.h"
#include "core/trace/incident.h"
#include "core/trace/sharedstate.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace il {

inline constexpr std::uint32_t noLabel = 0xffffffu;

struct Span
{
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::uint32_t task = noTask;
    std::uint16_t lane = noLane;
    std::uint16_t phase = noPhase;
    SpanKind kind = SpanKind::None;
    // A span opened from another tool's file: its name and category, an
    // index into the run's Trace::foreign->labels, 24 bits kept in what was
    // padding (label()). The lab's spans have none: their task, phase and
    // kind name them.
    std::uint8_t labelHigh = 0xff;
    std::uint16_t labelLow = 0xffff;
    std::uint32_t cpuUs = 0; // cpu spans: thread CPU time consumed (<= wall time)

    std::uint32_t label() const { return std::uint32_t(labelHigh) << 16 | labelLow; }
    void setLabel(std::uint32_t id)
    {
        labelHigh = std::uint8_t(id >> 16);
        labelLow = std::uint16_t(id);
    }
};
static_assert(sizeof(Span) == 32, "a span is 32 bytes: millions of them are held");

// What a run opened from another tool's file (core/import) keeps beside its
// spans, so that exporting it (core/io) and opening the export gives the
// same run: the spans' names and categories, its tasks' names, which lanes
// its measures count. Strings are held once, as UTF-8 in one block.
struct ForeignRun
{
    struct Label
    {
        std::uint32_t name; // indexes into texts
        std::uint32_t cat;
    };
    std::vector<Label> labels; // Span::label() indexes it
    QStringList taskNames;     // by task index
    std::vector<bool> countedLanes; // lanes whose spans the measures count (a track's top level, async lanes)
    QString origin;            // "app.json": where the spans were first read from
    QString recordedBy;        // "VizTracer", "Dask", or empty

    std::uint32_t addText(std::string_view text);
    std::string_view text(std::uint32_t id) const
    {
        const std::size_t from = id ? m_ends[id - 1] : 0;
        return std::string_view(m_texts).substr(from, m_ends[id] - from);
    }
    bool hasLabel(const Span &s) const { return s.label() < labels.size(); }
    // Empty for a span without a label (the file gave it no name or category).
    std::string_view name(const Span &s) const { return hasLabel(s) ? text(labels[s.label()].name) : std::string_view(); }
    std::string_view cat(const Span &s) const { return hasLabel(s) ? text(labels[s.label()].cat) : std::string_view(); }

private:
    std::string m_texts;
    std::vector<std::size_t> m_ends;
};

enum class TaskState : std::uint8_t { Pending, Queued, Running, Done, Failed, Cancelled };
const char *taskStateName(TaskState state);

struct TaskRecord
{
    std::int64_t queuedNs = -1;
    std::int64_t startNs = -1;
    std::int64_t endNs = -1;
    std::uint16_t lane = noLane;
    TaskState state = TaskState::Pending;
};

// What a run is, known before its first event.
// Events from another machine (a remote Dask worker) are moved onto the
// engine's clock by an estimated offset: how exact that is.
struct ClockAlignment
{
    std::int64_t withinNs = -1; // the worst uncertainty over all workers; -1: one clock, nothing aligned
    QString detail;             // how it was estimated, the offsets (shown, never parsed)
};

struct RunInfo
{
    int runIndex = 0; // position in the comparison, 0-based
    // --repeat: which repetition of this run this is (0-based) and how many
    // were asked for. Every repetition of a mode has the mode's runIndex.
    int repetition = 0;
    int repeats = 1;
    Mode mode = Mode::Sequential;
    int workers = 1;
    int prefetch = -1; // processes: tasks queued ahead per busy worker; -1 for other modes
    int cores = 1;
    int lanes = 1;
    QStringList laneNames; // "thread 1", "worker 2 (pid 1234)", "event loop"
    std::vector<qint64> lanePids; // processes mode: the workers' real pids
    std::int64_t originNs = 0; // CLOCK_MONOTONIC when the run started
    // A run opened from a trace file (core/import): what to call it instead
    // of its mode ("app.json", "mine.json · 2 · threads"). Empty for the lab's.
    // A file from another tool also has cores == 0: no mode, no ideal bound.
    QString openedFrom;
};

// Turns a stream of events (in any interleaving across lanes) into spans and
// task records. Used live by the UI (feed batches as they arrive) and once
// at the end of a run for the immutable Trace.
class TraceBuilder
{
public:
    TraceBuilder(RunInfo info, std::size_t taskCount);

    void add(const Event *events, std::size_t count);
    // Room for `spans` closed spans, when the caller knows how many will
    // come (a finished run: its SpanEnd events): no growth by doubling, so
    // a big run's spans are held once, not up to twice over.
    void reserveSpans(std::size_t spans) { m_spans.reserve(spans); }
    void add(const std::vector<Event> &events) { add(events.data(), events.size()); }

    const RunInfo &info() const { return m_info; }
    const std::vector<Span> &closedSpans() const { return m_spans; } // completion order
    // Closed queued-at spans (SpanKind::QueuedAt), completion order: kept
    // apart from the lanes' spans, since the lane was running another task.
    const std::vector<Span> &closedQueuedAt() const { return m_queuedAt; }
    const std::vector<TaskRecord> &tasks() const { return m_tasks; }
    // Spans that began but have not ended yet, e.g. to draw up to "now".
    std::vector<Span> openSpans(std::int64_t nowNs) const;
    std::size_t eventCount() const { return m_events; }
    std::int64_t firstNs() const { return m_first; }
    std::int64_t lastNs() const { return m_last; }

private:
    friend struct Trace;
    RunInfo m_info;
    std::vector<Span> m_spans;
    std::vector<Span> m_queuedAt;
    std::vector<TaskRecord> m_tasks;
    std::unordered_map<std::uint64_t, Span> m_open; // key: task or (lane | 1<<40) for lane spans
    std::size_t m_events = 0;
    std::int64_t m_first = INT64_MAX;
    std::int64_t m_last = INT64_MIN;
};

// The immutable result of one run. Spans are sorted by (lane, start); spans
// with lane == noLane (event-loop io: the task waits, the loop is free) come
// last. laneSpans(l) gives a lane's spans.
struct Trace
{
    RunInfo info;
    std::vector<Span> spans;
    std::vector<std::uint32_t> laneBegin; // size lanes + 2; last bucket = noLane
    std::vector<TaskRecord> tasks;
    // processes --prefetch: where tasks sat queued at a busy worker before it
    // took them up or gave them back (SpanKind::QueuedAt, the worker's lane,
    // from the parent's send), sorted by (lane, start). Apart from `spans`:
    // the lane was running another task then, so no measure of the lane's
    // work and no reader of laneSpans() sees them. A task asked back and
    // sent elsewhere has one per worker it sat at.
    std::vector<Span> queuedAt;
    std::size_t eventCount = 0;
    std::int64_t firstNs = 0; // earliest event (spawn included)
    std::int64_t lastNs = 0;
    bool cancelled = false;
    std::vector<Incident> incidents; // what went wrong, in time order
    std::uint64_t eventsDropped = 0; // events the recorder had no room for (also an incident)

    // The run could not do its work at all (a fatal incident: no worker
    // executable, no worker could be started, the engine had no timer).
    bool failed() const;
    // Share of every core's time other programs used during the run (0..1;
    // -1 unknown): a run on a busy machine teaches little.
    double machineBusy = -1;
    // How exactly remote clocks were put on the engine's (Executor::
    // clockAlignment); withinNs < 0 when every event came from this
    // machine's clock.
    ClockAlignment clocks;
    // Opened from a file: spans that did not nest on their track (rounding,
    // clock skew, a cut recording), drawn on overflow lanes, never dropped.
    std::size_t overflowSpans = 0;
    // Opened from another tool's file (or from an export of such a run):
    // its spans' names, its tasks' names and what its measures count. Null
    // for the lab's runs and runs opened from their exports.
    std::shared_ptr<const ForeignRun> foreign;
    // The run's shared counters and locks (Executor::sharedResults), empty
    // when the task set has none.
    SharedStateResults shared;

    static Trace fromBuilder(TraceBuilder &&builder, std::int64_t endNs, bool cancelled);
    // Sorts the spans by lane (unlaned last), then start (the enclosing span
    // first), and fills laneBegin: what laneSpans() and every reader rely on.
    // fromBuilder does it; a trace assembled otherwise (an opened file) calls it.
    void indexSpans();
    // Sorts queuedAt by (lane, start); fromBuilder does it.
    void sortQueuedAt();

    struct Range { const Span *begin; const Span *end; };
    Range laneSpans(int lane) const;
    Range unlanedSpans() const;
};

using TracePtr = std::shared_ptr<const Trace>;

} // namespace il
