#include "core/analysis/metrics.h"

#include "core/base/clock.h"
#include "core/model/taskset.h"

#include <algorithm>

namespace il {

double idealMs(Mode mode, const TaskSet &set, int workers, int cores)
{
    const double longest = set.longestTaskMs();
    const double cpu = set.totalCpuMs();
    const double sum = cpu + set.totalIoMs();
    const double w = std::max(1, workers);
    const double parallel = std::max(1, std::min(workers, cores));
    switch (mode) {
    // Each real runtime has the bound of the model it is the twin of.
    case Mode::Sequential:
    case Mode::PySequential: return sum;
    case Mode::Threads:
    case Mode::Processes:
    case Mode::PyProcesses:
    case Mode::Dask: return std::max({longest, cpu / parallel, sum / w});
    case Mode::ThreadsGil:
    case Mode::PyThreads: return std::max({longest, cpu, sum / w});
    case Mode::EventLoop:
    case Mode::PyAsyncio: return std::max(longest, cpu);
    }
    return sum;
}

Metrics computeMetrics(const Trace &trace, const TaskSet &set)
{
    Metrics m;
    const RunInfo &info = trace.info;
    m.mode = info.mode;
    m.workers = info.workers;
    m.prefetch = info.prefetch;
    m.lanes = info.lanes;
    m.cores = info.cores;
    m.events = trace.eventCount;
    m.machineBusy = trace.machineBusy;

    std::int64_t first = INT64_MAX, last = INT64_MIN;
    std::vector<std::int64_t> occupied(std::size_t(std::max(0, info.lanes)), 0);
    const bool loopMode = isLoopMode(info.mode);
    for (const TaskRecord &t : trace.tasks) {
        switch (t.state) {
        case TaskState::Done: ++m.completed; break;
        case TaskState::Failed: ++m.failed; break;
        default: ++m.cancelled; break;
        }
        if (t.startNs >= 0) {
            first = std::min(first, t.startNs);
            if (t.queuedNs >= 0)
                m.queueWaitMs += nsToMs(std::max<std::int64_t>(0, t.startNs - t.queuedNs));
        }
        if (t.endNs >= 0)
            last = std::max(last, t.endNs);
        if (!loopMode && t.startNs >= 0 && t.endNs >= 0 && t.lane < occupied.size())
            occupied[t.lane] += t.endNs - t.startNs;
    }
    for (const Span &s : trace.spans) {
        const double ms = nsToMs(s.endNs - s.startNs);
        switch (s.kind) {
        case SpanKind::Cpu:
            m.cpuWallMs += ms;
            m.cpuMs += double(s.cpuUs) / 1000.0;
            // Wall time of computing the thread did not get (a core shared).
            m.notRunningMs += std::max(0.0, ms - double(s.cpuUs) / 1000.0);
            if (loopMode && s.lane < occupied.size())
                occupied[s.lane] += s.endNs - s.startNs;
            break;
        case SpanKind::Io: m.ioWaitMs += ms; break;
        case SpanKind::GilWait: m.gilWaitMs += ms; break;
        case SpanKind::LockWait: m.lockWaitMs += ms; break;
        case SpanKind::Ready: m.readyWaitMs += ms; break;
        case SpanKind::NotRunning:
            m.notRunningMs += ms;
            if (loopMode && s.lane < occupied.size())
                occupied[s.lane] += s.endNs - s.startNs;
            break;
        case SpanKind::Spawn:
        case SpanKind::Ipc:
            (s.kind == SpanKind::Spawn ? m.spawnMs : m.ipcMs) += ms;
            if (s.lane < occupied.size())
                occupied[s.lane] += s.endNs - s.startNs;
            first = std::min(first, s.startNs);
            last = std::max(last, s.endNs);
            break;
        case SpanKind::QueuedAt: // never among a trace's spans (Trace::queuedAt)
        case SpanKind::None: break;
        }
    }
    m.counters = trace.shared.counters;
    m.locks = trace.shared.locks;
    for (const Incident &i : trace.incidents)
        if (i.kind == IncidentKind::Deadlock && m.deadlocks++ == 0)
            m.deadlockCycle = i.detail;
    m.makespanMs = last > first ? nsToMs(last - first) : 0;
    m.idealMs = idealMs(info.mode, set, info.workers, info.cores);
    // The bound is for the whole task set: against a stopped run (part of the
    // work) or one that could not run its tasks it means nothing.
    const bool whole = !trace.cancelled && m.cancelled == 0 && m.completed > 0;
    m.efficiency = whole && m.makespanMs > 0 ? m.idealMs / m.makespanMs : 0;
    double sumUtil = 0;
    for (std::int64_t ns : occupied) {
        const double u = m.makespanMs > 0 ? std::min(1.0, nsToMs(ns) / m.makespanMs) : 0;
        m.laneUtilization.push_back(u);
        sumUtil += u;
    }
    m.utilization = occupied.empty() ? 0 : sumUtil / double(occupied.size());
    return m;
}

} // namespace il
