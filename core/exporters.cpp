#include "exporters.h"

#include "clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace il {

namespace {

double usSince(std::int64_t originNs, std::int64_t tNs)
{
    // Microseconds with nanosecond precision kept: Perfetto accepts fractions.
    return double(tNs - originNs) / 1000.0;
}

QJsonObject metadata(const char *name, int pid, int tid, const QJsonObject &args)
{
    return QJsonObject{{QStringLiteral("ph"), QStringLiteral("M")},
                       {QStringLiteral("name"), QLatin1String(name)},
                       {QStringLiteral("pid"), pid},
                       {QStringLiteral("tid"), tid},
                       {QStringLiteral("args"), args}};
}

QJsonObject complete(const QString &name, const QString &cat, int pid, int tid, double ts, double dur, const QJsonObject &args)
{
    QJsonObject o{{QStringLiteral("ph"), QStringLiteral("X")},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("cat"), cat},
                  {QStringLiteral("pid"), pid},
                  {QStringLiteral("tid"), tid},
                  {QStringLiteral("ts"), ts},
                  {QStringLiteral("dur"), dur}};
    if (!args.isEmpty())
        o.insert(QStringLiteral("args"), args);
    return o;
}

QString runLabel(const RunInfo &info)
{
    return QStringLiteral("%1 · %2 (%3 lane%4)")
        .arg(info.runIndex + 1)
        .arg(modeName(info.mode))
        .arg(info.lanes)
        .arg(info.lanes == 1 ? QString() : QStringLiteral("s"));
}

constexpr int taskTidBase = 100000; // event loop: one track per awaiting task

} // namespace

QByteArray chromeTraceJson(const TaskSet &set, const std::vector<RunResultPtr> &runs)
{
    QJsonArray events;
    for (const RunResultPtr &run : runs) {
        const Trace &trace = *run->trace;
        const RunInfo &info = trace.info;
        const int pid = info.runIndex + 1;
        const bool loop = info.mode == Mode::EventLoop;
        events.append(metadata("process_name", pid, 0, {{QStringLiteral("name"), runLabel(info)}}));
        events.append(metadata("process_sort_index", pid, 0, {{QStringLiteral("sort_index"), info.runIndex}}));
        for (int l = 0; l < info.lanes; ++l) {
            events.append(metadata("thread_name", pid, l + 1, {{QStringLiteral("name"), info.laneNames.value(l)}}));
            events.append(metadata("thread_sort_index", pid, l + 1, {{QStringLiteral("sort_index"), l}}));
        }
        // Each run is aligned at its own start, so runs compare side by side.
        const std::int64_t origin = info.originNs;
        const auto tidOfTask = [&](std::uint32_t task, std::uint16_t lane) {
            return loop ? taskTidBase + int(task) : int(lane) + 1;
        };
        for (std::uint32_t i = 0; i < trace.tasks.size(); ++i) {
            const TaskRecord &t = trace.tasks[i];
            if (t.startNs < 0 || t.endNs < 0)
                continue;
            const int tid = tidOfTask(i, t.lane);
            if (loop) {
                events.append(metadata("thread_name", pid, tid, {{QStringLiteral("name"), QStringLiteral("task %1 (awaiting)").arg(i)}}));
                events.append(metadata("thread_sort_index", pid, tid, {{QStringLiteral("sort_index"), info.lanes + int(i)}}));
            }
            QJsonObject args{{QStringLiteral("task"), int(i)}, {QStringLiteral("state"), QLatin1String(taskStateName(t.state))}};
            if (t.queuedNs >= 0)
                args.insert(QStringLiteral("queued_ms"), nsToMs(t.startNs - t.queuedNs));
            const QString name = i < set.tasks.size() ? set.tasks[i].name : QStringLiteral("task %1").arg(i);
            events.append(complete(name, QStringLiteral("task"), pid, tid, usSince(origin, t.startNs),
                                   usSince(t.startNs, t.endNs), args));
        }
        for (const Span &s : trace.spans) {
            const bool onTask = loop && (s.kind == SpanKind::Io || s.kind == SpanKind::Ready);
            if (!onTask && s.lane >= info.lanes)
                continue;
            const int tid = onTask ? taskTidBase + int(s.task) : int(s.lane) + 1;
            QJsonObject args;
            if (s.task != noTask)
                args.insert(QStringLiteral("task"), int(s.task));
            if (s.phase != noPhase)
                args.insert(QStringLiteral("phase"), int(s.phase));
            if (s.kind == SpanKind::Cpu)
                args.insert(QStringLiteral("cpu_ms"), double(s.cpuUs) / 1000.0);
            const QString kind = QLatin1String(spanKindName(s.kind));
            events.append(complete(kind, kind, pid, tid, usSince(origin, s.startNs), usSince(s.startNs, s.endNs), args));
        }
    }
    QJsonObject root{{QStringLiteral("traceEvents"), events},
                     {QStringLiteral("displayTimeUnit"), QStringLiteral("ms")},
                     {QStringLiteral("otherData"), QJsonObject{{QStringLiteral("taskset"), set.name},
                                                               {QStringLiteral("generator"), QStringLiteral("interleave")}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QByteArray summaryJson(const TaskSet &set, const std::vector<RunResultPtr> &runs)
{
    QJsonArray arr;
    for (const RunResultPtr &run : runs) {
        const Metrics &m = run->metrics;
        QJsonArray lanes;
        for (double u : m.laneUtilization)
            lanes.append(u);
        QJsonObject o{{QStringLiteral("mode"), modeName(m.mode)},
                      {QStringLiteral("workers"), m.workers},
                      {QStringLiteral("makespan_ms"), m.makespanMs},
                      {QStringLiteral("ideal_ms"), m.idealMs},
                      {QStringLiteral("efficiency"), m.efficiency},
                      {QStringLiteral("cpu_ms"), m.cpuMs},
                      {QStringLiteral("cpu_wall_ms"), m.cpuWallMs},
                      {QStringLiteral("io_wait_ms"), m.ioWaitMs},
                      {QStringLiteral("gil_wait_ms"), m.gilWaitMs},
                      {QStringLiteral("spawn_ms"), m.spawnMs},
                      {QStringLiteral("ipc_ms"), m.ipcMs},
                      {QStringLiteral("queue_wait_ms"), m.queueWaitMs},
                      {QStringLiteral("ready_wait_ms"), m.readyWaitMs},
                      {QStringLiteral("utilization"), m.utilization},
                      {QStringLiteral("lane_utilization"), lanes},
                      {QStringLiteral("completed"), m.completed},
                      {QStringLiteral("failed"), m.failed},
                      {QStringLiteral("cancelled"), m.cancelled},
                      {QStringLiteral("events"), qint64(m.events)}};
        if (!run->trace->error.isEmpty())
            o.insert(QStringLiteral("error"), run->trace->error);
        if (!run->trace->notes.isEmpty())
            o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(run->trace->notes));
        arr.append(o);
    }
    QJsonObject root{{QStringLiteral("taskset"), set.name},
                     {QStringLiteral("tasks"), qint64(set.tasks.size())},
                     {QStringLiteral("cores"), detectedCores()},
                     {QStringLiteral("runs"), arr}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray summaryCsv(const std::vector<RunResultPtr> &runs)
{
    QByteArray out = "mode,workers,makespan_ms,ideal_ms,efficiency,cpu_ms,cpu_wall_ms,io_wait_ms,gil_wait_ms,"
                     "spawn_ms,ipc_ms,queue_wait_ms,ready_wait_ms,utilization,completed,failed,cancelled,events\n";
    for (const RunResultPtr &run : runs) {
        const Metrics &m = run->metrics;
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18\n")
                   .arg(modeName(m.mode)).arg(m.workers)
                   .arg(m.makespanMs, 0, 'f', 3).arg(m.idealMs, 0, 'f', 3).arg(m.efficiency, 0, 'f', 4)
                   .arg(m.cpuMs, 0, 'f', 3).arg(m.cpuWallMs, 0, 'f', 3).arg(m.ioWaitMs, 0, 'f', 3).arg(m.gilWaitMs, 0, 'f', 3)
                   .arg(m.spawnMs, 0, 'f', 3).arg(m.ipcMs, 0, 'f', 3).arg(m.queueWaitMs, 0, 'f', 3).arg(m.readyWaitMs, 0, 'f', 3)
                   .arg(m.utilization, 0, 'f', 4).arg(m.completed).arg(m.failed).arg(m.cancelled)
                   .arg(qulonglong(m.events))
                   .toUtf8();
    }
    return out;
}

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
    // Keep writing after a short write: the call that fails then carries the
    // reason (ENOSPC, EFBIG) instead of leaving it "Unknown error".
    for (qint64 done = 0; done < data.size();) {
        const qint64 n = file.write(data.constData() + done, data.size() - done);
        if (n <= 0) {
            const QString error = file.errorString();
            file.cancelWriting();
            return QStringLiteral("%1: write failed: %2").arg(path, error);
        }
        done += n;
    }
    if (!file.commit())
        return QStringLiteral("%1: cannot save: %2").arg(path, file.errorString());
    return QString();
}

} // namespace il
