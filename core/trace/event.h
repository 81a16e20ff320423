#pragma once

#include <cstdint>

namespace il {

enum class EventKind : std::uint8_t {
    Queued,     // task handed to the scheduler (lane = noLane)
    TaskStart,  // a lane began running the task
    TaskEnd,    // finished all phases
    TaskFailed, // worker crashed / protocol error / timeout
    TaskCancelled,
    SpanBegin,  // a span of kind `span` starts on `lane`
    SpanEnd,
};

enum class SpanKind : std::uint8_t {
    Cpu,
    Io,
    GilWait, // waiting for the emulated global interpreter lock
    Spawn,   // worker process start-up (task = noTask)
    Ipc,     // task or result travelling over the worker pipe
    Ready,   // event loop: io done, but the loop is busy elsewhere ("ready-wait")
    NotRunning, // py-modes: inside a cpu phase, the thread ready but not computing (GIL or OS)
    LockWait,   // an acquire phase waiting for a lock another task holds (phase: the acquire)
    // processes --prefetch: a task sent ahead to a busy worker, queued in its
    // pipe behind the task it runs, from the parent's send until the worker
    // took it up (the end of the task before it) or gave it back (Revoked).
    // Never a span of the lane's work: Trace keeps these apart (queuedAt).
    QueuedAt,
    None = 0xff,
};

inline constexpr std::uint32_t noTask = 0xffffffffu;
inline constexpr std::uint16_t noLane = 0xffffu;
inline constexpr std::uint16_t noPhase = 0xffffu;

// 24 bytes; one per start / phase edge / end.
struct Event
{
    std::int64_t tNs = 0; // CLOCK_MONOTONIC
    std::uint32_t task = noTask;
    std::uint16_t lane = noLane;
    std::uint16_t phase = noPhase;
    EventKind kind = EventKind::Queued;
    SpanKind span = SpanKind::None;
    // SpanEnd of a cpu span: the thread CPU time it consumed, in µs. Differs
    // from the span's wall time when the OS shares a core between threads.
    std::uint32_t cpuUs = 0;
};
static_assert(sizeof(Event) <= 24);

// "cpu", "io", "gil-wait", "spawn", "ipc", "ready-wait", "not-running", "lock-wait", "queued-at"
const char *spanKindName(SpanKind kind);

} // namespace il
