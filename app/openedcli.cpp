#include "openedcli.h"

#include "core/base/wording.h"
#include "core/import/traceopener.h"
#include "core/model/mode.h"

namespace app {

OpenedFiles openTraceFiles(const QStringList &paths, const std::function<void(const QString &)> &say,
                           const std::function<bool()> &stop)
{
    OpenedFiles out;
    for (const QString &path : paths) {
        il::OpenResult r = il::openTraceFile(path, [&](std::int64_t, std::int64_t) { return !stop(); });
        if (r.cancelled) {
            say(QStringLiteral("%1: not opened: interrupted").arg(path));
            out.code = 130;
            return out;
        }
        if (!r.error.isEmpty()) {
            say(r.runs.empty() ? r.error : r.error + QStringLiteral(" (what was read before it is kept)"));
            out.code = 2;
        }
        for (const QString &p : r.problems)
            say(QStringLiteral("note: ") + p);
        for (il::OpenedRun &run : r.runs)
            out.runs.push_back(std::move(run));
    }
    return out;
}

namespace {

QString ms(double v)
{
    if (v >= 10000)
        return QStringLiteral("%1 s").arg(v / 1000, 0, 'f', 2);
    return QStringLiteral("%1 ms").arg(v, 0, 'f', v >= 100 ? 0 : 1);
}

} // namespace

QString openedTable(const std::vector<il::OpenedRun> &runs)
{
    if (runs.empty())
        return {};
    QString o = QStringLiteral("\nopened%1 %2 %3 %4 %5 %6 %7\n")
                    .arg(QString(), 34).arg(QStringLiteral("spans"), 9).arg(QStringLiteral("lanes"), 6)
                    .arg(QStringLiteral("makespan"), 10).arg(QStringLiteral("busy"), 10)
                    .arg(QStringLiteral("util."), 6).arg(QStringLiteral("tasks"), 7);
    for (const il::OpenedRun &r : runs) {
        const il::Metrics &m = r.run->metrics;
        QString title = il::printable(r.title);
        if (!r.recordedBy.isEmpty())
            title += QStringLiteral(" (%1)").arg(r.recordedBy);
        if (title.size() > 40)
            title = title.left(39) + QStringLiteral("…");
        o += QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                 .arg(title, -40).arg(r.spanCount, 9).arg(m.lanes, 6).arg(ms(m.makespanMs), 10)
                 .arg(ms(m.cpuWallMs + m.ioWaitMs + m.gilWaitMs + m.spawnMs + m.ipcMs + m.readyWaitMs), 10)
                 .arg(QStringLiteral("%1 %").arg(m.utilization * 100, 0, 'f', 0), 6)
                 .arg(r.run->trace->tasks.size(), 7);
        if (r.overflowCount)
            o += QStringLiteral("  note: %1 did not nest on %2 track: drawn on overflow lanes\n")
                     .arg(il::plural(qint64(r.overflowCount), "span"), r.overflowCount == 1 ? QStringLiteral("its") : QStringLiteral("their"));
    }
    return o;
}

} // namespace app
