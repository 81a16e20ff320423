#pragma once

#include "core/analysis/metrics.h"
#include "core/model/taskset.h"
#include "core/trace/trace.h"

#include <QObject>
#include <QtGlobal>

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

namespace il {

// What a timeline item shows. The span kinds plus Queued, which is not a span
// on any lane: it is the time a task spent waiting for the scheduler.
// Ready is the event loop's ready-queue wait (io done, loop busy elsewhere).
// LockWait: an acquire waiting for a lock another task holds.
// QueuedAt: a task sent ahead to a busy worker (processes --prefetch),
// queued there: in the task's row, and in the worker's queuedAtRow(); its
// item's `phase` holds that worker's lane (it belongs to no phase).
enum class ItemKind : std::uint8_t { Cpu, Io, GilWait, Spawn, Ipc, Queued, Ready, NotRunning, LockWait, QueuedAt };
inline constexpr int itemKindCount = 10;
ItemKind itemKindFor(SpanKind kind);
// "cpu", "io", "gil-wait", "spawn", "ipc", "queued", "ready-wait", "not-running", "lock-wait", "queued-at"
const char *itemKindName(ItemKind kind);

enum class TimelineViewKind : std::uint8_t { ByLane, ByTask };

// The pieces of a task's queue wait [from, to) it spent in the pool: less
// its waits at a worker (`at`) and the hop within the worker after one (an
// ipc span of `ipc` that begins where a wait at a worker ended). Calls
// fn(start, end) for each, in order.
void poolPieces(std::int64_t from, std::int64_t to, const std::vector<std::pair<std::int64_t, std::int64_t>> &at,
                const std::vector<std::pair<std::int64_t, std::int64_t>> &ipc,
                const std::function<void(std::int64_t, std::int64_t)> &fn);

struct TimelineItem
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::uint32_t task = noTask;
    std::uint16_t phase = noPhase;
    ItemKind kind = ItemKind::Cpu;
};
static_assert(sizeof(TimelineItem) == 24);
static_assert(std::is_trivially_copyable_v<TimelineItem>);

// One row of the timeline: items sorted by start in one flat array, so a
// visible range is found by binary search. Times are nanoseconds relative to
// the run's origin.
//
// 24 bytes an item. Items of a row may overlap (event-loop io waits do), so
// finding the first item that ends after t needs the running maximum of the
// end times; it is kept once per block of 16 items (half a byte an item)
// rather than in every item, and the last few steps are a scan of at most
// one block. A final run's task rows borrow their items from one array of
// the run (no allocation per row); a row that is appended to owns its own.
class TimelineRow
{
public:
    static constexpr std::size_t blockSize = 16;

    TimelineRow() = default;
    ~TimelineRow();
    // A copy always owns its items, so it may outlive whatever the original borrowed from.
    TimelineRow(const TimelineRow &other);
    TimelineRow &operator=(const TimelineRow &other);
    TimelineRow(TimelineRow &&other) noexcept;
    TimelineRow &operator=(TimelineRow &&other) noexcept;

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const TimelineItem &operator[](std::size_t i) const
    {
        Q_ASSERT(i < m_size);
        return m_data[i];
    }
    const TimelineItem *begin() const { return m_data; }
    const TimelineItem *end() const { return m_data + m_size; }

    // First item that may end after `t`: the first whose running maximum of
    // end times passes t, so it stays correct where items of a row overlap.
    std::size_t firstIndex(std::int64_t t) const;
    // One past the last item that starts before `t`.
    std::size_t lastIndex(std::int64_t t) const;
    // The latest end of items 0..i; maxEnd() of the whole row (0 when empty).
    std::int64_t maxEndAt(std::size_t i) const;
    std::int64_t maxEnd() const { return m_size == 0 ? 0 : maxEndAt(m_size - 1); }

    // Items normally arrive in start order. Late ones (live io waits end in
    // any order) are parked at the back and merged in by settle(), once per
    // batch, instead of one O(row) insertion each. Call settle() before
    // querying a row that may have received late items.
    void append(std::int64_t start, std::int64_t end, std::uint32_t task, std::uint16_t phase,
                ItemKind kind);
    void settle();
    bool settled() const { return m_sortedPrefix == npos; }
    void reserve(std::size_t n);
    void clear();
    void shrinkToFit();
    // What the row allocated itself (borrowed items are the run's).
    std::size_t memoryBytes() const;

    // The item containing `t`, else the nearest within `tolerance`.
    std::optional<std::size_t> itemAt(std::int64_t t, std::int64_t tolerance) const;

private:
    friend class TimelineRun;
    static constexpr std::uint32_t npos = 0xffffffffu;
    static std::size_t blocksFor(std::size_t items) { return items / blockSize; }
    bool owned() const { return m_capacity != 0; }
    void grow(std::size_t capacity);
    void release();
    void recomputeBlocks(std::size_t fromItem);
    // Points the row at `count` items (and their blocks) owned by someone else.
    void borrow(TimelineItem *items, std::size_t count, std::int64_t *blocks);
    // blocks[k]: the latest end of items 0 .. (k + 1) * blockSize - 1.
    static void fillBlocks(const TimelineItem *items, std::size_t count, std::int64_t *blocks,
                           std::size_t fromBlock);

    TimelineItem *m_data = nullptr;
    std::int64_t *m_blocks = nullptr;
    std::uint32_t m_size = 0;
    std::uint32_t m_capacity = 0; // 0: the items (if any) are borrowed
    std::uint32_t m_sortedPrefix = npos; // items before it are sorted; npos = all are
};
static_assert(sizeof(TimelineRow) == 32);

// An item that has begun but not ended (live runs only); drawn up to "now".
struct OpenItem
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::uint32_t task = noTask;
    std::uint16_t row = 0; // lane for the lane view; unused for the task view
    std::uint16_t phase = noPhase;
    ItemKind kind = ItemKind::Cpu;
};

// A task that failed (its worker crashed, sent garbage, timed out) or was
// cancelled (Stop) after it had started: where it ended, so the view can mark
// its last span in both views. Tasks that ended before starting get none.
struct TaskMark
{
    std::int64_t start = 0;          // the task's last span, relative ns
    std::int64_t end = 0;            // when it failed / was cancelled (>= the span's end)
    std::uint32_t task = noTask;
    std::uint16_t lane = noLane;     // that span's lane; noLane: a wait row (event loop)
    ItemKind kind = ItemKind::Cpu;   // that span's kind
    TaskState state = TaskState::Failed;
};

// A lock handoff as the timeline draws it: an arrow from where the releasing
// task let the lock go to where the waiting task got it (its lock-wait's
// end), times relative to the run's origin, rows of one view.
struct HandoffArrow
{
    std::int64_t fromNs = 0;
    std::int64_t toNs = 0;
    int fromRow = -1;
    int toRow = -1;
    std::uint32_t fromTask = noTask;
    std::uint32_t toTask = noTask;
};

// The optional arrows of a task's life (View menu): Queue, from the moment a
// task was queued to where its first span began on the lane that picked it
// up; Wake, from the end of an io the task awaited off every lane (the event
// loop's io) to where the loop next ran it, i.e. how long a ready task
// waited for the loop. Times relative to the run's origin, rows of one view:
// by task both ends are the task's row; by lane the head is the lane and the
// tail is the io wait row (Wake) or the run's header, where the queue is
// (Queue: fromRow == queueRow).
enum class TaskArrowKind : std::uint8_t { Queue, Wake };
struct TaskArrow
{
    static constexpr int queueRow = -1; // by lane: the run's header
    std::int64_t fromNs = 0;
    std::int64_t toNs = 0;
    int fromRow = 0;
    int toRow = 0;
    std::uint32_t task = noTask;
};

// Which task arrows to give: those whose head (toNs) is in [fromNs, toNs]
// and whose rows reach into [firstRow, lastRow]; per head row at most one
// every minGapNs of head time (thinning, so a picture of 200,000 tasks shows
// a readable few), at most `limit` in all.
struct TaskArrowQuery
{
    std::int64_t fromNs = INT64_MIN;
    std::int64_t toNs = INT64_MAX;
    int firstRow = 0;
    int lastRow = INT_MAX;
    std::int64_t minGapNs = 0;
    std::size_t limit = SIZE_MAX;
};

// What only a run still going on has: spans begun and not ended, and when
// each task still waiting was queued. Owned by the LiveRunBuilder that feeds
// the run (core/timeline/liverunbuilder.h); the run shares it read-only until
// its final trace replaces it.
struct LiveRunState
{
    std::vector<OpenItem> openLane;    // spans begun, not ended
    std::vector<OpenItem> openTask;    // the same per task; `task` is the row
    // Per task: when it was queued (relative ns) while it still waits to
    // start, else notQueued / queueClosed. Kept per task rather than as open
    // items so a million queued tasks cost nothing per update; the view draws
    // them for visible rows only, up to nowNs.
    std::vector<std::int64_t> queuedSince;
    std::int64_t nowNs = 0;            // "now" of the latest update, relative
    static constexpr std::int64_t notQueued = INT64_MIN;
    static constexpr std::int64_t queueClosed = INT64_MAX;

    bool isWaitingInQueue(std::size_t task) const
    {
        return task < queuedSince.size() && queuedSince[task] != notQueued && queuedSince[task] != queueClosed;
    }
    const std::vector<OpenItem> &open(TimelineViewKind view) const
    {
        return view == TimelineViewKind::ByLane ? openLane : openTask;
    }
};

// One run as the timeline draws it: rows per lane and per task, how each task
// ended, and while the run goes on its live state. Read-only outside the
// model; TimelineModel builds it from a final trace, LiveRunBuilder while
// events stream in.
class TimelineRun
{
public:
    // Moved, never copied: its task rows point into its own arrays.
    TimelineRun() = default;
    TimelineRun(TimelineRun &&) = default;
    TimelineRun &operator=(TimelineRun &&) = default;
    TimelineRun(const TimelineRun &) = delete;
    TimelineRun &operator=(const TimelineRun &) = delete;

    const RunInfo &info() const { return m_info; }
    // The set the run names its tasks from: the comparison's for a lab run,
    // an opened file's own, the kept set of a run from the history; null
    // when it has none ("task 3").
    const TaskSet *taskSet() const { return m_names.get(); }
    const std::shared_ptr<const TaskSet> &taskSetPtr() const { return m_names; }
    QString taskName(std::uint32_t task) const;
    const std::vector<TimelineRow> &laneRows() const { return m_laneRows; } // one per lane
    const std::vector<TimelineRow> &taskRows() const { return m_taskRows; } // per task: queued, cpu, io, gil-wait, ipc
    // Spans on no lane (event loop: tasks awaiting io, tasks ready while the
    // loop is busy), one row per kind. The lane view shows them below the
    // lanes, since they are the event loop's lesson: the loop is free while
    // tasks wait, and a busy loop keeps ready tasks waiting.
    const std::vector<std::pair<ItemKind, TimelineRow>> &waitRows() const { return m_waitRows; }
    // The tasks that sat queued at a lane's worker while it ran another
    // (processes --prefetch: Trace::queuedAt), QueuedAt items by start;
    // empty for a lane that had none. Not a row of its own: the lane view
    // marks them along the lane's bottom edge, apart from what it ran.
    const TimelineRow &queuedAtRow(int lane) const
    {
        static const TimelineRow none;
        return lane >= 0 && std::size_t(lane) < m_queuedAtRows.size() ? m_queuedAtRows[std::size_t(lane)] : none;
    }
    bool hasQueuedAt() const { return !m_queuedAtRows.empty(); }

    // While the run goes on: its live state; nullptr once it is final.
    const LiveRunState *live() const { return m_live.get(); }
    bool isLive() const { return m_live != nullptr; }
    bool isCancelled() const { return m_cancelled; }
    const std::optional<Metrics> &metrics() const { return m_metrics; } // set when the run finished
    const TracePtr &trace() const { return m_trace; }                     // set when the run finished
    std::int64_t extentNs() const { return m_extentNs; }                  // latest time shown, relative
    int tasksDone() const { return m_tasksDone; }           // ended, failed or cancelled
    int failedTasks() const { return m_failedTasks; }       // worker crash, garbage, timeout
    int cancelledTasks() const { return m_cancelledTasks; } // by Stop

    // Done / Failed / Cancelled once the task ended, else Pending.
    TaskState taskState(std::uint32_t task) const
    {
        return task < m_taskStates.size() ? m_taskStates[task] : TaskState::Pending;
    }
    const std::vector<TaskMark> &marks() const { return m_marks; } // sorted by task
    // The finished run's lock handoffs in `view`, in the order they ran on
    // (empty while live): by task, the tasks' rows; by lane, the releaser's
    // lane and the waiter's lock-wait row (its lane, or on the event loop
    // the lock-wait wait row). A handoff whose row is absent is left out.
    std::vector<HandoffArrow> handoffArrows(TimelineViewKind view) const;
    // Builds the arrows' index now (it is otherwise built on first use), so
    // that threads drawing the run at once only read it.
    void prepareArrows(TaskArrowKind kind) const
    {
        if (m_trace)
            (void)arrowIndex(kind);
    }
    // The finished run's task arrows of `kind` in `view` that `query` asks
    // for, appended to `out` in head row order, each row's by head time
    // (none while live). Built on first use (GUI thread, like every reader).
    void taskArrows(TaskArrowKind kind, TimelineViewKind view, const TaskArrowQuery &query,
                    std::vector<TaskArrow> &out) const;
    std::vector<TaskArrow> taskArrows(TaskArrowKind kind, TimelineViewKind view,
                                      const TaskArrowQuery &query = {}) const
    {
        std::vector<TaskArrow> out;
        taskArrows(kind, view, query, out);
        return out;
    }
    const TaskMark *markFor(std::uint32_t task) const;
    // The row a mark is drawn in (its lane, or the wait row of its kind in
    // the lane view; its task in the task view), -1 if that row is absent.
    int markRow(TimelineViewKind view, const TaskMark &mark) const;

    int rowCount(TimelineViewKind view) const;
    const TimelineRow &row(TimelineViewKind view, int index) const;
    int waitRowIndex(ItemKind kind) const; // -1 if absent
    std::size_t itemCount() const;
    std::size_t memoryBytes() const;

private:
    friend class TimelineModel;
    friend class LiveRunBuilder;

    // The wait row of `kind`, created in a fixed order (io before ready).
    TimelineRow &waitRow(ItemKind kind);
    void fillFromTrace(const Trace &trace);
    // Records how `task` ended and, if it had started, marks its last span.
    void markEnded(const TaskRecord &rec, std::uint32_t task);

    // A kind's task arrows, by task and by head lane, each by head time.
    struct ArrowIndex
    {
        struct Entry
        {
            std::int64_t fromNs;
            std::int64_t toNs;
            std::uint32_t task;
            std::uint16_t toLane;
        };
        std::vector<Entry> entries;            // by (task, toNs)
        std::vector<std::uint32_t> taskBegin;  // tasks + 1
        std::vector<std::uint32_t> byLane;     // entry indices by (toLane, toNs)
        std::vector<std::uint32_t> laneBegin;  // lanes + 1
        std::size_t memoryBytes() const;
    };
    const ArrowIndex &arrowIndex(TaskArrowKind kind) const;
    ArrowIndex buildArrowIndex(TaskArrowKind kind) const;

    RunInfo m_info;
    std::shared_ptr<const TaskSet> m_names;
    std::vector<TimelineRow> m_laneRows;
    std::vector<TimelineRow> m_taskRows;
    // A final run's task rows, all in one array (each row borrows its
    // slice), and their blocks of running maxima.
    std::vector<TimelineItem> m_taskItems;
    std::vector<std::int64_t> m_taskBlocks;
    std::vector<std::pair<ItemKind, TimelineRow>> m_waitRows;
    std::vector<TimelineRow> m_queuedAtRows; // per lane; empty when no task was queued ahead
    std::shared_ptr<const LiveRunState> m_live;
    std::optional<Metrics> m_metrics;
    TracePtr m_trace;
    std::int64_t m_extentNs = 0;
    int m_tasksDone = 0;
    int m_failedTasks = 0;
    int m_cancelledTasks = 0;
    std::vector<TaskState> m_taskStates;
    std::vector<TaskMark> m_marks;
    bool m_cancelled = false;
    mutable std::array<std::unique_ptr<ArrowIndex>, 2> m_arrowIndex; // by TaskArrowKind, built on first use
};

struct RangeStats
{
    std::int64_t fromNs = 0;
    std::int64_t toNs = 0;
    int lanes = 0;
    double busyFraction = 0; // lane time occupied by any span / (lanes * range)
    std::array<double, itemKindCount> kindNs{}; // per-kind time clipped to the range
};

// Every run of a comparison, in the shape the timeline draws. Data and
// signals, no widgets: views ask for rows and index ranges and listen to the
// change signals; nobody has to remember to tell them.
class TimelineModel : public QObject
{
    Q_OBJECT
public:
    explicit TimelineModel(QObject *parent = nullptr);
    void setTaskSet(std::shared_ptr<const TaskSet> set);
    // The comparison's set: what a run begun or given without names of its
    // own names its tasks from. Each run keeps the set it was given
    // (TimelineRun::taskSet()), so changing this one renames no run shown.
    const TaskSet *taskSet() const { return m_set.get(); }
    // Task `task` of run `run` by that run's own names ("task 3" without).
    QString taskName(int run, std::uint32_t task) const;
    // The first run whose tasks are named from the same set as run `run`'s
    // (runs of one comparison share theirs): task t of runs of one group is
    // one task; of runs of two groups, two. A run without a set is its own.
    int namesGroup(int run) const;

    void clear();
    // Replaces the run at trace->info.runIndex (live or absent) with its
    // final, immutable trace.
    void setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics = std::nullopt);
    // The same at run index `index` (not the trace's own), named `title`
    // instead of its mode (a run of an earlier comparison shown beside
    // another: "#2 threads").
    void setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics, int index, const QString &title);
    // The same, naming its tasks from `names` (an opened file's own, a kept
    // run's set); the other forms name them from taskSet().
    void setTrace(const TracePtr &trace, const std::optional<Metrics> &metrics, int index, const QString &title,
                  std::shared_ptr<const TaskSet> names);

    int runCount() const { return static_cast<int>(m_runs.size()); }
    bool hasRun(int index) const;
    // The run at `index`, or nullptr if there is none (any more): what
    // readers holding an index from an earlier revision must use.
    const TimelineRun *findRun(int index) const;
    // Only for an index known to be valid in this revision (asserted).
    const TimelineRun &run(int index) const;
    std::int64_t extentNs() const;
    std::size_t itemCount() const;
    std::size_t memoryBytes() const;
    // Changes whenever anything drawable changes, including the set of runs
    // and their rows: whatever was derived from the model (a layout, a
    // geometry cache) is valid only for the revision it was derived from.
    // Revisions are unique across all models, so a different model never
    // has the revision of the one a cache was built for.
    std::uint64_t revision() const { return m_revision; }

    RangeStats rangeStats(int runIndex, std::int64_t fromNs, std::int64_t toNs) const;

signals:
    void taskSetChanged();
    void runsCleared();
    void runAdded(int run);    // a live run began, or a final one arrived where there was none
    void runChanged(int run);  // a live run grew, or its final trace replaced it
    // After each of the above: the revision moved.
    void changed();

private:
    friend class LiveRunBuilder;

    // Starts (or restarts) the live run at info.runIndex.
    TimelineRun &beginRun(const RunInfo &info, std::shared_ptr<const LiveRunState> live);
    TimelineRun *editRun(int index);
    void runUpdated(int index);
    TimelineRun &ensureRun(int index, bool &added);
    void touch();

    std::shared_ptr<const TaskSet> m_set;
    std::vector<std::unique_ptr<TimelineRun>> m_runs;
    std::uint64_t m_revision = 0;
};

} // namespace il
