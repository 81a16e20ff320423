#pragma once

#include "core/model/phase.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace il {

const char *phaseKindName(PhaseKind kind); // "cpu", "io", "acquire", "release", "increment"

struct Task
{
    QString name;
    std::vector<Phase> phases;
    QJsonObject extra; // unknown fields, kept so a round trip loses nothing

    double cpuMs() const;
    double ioMs() const;
    double lengthMs() const { return cpuMs() + ioMs(); }
};

// A validated, immutable-once-built list of tasks. Everything downstream
// (executors, metrics, views) reads it through a shared_ptr<const TaskSet>.
struct TaskSet
{
    QString name;
    std::vector<Task> tasks;
    QJsonObject extra;
    // Names of locks and counters, each once (a lock and a counter may share
    // a name: they are different things). Phase::ref of acquire / release.
    std::vector<QString> names;
    // One per increment phase, in no particular order: Phase::ref of an increment.
    std::vector<Increment> increments;

    // The index of `name` in names, added if new (linear: for edits and
    // tests; the reader interns through a hash).
    std::uint32_t nameId(const QString &name);
    const QString &nameOf(const Phase &lockPhase) const { return names[lockPhase.ref]; }
    const Increment &incrementOf(const Phase &p) const { return increments[p.ref]; }
    // Task `index` as a lane runs it (the phase runner, the worker protocol).
    TaskPhases phasesOf(std::size_t index) const { return {tasks[index].phases, increments}; }
    // Whether any task takes a lock or increments a counter (modes that do
    // not support that refuse such a set).
    bool usesSharedState() const;

    double totalCpuMs() const;
    double totalIoMs() const;
    double longestTaskMs() const;
    std::size_t phaseCount() const;
    // "40 tasks · cpu 80 ms · io 5.6 s · cpu share 1 %"
    QString summaryLine() const;
};

namespace limits {
// What memory allows: a 2,000,000-task set of four zero-length phases on the
// event loop (30 M events) peaks near 2 GB for the whole run, summary and
// picture. Its events stay below the recorder's 67 M per writer.
inline constexpr std::size_t maxTasks = 2'000'000;
// maxPhasesPerTask, maxPhaseMs, maxIncrementTimes: phase.h
inline constexpr qsizetype maxNameChars = 1000; // a task's, a lock's, a counter's
inline constexpr qint64 maxFileBytes = 256LL * 1024 * 1024;
} // namespace limits

// Result of parsing: either a task set or one precise message naming the
// place ("tasks[3].phases[1].io") and the reason.
struct TaskSetResult
{
    std::optional<TaskSet> taskSet;
    QString error;
    bool ok() const { return taskSet.has_value(); }
};

TaskSetResult parseTaskSet(const QByteArray &json);
TaskSetResult loadTaskSetFile(const QString &path);
// Validates a task set built in memory (e.g. edited in a table).
QString validateTaskSet(const TaskSet &set);
// The lock discipline of task `index`'s phases (already valid one by one):
// a release of a lock the task does not hold, an acquire of one it holds
// already (locks are not re-entrant), a task that ends holding one. Empty
// when fine; else the place and the reason, like every other message.
QString lockDisciplineProblem(const std::vector<Phase> &phases, const std::vector<QString> &names,
                              std::size_t index);
// Whether an increment's fields are sane; empty when fine, else the message
// for `where` ("tasks[0].phases[2]").
QString incrementProblem(const Increment &inc, const QString &where);
QByteArray taskSetToJson(const TaskSet &set);

} // namespace il
