#include "core/import/traceparser.h"

#include "core/base/wording.h"
#include "core/json/jsonreader.h"
#include "core/trace/trace.h"

#include <cmath>
#include <cstring>
#include <optional>

namespace il::import {

namespace {

// Short strings (pids, names, categories) hashed eight bytes at a time.
std::uint32_t hashOf(std::string_view s)
{
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    // The last bytes: the string's last eight when it has as many
    // (overlapping what was hashed, which is fine), else byte by byte; a
    // variable-length copy would stall on reading back what it stored.
    std::uint64_t tail = 0;
    if (s.size() >= 8)
        std::memcpy(&tail, s.data() + s.size() - 8, 8);
    else
        for (; i < s.size(); ++i)
            tail = tail << 8 | static_cast<unsigned char>(s[i]);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return std::uint32_t(h);
}

} // namespace

std::uint32_t StringTable::intern(std::string_view text)
{
    if (m_slots.empty())
        grow();
    const std::uint32_t hash = hashOf(text);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot &slot = m_slots[i];
        if (slot.id == none) {
            const auto id = std::uint32_t(m_strings.size());
            m_strings.emplace_back(text);
            slot = {hash, id};
            if (2 * m_strings.size() > m_slots.size())
                grow();
            return id;
        }
        if (slot.hash == hash && m_strings[slot.id] == text)
            return slot.id;
    }
}

void StringTable::grow()
{
    std::vector<Slot> table(std::max<std::size_t>(64, 2 * m_slots.size()));
    const std::size_t mask = table.size() - 1;
    for (const Slot &old : m_slots) {
        if (old.id == none)
            continue;
        std::size_t i = old.hash & mask;
        while (table[i].id != none)
            i = (i + 1) & mask;
        table[i] = old;
    }
    m_slots = std::move(table);
}

QString StringTable::text(std::uint32_t id) const
{
    if (id == none)
        return {};
    const std::string &s = m_strings[id];
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

std::uint32_t RawTrace::track(std::uint32_t pid, std::uint32_t tid)
{
    const std::uint64_t key = std::uint64_t(pid) << 32 | tid;
    const auto it = trackIds.find(key);
    if (it != trackIds.end())
        return it->second;
    const auto id = std::uint32_t(tracks.size());
    tracks.push_back({pid, tid});
    trackIds.emplace(key, id);
    return id;
}

void RawTrace::skip(std::uint32_t index, std::int64_t offset, const QString &why)
{
    ++skipped;
    if (problems.size() < 20)
        problems << (offset >= 0 ? QStringLiteral("event %1 (byte %2): %3; skipped").arg(index).arg(offset).arg(why)
                                 : QStringLiteral("event %1: %2; skipped").arg(index).arg(why));
}

namespace {

using json::Token;

// Times beyond this (4e15 µs: the year 2096 as Unix time, as Ray and Dask
// write them) would overflow int64 nanoseconds once added up.
constexpr double maxMicros = 4e15;

enum class Field : std::uint8_t {
    Other, Ph, Ts, Dur, Pid, Tid, Name, Cat, Id, Args,
    Key, Worker, Thread, StartStops, Status, // Dask
};

Field fieldOf(std::string_view key)
{
    if (key.size() <= 3) {
        if (key == "ph") return Field::Ph;
        if (key == "ts") return Field::Ts;
        if (key == "dur") return Field::Dur;
        if (key == "pid") return Field::Pid;
        if (key == "tid") return Field::Tid;
        if (key == "cat") return Field::Cat;
        if (key == "id") return Field::Id;
        if (key == "key") return Field::Key;
        return Field::Other;
    }
    if (key == "name") return Field::Name;
    if (key == "args") return Field::Args;
    if (key == "id2") return Field::Id;
    if (key == "worker") return Field::Worker;
    if (key == "thread") return Field::Thread;
    if (key == "startstops") return Field::StartStops;
    if (key == "status") return Field::Status;
    return Field::Other;
}

std::uint8_t stateOf(std::string_view s)
{
    if (s == "done") return std::uint8_t(TaskState::Done);
    if (s == "failed") return std::uint8_t(TaskState::Failed);
    if (s == "cancelled") return std::uint8_t(TaskState::Cancelled);
    if (s == "running") return std::uint8_t(TaskState::Running);
    if (s == "queued") return std::uint8_t(TaskState::Queued);
    if (s == "pending") return std::uint8_t(TaskState::Pending);
    return 0xff;
}

struct Args
{
    QString name;
    std::optional<double> sortIndex;
    // Interleave's own keys.
    std::int32_t task = -1, phase = -1;
    std::int32_t from = -1, to = -1; // a lock handoff's tasks
    double cpuMs = -1, queuedMs = -1;
    std::uint32_t lock = none; // a lock-wait's lock, interned
    std::uint8_t state = 0xff;
    std::int32_t lane = -1;        // interleave_task: its task's lane
    bool notInMeasures = false;    // thread_name of a re-exported run: "in_measures": false
    RawRunInfo run;
    // An incident's (Interleave's instant events of category "incident").
    std::optional<IncidentKind> kind;
    qint64 pid = 0;
    std::int64_t value = 0;
    bool replaced = false;
    QString detail;
};

class Parser
{
public:
    Parser(json::JsonSource &source, RawTrace &out, std::int64_t total, const OpenProgress &progress)
        : m_r(source), m_t(out), m_total(total), m_progress(progress)
    {
    }

    bool cancelled() const { return m_cancelled; }

    QString run()
    {
        const Token first = m_r.next();
        if (first == Token::BeginArray) {
            readEvents(true);
        } else if (first == Token::BeginObject) {
            while (ok() && m_r.next() == Token::Key) {
                const std::string_view key = m_r.text();
                if (key == "traceEvents") {
                    if (m_r.next() != Token::BeginArray) {
                        if (ok())
                            return QStringLiteral("traceEvents: must be an array of events (got %1)").arg(describe());
                        break;
                    }
                    readEvents(false);
                } else if (key == "otherData") {
                    readOtherData();
                } else if (key == "viztracer_metadata") {
                    m_t.recordedBy = QStringLiteral("VizTracer");
                    m_r.skipValue();
                } else {
                    m_r.skipValue();
                }
            }
        } else if (first != Token::Error) {
            return QStringLiteral("not a trace: expected {\"traceEvents\": [...]} or an array of events (got %1)")
                .arg(describe());
        }
        if (m_cancelled || m_endAccepted)
            return {};
        if (ok())
            m_r.next(); // EndOfInput, or what follows the value
        return m_r.hasError() ? fatal() : QString();
    }

private:
    bool ok() const { return !m_r.hasError() && !m_cancelled; }

    QString fatal() const
    {
        const json::Error &e = m_r.error();
        const QString where = m_inEvent ? QStringLiteral(", in event %1").arg(m_index - 1)
                              : m_index ? QStringLiteral(", after event %1").arg(m_index - 1)
                                        : QString();
        return QStringLiteral("at byte %1 (line %2, column %3)%4: %5")
            .arg(e.offset).arg(e.line).arg(e.column).arg(where, e.reason);
    }

    // The current token as the messages echo it; a container is skipped.
    QString describe()
    {
        switch (m_r.token()) {
        case Token::Null: return QStringLiteral("null");
        case Token::Bool: return m_r.boolean() ? QStringLiteral("true") : QStringLiteral("false");
        case Token::Number: return m_r.toQString().left(40);
        case Token::String: {
            QString s = m_r.toQString();
            if (s.size() > 40)
                s = s.left(40) + QStringLiteral("…");
            return QLatin1Char('"') + printable(s) + QLatin1Char('"');
        }
        case Token::BeginArray: m_r.skipContainer(); return QStringLiteral("an array");
        case Token::BeginObject: m_r.skipContainer(); return QStringLiteral("an object");
        default: return QStringLiteral("nothing");
        }
    }

    void readOtherData()
    {
        if (m_r.next() != Token::BeginObject) {
            if (m_r.token() == Token::BeginArray)
                m_r.skipContainer();
            return;
        }
        while (ok() && m_r.next() == Token::Key) {
            const std::string_view key = m_r.text();
            if (key == "generator" || key == "taskset") {
                QString &slot = key == "generator" ? m_t.generator : m_t.tasksetName;
                if (m_r.next() == Token::String)
                    slot = m_r.toQString();
                else
                    describe();
            } else {
                m_r.skipValue();
            }
        }
    }

    void readEvents(bool topLevel)
    {
        while (ok()) {
            const Token t = m_r.next();
            if (t == Token::EndArray)
                return;
            if (t == Token::Error) {
                // The array form may end without its ']' (a tracer killed
                // mid-run writes exactly that), but not inside an event.
                if (topLevel && !m_inEvent && m_r.error().code == json::ErrorCode::Truncated && m_r.depth() <= 1)
                    m_endAccepted = true;
                return;
            }
            const std::int64_t offset = m_r.tokenOffset();
            const std::uint32_t index = m_index++;
            if (t != Token::BeginObject) {
                m_t.skip(index, offset, QStringLiteral("must be an object (got %1)").arg(describe()));
                continue;
            }
            m_inEvent = true;
            readEvent(index, offset);
            if (ok())
                m_inEvent = false;
            if ((index & 4095) == 4095 && m_progress && !m_progress(m_r.offset(), m_total))
                m_cancelled = true;
        }
    }

    // A number field; on a bad value `why` says what was wrong.
    std::optional<double> number(const char *field, QString &why, double low = -maxMicros, double high = maxMicros)
    {
        if (m_r.next() != Token::Number) {
            if (ok() && why.isEmpty())
                why = QStringLiteral("%1: must be a number (got %2)").arg(QLatin1String(field), describe());
            else if (ok())
                describe();
            return std::nullopt;
        }
        const json::Number n = m_r.number();
        if (n.overflow || n.value < low || n.value > high) {
            if (why.isEmpty())
                why = QStringLiteral("%1: must be a number from %2 to %3 (got %4)")
                          .arg(QLatin1String(field)).arg(low, 0, 'g', 3).arg(high, 0, 'g', 3).arg(m_r.toQString().left(40));
            return std::nullopt;
        }
        return n.value;
    }

    // pid, tid, id, Dask's worker and thread: a number or a string (Ray
    // writes "driver:..."), interned; a string gets a prefix so that 1 and
    // "1" stay apart.
    std::uint32_t label(const char *field, QString &why)
    {
        const Token t = m_r.next();
        if (t == Token::Number)
            return m_t.strings.intern(m_r.text());
        if (t == Token::String) {
            m_scratch.assign("s:");
            m_scratch.append(m_r.text());
            return m_t.strings.intern(m_scratch);
        }
        if (ok() && why.isEmpty())
            why = QStringLiteral("%1: must be a number or a string (got %2)").arg(QLatin1String(field), describe());
        else if (ok())
            describe();
        return none;
    }

    std::uint32_t text(const char *field, QString &why)
    {
        if (m_r.next() == Token::String)
            return m_t.strings.intern(m_r.text());
        if (ok() && why.isEmpty())
            why = QStringLiteral("%1: must be a string (got %2)").arg(QLatin1String(field), describe());
        else if (ok())
            describe();
        return none;
    }

    void readArgs(Args &a)
    {
        if (m_r.next() != Token::BeginObject) {
            if (ok())
                describe();
            return;
        }
        while (ok() && m_r.next() == Token::Key) {
            const std::string key(m_r.text());
            const Token t = m_r.next();
            if (t == Token::BeginObject || t == Token::BeginArray) {
                m_r.skipContainer();
                continue;
            }
            if (t == Token::String) {
                if (key == "name")
                    a.name = m_r.toQString();
                else if (key == "state")
                    a.state = stateOf(m_r.text());
                else if (key == "mode")
                    a.run.mode = m_r.toQString();
                else if (key == "kind")
                    a.kind = incidentKindFromName(m_r.toQString());
                else if (key == "detail")
                    a.detail = m_r.toQString();
                else if (key == "lock")
                    a.lock = m_t.strings.intern(m_r.text());
                else if (key == "opened_from")
                    a.run.openedFrom = m_r.toQString();
                else if (key == "recorded_by")
                    a.run.recordedBy = m_r.toQString();
            } else if (t == Token::Number) {
                const json::Number n = m_r.number();
                if (n.overflow)
                    continue;
                const bool small = n.fitsInt64 && n.integer >= 0 && n.integer < (1ll << 31);
                if (key == "sort_index")
                    a.sortIndex = n.value;
                else if (key == "task" && small)
                    a.task = std::int32_t(n.integer);
                else if (key == "phase" && small)
                    a.phase = std::int32_t(n.integer);
                else if (key == "from" && small)
                    a.from = std::int32_t(n.integer);
                else if (key == "to" && small)
                    a.to = std::int32_t(n.integer);
                else if (key == "cpu_ms" && n.value >= 0 && n.value < 4e6)
                    a.cpuMs = n.value;
                else if (key == "queued_ms" && n.value >= 0 && n.value < maxMicros)
                    a.queuedMs = n.value;
                else if (key == "workers" && small)
                    a.run.workers = int(n.integer);
                else if (key == "cores" && small)
                    a.run.cores = int(n.integer);
                else if (key == "lanes" && small)
                    a.run.lanes = int(n.integer);
                else if (key == "tasks" && small)
                    a.run.tasks = int(n.integer);
                else if (key == "ideal_ms" && n.value >= 0)
                    a.run.idealMs = n.value;
                else if (key == "events" && n.fitsInt64 && n.integer >= 0)
                    a.run.events = n.integer;
                else if (key == "pid" && n.fitsInt64 && n.integer > 0)
                    a.pid = n.integer;
                else if (key == "value" && n.fitsInt64)
                    a.value = n.integer;
                else if (key == "lane" && small)
                    a.lane = std::int32_t(n.integer);
                else if (key == "overflow_spans" && n.fitsInt64 && n.integer >= 0)
                    a.run.overflowSpans = n.integer;
            } else if (t == Token::Bool && key == "cancelled") {
                a.run.cancelled = m_r.boolean();
            } else if (t == Token::Bool && key == "replaced") {
                a.replaced = m_r.boolean();
            } else if (t == Token::Bool && key == "in_measures") {
                a.notInMeasures = !m_r.boolean();
            }
        }
    }

    struct StartStop
    {
        std::uint32_t action = none;
        double start = 0, stop = 0;
    };

    void readStartStops(std::vector<StartStop> &out, QString &why)
    {
        if (m_r.next() != Token::BeginArray) {
            if (ok() && why.isEmpty())
                why = QStringLiteral("startstops: must be an array (got %1)").arg(describe());
            return;
        }
        while (ok()) {
            const Token t = m_r.next();
            if (t != Token::BeginObject) {
                if (t != Token::EndArray && ok() && why.isEmpty())
                    why = QStringLiteral("startstops[%1]: must be an object (got %2)").arg(out.size()).arg(describe());
                else if (t != Token::EndArray && ok())
                    describe();
                if (t == Token::EndArray || !ok())
                    return;
                continue;
            }
            StartStop s;
            bool haveStart = false, haveStop = false;
            while (ok() && m_r.next() == Token::Key) {
                const std::string_view key = m_r.text();
                if (key == "action") {
                    s.action = text("startstops.action", why);
                } else if (key == "start" || key == "stop") {
                    const bool start = key == "start";
                    // Seconds (epoch time): the µs bound divided by 1e6.
                    const auto v = number(start ? "startstops.start" : "startstops.stop", why, -maxMicros / 1e6, maxMicros / 1e6);
                    if (v)
                        (start ? s.start : s.stop) = *v;
                    (start ? haveStart : haveStop) = v.has_value();
                } else {
                    m_r.skipValue();
                }
            }
            if (!haveStart || !haveStop) {
                if (why.isEmpty())
                    why = QStringLiteral("startstops[%1]: needs a start and a stop in seconds").arg(out.size());
            } else if (s.stop < s.start) {
                if (why.isEmpty())
                    why = QStringLiteral("startstops[%1]: stop %2 is before start %3").arg(out.size()).arg(s.stop, 0, 'f', 6).arg(s.start, 0, 'f', 6);
            }
            out.push_back(s);
        }
    }

    void readEvent(std::uint32_t index, std::int64_t offset)
    {
        RawEvent e;
        e.index = index;
        QString why; // the first thing wrong with this event
        std::uint32_t pid = none, tid = none, worker = none, thread = none, key = none;
        bool haveTs = false, haveDur = false, dask = false;
        m_stops.clear();
        Args args;
        while (ok() && m_r.next() == Token::Key) {
            switch (fieldOf(m_r.text())) {
            case Field::Ph: {
                if (m_r.next() == Token::String && m_r.text().size() == 1)
                    e.ph = m_r.text()[0];
                else if (ok() && why.isEmpty())
                    why = QStringLiteral("ph: must be a one-letter string (got %1)").arg(describe());
                break;
            }
            case Field::Ts: {
                const auto v = number("ts", why);
                haveTs = v.has_value();
                e.ts = v.value_or(0);
                break;
            }
            case Field::Dur: {
                const auto v = number("dur", why);
                if (v && *v < 0 && why.isEmpty())
                    why = QStringLiteral("dur: negative (%1 µs)").arg(*v);
                haveDur = v && *v >= 0;
                e.dur = haveDur ? *v : 0;
                break;
            }
            case Field::Pid: pid = label("pid", why); break;
            case Field::Tid: tid = label("tid", why); break;
            case Field::Name: e.name = text("name", why); break;
            case Field::Cat: e.cat = text("cat", why); break;
            case Field::Id: e.id = label("id", why); break;
            case Field::Args: readArgs(args); break;
            case Field::Key: key = label("key", why); break;
            case Field::Worker: worker = label("worker", why); break;
            case Field::Thread: thread = label("thread", why); break;
            case Field::StartStops: dask = true; readStartStops(m_stops, why); break;
            case Field::Status: {
                if (m_r.next() == Token::String && m_r.text() == "error")
                    e.state = std::uint8_t(TaskState::Failed);
                else if (ok() && m_r.token() != Token::String)
                    describe();
                break;
            }
            case Field::Other: m_r.skipValue(); break;
            }
        }
        if (!ok())
            return;
        if (dask)
            return addDask(e, key, worker, thread, offset, why);
        if (!why.isEmpty())
            return m_t.skip(index, offset, why);
        if (e.ph == 0)
            return m_t.skip(index, offset, QStringLiteral("no \"ph\" (phase)"));
        if (m_zero == none)
            m_zero = m_t.strings.intern("0");
        const std::uint32_t zero = m_zero;
        e.track = m_t.track(pid == none ? zero : pid, tid == none ? zero : tid);
        switch (e.ph) {
        case 'M': return addMetadata(e, pid == none ? zero : pid, args, haveTs && haveDur);
        case 'X':
            if (!haveDur)
                return m_t.skip(index, offset, QStringLiteral("an X event needs \"dur\""));
            [[fallthrough]];
        case 'B': case 'E': case 'i': case 'I': case 'b': case 'e': case 'n': case 'S': case 'F':
            if (!haveTs)
                return m_t.skip(index, offset, QStringLiteral("no \"ts\""));
            if ((e.ph == 'b' || e.ph == 'e' || e.ph == 'n' || e.ph == 'S' || e.ph == 'F') && e.id == none)
                return m_t.skip(index, offset, QStringLiteral("an async event needs an \"id\""));
            if (e.ph == 'S')
                e.ph = 'b';
            else if (e.ph == 'F')
                e.ph = 'e';
            else if (e.ph == 'I')
                e.ph = 'i';
            else if (e.ph == 'n')
                e.ph = 'i'; // an async instant: a mark on the track
            if (e.ph == 'i' && args.kind && e.cat != none && m_t.strings.at(e.cat) == "incident") {
                RawIncident r{e.track, e.ts, Incident{}};
                r.incident.kind = *args.kind;
                r.incident.pid = args.pid;
                r.incident.task = args.task >= 0 ? std::uint32_t(args.task) : noTask;
                r.incident.value = args.value;
                r.incident.replaced = args.replaced;
                r.incident.detail = args.detail;
                m_t.incidents.push_back(std::move(r));
                return;
            }
            e.task = args.task;
            e.phase = args.phase;
            e.cpuUs = args.cpuMs >= 0 ? std::uint32_t(std::llround(args.cpuMs * 1000)) : 0;
            e.lock = args.lock;
            e.queuedNs = args.queuedMs >= 0 ? std::llround(args.queuedMs * 1e6) : -1;
            if (args.state != 0xff)
                e.state = args.state;
            m_t.events.push_back(e);
            return;
        case 's': case 'f':
            if (haveTs && e.id != none && args.lock != none && args.from >= 0 && args.to >= 0 && e.cat != none
                && m_t.strings.at(e.cat) == "lock") {
                m_t.handoffs.push_back({e.track, e.id, args.lock, e.ts, args.from, args.to, e.ph});
                return;
            }
            ++m_t.flows;
            return;
        case 't': ++m_t.flows; return;
        case 'C': ++m_t.counters; return;
        default: ++m_t.others; return;
        }
    }

    void addMetadata(const RawEvent &e, std::uint32_t pid, Args &args, bool timed)
    {
        const std::string &name = e.name == none ? m_empty : m_t.strings.at(e.name);
        if (name == "process_name")
            m_t.processNames[pid] = args.name;
        else if (name == "thread_name") {
            m_t.threadNames[e.track] = args.name;
            if (args.notInMeasures)
                m_t.uncountedTracks.insert(e.track);
            if (!m_t.events.empty())
                m_t.lateNamedTracks.push_back(e.track);
        }
        else if (name == "process_sort_index" && args.sortIndex)
            m_t.processSort[pid] = int(*args.sortIndex);
        else if (name == "interleave_run")
            m_t.runInfos[pid] = args.run;
        else if (name == "interleave_task" && args.task >= 0)
            m_t.taskInfos.push_back({pid, args.task, args.lane, timed, e.ts, e.dur,
                                     args.state, std::move(args.name)});
    }

    void addDask(RawEvent e, std::uint32_t key, std::uint32_t worker, std::uint32_t thread, std::int64_t offset,
                 const QString &why)
    {
        if (!why.isEmpty())
            return m_t.skip(e.index, offset, why);
        if (key == none)
            return m_t.skip(e.index, offset, QStringLiteral("a task stream record needs a \"key\""));
        m_t.dask = true;
        const std::uint32_t unknown = m_t.strings.intern("s:?");
        e.track = m_t.track(worker == none ? unknown : worker, thread == none ? unknown : thread);
        e.ph = 'X';
        e.id = key;
        e.name = key;
        for (const StartStop &s : m_stops) {
            e.ts = s.start * 1e6;
            e.dur = (s.stop - s.start) * 1e6;
            e.cat = s.action;
            m_t.events.push_back(e);
        }
    }

    json::JsonReader m_r;
    RawTrace &m_t;
    std::int64_t m_total;
    const OpenProgress &m_progress;
    std::uint32_t m_index = 0;
    bool m_inEvent = false;
    bool m_endAccepted = false;
    bool m_cancelled = false;
    std::string m_scratch;
    const std::string m_empty;
    std::vector<StartStop> m_stops;
    std::uint32_t m_zero = none; // the pid / tid of an event that has none
};

} // namespace

QString parseTrace(json::JsonSource &source, RawTrace &out, std::int64_t totalBytes, const OpenProgress &progress,
                   bool *cancelled)
{
    // Events take about 100 bytes of text each: room for them up front, so
    // the list is not copied while it grows (at most ~0.6x the file).
    if (totalBytes > 0)
        out.events.reserve(std::size_t(std::min<std::int64_t>(totalBytes / 100, std::int64_t(1) << 28)));
    Parser parser(source, out, totalBytes, progress);
    QString error = parser.run();
    if (cancelled)
        *cancelled = parser.cancelled();
    return error;
}

} // namespace il::import
