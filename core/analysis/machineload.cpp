#include "core/analysis/machineload.h"

#include <QFile>
#include <QList>

#include <algorithm>

namespace il {

MachineLoad::MachineLoad() : m_start(sample()) {}

MachineLoad::Sample MachineLoad::sample()
{
    Sample s;
    QFile stat(QStringLiteral("/proc/stat"));
    QFile self(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly) || !self.open(QIODevice::ReadOnly))
        return s;
    // "cpu  user nice system idle iowait irq softirq steal ..."
    const QList<QByteArray> f = stat.readLine().simplified().split(' ');
    if (f.size() < 8 || f[0] != "cpu")
        return s;
    for (int i = 1; i < f.size() && i <= 8; ++i) {
        const std::int64_t v = f[i].toLongLong();
        s.total += v;
        if (i != 4 && i != 5) // idle and iowait are not busy
            s.busy += v;
    }
    // utime stime cutime cstime: fields 14-17, after "pid (comm)".
    const QByteArray me = self.readAll();
    const QList<QByteArray> g = me.mid(me.lastIndexOf(')') + 2).split(' ');
    if (g.size() < 15)
        return s;
    s.own = g[11].toLongLong() + g[12].toLongLong() + g[13].toLongLong() + g[14].toLongLong();
    s.ok = true;
    return s;
}

double MachineLoad::othersShare() const
{
    const Sample now = sample();
    // /proc/stat counts in clock ticks (10 ms), each counter rounded on its
    // own: over a few ticks the share is noise (a 20 ms run read "50 %").
    // Below minTicks of all cores' time there is no figure.
    if (!m_start.ok || !now.ok || now.total - m_start.total < minTicks)
        return -1;
    const double others = double((now.busy - m_start.busy) - (now.own - m_start.own));
    return std::clamp(others / double(now.total - m_start.total), 0.0, 1.0);
}

} // namespace il
