#pragma once

#include "core/model/mode.h"
#include "core/trace/incident.h"
#include "core/trace/trace.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace il {

struct TaskSet;
class Recorder;
class CancelToken;

struct ExecContext
{
    const TaskSet &set;
    Recorder &recorder;
    const CancelToken &cancel;
    RunConfig config;
};

// One scheduler. run() blocks the calling thread (the engine's run thread)
// until every task ended, failed or was cancelled, reporting everything as
// Events into the Recorder and what went wrong as Incidents. A new mode is
// one new Executor subclass.
class Executor
{
public:
    virtual ~Executor() = default;
    virtual int laneCount() const = 0;
    virtual QStringList laneNames() const = 0;
    virtual int slotCount() const { return laneCount() + 1; } // recorder writers
    // The lane whose events recorder slot `slot` holds, noLane when the slot
    // writes for several lanes or for none (a control slot).
    virtual std::uint16_t slotLane(int slot) const
    {
        return slot >= 0 && slot < laneCount() ? std::uint16_t(slot) : noLane;
    }
    virtual void run(ExecContext &ctx) = 0;
    // Real process ids per lane, where lanes are processes.
    virtual std::vector<qint64> lanePids() const { return {}; }
    // How well lanes' clocks were aligned onto the engine's, when they run
    // elsewhere (a remote cluster); withinNs < 0 when every lane used this
    // machine's CLOCK_MONOTONIC. Read after run().
    virtual ClockAlignment clockAlignment() const { return {}; }
    // What went wrong, in the order it happened. Read after run() returned:
    // only the run thread records incidents.
    const std::vector<Incident> &incidents() const { return m_incidents; }
    // What the run's shared counters and locks came to. Read after run().
    const SharedStateResults &sharedResults() const { return m_shared; }

protected:
    void report(Incident incident) { m_incidents.push_back(std::move(incident)); }
    void setSharedResults(SharedStateResults results) { m_shared = std::move(results); }
    // For a mode that cannot run acquire / release / increment phases yet:
    // true, after reporting a fatal UnsupportedPhases incident, when the set
    // has them. The run then does nothing: every task is failed by the
    // trace, and the other modes of the comparison still run.
    bool refuseSharedState(const ExecContext &ctx);

private:
    std::vector<Incident> m_incidents;
    SharedStateResults m_shared;
};

} // namespace il
