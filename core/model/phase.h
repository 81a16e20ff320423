#pragma once

// What a lane runs of a task: its phases and the parameters of its
// increment phases. Standard C++ only: the phase runner and the worker
// protocol use these, and the worker process links no Qt (taskset.h adds
// the names, the task set and its validation).

#include <cstddef>
#include <cstdint>
#include <span>

namespace il {

// cpu and io take milliseconds. Acquire and release name a lock shared by
// every task of a run; increment names a shared counter and how many
// read-modify-write steps to do on it (TaskSet::increments).
enum class PhaseKind : std::uint8_t { Cpu, Io, Acquire, Release, Increment };

// 16 bytes whatever the kind: a million tasks of eight phases stay 128 MB.
// The names and an increment's parameters live once in the TaskSet.
struct Phase
{
    PhaseKind kind = PhaseKind::Cpu;
    // Acquire / release: the lock, an index into TaskSet::names.
    // Increment: an index into TaskSet::increments. 0 for cpu and io.
    std::uint32_t ref = 0;
    double ms = 0; // cpu and io: milliseconds; 0 for the others

    constexpr Phase() = default;
    // {PhaseKind::Io, 20}: a cpu or io phase, as everywhere before locks.
    constexpr Phase(PhaseKind k, double milliseconds) : kind(k), ms(milliseconds) {}
    constexpr Phase(PhaseKind k, std::uint32_t reference, double milliseconds)
        : kind(k), ref(reference), ms(milliseconds) {}

    bool isTimed() const { return kind == PhaseKind::Cpu || kind == PhaseKind::Io; }
    bool isLock() const { return kind == PhaseKind::Acquire || kind == PhaseKind::Release; }
};
static_assert(sizeof(Phase) == 16);

// One increment phase: `times` steps of read, a little work, write back, on
// the counter named names[counter]. With ioMs >= 0 each step waits that long
// between its read and its write (an io: a sleep on threads, an await on the
// event loop), which is how a task on the loop can lose updates.
struct Increment
{
    std::uint32_t counter = 0; // index into TaskSet::names
    std::int64_t times = 0;
    double ioMs = -1;          // < 0: no io between the read and the write
    // Not "ioMs >= 0": a NaN put in by hand is an io, refused by validation.
    bool hasIo() const { return !(ioMs < 0); }
};

// A task as a lane runs it: its phases, and the increments an increment
// phase's ref indexes (the whole set's in the parent, the task's own in a
// worker). Views: the owner keeps them alive while the task runs.
struct TaskPhases
{
    std::span<const Phase> phases;
    std::span<const Increment> increments;
};

namespace limits {
inline constexpr std::size_t maxPhasesPerTask = 10'000;
inline constexpr double maxPhaseMs = 3'600'000.0; // one hour
inline constexpr std::int64_t maxIncrementTimes = 100'000'000; // ~2-5 s of steps on one core
} // namespace limits

} // namespace il
