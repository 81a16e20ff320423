#include "core/io/exporters.h"

#include "core/analysis/twins.h"
#include "core/base/clock.h"
#include "core/io/chrometracewriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace il {

QByteArray chromeTraceJson(const TaskSet &set, const std::vector<RunResultPtr> &runs)
{
    QByteArray text;
    writeChromeTrace(set, runs, [&text](const char *data, std::size_t size) {
        text.append(data, qsizetype(size));
        return true;
    });
    return text;
}

QString writeChromeTraceFile(const QString &path, const TaskSet &set, const std::vector<RunResultPtr> &runs,
                             const StopCheck &stop,
                             const std::vector<std::shared_ptr<const TaskSet>> &runSets)
{
    FileWriter file(path, stop);
    if (!file.open())
        return file.errorString();
    writeChromeTrace(set, runs, [&file](const char *data, std::size_t size) { return file.write(data, size); }, runSets);
    file.commit();
    return file.errorString();
}

namespace {

// Each incident as data: absent lane / pid / task / value are null, the time
// is from the run's origin like every other time in the files.
QJsonArray incidentsJson(const Trace &trace)
{
    QJsonArray out;
    for (const Incident &i : trace.incidents) {
        out.append(QJsonObject{
            {QStringLiteral("kind"), QString::fromLatin1(incidentKindName(i.kind))},
            {QStringLiteral("lane"), i.lane == noLane ? QJsonValue() : QJsonValue(int(i.lane))},
            {QStringLiteral("pid"), i.pid == 0 ? QJsonValue() : QJsonValue(i.pid)},
            {QStringLiteral("task"), i.task == noTask ? QJsonValue() : QJsonValue(qint64(i.task))},
            {QStringLiteral("time_ms"), double(i.tNs - trace.info.originNs) / 1e6},
            {QStringLiteral("value"), hasValue(i.kind) ? QJsonValue(qint64(i.value)) : QJsonValue()},
            {QStringLiteral("fatal"), i.fatal()},
            {QStringLiteral("replaced"), i.replaced},
            {QStringLiteral("detail"), i.detail},
        });
    }
    return out;
}

// --repeat: every finished repetition's makespan, in the order run; the run
// described by the rest of the object is the median one, number `shown`.
QJsonObject repeatJson(const RepeatSpread &spread)
{
    QJsonArray makespans;
    for (double ms : spread.makespansMs)
        makespans.append(ms);
    QJsonObject o{{QStringLiteral("requested"), spread.requested},
                  {QStringLiteral("finished"), int(spread.makespansMs.size())},
                  {QStringLiteral("stopped"), spread.stopped},
                  {QStringLiteral("makespans_ms"), makespans},
                  {QStringLiteral("shown"), spread.shown < 0 ? QJsonValue() : QJsonValue(spread.shown)}};
    if (!spread.makespansMs.empty()) {
        o.insert(QStringLiteral("min_ms"), spread.minMs());
        o.insert(QStringLiteral("max_ms"), spread.maxMs());
    }
    return o;
}

// What the run's shared counters came to and its locks cost (empty arrays
// for a task set without lock or counter phases).
QJsonArray countersJson(const Metrics &m)
{
    QJsonArray out;
    for (const CounterResult &c : m.counters)
        out.append(QJsonObject{{QStringLiteral("name"), c.name},
                               {QStringLiteral("expected"), qint64(c.expected)},
                               {QStringLiteral("final"), qint64(c.finalValue)},
                               {QStringLiteral("lost"), qint64(c.lost())}});
    return out;
}

QJsonArray locksJson(const Metrics &m)
{
    QJsonArray out;
    for (const LockResult &l : m.locks)
        out.append(QJsonObject{{QStringLiteral("name"), l.name},
                               {QStringLiteral("acquisitions"), qint64(l.acquisitions)},
                               {QStringLiteral("contended"), qint64(l.contended)},
                               {QStringLiteral("total_wait_ms"), nsToMs(l.waitNs)},
                               {QStringLiteral("longest_wait_ms"), nsToMs(l.longestWaitNs)},
                               {QStringLiteral("longest_hold_ms"), nsToMs(l.longestHoldNs)}});
    return out;
}

} // namespace

QByteArray summaryJson(const TaskSet &set, const std::vector<RunResultPtr> &runs)
{
    std::vector<Metrics> all;
    for (const RunResultPtr &run : runs)
        all.push_back(run->metrics);
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
                      {QStringLiteral("not_running_ms"), m.notRunningMs},
                      {QStringLiteral("lock_wait_ms"), m.lockWaitMs},
                      {QStringLiteral("utilization"), m.utilization},
                      {QStringLiteral("lane_utilization"), lanes},
                      {QStringLiteral("completed"), m.completed},
                      {QStringLiteral("failed"), m.failed},
                      {QStringLiteral("cancelled"), m.cancelled},
                      {QStringLiteral("events"), qint64(m.events)}};
        if (m.prefetch >= 0) // processes: as run, so a figure can be run again
            o.insert(QStringLiteral("prefetch"), m.prefetch);
        o.insert(QStringLiteral("run_failed"), run->trace->failed());
        o.insert(QStringLiteral("events_dropped"), qint64(run->trace->eventsDropped));
        o.insert(QStringLiteral("incidents"), incidentsJson(*run->trace));
        o.insert(QStringLiteral("counters"), countersJson(m));
        o.insert(QStringLiteral("locks"), locksJson(m));
        // The model's real twin (or the real runtime's model) and makespan / twin's.
        if (const auto twin = twinOf(m.mode)) {
            o.insert(QStringLiteral("twin"), modeName(*twin));
            if (const auto ratio = twinRatio(m.mode, all))
                o.insert(QStringLiteral("twin_ratio"), *ratio);
        }
        if (run->trace->machineBusy >= 0)
            o.insert(QStringLiteral("machine_busy"), run->trace->machineBusy);
        if (run->trace->clocks.withinNs >= 0)
            o.insert(QStringLiteral("clocks_within_ms"), double(run->trace->clocks.withinNs) / 1e6);
        if (m.repeat.repeated())
            o.insert(QStringLiteral("repeat"), repeatJson(m.repeat));
        arr.append(o);
    }
    QJsonObject root{{QStringLiteral("taskset"), set.name},
                     {QStringLiteral("tasks"), qint64(set.tasks.size())},
                     {QStringLiteral("cores"), detectedCores()},
                     {QStringLiteral("runs"), arr}};
    // --repeat N: each run above is the median of N (its "repeat" says more).
    int repeat = 1;
    for (const Metrics &m : all)
        repeat = std::max(repeat, m.repeat.requested);
    if (repeat > 1)
        root.insert(QStringLiteral("repeat"), repeat);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray summaryCsv(const std::vector<RunResultPtr> &runs)
{
    QByteArray out = "mode,workers,makespan_ms,ideal_ms,efficiency,cpu_ms,cpu_wall_ms,io_wait_ms,gil_wait_ms,"
                     "spawn_ms,ipc_ms,queue_wait_ms,ready_wait_ms,utilization,completed,failed,cancelled,events,"
                     "events_dropped,incidents,repeats,makespan_min_ms,makespan_max_ms\n";
    for (const RunResultPtr &run : runs) {
        const Metrics &m = run->metrics;
        // Repeated runs: how many finished and their spread (the row is the median one).
        const bool repeated = !m.repeat.makespansMs.empty();
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23\n")
                   .arg(modeName(m.mode)).arg(m.workers)
                   .arg(m.makespanMs, 0, 'f', 3).arg(m.idealMs, 0, 'f', 3).arg(m.efficiency, 0, 'f', 4)
                   .arg(m.cpuMs, 0, 'f', 3).arg(m.cpuWallMs, 0, 'f', 3).arg(m.ioWaitMs, 0, 'f', 3).arg(m.gilWaitMs, 0, 'f', 3)
                   .arg(m.spawnMs, 0, 'f', 3).arg(m.ipcMs, 0, 'f', 3).arg(m.queueWaitMs, 0, 'f', 3).arg(m.readyWaitMs, 0, 'f', 3)
                   .arg(m.utilization, 0, 'f', 4).arg(m.completed).arg(m.failed).arg(m.cancelled)
                   .arg(qulonglong(m.events))
                   .arg(qulonglong(run->trace->eventsDropped))
                   .arg(qulonglong(run->trace->incidents.size()))
                   .arg(repeated ? int(m.repeat.makespansMs.size()) : 1)
                   .arg(repeated ? m.repeat.minMs() : m.makespanMs, 0, 'f', 3)
                   .arg(repeated ? m.repeat.maxMs() : m.makespanMs, 0, 'f', 3)
                   .toUtf8();
    }
    return out;
}

QString writeFileAtomically(const QString &path, const QByteArray &data, const StopCheck &stop)
{
    FileWriter file(path, stop);
    if (file.open() && file.write(data))
        file.commit();
    return file.errorString();
}

} // namespace il
