#include "core/model/taskset.h"

#include "core/base/inputfile.h"
#include "core/base/wording.h"
#include "core/json/jsonsource.h"
#include "core/model/tasksetreader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <algorithm>
#include <cmath>


namespace il {

double Task::cpuMs() const
{
    double sum = 0;
    for (const Phase &p : phases)
        if (p.kind == PhaseKind::Cpu)
            sum += p.ms;
    return sum;
}

double Task::ioMs() const
{
    double sum = 0;
    for (const Phase &p : phases)
        if (p.kind == PhaseKind::Io)
            sum += p.ms;
    return sum;
}

double TaskSet::totalCpuMs() const
{
    double sum = 0;
    for (const Task &t : tasks)
        sum += t.cpuMs();
    return sum;
}

double TaskSet::totalIoMs() const
{
    double sum = 0;
    for (const Task &t : tasks)
        sum += t.ioMs();
    return sum;
}

double TaskSet::longestTaskMs() const
{
    double longest = 0;
    for (const Task &t : tasks)
        longest = std::max(longest, t.lengthMs());
    return longest;
}

std::size_t TaskSet::phaseCount() const
{
    std::size_t n = 0;
    for (const Task &t : tasks)
        n += t.phases.size();
    return n;
}

static QString formatMs(double ms)
{
    if (ms >= 1000)
        return QStringLiteral("%1 s").arg(ms / 1000, 0, 'f', ms >= 10000 ? 1 : 2);
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms >= 10 ? 0 : 1);
}

QString TaskSet::summaryLine() const
{
    const double cpu = totalCpuMs();
    const double io = totalIoMs();
    const double share = cpu + io > 0 ? 100.0 * cpu / (cpu + io) : 0;
    return QStringLiteral("%1 · cpu %2 · io %3 · cpu share %4 %")
        .arg(plural(qint64(tasks.size()), "task"), formatMs(cpu), formatMs(io))
        .arg(share, 0, 'f', 0);
}

TaskSetResult parseTaskSet(const QByteArray &json)
{
    json::MemorySource source(json);
    return readTaskSet(source, [&json](std::int64_t offset, std::int64_t length) {
        return json.mid(qsizetype(offset), qsizetype(length));
    }, json.size());
}

TaskSetResult loadTaskSetFile(const QString &path)
{
    TaskSetResult result;
    const QString shown = printable(path); // a file name may hold a line break
    result.error = inputFileProblem(path, "task set file");
    if (!result.error.isEmpty())
        return result;
    const QFileInfo info(path);
    if (info.size() > limits::maxFileBytes) {
        result.error = QStringLiteral("%1: too large (%2 bytes; at most %3)")
                           .arg(shown, QString::number(info.size()), QString::number(limits::maxFileBytes));
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(shown, file.errorString());
        return result;
    }
    // Streamed: the text is never held whole (a 200 MB set peaks at the
    // size of the tasks themselves, not several times the text).
    json::DeviceSource source(&file);
    QFile peek(path); // only for the bytes around a syntax error
    result = readTaskSet(source, [&peek](std::int64_t offset, std::int64_t length) {
        if (!peek.isOpen() && !peek.open(QIODevice::ReadOnly))
            return QByteArray();
        return peek.seek(offset) ? peek.read(length) : QByteArray();
    }, info.size());
    if (!result.ok())
        result.error = QStringLiteral("%1: %2").arg(shown, result.error);
    else if (result.taskSet->name.isEmpty())
        result.taskSet->name = info.completeBaseName();
    return result;
}

QString validateTaskSet(const TaskSet &set)
{
    if (set.tasks.empty())
        return QStringLiteral("tasks: must hold at least one task");
    if (set.tasks.size() > limits::maxTasks)
        return QStringLiteral("tasks: at most %1 tasks (got %2)").arg(limits::maxTasks).arg(set.tasks.size());
    for (std::size_t i = 0; i < set.tasks.size(); ++i) {
        const Task &t = set.tasks[i];
        if (t.phases.empty())
            return QStringLiteral("tasks[%1].phases: must hold at least one phase").arg(i);
        if (t.phases.size() > limits::maxPhasesPerTask)
            return QStringLiteral("tasks[%1].phases: at most %2 phases per task (got %3)")
                .arg(i).arg(limits::maxPhasesPerTask).arg(t.phases.size());
        for (std::size_t j = 0; j < t.phases.size(); ++j) {
            const Phase &p = t.phases[j];
            if (!std::isfinite(p.ms) || p.ms < 0 || p.ms > limits::maxPhaseMs)
                return QStringLiteral("tasks[%1].phases[%2].%3: must be a number >= 0 and <= 3600000 ms (got %4)")
                    .arg(i).arg(j)
                    .arg(p.kind == PhaseKind::Cpu ? QStringLiteral("cpu") : QStringLiteral("io"))
                    .arg(p.ms);
        }
    }
    return QString();
}

QByteArray taskSetToJson(const TaskSet &set)
{
    QJsonObject root = set.extra;
    root.insert(QLatin1String("name"), set.name);
    QJsonArray tasks;
    for (const Task &t : set.tasks) {
        QJsonObject o = t.extra;
        o.insert(QLatin1String("name"), t.name);
        QJsonArray phases;
        for (const Phase &p : t.phases)
            phases.append(QJsonObject{{p.kind == PhaseKind::Cpu ? QStringLiteral("cpu") : QStringLiteral("io"), p.ms}});
        o.insert(QLatin1String("phases"), phases);
        tasks.append(o);
    }
    root.insert(QLatin1String("tasks"), tasks);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace il
