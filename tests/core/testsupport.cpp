#include "testsupport.h"

#include "core/base/clock.h"

#include <QSignalSpy>

#include <algorithm>
#include <map>

namespace testsupport {

il::TaskSet makeSet(const std::vector<const char *> &tasks, const QString &name)
{
    il::TaskSet set;
    set.name = name;
    int i = 0;
    for (const char *spec : tasks) {
        il::Task t;
        t.name = QStringLiteral("t%1").arg(i++);
        for (const QString &part : QString::fromLatin1(spec).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            il::Phase p;
            p.kind = part.startsWith(QLatin1Char('c')) ? il::PhaseKind::Cpu : il::PhaseKind::Io;
            p.ms = part.mid(1).toDouble();
            t.phases.push_back(p);
        }
        set.tasks.push_back(t);
    }
    return set;
}

Comparison runComparison(const il::TaskSet &set, const std::vector<il::RunConfig> &configs, int timeoutMs, int repeat)
{
    Comparison c;
    il::Engine engine;
    QObject::connect(&engine, &il::Engine::runFinished, [&](const il::RunResultPtr &r) { c.runs.push_back(r); });
    QSignalSpy finished(&engine, &il::Engine::finished);
    if (!engine.start(std::make_shared<const il::TaskSet>(set), configs, repeat))
        return c;
    c.completed = finished.wait(timeoutMs);
    if (c.completed)
        c.cancelled = finished.first().first().toBool();
    return c;
}

il::RunResultPtr runOne(const il::TaskSet &set, il::Mode mode, int workers, int timeoutMs)
{
    il::RunConfig config;
    config.mode = mode;
    config.workers = workers;
    Comparison c = runComparison(set, {config}, timeoutMs);
    return c.completed && c.runs.size() == 1 ? c.runs.front() : nullptr;
}

QString checkTrace(const il::Trace &trace, const il::TaskSet &set, bool expectAllDone)
{
    using namespace il;
    const RunInfo &info = trace.info;
    const bool loop = isLoopMode(info.mode);
    if (trace.tasks.size() != set.tasks.size())
        return QStringLiteral("%1 task records for %2 tasks").arg(trace.tasks.size()).arg(set.tasks.size());
    if (trace.eventCount == 0)
        return QStringLiteral("no events");

    // Spans of each task, in time order.
    std::vector<std::vector<Span>> byTask(set.tasks.size());
    for (const Span &s : trace.spans) {
        if (s.endNs < s.startNs)
            return QStringLiteral("span ends before it starts (task %1)").arg(s.task);
        if (s.lane != noLane && s.lane >= info.lanes)
            return QStringLiteral("span on lane %1 of %2").arg(s.lane).arg(info.lanes);
        if (s.lane == noLane && !(loop && (s.kind == SpanKind::Io || s.kind == SpanKind::Ready || s.kind == SpanKind::LockWait)))
            return QStringLiteral("%1 span without a lane").arg(QLatin1String(spanKindName(s.kind)));
        if (s.task != noTask) {
            if (s.task >= set.tasks.size())
                return QStringLiteral("span of unknown task %1").arg(s.task);
            if (s.kind != SpanKind::Ipc)
                byTask[s.task].push_back(s);
        }
    }
    for (std::size_t i = 0; i < set.tasks.size(); ++i) {
        const TaskRecord &t = trace.tasks[i];
        if (expectAllDone && t.state != TaskState::Done)
            return QStringLiteral("task %1 is %2, not done").arg(i).arg(QLatin1String(taskStateName(t.state)));
        if (t.state != TaskState::Done)
            continue;
        if (t.queuedNs < 0 || t.startNs < t.queuedNs || t.endNs < t.startNs)
            return QStringLiteral("task %1: queued %2, start %3, end %4 out of order").arg(i).arg(t.queuedNs).arg(t.startNs).arg(t.endNs);
        if (t.lane >= info.lanes)
            return QStringLiteral("task %1 ran on lane %2 of %3").arg(i).arg(t.lane).arg(info.lanes);
        auto &spans = byTask[i];
        std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
            // A zero-length span comes before the one it touches (an io:0
            // followed by ready-wait on the event loop).
            if (a.startNs != b.startNs)
                return a.startNs < b.startNs;
            return a.phase != b.phase ? a.phase < b.phase : a.endNs < b.endNs;
        });
        long expectPhase = -1; // every phase leaves at least one span, in order
        std::int64_t prevEnd = t.startNs;
        // Where the current io phase began and ended (io span, then any
        // ready-wait after it on the event loop).
        std::int64_t ioStart = -1, ioEnd = -1;
        const std::vector<Phase> &phases = set.tasks[i].phases;
        // How long the io of a phase must last at least: an io phase's ms,
        // an increment's io per step times its steps.
        const auto ioMsOf = [&](long phase) {
            const Phase &p = phases[std::size_t(phase)];
            if (p.kind != PhaseKind::Increment)
                return p.ms;
            const Increment &inc = set.incrementOf(p);
            return inc.hasIo() ? double(inc.times) * inc.ioMs : 0.0;
        };
        // Lock phases may leave no span: an acquire of a free lock, a release.
        const auto spanless = [&](long from, long to) {
            for (long k = from; k < to; ++k)
                if (!phases[std::size_t(k)].isLock())
                    return false;
            return true;
        };
        const auto ioTooShort = [&](long phase) {
            if (ioStart < 0)
                return QString();
            const double ms = ioMsOf(phase);
            if (ioEnd - ioStart >= msToNs(ms))
                return QString();
            return QStringLiteral("task %1: io phase %2 of %3 ms ended after %4 ms, before its time")
                .arg(i).arg(phase).arg(ms).arg(nsToMs(ioEnd - ioStart));
        };
        for (const Span &s : spans) {
            if (s.startNs < prevEnd || s.endNs > t.endNs)
                return QStringLiteral("task %1: %2 span of phase %3 outside the task or overlapping its previous span")
                    .arg(i).arg(QLatin1String(spanKindName(s.kind))).arg(s.phase);
            prevEnd = s.endNs;
            const bool inOrder = s.phase < phases.size() && long(s.phase) >= expectPhase
                                 && (long(s.phase) == expectPhase || spanless(expectPhase + 1, s.phase));
            if (!inOrder)
                return QStringLiteral("task %1: phase %2 after phase %3").arg(i).arg(s.phase).arg(expectPhase);
            if (s.phase != expectPhase) {
                if (const QString early = ioTooShort(expectPhase); !early.isEmpty())
                    return early;
                ioStart = ioEnd = -1;
            }
            expectPhase = s.phase;
            if (s.kind == SpanKind::Io || s.kind == SpanKind::Ready) {
                if (ioStart < 0)
                    ioStart = s.startNs;
                ioEnd = std::max(ioEnd, s.endNs);
            }
            const Phase &phase = phases[s.phase];
            const bool computing = s.kind == SpanKind::Cpu || s.kind == SpanKind::GilWait || s.kind == SpanKind::NotRunning;
            const bool waiting = s.kind == SpanKind::Io || s.kind == SpanKind::Ready;
            bool fits = false;
            switch (phase.kind) {
            case PhaseKind::Cpu: fits = computing; break;
            case PhaseKind::Io: fits = waiting; break;
            case PhaseKind::Acquire: fits = s.kind == SpanKind::LockWait; break;
            case PhaseKind::Release: fits = false; break;
            case PhaseKind::Increment:
                fits = set.incrementOf(phase).hasIo() ? waiting || s.kind == SpanKind::GilWait : computing;
                break;
            }
            if (!fits)
                return QStringLiteral("task %1: %2 span in a %3 phase").arg(i).arg(QLatin1String(spanKindName(s.kind)))
                    .arg(QLatin1String(phaseKindName(phase.kind)));
            if (!(s.kind != SpanKind::GilWait || info.mode == Mode::ThreadsGil))
                return QStringLiteral("gil-wait outside threads-gil");
        }
        if (!spanless(expectPhase + 1, long(phases.size())))
            return QStringLiteral("task %1 ended at phase %2 of %3").arg(i).arg(expectPhase).arg(phases.size());
        if (const QString early = ioTooShort(expectPhase); !early.isEmpty())
            return early;
    }
    // No two spans overlap on a lane (on the event loop only cpu is on the lane).
    for (int l = 0; l < info.lanes; ++l) {
        const auto range = trace.laneSpans(l);
        std::int64_t prevEnd = INT64_MIN;
        for (const Span *s = range.begin; s != range.end; ++s) {
            if (s->startNs < prevEnd)
                return QStringLiteral("lane %1: %2 span starts before the previous one ended").arg(l).arg(QLatin1String(spanKindName(s->kind)));
            prevEnd = s->endNs;
        }
        if (!loop) {
            std::vector<const TaskRecord *> tasks;
            for (const TaskRecord &t : trace.tasks)
                if (t.lane == l && t.startNs >= 0)
                    tasks.push_back(&t);
            std::sort(tasks.begin(), tasks.end(), [](auto a, auto b) { return a->startNs < b->startNs; });
            for (std::size_t k = 1; k < tasks.size(); ++k)
                if (tasks[k]->startNs < tasks[k - 1]->endNs)
                    return QStringLiteral("lane %1 runs two tasks at once").arg(l);
        }
    }
    return QString();
}

int maxOverlap(const il::Trace &trace, il::SpanKind kind)
{
    // Sweep: +1 at each start, -1 at each end; ends sort before starts at
    // the same instant.
    std::vector<std::pair<std::int64_t, int>> edges;
    for (const il::Span &s : trace.spans) {
        if (s.kind != kind)
            continue;
        edges.push_back({s.startNs, +1});
        edges.push_back({s.endNs, -1});
    }
    std::sort(edges.begin(), edges.end());
    int open = 0, most = 0;
    for (const auto &[t, d] : edges)
        most = std::max(most, open += d);
    return most;
}

bool lanesOverlap(const il::Trace &trace, il::SpanKind kind)
{
    std::vector<const il::Span *> spans;
    for (const il::Span &s : trace.spans)
        if (s.kind == kind)
            spans.push_back(&s);
    for (std::size_t a = 0; a < spans.size(); ++a)
        for (std::size_t b = a + 1; b < spans.size(); ++b)
            if (spans[a]->lane != spans[b]->lane && spans[a]->startNs < spans[b]->endNs
                && spans[b]->startNs < spans[a]->endNs)
                return true;
    return false;
}

std::vector<double> ioPhaseDurationsUs(const il::Trace &trace)
{
    std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> phases; // (task, phase) -> first start, last end
    for (const il::Span &s : trace.spans) {
        if (s.kind != il::SpanKind::Io && s.kind != il::SpanKind::Ready)
            continue;
        const auto key = (std::uint64_t(s.task) << 16) | s.phase;
        const auto [it, fresh] = phases.try_emplace(key, s.startNs, s.endNs);
        if (!fresh) {
            it->second.first = std::min(it->second.first, s.startNs);
            it->second.second = std::max(it->second.second, s.endNs);
        }
    }
    std::vector<double> out;
    for (const auto &[key, p] : phases)
        out.push_back(double(p.second - p.first) / 1000.0);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<double> spanDurationsUs(const il::Trace &trace, il::SpanKind kind)
{
    std::vector<double> out;
    for (const il::Span &s : trace.spans)
        if (s.kind == kind)
            out.push_back(double(s.endNs - s.startNs) / 1000.0);
    std::sort(out.begin(), out.end());
    return out;
}

double median(const std::vector<double> &sorted)
{
    return sorted.empty() ? 0.0 : sorted[sorted.size() / 2];
}

int startedTasks(const il::Trace &trace)
{
    return int(std::count_if(trace.tasks.begin(), trace.tasks.end(), [](const il::TaskRecord &t) { return t.startNs >= 0; }));
}

} // namespace testsupport
