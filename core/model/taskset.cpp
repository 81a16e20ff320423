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

const char *phaseKindName(PhaseKind kind)
{
    switch (kind) {
    case PhaseKind::Cpu: return "cpu";
    case PhaseKind::Io: return "io";
    case PhaseKind::Acquire: return "acquire";
    case PhaseKind::Release: return "release";
    case PhaseKind::Increment: return "increment";
    }
    return "?";
}

std::uint32_t TaskSet::nameId(const QString &name)
{
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end())
        return std::uint32_t(it - names.begin());
    names.push_back(name);
    return std::uint32_t(names.size() - 1);
}

bool TaskSet::usesSharedState() const
{
    for (const Task &t : tasks)
        for (const Phase &p : t.phases)
            if (!p.isTimed())
                return true;
    return false;
}

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

static QString badMs(std::size_t i, std::size_t j, const Phase &p)
{
    return QStringLiteral("tasks[%1].phases[%2].%3: must be a number >= 0 and <= 3600000 ms (got %4)")
        .arg(i).arg(j).arg(QLatin1String(phaseKindName(p.kind))).arg(p.ms);
}

QString incrementProblem(const Increment &inc, const QString &where)
{
    if (inc.times < 1 || inc.times > limits::maxIncrementTimes)
        return QStringLiteral("%1.times: must be a whole number from 1 to %2 (got %3)")
            .arg(where).arg(limits::maxIncrementTimes).arg(inc.times);
    if (inc.hasIo() && (!std::isfinite(inc.ioMs) || inc.ioMs > limits::maxPhaseMs))
        return QStringLiteral("%1.io: must be a number >= 0 and <= 3600000 ms (got %2)").arg(where).arg(inc.ioMs);
    if (inc.hasIo() && double(inc.times) * inc.ioMs > limits::maxPhaseMs)
        return QStringLiteral("%1: times × io must be at most 3600000 ms, one hour (got %2 ms)")
            .arg(where).arg(double(inc.times) * inc.ioMs, 0, 'g', 12);
    return QString();
}

QString lockDisciplineProblem(const std::vector<Phase> &phases, const std::vector<QString> &names,
                              std::size_t index)
{
    // Which locks the task holds after each phase, and since which phase
    // (for the message); locks nest, so a handful at most.
    std::vector<std::pair<std::uint32_t, std::size_t>> held;
    const auto quoted = [&](std::uint32_t lock) { return QLatin1Char('"') + printable(names[lock]) + QLatin1Char('"'); };
    for (std::size_t j = 0; j < phases.size(); ++j) {
        const Phase &p = phases[j];
        if (!p.isLock())
            continue;
        const auto it = std::find_if(held.begin(), held.end(), [&](const auto &h) { return h.first == p.ref; });
        if (p.kind == PhaseKind::Acquire) {
            if (it != held.end())
                return QStringLiteral("tasks[%1].phases[%2].acquire: the task holds %3 already (since phases[%4]); "
                                      "locks are not re-entrant, it would wait for itself")
                    .arg(index).arg(j).arg(quoted(p.ref)).arg(it->second);
            held.emplace_back(p.ref, j);
        } else {
            if (it == held.end())
                return QStringLiteral("tasks[%1].phases[%2].release: the task does not hold %3 here "
                                      "(no acquire of it before, or released already)")
                    .arg(index).arg(j).arg(quoted(p.ref));
            held.erase(it);
        }
    }
    if (!held.empty())
        return QStringLiteral("tasks[%1].phases: the task ends holding %2 (acquired at phases[%3]); "
                              "release it before the task ends")
            .arg(index).arg(quoted(held.front().first)).arg(held.front().second);
    return QString();
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
            const QString where = QStringLiteral("tasks[%1].phases[%2]").arg(i).arg(j);
            switch (p.kind) {
            case PhaseKind::Cpu:
            case PhaseKind::Io:
                if (!std::isfinite(p.ms) || p.ms < 0 || p.ms > limits::maxPhaseMs)
                    return badMs(i, j, p);
                break;
            case PhaseKind::Acquire:
            case PhaseKind::Release: {
                const QString key = QLatin1String(phaseKindName(p.kind));
                if (p.ref >= set.names.size())
                    return QStringLiteral("%1.%2: names no lock (internal: name %3 of %4)")
                        .arg(where, key).arg(p.ref).arg(set.names.size());
                const QString &name = set.names[p.ref];
                if (name.isEmpty())
                    return QStringLiteral("%1.%2: must name a lock (got \"\")").arg(where, key);
                if (name.size() > limits::maxNameChars)
                    return QStringLiteral("%1.%2: at most %3 characters (got %4)")
                        .arg(where, key).arg(limits::maxNameChars).arg(name.size());
                break;
            }
            case PhaseKind::Increment: {
                if (p.ref >= set.increments.size())
                    return QStringLiteral("%1.increment: names no increment (internal: %2 of %3)")
                        .arg(where).arg(p.ref).arg(set.increments.size());
                const Increment &inc = set.increments[p.ref];
                if (inc.counter >= set.names.size())
                    return QStringLiteral("%1.increment: names no counter (internal: name %2 of %3)")
                        .arg(where).arg(inc.counter).arg(set.names.size());
                const QString &name = set.names[inc.counter];
                if (name.isEmpty())
                    return QStringLiteral("%1.increment: must name a counter (got \"\")").arg(where);
                if (name.size() > limits::maxNameChars)
                    return QStringLiteral("%1.increment: at most %2 characters (got %3)")
                        .arg(where).arg(limits::maxNameChars).arg(name.size());
                const QString problem = incrementProblem(inc, where);
                if (!problem.isEmpty())
                    return problem;
                break;
            }
            }
        }
        const QString locks = lockDisciplineProblem(t.phases, set.names, i);
        if (!locks.isEmpty())
            return locks;
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
        for (const Phase &p : t.phases) {
            const QString key = QLatin1String(phaseKindName(p.kind));
            switch (p.kind) {
            case PhaseKind::Cpu:
            case PhaseKind::Io: phases.append(QJsonObject{{key, p.ms}}); break;
            case PhaseKind::Acquire:
            case PhaseKind::Release: phases.append(QJsonObject{{key, set.nameOf(p)}}); break;
            case PhaseKind::Increment: {
                const Increment &inc = set.incrementOf(p);
                QJsonObject o{{key, set.names[inc.counter]}, {QStringLiteral("times"), qint64(inc.times)}};
                if (inc.hasIo())
                    o.insert(QStringLiteral("io"), inc.ioMs);
                phases.append(o);
                break;
            }
            }
        }
        o.insert(QLatin1String("phases"), phases);
        tasks.append(o);
    }
    root.insert(QLatin1String("tasks"), tasks);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace il
