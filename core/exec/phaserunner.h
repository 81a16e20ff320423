#pragma once

#include "core/trace/event.h"

#include <cstdint>

namespace il {

struct Task;
struct TaskSet;
class CancelToken;
class Counters;
class Gil;
class TaskLocks;
class Recorder;

// Where a lane's events go: the recorder (in-process lanes) or the pipe
// back to the parent (worker processes).
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void record(const Event &event) = 0;
    // The lane is about to block or compute for a while: whatever it
    // recorded must be seen now (the live view), not after. A sink that
    // batches (the worker's pipe) sends here; the recorder is always live.
    virtual void flush() {}
};

class RecorderSink final : public EventSink
{
public:
    RecorderSink(Recorder &recorder, int slot) : m_recorder(recorder), m_slot(slot) {}
    void record(const Event &event) override;

private:
    Recorder &m_recorder;
    int m_slot;
};

// Burns `ms` of this thread's CPU time with real arithmetic. Returns false if
// cancelled first. No GIL and no events here: the caller records the span
// (the event loop does). With a GIL, runTaskBlocking() is the one that
// computes only while holding it and records the waits through the lane's
// sink.
bool burnCpu(double ms, const CancelToken &cancel, std::int64_t *usedNs = nullptr);

// The SpanEnd of a cpu span, carrying the CPU time it consumed.
Event cpuSpanEnd(std::uint32_t task, std::uint16_t lane, std::uint16_t phase, std::int64_t cpuNs);

struct LaneContext
{
    EventSink &sink;
    std::uint16_t lane;
    const CancelToken &cancel;
    Gil *gil = nullptr;
    // A task set with lock or counter phases: the run's locks and counters,
    // and the set whose names and increments the phases point into.
    TaskLocks *locks = nullptr;
    Counters *counters = nullptr;
    const TaskSet *set = nullptr;
};

// Runs every phase of `task` on the calling thread, blocking for io:
// TaskStart, SpanBegin/SpanEnd per phase, then TaskEnd, or TaskCancelled
// when the token fires. Returns false when the task did not finish. With
// `lane.gil`, a cpu phase computes only while holding it, hands it over after
// each switch interval when others wait, and records the waits (over 20 µs)
// as gil-wait spans through `lane.sink`.
//
// Lock and counter phases (they need lane.locks, lane.counters, lane.set):
// - acquire blocks until the lock is handed over, the wait a lock-wait span;
//   with a GIL the thread does not hold it meanwhile (the GIL is held only to
//   compute), as CPython's lock.acquire() releases it while it blocks. A
//   task whose wait closes a cycle of waits, or is part of one, ends with
//   TaskFailed (LockTable records the deadlock).
// - release hands the lock to the oldest waiter.
// - increment: `times` steps of a relaxed load, a little work and a relaxed
//   store on the shared counter, recorded as cpu (with the GIL, split where
//   it switches: the interpreter may switch after a read, before its write,
//   and after a write). With io between read and write, each step sleeps in
//   an io span; its read and write are too short to draw.
// A task that does not finish hands on the locks it holds.
bool runTaskBlocking(const Task &task, std::uint32_t index, LaneContext &lane);

Event makeEvent(EventKind kind, std::uint32_t task, std::uint16_t lane,
                SpanKind span = SpanKind::None, std::uint16_t phase = noPhase);

} // namespace il
