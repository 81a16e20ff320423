#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace il {

// cpu and io take milliseconds. Acquire and release name a lock shared by
// every task of a run; increment names a shared counter and how many
// read-modify-write steps to do on it (TaskSet::increments).
enum class PhaseKind : std::uint8_t { Cpu, Io, Acquire, Release, Increment };

// 16 bytes whatever the kind: a million tasks of eight phases stay 128 MB.
// The names and an increment's parameters live once in the TaskSet.
struct Phase
{
    PhaseKind kind = PhaseKind::Cpu;
    // Acquire / release: the lock, an index into TaskSet::names.
    // Increment: an index into TaskSet::increments. 0 for cpu and io.
    std::uint32_t ref = 0;
    double ms = 0; // cpu and io: milliseconds; 0 for the others

    constexpr Phase() = default;
    // {PhaseKind::Io, 20}: a cpu or io phase, as everywhere before locks.
    constexpr Phase(PhaseKind k, double milliseconds) : kind(k), ms(milliseconds) {}
    constexpr Phase(PhaseKind k, std::uint32_t reference, double milliseconds)
        : kind(k), ref(reference), ms(milliseconds) {}

    bool isTimed() const { return kind == PhaseKind::Cpu || kind == PhaseKind::Io; }
    bool isLock() const { return kind == PhaseKind::Acquire || kind == PhaseKind::Release; }
};
static_assert(sizeof(Phase) == 16);

// One increment phase: `times` steps of read, a little work, write back, on
// the counter named names[counter]. With ioMs >= 0 each step waits that long
// between its read and its write (an io: a sleep on threads, an await on the
// event loop), which is how a task on the loop can lose updates.
struct Increment
{
    std::uint32_t counter = 0; // index into TaskSet::names
    std::int64_t times = 0;
    double ioMs = -1;          // < 0: no io between the read and the write
    // Not "ioMs >= 0": a NaN put in by hand is an io, refused by validation.
    bool hasIo() const { return !(ioMs < 0); }
};

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
inline constexpr std::size_t maxPhasesPerTask = 10'000;
inline constexpr double maxPhaseMs = 3'600'000.0; // one hour
inline constexpr std::int64_t maxIncrementTimes = 100'000'000; // ~2-5 s of steps on one core
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
