#include "core/modes/processes/livenesslimit.h"

#include "core/model/mode.h"
#include "core/model/taskset.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace il {

namespace {

struct Declared
{
    double io = 0, cpu = 0;
    int workers = 1;
    int share = 1; // cpu counts this many times
};

Declared declared(const Task &task, const RunConfig &config, int cores)
{
    Declared d;
    for (const Phase &p : task.phases)
        (p.kind == PhaseKind::Cpu ? d.cpu : d.io) += p.ms;
    d.workers = config.effectiveWorkers();
    d.share = std::max(1, (d.workers + std::max(1, cores) - 1) / std::max(1, cores));
    return d;
}

double limitMs(const Declared &d)
{
    // QTimer takes an int: a task declared to take weeks gets ~24 days.
    return std::min(double(std::numeric_limits<int>::max()),
                    std::ceil(livenessBaseMs + livenessFactor * (d.io + d.cpu * d.share)));
}

} // namespace

int livenessLimitMs(const Task &task, const RunConfig &config, int cores)
{
    return config.taskTimeoutMs > 0 ? config.taskTimeoutMs : int(limitMs(declared(task, config, cores)));
}

LivenessLimit livenessLimit(const Task &task, const RunConfig &config, int cores)
{
    if (config.taskTimeoutMs > 0)
        return {config.taskTimeoutMs, QStringLiteral("--task-timeout %1 ms").arg(config.taskTimeoutMs)};

    const Declared d = declared(task, config, cores);
    const double io = d.io, cpu = d.cpu;
    const int share = d.share, workers = d.workers;
    const double ms = limitMs(d);
    QString formula = QStringLiteral("%1 s + %2 × %3 ms declared")
                          .arg(livenessBaseMs / 1000).arg(livenessFactor).arg(io + cpu, 0, 'g', 12);
    if (share > 1 && cpu > 0)
        formula += QStringLiteral(", cpu counted %1× for %2 workers on %3 cores").arg(share).arg(workers).arg(cores);
    return {int(ms), QStringLiteral("the liveness limit %1 ms (%2)").arg(qint64(ms)).arg(formula)};
}

} // namespace il
