#include "core/exec/phaserunner.h"

#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/gil.h"
#include "core/exec/tasklocks.h"

#include <algorithm>
#include <cassert>
#include <optional>

namespace il {

Event makeEvent(EventKind kind, std::uint32_t task, std::uint16_t lane, SpanKind span, std::uint16_t phase)
{
    Event e;
    e.tNs = monoNs();
    e.kind = kind;
    e.task = task;
    e.lane = lane;
    e.span = span;
    e.phase = phase;
    return e;
}

namespace {

// Real work the optimiser cannot drop: a 64-bit LCG and xorshift mix whose
// result is stored into a volatile.
thread_local volatile std::uint64_t g_sink; // per thread: a shared one would be a data race

inline std::uint64_t crunch(std::uint64_t x, int rounds)
{
    for (int i = 0; i < rounds; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        x ^= x >> 29;
    }
    return x;
}

// ~10-20 µs of work between clock reads: the clock is a syscall, reading it
// too often would spend the phase in the kernel.
constexpr int roundsPerCheck = 8192;

// Computes until this thread's CPU clock reaches `targetCpuNs`, the token
// fires, or `stop()` says so. Returns false only on cancellation.
template<typename Stop>
bool crunchUntil(std::int64_t targetCpuNs, const CancelToken &cancel, Stop stop)
{
    std::uint64_t x = std::uint64_t(targetCpuNs) | 1;
    while (threadCpuNs() < targetCpuNs) {
        if (cancel.isCancelled())
            return false;
        if (stop())
            break;
        x = crunch(x, roundsPerCheck);
    }
    g_sink = x;
    return true;
}

// Waits for the GIL; the wait is a gil-wait span when it took over 20 µs
// (shorter ones are just the lock call). False when cancelled.
bool takeGil(std::uint32_t task, std::uint16_t phase, LaneContext &lane)
{
    Event waitBegin = makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::GilWait, phase);
    const bool got = lane.gil->acquire(lane.cancel);
    Event waitEnd = makeEvent(EventKind::SpanEnd, task, lane.lane, SpanKind::GilWait, phase);
    if (waitEnd.tNs - waitBegin.tNs > 20'000 || !got) {
        lane.sink.record(waitBegin);
        lane.sink.record(waitEnd);
    }
    return got;
}

bool runCpuPhase(double ms, std::uint32_t task, std::uint16_t phase, LaneContext &lane)
{
    const std::int64_t need = msToNs(ms);
    if (need == 0) {
        // Nothing to compute: no lock, and no read of the thread CPU clock
        // either. That read is a real system call (no vDSO for
        // CLOCK_THREAD_CPUTIME_ID), ~1.3 µs on the 2-core VM, and three of
        // them were most of a zero-length task's cost; the span's cpu time
        // is exactly 0 µs, as the division below would have rounded it.
        lane.sink.record(makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Cpu, phase));
        lane.sink.record(cpuSpanEnd(task, lane.lane, phase, 0));
        return !lane.cancel.isCancelled();
    }
    if (!lane.gil) {
        lane.sink.record(makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Cpu, phase));
        lane.sink.flush();
        const std::int64_t cpuStart = threadCpuNs();
        const bool ok = crunchUntil(cpuStart + need, lane.cancel, [] { return false; });
        lane.sink.record(cpuSpanEnd(task, lane.lane, phase, threadCpuNs() - cpuStart));
        return ok;
    }

    // With the GIL: acquire (recording the wait), compute for at most one
    // switch interval while others wait, release, queue again at the back.
    std::int64_t done = 0;
    do {
        if (!takeGil(task, phase, lane))
            return false;
        lane.sink.record(makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Cpu, phase));
        const std::int64_t heldSince = monoNs();
        const std::int64_t cpuStart = threadCpuNs();
        const std::int64_t switchNs = lane.gil->switchIntervalNs();
        const bool ok = crunchUntil(cpuStart + (need - done), lane.cancel, [&] {
            return monoNs() - heldSince >= switchNs && lane.gil->hasWaiters();
        });
        const std::int64_t used = threadCpuNs() - cpuStart;
        done += used;
        lane.sink.record(cpuSpanEnd(task, lane.lane, phase, used));
        lane.gil->release();
        if (!ok)
            return false;
    } while (done < need);
    return true;
}

bool runIoPhase(double ms, std::uint32_t task, std::uint16_t phase, LaneContext &lane)
{
    const Event begin = makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Io, phase);
    lane.sink.record(begin);
    if (ms > 0)
        lane.sink.flush();
    const bool ok = lane.cancel.sleepUntil(begin.tNs + msToNs(ms));
    lane.sink.record(makeEvent(EventKind::SpanEnd, task, lane.lane, SpanKind::Io, phase));
    return ok;
}

enum class Outcome { Done, Cancelled, Failed };

Outcome runLockPhase(const Phase &p, std::uint32_t task, std::uint16_t phase, LaneContext &lane)
{
    assert(lane.locks);
    if (p.kind == PhaseKind::Release) {
        lane.locks->release(p.ref, task);
        return Outcome::Done;
    }
    switch (lane.locks->acquire(p.ref, task, phase, lane.lane, lane.sink, lane.cancel)) {
    case TaskLocks::Result::Acquired: return Outcome::Done;
    case TaskLocks::Result::Cancelled: return Outcome::Cancelled;
    case TaskLocks::Result::Deadlocked: return Outcome::Failed;
    }
    return Outcome::Failed;
}

// How many steps run between two looks at the token: an atomic load is
// cheap, but not free next to a 50 ns step.
constexpr std::int64_t stepsPerCancelCheck = 4096;

// One step's read and write: relaxed, so each is atomic and the pair is not.
inline std::int64_t readCounter(CounterCell &cell) { return cell.value.load(std::memory_order_relaxed); }
inline void writeCounter(CounterCell &cell, std::int64_t read)
{
    incrementWork(read);
    cell.value.store(read + 1, std::memory_order_relaxed);
}

// Steps with nothing between read and write but the work, on a free-running
// thread: one cpu span. Returns the steps done; *ok false when cancelled.
std::int64_t incrementFree(CounterCell &cell, std::int64_t times, std::uint32_t task, std::uint16_t phase,
                           LaneContext &lane, bool *ok)
{
    lane.sink.record(makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Cpu, phase));
    lane.sink.flush();
    const std::int64_t cpuStart = threadCpuNs();
    std::int64_t done = 0;
    while (done < times) {
        const std::int64_t until = std::min(times, done + stepsPerCancelCheck);
        for (; done < until; ++done)
            writeCounter(cell, readCounter(cell));
        if (lane.cancel.isCancelled()) {
            *ok = false;
            break;
        }
    }
    lane.sink.record(cpuSpanEnd(task, lane.lane, phase, threadCpuNs() - cpuStart));
    return done;
}

// The same under the emulated GIL: the steps run only while holding it, and
// the holder hands it over once its switch interval is up and somebody
// waits. It looks at that after each read and after each write, the places
// where CPython's eval loop could switch in `counter += 1` (a load, an add,
// a store): a switch after a read leaves the read value to be written back,
// stale, when the thread has the GIL again: every update the others made
// meanwhile is lost. Each slice of holding is one cpu span.
std::int64_t incrementUnderGil(CounterCell &cell, std::int64_t times, std::uint32_t task, std::uint16_t phase,
                               LaneContext &lane, bool *ok)
{
    std::int64_t done = 0;
    std::optional<std::int64_t> pendingRead; // read before a switch, written after it
    const std::int64_t switchNs = lane.gil->switchIntervalNs();
    while (done < times) {
        if (!takeGil(task, phase, lane)) {
            *ok = false;
            break;
        }
        lane.sink.record(makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Cpu, phase));
        const std::int64_t heldSince = monoNs();
        const std::int64_t cpuStart = threadCpuNs();
        const auto switchDue = [&] { return monoNs() - heldSince >= switchNs && lane.gil->hasWaiters(); };
        bool yield = false;
        if (pendingRead) {
            writeCounter(cell, *pendingRead);
            pendingRead.reset();
            ++done;
            yield = switchDue();
        }
        std::int64_t sinceCheck = 0;
        while (!yield && done < times) {
            const std::int64_t read = readCounter(cell);
            if (switchDue()) {
                pendingRead = read;
                break;
            }
            writeCounter(cell, read);
            ++done;
            yield = switchDue();
            if (++sinceCheck == stepsPerCancelCheck) {
                sinceCheck = 0;
                if (lane.cancel.isCancelled()) {
                    *ok = false;
                    break;
                }
            }
        }
        lane.sink.record(cpuSpanEnd(task, lane.lane, phase, threadCpuNs() - cpuStart));
        lane.gil->release();
        if (!*ok)
            break;
    }
    return done;
}

// Steps with an io between read and write: read, sleep `ioMs` (an io span,
// without the GIL), write. The reads and writes take well under a
// microsecond: not drawn; with a GIL each needs it, its waits drawn.
std::int64_t incrementAcrossIo(CounterCell &cell, const Increment &inc, std::uint32_t task, std::uint16_t phase,
                               LaneContext &lane, bool *ok)
{
    std::int64_t done = 0;
    const auto underGil = [&](auto &&fn) {
        if (lane.gil && !takeGil(task, phase, lane))
            return false;
        fn();
        if (lane.gil)
            lane.gil->release();
        return true;
    };
    while (done < inc.times) {
        std::int64_t read = 0;
        if (!underGil([&] { read = readCounter(cell); })) {
            *ok = false;
            break;
        }
        const Event begin = makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::Io, phase);
        lane.sink.record(begin);
        lane.sink.flush();
        const bool slept = lane.cancel.sleepUntil(begin.tNs + msToNs(inc.ioMs));
        lane.sink.record(makeEvent(EventKind::SpanEnd, task, lane.lane, SpanKind::Io, phase));
        if (!slept || !underGil([&] { writeCounter(cell, read); })) {
            *ok = false;
            break;
        }
        ++done;
    }
    return done;
}

Outcome runIncrementPhase(const Phase &p, std::span<const Increment> increments, std::uint32_t task,
                          std::uint16_t phase, LaneContext &lane)
{
    assert(lane.counters && p.ref < increments.size());
    const Increment &inc = increments[p.ref];
    CounterCell &cell = lane.counters[inc.counter];
    bool ok = true;
    const std::int64_t done = inc.hasIo() ? incrementAcrossIo(cell, inc, task, phase, lane, &ok)
                              : lane.gil  ? incrementUnderGil(cell, inc.times, task, phase, lane, &ok)
                                          : incrementFree(cell, inc.times, task, phase, lane, &ok);
    // Once per phase, so the race itself is not slowed by a shared tally.
    cell.steps.fetch_add(done, std::memory_order_relaxed);
    return ok ? Outcome::Done : Outcome::Cancelled;
}

Outcome runPhase(const Phase &p, std::span<const Increment> increments, std::uint32_t task, std::uint16_t phase,
                 LaneContext &lane)
{
    switch (p.kind) {
    case PhaseKind::Cpu: return runCpuPhase(p.ms, task, phase, lane) ? Outcome::Done : Outcome::Cancelled;
    case PhaseKind::Io: return runIoPhase(p.ms, task, phase, lane) ? Outcome::Done : Outcome::Cancelled;
    case PhaseKind::Acquire:
    case PhaseKind::Release: return runLockPhase(p, task, phase, lane);
    case PhaseKind::Increment: return runIncrementPhase(p, increments, task, phase, lane);
    }
    return Outcome::Failed;
}

} // namespace

bool burnCpu(double ms, const CancelToken &cancel, std::int64_t *usedNs)
{
    if (msToNs(ms) == 0) { // nothing to compute: no clock system call (see runCpuPhase)
        if (usedNs)
            *usedNs = 0;
        return !cancel.isCancelled();
    }
    const std::int64_t start = threadCpuNs();
    const bool ok = crunchUntil(start + msToNs(ms), cancel, [] { return false; });
    if (usedNs)
        *usedNs = threadCpuNs() - start;
    return ok;
}

Event cpuSpanEnd(std::uint32_t task, std::uint16_t lane, std::uint16_t phase, std::int64_t cpuNs)
{
    Event e = makeEvent(EventKind::SpanEnd, task, lane, SpanKind::Cpu, phase);
    e.cpuUs = std::uint32_t(std::max<std::int64_t>(0, (cpuNs + 500) / 1000));
    return e;
}

bool runTaskBlocking(TaskPhases task, std::uint32_t index, LaneContext &lane)
{
    lane.sink.record(makeEvent(EventKind::TaskStart, index, lane.lane));
    for (std::size_t i = 0; i < task.phases.size(); ++i) {
        const Outcome outcome = runPhase(task.phases[i], task.increments, index, std::uint16_t(i), lane);
        if (outcome != Outcome::Done) {
            if (lane.locks)
                lane.locks->abandon(index);
            lane.sink.record(makeEvent(outcome == Outcome::Failed ? EventKind::TaskFailed : EventKind::TaskCancelled,
                                       index, lane.lane));
            lane.sink.flush();
            return false;
        }
    }
    lane.sink.record(makeEvent(EventKind::TaskEnd, index, lane.lane));
    lane.sink.flush();
    return true;
}

} // namespace il
