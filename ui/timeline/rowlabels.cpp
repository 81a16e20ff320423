#include "ui/timeline/rowlabels.h"

#include "core/base/englishplurals.h"

namespace ui {

using il::TimelineViewKind;

QString hiddenRowsText(TimelineViewKind view, int hidden, int total)
{
    const int shown = total - hidden;
    if (view == TimelineViewKind::ByTask)
        return il::translateCount("TimelinePainter",
                              "… %n more task(s) not shown: the picture has room for the first %1 of %2 here "
                              "(the by-lane view and the trace export have them all)",
                              hidden)
            .arg(shown)
            .arg(total);
    return il::translateCount("TimelinePainter",
                          "… %n more row(s) not shown: the picture has room for the first %1 of %2 here", hidden)
        .arg(shown)
        .arg(total);
}

QString rowLabel(const il::TimelineRun &run, TimelineViewKind view, int row)
{
    if (view == TimelineViewKind::ByTask)
        return run.taskName(static_cast<std::uint32_t>(row));
    const int lanes = static_cast<int>(run.laneRows().size());
    if (row >= lanes && row - lanes < static_cast<int>(run.waitRows().size())) {
        switch (run.waitRows()[static_cast<std::size_t>(row - lanes)].first) {
        case il::ItemKind::Io: return QStringLiteral("tasks awaiting io");
        case il::ItemKind::Ready: return QStringLiteral("ready, loop busy");
        case il::ItemKind::LockWait: return QStringLiteral("tasks awaiting a lock");
        default: return QStringLiteral("tasks: %1").arg(QString::fromLatin1(il::itemKindName(run.waitRows()[static_cast<std::size_t>(row - lanes)].first)));
        }
    }
    if (row < run.info().laneNames.size() && !run.info().laneNames[row].isEmpty())
        return run.info().laneNames[row];
    return QStringLiteral("lane %1").arg(row + 1);
}

} // namespace ui
