#pragma once

#include "core/model/mode.h"

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
// Events into the Recorder. A new mode is one new Executor subclass.
class Executor
{
public:
    virtual ~Executor() = default;
    virtual int laneCount() const = 0;
    virtual QStringList laneNames() const = 0;
    virtual int slotCount() const { return laneCount() + 1; } // recorder writers
    virtual void run(ExecContext &ctx) = 0;
    // Real process ids per lane, where lanes are processes.
    virtual std::vector<qint64> lanePids() const { return {}; }
    // Run-level problem (e.g. no worker executable); empty when fine.
    QString error() const { return m_error; }
    // Things that went wrong but did not stop the run (a worker replaced).
    QStringList notes() const { return m_notes; }

protected:
    QString m_error;
    QStringList m_notes;
};


} // namespace il
