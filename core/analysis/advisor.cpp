#include "core/analysis/advisor.h"
#include "core/analysis/machineload.h"
#include "core/analysis/twins.h"

#include "core/base/wording.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <map>

namespace il {

DurationParts durationParts(double ms)
{
    using Unit = DurationParts::Unit;
    const double a = std::fabs(ms);
    auto digits = [](double v) { return v >= 100 ? 0 : (v >= 10 ? 1 : 2); };
    if (a == 0)
        return {0.0, 0, Unit::Ms};
    if (a < 1) {
        const double us = ms * 1000;
        return {us, std::fabs(us) >= 10 ? 0 : 1, Unit::Us};
    }
    if (a < 1000)
        return {ms, digits(a), Unit::Ms};
    const double s = ms / 1000;
    return {s, digits(std::fabs(s)), Unit::S};
}

QString formatDurationMs(double ms)
{
    const DurationParts d = durationParts(ms);
    const QString unit = d.unit == DurationParts::Unit::Us ? QStringLiteral("µs")
                         : d.unit == DurationParts::Unit::Ms ? QStringLiteral("ms")
                                                             : QStringLiteral("s");
    return QStringLiteral("%1 %2").arg(QString::number(d.value, 'f', d.decimals), unit);
}

static QString coresPhrase(int n)
{
    if (n <= 1)
        return QStringLiteral("one core");
    if (n == 2)
        return QStringLiteral("both cores");
    return QStringLiteral("%1 cores").arg(n);
}

namespace {

enum class Bound { Cpu, Io, Mixed };

// What the run did with its cores, from the measures rather than the
// configuration: cpu time over makespan is how many cores computed at once.
QString coresUsed(const Metrics &m)
{
    const int available = std::max(1, std::min(m.workers, m.cores));
    const double computing = m.makespanMs > 0 ? m.cpuMs / m.makespanMs : 0;
    if (available == 1)
        return QStringLiteral("used one core");
    if (computing >= 1.2)
        return QStringLiteral("used ") + coresPhrase(available);
    // Too few parallel tasks, or other programs taking the cores.
    return QStringLiteral("had %1 but averaged %2 computing")
        .arg(coresPhrase(available))
        .arg(computing, 0, 'f', 1);
}

// What the runs' locks and counters say, in plain words and with the
// figures the run headers show: lost updates (and why they happen), time
// spent waiting for locks (contention), deadlocks. Every run counts, the
// failed ones too: a deadlock fails its tasks, and is the lesson.
QString sharedStateText(const std::vector<Metrics> &runs)
{
    std::map<Mode, const Metrics *> last;
    for (const Metrics &m : runs)
        last[m.mode] = &m;
    QStringList lost, safe, waited;
    // Each cycle once, with the modes that ended in it: the same two tasks
    // deadlock the same way in every mode, and saying it four times hid it.
    SaidOnce cycles;
    for (const auto &[mode, m] : last) {
        std::int64_t lostUpdates = 0, expected = 0;
        QStringList figures;
        for (const CounterResult &c : m->counters) {
            if (c.lost() == 0)
                continue; // a counter under its lock is no part of "lost X of Y"
            expected += c.expected;
            lostUpdates += c.lost();
            figures << QStringLiteral("%1 ended at %2, not %3").arg(printable(c.name), groupedCount(c.finalValue),
                                                                    groupedCount(c.expected));
        }
        if (lostUpdates > 0)
            lost << QStringLiteral("%1 lost %2 of %3 increments (%4)")
                        .arg(modeName(mode), groupedCount(lostUpdates), groupedCount(expected),
                             figures.join(QStringLiteral(", ")));
        else if (!m->counters.empty() && m->cancelled == 0)
            safe << modeName(mode);
        // A deadlock's waits never ended in the lock: they are the
        // deadlock (said below), not contention, unless some acquisition
        // also had to wait.
        std::uint64_t contended = 0;
        for (const LockResult &l : m->locks)
            contended += l.contended;
        if (m->lockWaitMs > 0 && !m->locks.empty() && (m->deadlocks == 0 || contended > 0)) {
            const LockResult *worst = &m->locks.front();
            for (const LockResult &l : m->locks)
                if (l.waitNs > worst->waitNs)
                    worst = &l;
            waited << QStringLiteral("%1 %2 (%3 of %4 acquisitions of %5 had to wait)")
                          .arg(modeName(mode), formatDurationMs(m->lockWaitMs))
                          .arg(worst->contended)
                          .arg(worst->acquisitions)
                          .arg(printable(worst->name));
        }
        if (m->deadlocks > 0)
            cycles.add(m->deadlockCycle, modeName(mode));
    }
    QStringList deadlocked;
    for (const auto &[cycle, modes] : cycles.items()) {
        deadlocked << (modes.size() > 1 ? QStringLiteral("%1, the same cycle in each (%2)") : QStringLiteral("%1 (%2)"))
                          .arg(andList(modes), cycle);
    }
    QString text;
    if (!lost.isEmpty())
        text += QStringLiteral(" Lost updates: %1. Two tasks read the same value, each added one and wrote "
                               "it back, so one write overwrote the other; a lock around the increment "
                               "prevents it.")
                    .arg(lost.join(QStringLiteral("; ")));
    if (!safe.isEmpty())
        text += QStringLiteral(" No update lost in %1.").arg(andList(safe));
    if (!waited.isEmpty())
        text += QStringLiteral(" Contention: tasks waited for locks %1; while one task holds a lock every "
                               "other task that wants it stands still, so that part of the work runs one "
                               "task at a time.")
                    .arg(waited.join(QStringLiteral("; ")));
    if (!deadlocked.isEmpty())
        text += QStringLiteral(" Deadlock in %1: each task waited for a lock another one held, so none "
                               "could ever go on; the run ended them as failed. Taking locks in one fixed "
                               "order prevents it.")
                    .arg(deadlocked.join(QStringLiteral("; ")));
    return text;
}

QString clauseFor(Mode mode, const Metrics &m, Bound bound)
{
    const QString t = formatDurationMs(m.makespanMs);
    switch (mode) {
    case Mode::Sequential:
        return bound == Bound::Io ? QStringLiteral("sequential waited for each task in turn (%1)").arg(t)
                                  : QStringLiteral("sequential ran one task at a time (%1)").arg(t);
    case Mode::Threads:
        if (bound == Bound::Io)
            return QStringLiteral("threads overlapped the waits with %1 (%2)").arg(plural(m.workers, "thread"), t);
        return QStringLiteral("threads %1 (%2)").arg(coresUsed(m), t);
    case Mode::ThreadsGil:
        if (bound == Bound::Io)
            return QStringLiteral("threads-gil overlapped them too, as io releases the lock (%1)").arg(t);
        return QStringLiteral("threads-gil serialised it (%1)").arg(t);
    case Mode::Processes:
        if (bound == Bound::Io)
            return QStringLiteral("processes had only %1 and paid %2 of start-up (%3)")
                .arg(plural(m.workers, "worker"), formatDurationMs(m.spawnMs), t);
        return QStringLiteral("processes %1 (%2)").arg(coresUsed(m), t);
    case Mode::EventLoop:
        if (bound == Bound::Io)
            return QStringLiteral("eventloop overlapped every wait on one thread (%1)").arg(t);
        return QStringLiteral("eventloop computed on its one thread (%1)").arg(t);
    case Mode::PySequential:
    case Mode::PyThreads:
    case Mode::PyProcesses:
    case Mode::PyAsyncio:
    case Mode::Dask: return QStringLiteral("%1, the real thing, took %2").arg(modeName(mode), t);
    }
    return QString();
}

} // namespace

QString adviseComparison(const TaskSet &set, const std::vector<Metrics> &runs)
{
    const double cpu = set.totalCpuMs();
    const double io = set.totalIoMs();
    const double total = cpu + io;
    if (set.tasks.empty() || total <= 0) {
        // Nothing declared to compare speeds by; what the locks and counters
        // did (race: increments only) is still the lesson.
        const QString shared = sharedStateText(runs);
        return shared.isEmpty() ? QStringLiteral("The task set has no work to compare.")
                                : QStringLiteral("The task set declares no cpu or io time, so no speed is compared.")
                                      + shared;
    }

    const double cpuShare = cpu / total;
    const int cpuPct = static_cast<int>(std::lround(cpuShare * 100));
    Bound bound = Bound::Mixed;
    QString lead;
    if (cpuShare >= 0.6) {
        bound = Bound::Cpu;
        lead = QStringLiteral("CPU is %1 % of the work").arg(cpuPct);
    } else if (cpuShare <= 0.4) {
        bound = Bound::Io;
        lead = QStringLiteral("Waiting for I/O is %1 % of the work").arg(100 - cpuPct);
    } else {
        lead = QStringLiteral("The work is mixed (cpu %1 %, io %2 %)").arg(cpuPct).arg(100 - cpuPct);
    }
    if (runs.empty())
        return lead + QStringLiteral(". Run the modes to compare them.");

    // Only complete runs teach anything: a stopped run or one whose tasks
    // failed has a makespan of part of the work. They are named, not compared.
    std::map<Mode, Metrics> latest;
    SaidOnce incomplete; // why, the modes it is true of
    for (const Metrics &m : runs) {
        if (m.cancelled == 0 && m.failed == 0) {
            latest[m.mode] = m;
            continue;
        }
        latest.erase(m.mode);
        incomplete.add(m.cancelled > 0 ? QStringLiteral("stopped")
                                       : QStringLiteral("%1 of %2 failed")
                                             .arg(QString::number(m.failed), plural(m.completed + m.failed, "task")),
                       modeName(m.mode));
    }
    QStringList leftOutRuns;
    for (const auto &[why, modes] : incomplete.items())
        leftOutRuns << QStringLiteral("%1 (%2%3)").arg(andList(modes), why,
                                                       modes.size() > 1 ? QStringLiteral(" in each") : QString());
    const QString leftOut = leftOutRuns.isEmpty()
                                ? QString()
                                : QStringLiteral(" Left out of the comparison: %1.").arg(leftOutRuns.join(QStringLiteral("; ")));
    const QString shared = sharedStateText(runs);
    if (latest.empty())
        return lead + QLatin1Char('.') + shared + leftOut;

    // The modes that tell the lesson of this kind of work come first.
    std::vector<Mode> order;
    switch (bound) {
    case Bound::Cpu:
        order = {Mode::ThreadsGil, Mode::Processes, Mode::Threads, Mode::EventLoop, Mode::Sequential};
        break;
    case Bound::Io:
        order = {Mode::EventLoop, Mode::Threads, Mode::ThreadsGil, Mode::Processes, Mode::Sequential};
        break;
    case Bound::Mixed:
        order = {Mode::Processes, Mode::ThreadsGil, Mode::EventLoop, Mode::Threads, Mode::Sequential};
        break;
    }
    QStringList clauses;
    const Bound clauseBound = bound == Bound::Mixed ? Bound::Cpu : bound;
    for (Mode mode : order) {
        if (clauses.size() == 3)
            break;
        auto it = latest.find(mode);
        if (it != latest.end())
            clauses << clauseFor(mode, it->second, clauseBound);
    }
    QString text = lead + QStringLiteral(": ") + clauses.join(QStringLiteral("; ")) + QLatin1Char('.');

    // A run that shared the cores with other programs may have its lesson
    // inverted (on two cores, a busy neighbour makes threads-gil "win"): no
    // winner is named and no model is measured against its twin from such a
    // comparison; the runs are named instead.
    QStringList disturbed;
    for (const auto &[mode, m] : latest)
        if (m.machineBusy > busyMachineShare)
            disturbed << QStringLiteral("%1 (%2 %)").arg(modeName(mode)).arg(std::lround(m.machineBusy * 100));

    const Metrics *fastest = nullptr;
    for (const auto &[mode, m] : latest)
        if (m.makespanMs > 0 && (!fastest || m.makespanMs < fastest->makespanMs))
            fastest = &m;
    auto seq = latest.find(Mode::Sequential);
    if (fastest && latest.size() > 1 && disturbed.isEmpty()) {
        text += QStringLiteral(" Fastest: %1").arg(modeName(fastest->mode));
        if (seq != latest.end() && fastest->mode != Mode::Sequential && fastest->makespanMs > 0)
            text += QStringLiteral(", %1× faster than sequential").arg(seq->second.makespanMs / fastest->makespanMs, 0, 'f', 1);
        text += QLatin1Char('.');
    }

    // Overheads worth a sentence of their own.
    auto loop = latest.find(Mode::EventLoop);
    if (loop != latest.end() && bound != Bound::Cpu && cpu > 0) {
        const Metrics &m = loop->second;
        double longestCpu = 0;
        for (const Task &task : set.tasks)
            for (const Phase &phase : task.phases)
                if (phase.kind == PhaseKind::Cpu)
                    longestCpu = std::max(longestCpu, phase.ms);
        // Ready tasks waiting for a loop that is busy computing: asyncio's
        // trap is one long phase; many short ones make the loop the limit.
        const double meanReady = m.readyWaitMs / static_cast<double>(set.tasks.size());
        if (longestCpu >= 0.25 * m.makespanMs && meanReady >= 0.1 * m.makespanMs)
            text += QStringLiteral(" On the event loop one long cpu phase (%1) blocks every other task: "
                                   "ready tasks waited %2 on average.")
                        .arg(formatDurationMs(longestCpu), formatDurationMs(meanReady));
        else if (meanReady >= 0.1 * m.makespanMs && cpu >= 0.5 * m.makespanMs)
            text += QStringLiteral(" The event loop's own cpu work (%1 of its %2) is the limit: ready "
                                   "tasks waited %3 on average.")
                        .arg(formatDurationMs(cpu), formatDurationMs(m.makespanMs), formatDurationMs(meanReady));
        else if (m.efficiency > 0 && m.efficiency < 0.7)
            text += QStringLiteral(" The event loop stalled while cpu phases ran on it (%1 of cpu).")
                        .arg(formatDurationMs(cpu));
    }
    auto gil = latest.find(Mode::ThreadsGil);
    if (gil != latest.end() && gil->second.gilWaitMs > 0.25 * gil->second.makespanMs)
        text += QStringLiteral(" threads-gil threads spent %1 waiting for the lock.")
                    .arg(formatDurationMs(gil->second.gilWaitMs));
    // CPython gives no GIL events; what its threads measurably lost is cpu
    // phase time in which they did not compute.
    auto pyThreads = latest.find(Mode::PyThreads);
    if (pyThreads != latest.end() && pyThreads->second.notRunningMs > 0.25 * pyThreads->second.makespanMs)
        text += QStringLiteral(" py-threads threads spent %1 of their cpu phases not running (GIL or OS).")
                    .arg(formatDurationMs(pyThreads->second.notRunningMs));
    if (!disturbed.isEmpty())
        return QStringLiteral("⚠ Other programs used the cores during %1, so this comparison names no fastest "
                              "mode and measures no model against its real runtime: run again on a quiet machine. ")
                   .arg(disturbed.join(QStringLiteral(", ")))
               + text + shared + leftOut;
    // Model against reality: each model beside its real twin.
    QStringList pairs;
    for (const TwinPair &p : twinPairs(runs))
        pairs << QStringLiteral("%1 %2 vs %3 %4 (%5×)")
                     .arg(modeName(p.model), formatDurationMs(p.modelMs), modeName(p.real), formatDurationMs(p.realMs))
                     .arg(p.ratio, 0, 'f', 2);
    if (!pairs.isEmpty())
        text += QStringLiteral(" Model against the real runtime: %1.").arg(pairs.join(QStringLiteral("; ")));
    return text + shared + leftOut;
}

} // namespace il
