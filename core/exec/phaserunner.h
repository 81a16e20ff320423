#pragma once

#include "core/exec/countercell.h"
#include "core/exec/eventsink.h"
#include "core/model/phase.h"
#include "core/trace/event.h"

#include <cstdint>

namespace il {

class CancelToken;
class Gil;
class TaskLocks;

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
    // A task set with lock or counter phases: the run's locks, and its
    // counters by name index (Counters::cells(), SharedCells::cells()).
    TaskLocks *locks = nullptr;
    CounterCell *counters = nullptr;
};

// Runs every phase of `task` on the calling thread, blocking for io:
// TaskStart, SpanBegin/SpanEnd per phase, then TaskEnd, or TaskCancelled
// when the token fires. Returns false when the task did not finish. With
// `lane.gil`, a cpu phase computes only while holding it, hands it over after
// each switch interval when others wait, and records the waits (over 20 µs)
// as gil-wait spans through `lane.sink`.
//
// Lock and counter phases (they need lane.locks, lane.counters; an
// increment phase's ref indexes task.increments):
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
// Standard C++ only, like everything a worker process links: the in-process
// lanes and interleave-worker run this same code.
bool runTaskBlocking(TaskPhases task, std::uint32_t index, LaneContext &lane);

Event makeEvent(EventKind kind, std::uint32_t task, std::uint16_t lane,
                SpanKind span = SpanKind::None, std::uint16_t phase = noPhase);

} // namespace il
