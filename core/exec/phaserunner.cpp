#include "core/exec/phaserunner.h"

#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/gil.h"
#include "core/exec/recorder.h"
#include "core/model/taskset.h"

#include <algorithm>

namespace il {

void RecorderSink::record(const Event &event)
{
    m_recorder.append(m_slot, event);
}

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
        Event waitBegin = makeEvent(EventKind::SpanBegin, task, lane.lane, SpanKind::GilWait, phase);
        const bool got = lane.gil->acquire(lane.cancel);
        Event waitEnd = makeEvent(EventKind::SpanEnd, task, lane.lane, SpanKind::GilWait, phase);
        if (waitEnd.tNs - waitBegin.tNs > 20'000 || !got) { // waits under 20 µs are just the lock call
            lane.sink.record(waitBegin);
            lane.sink.record(waitEnd);
        }
        if (!got)
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

bool runTaskBlocking(const Task &task, std::uint32_t index, LaneContext &lane)
{
    lane.sink.record(makeEvent(EventKind::TaskStart, index, lane.lane));
    for (std::size_t i = 0; i < task.phases.size(); ++i) {
        const Phase &p = task.phases[i];
        const auto phase = std::uint16_t(i);
        const bool ok = p.kind == PhaseKind::Cpu ? runCpuPhase(p.ms, index, phase, lane)
                                                 : runIoPhase(p.ms, index, phase, lane);
        if (!ok) {
            lane.sink.record(makeEvent(EventKind::TaskCancelled, index, lane.lane));
            lane.sink.flush();
            return false;
        }
    }
    lane.sink.record(makeEvent(EventKind::TaskEnd, index, lane.lane));
    lane.sink.flush();
    return true;
}

} // namespace il
