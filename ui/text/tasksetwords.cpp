#include "ui/text/tasksetwords.h"

#include "core/analysis/advisor.h"
#include "core/base/englishplurals.h"

namespace ui {

QString taskSetSummaryText(const il::TaskSet &set)
{
    const double cpu = set.totalCpuMs();
    const double io = set.totalIoMs();
    const double share = cpu + io > 0 ? 100.0 * cpu / (cpu + io) : 0;
    return il::translateCount("TaskSetPanel", "%n task(s) · cpu %1 · io %2 · cpu share %3 %",
                          static_cast<int>(set.tasks.size()))
        .arg(il::formatDurationMs(cpu), il::formatDurationMs(io))
        .arg(share, 0, 'f', 0);
}

} // namespace ui
