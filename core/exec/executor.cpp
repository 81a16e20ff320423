#include "core/exec/executor.h"

#include "core/base/clock.h"
#include "core/model/taskset.h"

namespace il {

bool Executor::refuseSharedState(const ExecContext &ctx)
{
    if (!ctx.set.usesSharedState())
        return false;
    // Which kinds, so the message says what to take out.
    bool kinds[5] = {};
    for (const Task &t : ctx.set.tasks)
        for (const Phase &p : t.phases)
            kinds[std::size_t(p.kind)] = true;
    QStringList present;
    for (PhaseKind k : {PhaseKind::Acquire, PhaseKind::Release, PhaseKind::Increment})
        if (kinds[std::size_t(k)])
            present << QLatin1String(phaseKindName(k));
    Incident refused;
    refused.kind = IncidentKind::UnsupportedPhases;
    refused.tNs = monoNs();
    refused.detail = present.join(QLatin1String(", ")) + QLatin1String(" phases");
    report(refused);
    return true;
}

} // namespace il
