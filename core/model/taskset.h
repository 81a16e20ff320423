#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace il {

enum class PhaseKind : std::uint8_t { Cpu, Io };

struct Phase
{
    PhaseKind kind = PhaseKind::Cpu;
    double ms = 0;
};

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

    double totalCpuMs() const;
    double totalIoMs() const;
    double longestTaskMs() const;
    std::size_t phaseCount() const;
    // "40 tasks · cpu 80 ms · io 5.6 s · cpu share 1 %"
    QString summaryLine() const;
};

namespace limits {
inline constexpr std::size_t maxTasks = 1'000'000;
inline constexpr std::size_t maxPhasesPerTask = 10'000;
inline constexpr double maxPhaseMs = 3'600'000.0; // one hour
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
QByteArray taskSetToJson(const TaskSet &set);

} // namespace il
