#include "core/analysis/taskdetails.h"

namespace il {

std::vector<TaskDetail> taskDetails(const Trace &trace)
{
    const std::int64_t origin = trace.info.originNs;
    const auto ms = [origin](std::int64_t ns) { return ns < 0 ? -1.0 : double(ns - origin) / 1e6; };
    std::vector<TaskDetail> out(trace.tasks.size());
    for (std::size_t t = 0; t < trace.tasks.size(); ++t) {
        const TaskRecord &r = trace.tasks[t];
        TaskDetail &d = out[t];
        d.task = std::uint32_t(t);
        d.lane = r.lane == noLane ? -1 : int(r.lane);
        d.queuedMs = ms(r.queuedNs);
        d.startMs = ms(r.startNs);
        d.endMs = ms(r.endNs);
        d.state = r.state;
        if (r.queuedNs >= 0 && r.startNs >= r.queuedNs)
            d.waitMs += double(r.startNs - r.queuedNs) / 1e6;
    }
    for (const Span &s : trace.spans) {
        if (s.task >= out.size())
            continue;
        TaskDetail &d = out[s.task];
        const double len = double(s.endNs - s.startNs) / 1e6;
        switch (s.kind) {
        case SpanKind::Cpu: d.cpuMs += len; break;
        case SpanKind::Io: d.ioMs += len; break;
        case SpanKind::Ipc: d.ipcMs += len; break;
        case SpanKind::Spawn: break; // a worker's, not a task's
        default: d.waitMs += len; break;
        }
    }
    return out;
}

QByteArray taskDetailsCsv(const std::vector<TaskDetail> &details, const QStringList &names, const QStringList &laneNames)
{
    const auto quoted = [](QString text) { return QStringLiteral("\"%1\"").arg(text.replace(QLatin1Char('"'), QLatin1String("\"\""))); };
    const auto num = [](double v) { return v < 0 ? QString() : QString::number(v, 'f', 3); };
    QString out = QStringLiteral("task,name,lane,queued_ms,start_ms,end_ms,cpu_ms,io_ms,ipc_ms,wait_ms,state\n");
    for (const TaskDetail &d : details) {
        const QString name = d.task < std::uint32_t(names.size()) ? names[qsizetype(d.task)] : QString();
        const QString lane = d.lane >= 0 && d.lane < laneNames.size() ? laneNames[d.lane] : QString();
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11\n")
                   .arg(d.task)
                   .arg(quoted(name), quoted(lane), num(d.queuedMs), num(d.startMs), num(d.endMs), num(d.cpuMs),
                        num(d.ioMs), num(d.ipcMs))
                   .arg(num(d.waitMs), QString::fromLatin1(taskStateName(d.state)));
    }
    return out.toUtf8();
}

} // namespace il
