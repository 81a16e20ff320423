#include "core/import/runassembler.h"

#include "core/analysis/metrics.h"
#include "core/base/clock.h"
#include "core/base/wording.h"
#include "core/io/chrometracewriter.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace il::import {

namespace {

constexpr int maxLevels = 32;         // nesting levels drawn per track; deeper goes to overflow
constexpr int maxAsyncLanes = 16;     // per process
constexpr std::size_t maxLanes = 60000; // Span::lane is 16 bits

std::int64_t toNs(double us) { return std::llround(us * 1000.0); }

SpanKind kindOf(const std::string &cat)
{
    if (cat == "cpu" || cat == "compute") return SpanKind::Cpu;
    if (cat == "io" || cat == "disk-read" || cat == "disk-write") return SpanKind::Io;
    if (cat == "gil-wait") return SpanKind::GilWait;
    if (cat == "spawn") return SpanKind::Spawn;
    if (cat == "ipc" || cat == "transfer" || cat == "deserialize") return SpanKind::Ipc;
    if (cat == "ready-wait") return SpanKind::Ready;
    if (cat == "not-running") return SpanKind::NotRunning;
    if (cat == "lock-wait") return SpanKind::LockWait;
    return SpanKind::Cpu; // a function, a slice: the track was busy
}

std::optional<long long> numberOf(const std::string &text)
{
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

// Spans sorted by (lane, start, enclosing first), noLane last, as
// Trace::fromBuilder leaves them.
void setBounds(Trace &t)
{
    std::int64_t first = INT64_MAX, last = INT64_MIN;
    for (const Span &s : t.spans) {
        first = std::min(first, s.startNs);
        last = std::max(last, s.endNs);
    }
    for (const TaskRecord &r : t.tasks) {
        if (r.startNs >= 0)
            first = std::min(first, r.startNs);
        last = std::max(last, r.endNs);
    }
    t.firstNs = first == INT64_MAX ? t.info.originNs : first;
    t.lastNs = last == INT64_MIN ? t.info.originNs : last;
}

// What the summary reports for a run that is not the lab's: busy time
// per kind on the top lanes (a nested call is inside its caller's time),
// each lane's share of the span of the whole trace.
Metrics foreignMeasures(const Trace &t, const std::vector<bool> &counted)
{
    Metrics m;
    m.lanes = t.info.lanes;
    m.workers = t.info.workers;
    m.cores = 0;
    m.events = t.eventCount;
    m.makespanMs = t.lastNs > t.firstNs ? nsToMs(t.lastNs - t.firstNs) : 0;
    std::vector<std::int64_t> busy(std::size_t(std::max(0, t.info.lanes)), 0);
    for (const Span &s : t.spans) {
        const std::int64_t ns = s.endNs - s.startNs;
        if (s.lane < busy.size())
            busy[s.lane] += ns;
        if (s.lane >= counted.size() || !counted[s.lane])
            continue;
        const double ms = nsToMs(ns);
        switch (s.kind) {
        case SpanKind::Cpu: m.cpuWallMs += ms; m.cpuMs += double(s.cpuUs) / 1000.0; break;
        case SpanKind::Io: m.ioWaitMs += ms; break;
        case SpanKind::GilWait: m.gilWaitMs += ms; break;
        case SpanKind::Ready: m.readyWaitMs += ms; break;
        case SpanKind::Spawn: m.spawnMs += ms; break;
        case SpanKind::Ipc: m.ipcMs += ms; break;
        case SpanKind::NotRunning: m.notRunningMs += ms; break;
        case SpanKind::LockWait: m.lockWaitMs += ms; break;
        case SpanKind::QueuedAt: // never among a trace's spans (Trace::queuedAt)
        case SpanKind::None: break;
        }
    }
    double sum = 0;
    int top = 0;
    for (std::size_t l = 0; l < busy.size(); ++l) {
        const double u = m.makespanMs > 0 ? std::min(1.0, nsToMs(busy[l]) / m.makespanMs) : 0;
        m.laneUtilization.push_back(u);
        if (l < counted.size() && counted[l]) {
            sum += u;
            ++top;
        }
    }
    m.utilization = top ? sum / top : 0;
    for (const TaskRecord &r : t.tasks)
        (r.state == TaskState::Failed ? m.failed : m.completed) += 1;
    return m;
}



// Span names and categories of a run from another tool's file, each
// distinct (name, category) pair kept once (ForeignRun::labels), each text
// once, as the file's string table already has them.
class Labels
{
public:
    explicit Labels(const StringTable &strings) : m_strings(strings), m_run(std::make_shared<ForeignRun>()) {}

    // The label of (name, category), interned ids or none; noLabel when
    // both are absent or empty (or, past 16 M distinct pairs, for the rest).
    std::uint32_t label(std::uint32_t name, std::uint32_t cat)
    {
        const bool noName = name == none || m_strings.at(name).empty();
        const bool noCat = cat == none || m_strings.at(cat).empty();
        if (noName && noCat)
            return noLabel;
        name = noName ? none : name;
        cat = noCat ? none : cat;
        // Most names come with one category: a name's first label is found
        // by index, without hashing (a span each, a million times).
        Seen *seen = nullptr;
        if (name != none) {
            if (m_byName.size() <= name)
                m_byName.resize(std::max<std::size_t>(m_strings.size(), name + 1));
            seen = &m_byName[name];
            if (seen->label != noLabel && seen->cat == cat)
                return seen->label;
        }
        const std::uint64_t key = std::uint64_t(name) << 32 | cat;
        const auto it = m_ids.find(key);
        if (it != m_ids.end())
            return it->second;
        if (m_run->labels.size() >= noLabel)
            return noLabel;
        const auto id = std::uint32_t(m_run->labels.size());
        m_run->labels.push_back({text(name), text(cat)});
        m_ids.emplace(key, id);
        if (seen && seen->label == noLabel)
            *seen = {cat, id};
        return id;
    }

    std::shared_ptr<ForeignRun> take() { return std::move(m_run); }

private:
    std::uint32_t text(std::uint32_t id)
    {
        if (id == none) {
            if (m_empty == none)
                m_empty = m_run->addText({});
            return m_empty;
        }
        if (m_texts.size() <= id)
            m_texts.resize(std::max<std::size_t>(m_strings.size(), id + 1), none);
        if (m_texts[id] == none)
            m_texts[id] = m_run->addText(m_strings.at(id));
        return m_texts[id];
    }

    struct Seen
    {
        std::uint32_t cat = none;
        std::uint32_t label = noLabel;
    };
    const StringTable &m_strings;
    std::shared_ptr<ForeignRun> m_run;
    std::vector<Seen> m_byName; // the file's string id of a name -> its first label
    std::unordered_map<std::uint64_t, std::uint32_t> m_ids;
    std::vector<std::uint32_t> m_texts; // the file's string id -> ForeignRun text id
    std::uint32_t m_empty = none;
};


// A run that was opened from another tool's file and exported ("mode":
// "opened"): the same lanes, spans (names, categories, times to the ns),
// tasks and measures as when it was first opened.
OpenedRun reopenForeign(RawTrace &raw, std::uint32_t pid, const std::vector<std::uint32_t> &events, const RawRunInfo &ri,
                        int runIndex, const QString &source)
{
    auto trace = std::make_shared<Trace>();
    RunInfo &info = trace->info;
    info.runIndex = runIndex;
    info.mode = Mode::Sequential;
    info.cores = 0;
    info.lanes = std::clamp(ri.lanes, 0, int(maxLanes));
    info.workers = std::max(1, ri.workers);
    info.originNs = 0;
    Labels labels(raw.strings);
    std::vector<bool> counted(std::size_t(info.lanes), true);
    for (int l = 0; l < info.lanes; ++l) {
        const auto key = std::uint64_t(pid) << 32 | raw.strings.intern(std::to_string(l + 1));
        const auto t = raw.trackIds.find(key);
        const bool named = t != raw.trackIds.end() && raw.threadNames.count(t->second);
        info.laneNames << (named ? raw.threadNames[t->second] : QStringLiteral("lane %1").arg(l + 1));
        counted[std::size_t(l)] = t == raw.trackIds.end() || !raw.uncountedTracks.count(t->second);
    }
    std::size_t taskCount = std::size_t(std::clamp(ri.tasks, 0, int(limits::maxTasks)));
    for (const RawTaskInfo &r : raw.taskInfos)
        if (r.pid == pid && r.task < int(limits::maxTasks))
            taskCount = std::max(taskCount, std::size_t(r.task) + 1);
    trace->tasks.resize(taskCount);
    QStringList taskNames;
    taskNames.resize(qsizetype(taskCount));
    for (RawTaskInfo &r : raw.taskInfos) {
        if (r.pid != pid || std::size_t(r.task) >= taskCount)
            continue;
        TaskRecord &t = trace->tasks[std::size_t(r.task)];
        if (r.ran) {
            t.startNs = toNs(r.ts);
            t.endNs = toNs(r.ts + r.dur);
        }
        t.lane = r.lane >= 0 && r.lane < info.lanes ? std::uint16_t(r.lane) : noLane;
        t.state = r.state != 0xff ? TaskState(r.state) : TaskState::Done;
        taskNames[qsizetype(r.task)] = std::move(r.name);
    }
    for (qsizetype i = 0; i < taskNames.size(); ++i)
        if (taskNames[i].isEmpty())
            taskNames[i] = QStringLiteral("task %1").arg(i);
    trace->spans.reserve(events.size());
    for (std::uint32_t k : events) {
        const RawEvent &e = raw.events[k];
        if (e.ph != 'X') {
            raw.skip(e.index, -1, QStringLiteral("not an X event in an Interleave export"));
            continue;
        }
        const auto tid = numberOf(raw.strings.at(raw.tracks[e.track].tid));
        if (!tid || *tid < 1 || *tid > info.lanes) {
            raw.skip(e.index, -1, QStringLiteral("tid: not a lane of an Interleave export"));
            continue;
        }
        Span s;
        s.startNs = toNs(e.ts);
        s.endNs = toNs(e.ts + e.dur);
        s.lane = std::uint16_t(*tid - 1);
        s.kind = e.cat == none ? SpanKind::Cpu : kindOf(raw.strings.at(e.cat));
        s.task = e.task >= 0 && std::size_t(e.task) < taskCount ? std::uint32_t(e.task) : noTask;
        s.phase = e.phase >= 0 && e.phase < noPhase ? std::uint16_t(e.phase) : noPhase;
        s.cpuUs = e.cpuUs;
        s.setLabel(labels.label(e.name, e.cat));
        trace->spans.push_back(s);
    }
    trace->eventCount = ri.events >= 0 ? std::size_t(ri.events) : events.size();
    trace->overflowSpans = std::size_t(ri.overflowSpans);
    trace->indexSpans();
    setBounds(*trace);

    auto set = std::make_shared<TaskSet>();
    set->name = raw.tasksetName.isEmpty() ? QFileInfo(source).completeBaseName() : raw.tasksetName;
    set->tasks.resize(taskCount);
    for (std::size_t i = 0; i < taskCount; ++i)
        set->tasks[i].name = taskNames[qsizetype(i)];
    auto foreign = labels.take();
    foreign->taskNames = std::move(taskNames);
    foreign->countedLanes = std::move(counted);
    foreign->origin = ri.openedFrom;
    foreign->recordedBy = ri.recordedBy;

    auto result = std::make_shared<RunResult>();
    result->trace = trace;
    result->metrics = foreignMeasures(*trace, foreign->countedLanes);
    trace->foreign = std::move(foreign);
    OpenedRun run;
    run.run = result;
    run.tasks = set;
    run.source = source;
    run.recordedBy = ri.recordedBy;
    run.title = QStringLiteral("%1 · %2 · %3").arg(QFileInfo(source).fileName()).arg(runIndex + 1).arg(ri.openedFrom);
    info.openedFrom = run.recordedBy.isEmpty() ? run.title : QStringLiteral("%1 (%2)").arg(run.title, run.recordedBy);
    run.spanCount = trace->spans.size();
    run.overflowCount = trace->overflowSpans;
    return run;
}

// Whether to stop arranging runs (Cancel): `stop` asked before the first
// piece of work and then every 65,536 events placed; once yes, yes.
class StopAsker
{
public:
    explicit StopAsker(const std::function<bool()> &stop) : m_stop(stop) {}
    bool stopped(std::size_t events)
    {
        m_sinceAsked += events;
        if (!m_stopped && m_stop && m_sinceAsked >= askEvery) {
            m_sinceAsked = 0;
            m_stopped = m_stop();
        }
        return m_stopped;
    }
    bool wasStopped() const { return m_stopped; }

private:
    static constexpr std::size_t askEvery = 65536;
    const std::function<bool()> &m_stop;
    std::size_t m_sinceAsked = askEvery; // the first piece of work asks
    bool m_stopped = false;
};

// ------------------------------------------------------- Interleave's own

std::vector<OpenedRun> assembleOwn(RawTrace &raw, const QString &source, QStringList &problems,
                                   const std::function<bool()> &stop)
{
    StopAsker asker(stop);
    // Runs are pids, in the order the file gives them.
    std::vector<std::uint32_t> pids;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> byPid;
    for (std::uint32_t k = 0; k < raw.events.size(); ++k) {
        const std::uint32_t pid = raw.tracks[raw.events[k].track].pid;
        auto &list = byPid[pid];
        if (list.empty())
            pids.push_back(pid);
        list.push_back(k);
    }
    for (const auto &[pid, info] : raw.runInfos)
        if (!byPid.count(pid)) {
            pids.push_back(pid);
            byPid[pid];
        }
    std::stable_sort(pids.begin(), pids.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto sa = raw.processSort.find(a), sb = raw.processSort.find(b);
        return (sa == raw.processSort.end() ? INT_MAX : sa->second) < (sb == raw.processSort.end() ? INT_MAX : sb->second);
    });

    // Each run's task names as interned ids (`none`: not shown), so that
    // runs of different task sets in one file (a comparison exported beside
    // an opened file of other tasks) each get their own names.
    std::vector<std::vector<std::uint32_t>> nameIds;
    // Acquire phases seen through their lock-wait spans: run, task, phase, lock name.
    struct LockPhase
    {
        std::size_t run;
        std::uint32_t task;
        std::uint16_t phase;
        std::uint32_t name;
    };
    std::vector<LockPhase> lockPhases;
    const QRegularExpression label(QStringLiteral("^\\d+ · (\\S+) \\((\\d+) lanes?\\)$"));
    std::vector<std::pair<std::shared_ptr<Trace>, RawRunInfo>> traces;
    int order = 0;
    // Runs that came from other tools' files, by their place among the runs.
    std::vector<std::pair<std::size_t, OpenedRun>> reopened;
    for (std::uint32_t pid : pids) {
        RawRunInfo ri;
        if (const auto it = raw.runInfos.find(pid); it != raw.runInfos.end())
            ri = it->second;
        if (ri.mode == QLatin1String("opened")) {
            const int index = raw.processSort.count(pid) ? raw.processSort[pid] : order;
            ++order;
            reopened.emplace_back(traces.size() + reopened.size(), reopenForeign(raw, pid, byPid[pid], ri, index, source));
            continue;
        }
        const QString processName = raw.processNames.count(pid) ? raw.processNames[pid] : QString();
        if (ri.mode.isEmpty() || ri.lanes <= 0) { // an export from before interleave_run
            const auto m = label.match(processName);
            if (m.hasMatch()) {
                ri.mode = ri.mode.isEmpty() ? m.captured(1) : ri.mode;
                ri.lanes = ri.lanes > 0 ? ri.lanes : m.captured(2).toInt();
            }
        }
        auto trace = std::make_shared<Trace>();
        RunInfo &info = trace->info;
        info.runIndex = raw.processSort.count(pid) ? raw.processSort[pid] : order;
        ++order;
        info.mode = modeFromName(ri.mode).value_or(Mode::Sequential);
        info.lanes = std::clamp(ri.lanes, 0, int(maxLanes));
        info.workers = ri.workers > 0 ? ri.workers : info.lanes;
        info.cores = ri.cores > 0 ? ri.cores : detectedCores();
        info.originNs = 0;
        for (int l = 0; l < info.lanes; ++l) {
            const std::string tid = std::to_string(l + 1);
            const auto key = std::uint64_t(pid) << 32 | raw.strings.intern(tid);
            const auto t = raw.trackIds.find(key);
            info.laneNames << (t != raw.trackIds.end() && raw.threadNames.count(t->second) ? raw.threadNames[t->second]
                                                                                              : QStringLiteral("lane %1").arg(l + 1));
        }
        // A task index beyond what a task set can hold is not a task of ours.
        std::size_t taskCount = std::size_t(std::clamp(ri.tasks, 0, int(limits::maxTasks)));
        for (std::uint32_t k : byPid[pid]) {
            RawEvent &e = raw.events[k];
            if (e.task >= int(limits::maxTasks)) {
                raw.skip(e.index, -1, QStringLiteral("args.task: beyond %1 tasks").arg(limits::maxTasks));
                e.ph = 0; // skipped below
            } else if (e.task >= 0) {
                taskCount = std::max(taskCount, std::size_t(e.task) + 1);
            }
        }
        trace->tasks.resize(taskCount);
        std::vector<bool> shown(taskCount, false);
        std::vector<std::uint32_t> &names = nameIds.emplace_back(taskCount, none);
        if (asker.stopped(0))
            return {};
        for (std::uint32_t k : byPid[pid]) {
            if (asker.stopped(1))
                return {};
            const RawEvent &e = raw.events[k];
            if (e.ph == 0)
                continue;
            if (e.ph != 'X') {
                raw.skip(e.index, -1, QStringLiteral("not an X event in an Interleave export"));
                continue;
            }
            const auto tid = numberOf(raw.strings.at(raw.tracks[e.track].tid));
            if (!tid || *tid < 1) {
                raw.skip(e.index, -1, QStringLiteral("tid: not a lane of an Interleave export"));
                continue;
            }
            const bool taskTrack = *tid >= chromeTaskTidBase;
            const std::int64_t start = toNs(e.ts), end = toNs(e.ts + e.dur);
            const std::string &cat = e.cat == none ? std::string() : raw.strings.at(e.cat);
            if (cat == "queued-at") {
                // A task queued at a worker: its track says which.
                const long long lane = (*tid - chromeQueuedTidBase) / chromeQueuedTracksPerLane;
                if (*tid < chromeQueuedTidBase || lane >= info.lanes || e.task < 0) {
                    raw.skip(e.index, -1, QStringLiteral("a queued-at event off the queued-ahead tracks or without args.task"));
                    continue;
                }
                trace->queuedAt.push_back(Span{start, end, std::uint32_t(e.task), std::uint16_t(lane), noPhase,
                                               SpanKind::QueuedAt});
                continue;
            }
            if (cat == "task") {
                if (e.task < 0) {
                    raw.skip(e.index, -1, QStringLiteral("a task event without args.task"));
                    continue;
                }
                TaskRecord &r = trace->tasks[std::size_t(e.task)];
                r.startNs = start;
                r.endNs = end;
                r.queuedNs = e.queuedNs >= 0 ? start - e.queuedNs : -1;
                r.lane = taskTrack ? 0 : std::uint16_t(*tid - 1);
                r.state = e.state != 0xff ? TaskState(e.state) : TaskState::Done;
                shown[std::size_t(e.task)] = true;
                if (names[std::size_t(e.task)] == none)
                    names[std::size_t(e.task)] = e.name;
                continue;
            }
            Span s;
            s.startNs = start;
            s.endNs = end;
            s.kind = kindOf(cat);
            s.task = e.task >= 0 ? std::uint32_t(e.task) : noTask;
            s.phase = e.phase >= 0 && e.phase < noPhase ? std::uint16_t(e.phase) : noPhase;
            s.lane = taskTrack || *tid > info.lanes ? noLane : std::uint16_t(*tid - 1);
            s.cpuUs = e.cpuUs;
            trace->spans.push_back(s);
            if (s.kind == SpanKind::LockWait && e.lock != none && s.task < taskCount && s.phase != noPhase)
                lockPhases.push_back({traces.size(), s.task, s.phase, e.lock});
        }
        // Tasks the file does not show never ran: as the engine leaves them.
        for (std::size_t i = 0; i < taskCount; ++i)
            if (!shown[i])
                trace->tasks[i].state = ri.cancelled ? TaskState::Cancelled : TaskState::Failed;
        trace->eventCount = ri.events >= 0 ? std::size_t(ri.events) : byPid[pid].size();
        trace->cancelled = ri.cancelled;
        // Its incidents, from their instant events: on a lane's track, or
        // across the run (tid 0).
        for (const RawIncident &r : raw.incidents) {
            const RawTrack &track = raw.tracks[r.track];
            if (track.pid != pid)
                continue;
            Incident i = r.incident;
            const auto tid = numberOf(raw.strings.at(track.tid));
            i.lane = tid && *tid >= 1 && *tid <= info.lanes ? std::uint16_t(*tid - 1) : noLane;
            i.tNs = toNs(r.ts);
            if (i.kind == IncidentKind::EventsDropped)
                trace->eventsDropped += std::uint64_t(std::max<std::int64_t>(0, i.value));
            trace->incidents.push_back(std::move(i));
        }
        std::stable_sort(trace->incidents.begin(), trace->incidents.end(),
                         [](const Incident &a, const Incident &b) { return a.tNs < b.tNs; });
        // Its lock handoffs, from their flows: each start met by its end.
        std::unordered_map<std::uint32_t, const RawHandoffEnd *> starts;
        for (const RawHandoffEnd &h : raw.handoffs) {
            if (raw.tracks[h.track].pid != pid)
                continue;
            if (h.ph == 's') {
                starts[h.id] = &h;
                continue;
            }
            const auto it = starts.find(h.id);
            if (it == starts.end())
                continue;
            const RawHandoffEnd &s = *it->second;
            if (s.lock == h.lock && s.from == h.from && s.to == h.to && std::size_t(h.to) < taskCount
                && std::size_t(h.from) < taskCount)
                trace->shared.handoffs.push_back({raw.strings.text(h.lock), std::uint32_t(h.from),
                                                  std::uint32_t(h.to), toNs(s.ts), toNs(h.ts)});
            starts.erase(it);
        }
        trace->indexSpans();
        trace->sortQueuedAt();
        setBounds(*trace);
        traces.emplace_back(trace, ri);
    }
    // Runs whose names agree wherever both show a task share one set (a
    // comparison's modes); a run of other names gets a set of its own.
    std::vector<std::vector<std::uint32_t>> groupNames;
    std::vector<std::size_t> groupOf;
    for (const std::vector<std::uint32_t> &names : nameIds) {
        std::size_t g = 0;
        for (; g < groupNames.size(); ++g) {
            const std::vector<std::uint32_t> &other = groupNames[g];
            bool agree = true;
            for (std::size_t i = 0; agree && i < std::min(names.size(), other.size()); ++i)
                agree = names[i] == none || other[i] == none || names[i] == other[i];
            if (agree)
                break;
        }
        if (g == groupNames.size())
            groupNames.emplace_back();
        std::vector<std::uint32_t> &merged = groupNames[g];
        if (merged.size() < names.size())
            merged.resize(names.size(), none);
        for (std::size_t i = 0; i < names.size(); ++i)
            if (merged[i] == none)
                merged[i] = names[i];
        groupOf.push_back(g);
    }
    std::vector<std::shared_ptr<TaskSet>> sets;
    for (const std::vector<std::uint32_t> &names : groupNames) {
        auto &set = sets.emplace_back(std::make_shared<TaskSet>());
        set->name = raw.tasksetName;
        set->tasks.resize(names.size());
        for (std::size_t i = 0; i < names.size(); ++i)
            set->tasks[i].name = names[i] != none ? raw.strings.text(names[i]) : QStringLiteral("task %1").arg(i);
    }
    // Phases as recorded (the file has durations, not what was declared).
    for (std::size_t r = 0; r < traces.size(); ++r) {
        const auto &trace = traces[r].first;
        TaskSet *set = sets[groupOf[r]].get();
        for (const Span &s : trace->spans) {
            if (s.task >= set->tasks.size() || s.phase == noPhase || (s.kind != SpanKind::Cpu && s.kind != SpanKind::Io))
                continue;
            auto &phases = set->tasks[s.task].phases;
            if (phases.size() <= s.phase)
                phases.resize(std::size_t(s.phase) + 1);
            phases[s.phase].kind = s.kind == SpanKind::Cpu ? PhaseKind::Cpu : PhaseKind::Io;
            phases[s.phase].ms = std::max(phases[s.phase].ms, nsToMs(s.endNs - s.startNs));
        }
    }
    // An acquire that waited: its lock, so an export of the run names it again.
    for (const LockPhase &l : lockPhases) {
        TaskSet &set = *sets[groupOf[l.run]];
        auto &phases = set.tasks[l.task].phases;
        if (phases.size() <= l.phase)
            phases.resize(std::size_t(l.phase) + 1);
        phases[l.phase] = Phase(PhaseKind::Acquire, set.nameId(raw.strings.text(l.name)), 0);
    }
    std::vector<OpenedRun> runs;
    const QString file = QFileInfo(source).fileName();
    for (std::size_t r = 0; r < traces.size(); ++r) {
        const auto &[trace, ri] = traces[r];
        const std::shared_ptr<TaskSet> &set = sets[groupOf[r]];
        auto result = std::make_shared<RunResult>();
        result->trace = trace;
        result->metrics = computeMetrics(*trace, *set);
        if (ri.idealMs >= 0) {
            // The bound was computed from the declared task set, which the
            // file does not hold: taken as written.
            Metrics &m = result->metrics;
            m.idealMs = ri.idealMs;
            const bool whole = !trace->cancelled && m.cancelled == 0 && m.completed > 0;
            m.efficiency = whole && m.makespanMs > 0 ? m.idealMs / m.makespanMs : 0;
        }
        OpenedRun run;
        run.run = result;
        run.tasks = set;
        run.source = source;
        run.foreign = false;
        run.recordedBy = QStringLiteral("Interleave");
        run.title = QStringLiteral("%1 · %2 · %3").arg(file).arg(trace->info.runIndex + 1).arg(modeName(trace->info.mode));
        run.spanCount = trace->spans.size();
        trace->info.openedFrom = run.title;
        runs.push_back(std::move(run));
    }
    for (auto &[at, run] : reopened)
        runs.insert(runs.begin() + std::ptrdiff_t(at), std::move(run));
    (void)problems;
    return runs;
}

// ------------------------------------------------------------- any other

struct Item
{
    std::int64_t start, end;
    std::uint32_t event;
};

bool itemOrder(const Item &a, const Item &b)
{
    if (a.start != b.start)
        return a.start < b.start;
    if (a.end != b.end)
        return a.end > b.end; // the enclosing one first
    return a.event < b.event;
}

class ForeignAssembler
{
public:
    ForeignAssembler(RawTrace &raw, const QString &source, const std::function<bool()> &stop)
        : m_raw(raw), m_source(source), m_asker(stop)
    {
    }

    // Asked before the first track and then every 65,536 events placed.
    bool stopped(std::size_t events) { return m_asker.stopped(events); }
    bool wasStopped() const { return m_asker.wasStopped(); }

    OpenedRun assemble()
    {
        auto trace = std::make_shared<Trace>();
        m_trace = trace.get();
        // At most a span per event: the list is never moved while it grows.
        trace->spans.reserve(m_raw.events.size());
        std::int64_t origin = INT64_MAX;
        for (const RawEvent &e : m_raw.events)
            origin = std::min(origin, toNs(e.ts));
        trace->info.originNs = origin == INT64_MAX ? 0 : origin;

        // Events by track, in one counting pass.
        const std::size_t tracks = m_raw.tracks.size();
        std::vector<std::uint32_t> first(tracks + 1, 0);
        // Tracks with B/E or b/e events, whose order in time matters before
        // they become spans; X and i need none (placeTrack sorts its spans).
        std::vector<bool> paired(tracks, false);
        for (const RawEvent &e : m_raw.events) {
            ++first[e.track + 1];
            if (e.ph == 'B' || e.ph == 'E' || e.ph == 'b' || e.ph == 'e')
                paired[e.track] = true;
        }
        for (std::size_t t = 0; t < tracks; ++t)
            first[t + 1] += first[t];
        std::vector<std::uint32_t> byTrack(m_raw.events.size());
        {
            std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
            for (std::uint32_t k = 0; k < m_raw.events.size(); ++k)
                byTrack[next[m_raw.events[k].track]++] = k;
        }
        m_multiProcess = false;
        for (const RawTrack &t : m_raw.tracks)
            m_multiProcess = m_multiProcess || t.pid != m_raw.tracks.front().pid;

        if (m_raw.dask) // tasks numbered in the order of the file
            for (const RawEvent &e : m_raw.events)
                if (e.id != none)
                    taskFor(e.id);
        // VizTracer --log_async: each asyncio task's pseudo-thread is a task,
        // numbered in the order its name was written.
        if (m_raw.recordedBy == QLatin1String("VizTracer"))
            for (std::uint32_t t : m_raw.lateNamedTracks)
                if (t < tracks && !m_trackTask.count(t)) {
                    m_trackTask.emplace(t, std::uint32_t(m_taskNames.size()));
                    m_taskNames << m_raw.threadNames[t];
                    m_trace->tasks.push_back(TaskRecord{});
                }
        std::map<std::uint32_t, std::vector<Item>> asyncByPid;
        for (std::uint32_t t : trackOrder()) {
            if (stopped(first[t + 1] - first[t]))
                return {};
            std::vector<Item> items;
            std::vector<std::uint32_t> open; // B events waiting for their E
            items.reserve(first[t + 1] - first[t]);
            std::int64_t trackEnd = INT64_MIN;
            if (paired[t]) {
                // B/E match in time order (the file need not be sorted): by
                // (ts, position in the file), a stable sort by time, on the
                // keys side by side rather than through the events.
                std::vector<std::pair<double, std::uint32_t>> byTime;
                byTime.reserve(first[t + 1] - first[t]);
                for (std::uint32_t j = first[t]; j < first[t + 1]; ++j) {
                    const RawEvent &e = m_raw.events[byTrack[j]];
                    trackEnd = std::max(trackEnd, toNs(e.ts + e.dur));
                    byTime.emplace_back(e.ts, byTrack[j]);
                }
                std::sort(byTime.begin(), byTime.end());
                for (std::uint32_t j = first[t]; j < first[t + 1]; ++j)
                    byTrack[j] = byTime[j - first[t]].second;
            }
            for (std::uint32_t j = first[t]; j < first[t + 1]; ++j) {
                const std::uint32_t k = byTrack[j];
                const RawEvent &e = m_raw.events[k];
                const std::int64_t start = toNs(e.ts);
                switch (e.ph) {
                case 'X': items.push_back({start, toNs(e.ts + e.dur), k}); break;
                case 'i': items.push_back({start, start, k}); break;
                case 'B': open.push_back(k); break;
                case 'E':
                    if (open.empty()) {
                        m_raw.skip(e.index, -1, QStringLiteral("E without a B before it on its track"));
                        break;
                    }
                    items.push_back({toNs(m_raw.events[open.back()].ts), start, open.back()});
                    open.pop_back();
                    break;
                case 'b':
                case 'e': asyncByPid[m_raw.tracks[t].pid].push_back({start, start, k}); break;
                default: break;
                }
            }
            for (std::uint32_t k : open) {
                if (m_raw.problems.size() < 20) // kept, not skipped
                    m_raw.problems << QStringLiteral("event %1: B never ended; drawn to the track's last time").arg(m_raw.events[k].index);
                items.push_back({toNs(m_raw.events[k].ts), std::max(trackEnd, toNs(m_raw.events[k].ts)), k});
            }
            placeTrack(t, items);
        }
        for (auto &[pid, marks] : asyncByPid)
            placeAsync(pid, marks);

        RunInfo &info = trace->info;
        info.lanes = int(m_laneNames.size());
        info.laneNames = m_laneNames;
        info.workers = std::max(1, m_threads);
        info.cores = 0;
        info.mode = Mode::Sequential;
        trace->eventCount = m_raw.events.size();
        trace->indexSpans();
        setBounds(*trace);

        auto set = std::make_shared<TaskSet>();
        set->name = QFileInfo(m_source).completeBaseName();
        set->tasks.resize(m_taskNames.size());
        for (qsizetype i = 0; i < m_taskNames.size(); ++i)
            set->tasks[std::size_t(i)].name = m_taskNames[i];

        auto result = std::make_shared<RunResult>();
        result->trace = trace;
        result->metrics = foreignMeasures(*trace, m_top);
        OpenedRun run;
        run.run = result;
        run.tasks = set;
        run.source = m_source;
        run.recordedBy = m_raw.dask ? QStringLiteral("Dask") : m_raw.recordedBy;
        run.title = QFileInfo(m_source).fileName();
        trace->info.openedFrom = run.recordedBy.isEmpty() ? run.title : QStringLiteral("%1 (%2)").arg(run.title, run.recordedBy);
        run.spanCount = trace->spans.size();
        run.overflowCount = m_overflow;
        trace->overflowSpans = m_overflow;
        auto foreign = m_labels.take();
        foreign->taskNames = m_taskNames;
        foreign->countedLanes = m_top;
        foreign->origin = run.title;
        foreign->recordedBy = run.recordedBy;
        trace->foreign = std::move(foreign);
        return run;
    }

private:
    QString trackName(std::uint32_t t) const
    {
        const RawTrack &track = m_raw.tracks[t];
        const auto bare = [&](std::uint32_t id) {
            QString s = m_raw.strings.text(id);
            return s.startsWith(QLatin1String("s:")) ? s.mid(2) : s;
        };
        const auto tn = m_raw.threadNames.find(t);
        QString thread = tn != m_raw.threadNames.end() && !tn->second.isEmpty()
                             ? QStringLiteral("%1 (%2)").arg(tn->second, bare(track.tid))
                             : QStringLiteral("tid %1").arg(bare(track.tid));
        if (!m_multiProcess)
            return thread;
        const auto pn = m_raw.processNames.find(track.pid);
        const QString process = pn != m_raw.processNames.end() && !pn->second.isEmpty()
                                    ? QStringLiteral("%1 (%2)").arg(pn->second, bare(track.pid))
                                    : QStringLiteral("pid %1").arg(bare(track.pid));
        return process + QStringLiteral(" / ") + thread;
    }

    // Tracks by process (sort index, then pid as a number if it is one),
    // then thread id.
    std::vector<std::uint32_t> trackOrder() const
    {
        std::vector<std::uint32_t> order(m_raw.tracks.size());
        for (std::uint32_t t = 0; t < order.size(); ++t)
            order[t] = t;
        const auto idKey = [&](std::uint32_t id) {
            const std::string &s = m_raw.strings.at(id);
            const auto n = numberOf(s);
            return std::make_pair(n ? 0 : 1, n ? *n : 0);
        };
        std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            const RawTrack &x = m_raw.tracks[a], &y = m_raw.tracks[b];
            if (x.pid != y.pid) {
                const auto sx = m_raw.processSort.find(x.pid), sy = m_raw.processSort.find(y.pid);
                const int ix = sx == m_raw.processSort.end() ? INT_MAX : sx->second;
                const int iy = sy == m_raw.processSort.end() ? INT_MAX : sy->second;
                if (ix != iy)
                    return ix < iy;
                const auto kx = idKey(x.pid), ky = idKey(y.pid);
                if (kx != ky)
                    return kx < ky;
                return m_raw.strings.at(x.pid) < m_raw.strings.at(y.pid);
            }
            const auto kx = idKey(x.tid), ky = idKey(y.tid);
            if (kx != ky)
                return kx < ky;
            return m_raw.strings.at(x.tid) < m_raw.strings.at(y.tid);
        });
        return order;
    }

    std::uint16_t newLane(const QString &name, bool top)
    {
        if (m_laneNames.size() >= qsizetype(maxLanes)) {
            // Beyond what a run can hold: one shared lane, counted.
            if (m_spillLane < 0) {
                m_spillLane = int(m_laneNames.size());
                m_laneNames << QStringLiteral("(more tracks than lanes)");
                m_top.push_back(false);
            }
            return std::uint16_t(m_spillLane);
        }
        m_laneNames << name;
        m_top.push_back(top);
        return std::uint16_t(m_laneNames.size() - 1);
    }

    // kindOf per category, looked up once per category, not per span.
    SpanKind cachedKind(std::uint32_t cat)
    {
        if (m_kinds.size() < m_raw.strings.size())
            m_kinds.resize(m_raw.strings.size(), SpanKind::None);
        if (m_kinds[cat] == SpanKind::None)
            m_kinds[cat] = kindOf(m_raw.strings.at(cat));
        return m_kinds[cat];
    }

    std::uint32_t taskFor(std::uint32_t key)
    {
        const auto it = m_taskIds.find(key);
        if (it != m_taskIds.end())
            return it->second;
        const auto id = std::uint32_t(m_taskNames.size());
        QString name = m_raw.strings.text(key);
        m_taskNames << (name.startsWith(QLatin1String("s:")) ? name.mid(2) : name);
        m_taskIds.emplace(key, id);
        m_trace->tasks.push_back(TaskRecord{});
        return id;
    }

    Span makeSpan(const Item &it, std::uint16_t lane, std::uint32_t task = noTask)
    {
        const RawEvent &e = m_raw.events[it.event];
        Span s;
        s.startNs = it.start;
        s.endNs = it.end;
        s.lane = lane;
        s.kind = e.cat == none ? SpanKind::Cpu : cachedKind(e.cat);
        s.cpuUs = e.cpuUs;
        s.setLabel(m_labels.label(e.name, e.cat));
        // A Dask key is a task: its startstops are its phases. An asyncio
        // task's calls (VizTracer) are its spans.
        if (task == noTask && m_raw.dask && e.id != none)
            task = taskFor(e.id);
        if (task != noTask) {
            s.task = task;
            TaskRecord &r = m_trace->tasks[s.task];
            r.startNs = r.startNs < 0 ? it.start : std::min(r.startNs, it.start);
            r.endNs = std::max(r.endNs, it.end);
            if (r.lane == noLane)
                r.lane = lane;
            r.state = e.state == std::uint8_t(TaskState::Failed) ? TaskState::Failed : TaskState::Done;
        }
        return s;
    }

    void addSpan(const Item &it, std::uint16_t lane, std::uint32_t task = noTask)
    {
        m_trace->spans.push_back(makeSpan(it, lane, task));
    }

    // One track: a lane per nesting level, an overflow lane for spans that
    // cross instead of nesting. The spans are added lane by lane, each lane's
    // in start order, which is the order Trace::indexSpans sorts them into:
    // its sort then finds them in place.
    void placeTrack(std::uint32_t t, std::vector<Item> &items)
    {
        if (items.empty())
            return;
        ++m_threads;
        std::sort(items.begin(), items.end(), itemOrder);
        const auto asyncTask = m_trackTask.find(t);
        const std::uint32_t task = asyncTask == m_trackTask.end() ? noTask : asyncTask->second;
        const QString name = task == noTask ? trackName(t) : QStringLiteral("asyncio task %1").arg(m_taskNames[qsizetype(task)]);
        std::vector<std::uint16_t> levels;
        int overflowLane = -1;
        std::vector<std::int64_t> stack; // ends of the spans enclosing the current one
        std::vector<std::uint16_t> laneOf(items.size());
        for (std::size_t k = 0; k < items.size(); ++k) {
            const Item &it = items[k];
            while (!stack.empty() && stack.back() <= it.start && !(stack.back() == it.start && it.end == it.start))
                stack.pop_back();
            const bool nests = stack.empty() || it.end <= stack.back();
            const int depth = int(stack.size());
            if (!nests || depth >= maxLevels) {
                if (overflowLane < 0)
                    overflowLane = newLane(name + QStringLiteral(" · overflow"), false);
                laneOf[k] = std::uint16_t(overflowLane);
                ++m_overflow;
                continue;
            }
            while (int(levels.size()) <= depth)
                levels.push_back(newLane(levels.empty() ? name : name + QStringLiteral(" · level %1").arg(levels.size()),
                                         levels.empty()));
            laneOf[k] = levels[std::size_t(depth)];
            stack.push_back(it.end);
        }
        // Where each lane's spans begin, lanes in order (this track's are
        // new ones, numbered up from `low`; past maxLanes they share one).
        const auto [lowIt, highIt] = std::minmax_element(laneOf.begin(), laneOf.end());
        const std::uint16_t low = *lowIt;
        std::vector<std::size_t> at(std::size_t(*highIt - low) + 1, 0);
        for (const std::uint16_t lane : laneOf)
            ++at[lane - low];
        std::size_t next = m_trace->spans.size();
        for (std::size_t &n : at) {
            const std::size_t count = n;
            n = next;
            next += count;
        }
        m_trace->spans.resize(next);
        for (std::size_t k = 0; k < items.size(); ++k)
            m_trace->spans[at[laneOf[k] - low]++] = makeSpan(items[k], laneOf[k], task);
    }

    // Async b/e of one process: matched by (id, category), each id a task,
    // packed onto a few lanes.
    void placeAsync(std::uint32_t pid, std::vector<Item> &marks)
    {
        std::stable_sort(marks.begin(), marks.end(), [](const Item &a, const Item &b) { return a.start < b.start; });
        std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::uint32_t>> open;
        std::vector<Item> spans;
        for (const Item &m : marks) {
            const RawEvent &e = m_raw.events[m.event];
            auto &stack = open[{e.id, e.cat}];
            if (e.ph == 'b') {
                stack.push_back(m.event);
            } else if (stack.empty()) {
                m_raw.skip(e.index, -1, QStringLiteral("async e without a b with its id before it"));
            } else {
                spans.push_back({toNs(m_raw.events[stack.back()].ts), m.start, stack.back()});
                stack.pop_back();
            }
        }
        for (auto &[key, stack] : open)
            for (std::uint32_t k : stack)
                m_raw.skip(m_raw.events[k].index, -1, QStringLiteral("async b never ended"));
        std::sort(spans.begin(), spans.end(), itemOrder);
        const auto pn = m_raw.processNames.find(pid);
        QString base = pn != m_raw.processNames.end() ? pn->second : QStringLiteral("pid %1").arg(m_raw.strings.text(pid));
        if (base.startsWith(QLatin1String("s:")))
            base = base.mid(2);
        std::vector<std::pair<std::uint16_t, std::int64_t>> lanes; // lane, end of its last span
        int overflowLane = -1;
        for (const Item &s : spans) {
            auto free = std::find_if(lanes.begin(), lanes.end(), [&](const auto &l) { return l.second <= s.start; });
            std::uint16_t lane;
            if (free != lanes.end()) {
                lane = free->first;
                free->second = s.end;
            } else if (lanes.size() < std::size_t(maxAsyncLanes)) {
                lane = newLane(QStringLiteral("%1 · async %2").arg(base).arg(lanes.size() + 1), true);
                lanes.emplace_back(lane, s.end);
            } else {
                if (overflowLane < 0)
                    overflowLane = newLane(base + QStringLiteral(" · async overflow"), false);
                lane = std::uint16_t(overflowLane);
                ++m_overflow;
            }
            addSpan(s, lane);
            // Each async id is a task.
            const RawEvent &e = m_raw.events[s.event];
            const std::uint32_t task = taskFor(e.id);
            m_trace->spans.back().task = task;
            TaskRecord &r = m_trace->tasks[task];
            r.startNs = r.startNs < 0 ? s.start : std::min(r.startNs, s.start);
            r.endNs = std::max(r.endNs, s.end);
            r.lane = r.lane == noLane ? lane : r.lane;
            r.state = TaskState::Done;
        }
    }

    RawTrace &m_raw;
    QString m_source;
    StopAsker m_asker;
    Labels m_labels{m_raw.strings};
    Trace *m_trace = nullptr;
    QStringList m_laneNames;
    std::vector<bool> m_top; // lanes whose spans count in the measures
    QStringList m_taskNames;
    std::unordered_map<std::uint32_t, std::uint32_t> m_taskIds;
    std::unordered_map<std::uint32_t, std::uint32_t> m_trackTask; // VizTracer asyncio task tracks
    std::size_t m_overflow = 0;
    int m_threads = 0;
    int m_spillLane = -1;
    bool m_multiProcess = false;
    std::vector<SpanKind> m_kinds;
};

} // namespace

std::vector<OpenedRun> assembleRuns(RawTrace &raw, const QString &source, QStringList &problems,
                                    const std::function<bool()> &stop)
{
    if (raw.generator == QLatin1String("interleave") || !raw.runInfos.empty())
        return assembleOwn(raw, source, problems, stop);
    if (raw.events.empty())
        return {};
    ForeignAssembler assembler(raw, source, stop);
    OpenedRun run = assembler.assemble();
    if (assembler.wasStopped())
        return {};
    return {std::move(run)};
}

} // namespace il::import
