#include "core/model/tasksetreader.h"

#include "core/base/wording.h"
#include "core/json/jsonreader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <string>

namespace il {

namespace {

using json::Token;

// Names end up in table cells, tooltips and trace files: a 50 MB "name" is a
// broken file, not a name.
constexpr qsizetype maxNameChars = limits::maxNameChars;

// A value as the messages echo it: "7", "\"abc\"", "null", "an array".
// A number's text is made only when a message needs it: 8 M phases must
// not format 8 M numbers.
struct Seen
{
    bool present = false;
    bool isNumber = false;
    bool isString = false;
    double number = 0;
    QString text;   // empty for a number within double's range
    QString string; // a string value as it is (a lock's or counter's name)

    QString shown() const { return isNumber && text.isEmpty() ? QString::number(number, 'g', 12) : text; }
};

// A value as read, before anything is made of it (see Reader::hold):
// reused from phase to phase, so {"cpu": 5} allocates nothing.
struct Held
{
    json::Token token = json::Token::None; // None: not there
    bool boolean = false;
    bool overflow = false;
    double number = 0;
    std::string text; // a string's text, or the literal of a number beyond double

    bool present() const { return token != json::Token::None; }
    bool finiteNumber() const { return token == json::Token::Number && std::isfinite(number); }
};

// The bytes around a parse error, printable ASCII as is and the rest as \xNN,
// so a stray NUL, a NaN or a Latin-1 byte shows up in the message.
QString printableBytes(const QByteArray &bytes)
{
    QString out;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += QStringLiteral("\\n");
        else if (c >= 0x20 && c < 0x7f)
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
    }
    return out;
}

// A value kept verbatim (an unknown field) as a QJsonValue; the bytes are
// valid JSON already, checked by the reader.
QJsonValue toJsonValue(const QByteArray &raw)
{
    const QJsonDocument doc = QJsonDocument::fromJson("[" + raw + "]");
    if (doc.isArray() && !doc.array().isEmpty())
        return doc.array().first();
    // Only what QJsonDocument refuses and the reader takes (a number beyond
    // double): kept as its text rather than dropped.
    return QJsonValue(QString::fromUtf8(raw));
}

class Reader
{
public:
    Reader(json::JsonSource &source, const BytesAt &bytesAt, std::int64_t sizeHint)
        : m_r(source), m_bytesAt(bytesAt), m_sizeHint(sizeHint)
    {
    }

    TaskSetResult read()
    {
        TaskSetResult result;
        TaskSet set;
        const QString semantic = readRoot(set);
        // A syntax error anywhere wins, as in a whole-document parse: the
        // rest is read through to find one.
        if (!m_r.hasError())
            drain();
        if (m_r.hasError())
            result.error = syntaxError();
        else if (!semantic.isEmpty())
            result.error = semantic;
        else
            result.taskSet = std::move(set);
        return result;
    }

private:
    void drain()
    {
        Token t = m_r.token();
        while (t != Token::EndOfInput && t != Token::Error)
            t = m_r.next();
    }

    // Skips to where the container open at `depth` is the innermost again
    // (after a bad value somewhere inside it). False on a syntax error.
    bool skipTo(int depth)
    {
        while (m_r.depth() > depth) {
            const Token t = m_r.next();
            if (t == Token::Error || t == Token::EndOfInput)
                return false;
        }
        return true;
    }

    bool broken() const { return m_r.hasError(); }

    // The current token as a value: scalars described, containers skipped.
    Seen seen()
    {
        Held held;
        hold(held);
        return seenOf(held);
    }

    // The current token kept as it is (a container skipped), so that a
    // phase's values cost no string unless a message or a name needs one.
    void hold(Held &h)
    {
        h.token = m_r.token();
        switch (h.token) {
        case Token::Bool: h.boolean = m_r.boolean(); break;
        case Token::Number: {
            const json::Number n = m_r.number();
            h.number = n.value;
            h.overflow = n.overflow;
            if (n.overflow)
                h.text.assign(m_r.text());
            break;
        }
        case Token::String: h.text.assign(m_r.text()); break;
        case Token::BeginArray:
        case Token::BeginObject: m_r.skipContainer(); break;
        case Token::Null: break;
        default: h.token = Token::None; break;
        }
    }

    static Seen seenOf(const Held &h)
    {
        Seen s;
        s.present = true;
        switch (h.token) {
        case Token::Null: s.text = QStringLiteral("null"); break;
        case Token::Bool: s.text = h.boolean ? QStringLiteral("true") : QStringLiteral("false"); break;
        case Token::Number:
            s.isNumber = true;
            s.number = h.number;
            // Beyond double: the literal itself, not "inf".
            if (h.overflow)
                s.text = QString::fromUtf8(h.text.data(), qsizetype(h.text.size()));
            break;
        case Token::String: {
            QString text = QString::fromUtf8(h.text.data(), qsizetype(h.text.size()));
            s.isString = true;
            s.string = text;
            if (text.size() > 40)
                text = text.left(40) + QStringLiteral("…");
            // Echoed in messages: a value like "\u001b[2J" must not clear the terminal.
            s.text = QLatin1Char('"') + printable(text) + QLatin1Char('"');
            break;
        }
        case Token::BeginArray: s.text = QStringLiteral("an array"); break;
        case Token::BeginObject: s.text = QStringLiteral("an object"); break;
        default: s.present = false; break;
        }
        return s;
    }

    // After a "name" key: the name, or why it is not one. `where` makes
    // the place's name, only for a message.
    template <typename Where>
    QString readName(const Where &where, QString *out)
    {
        const Token t = m_r.next();
        if (t == Token::Error)
            return {};
        if (t != Token::String)
            return QStringLiteral("%1: must be a string (got %2)").arg(where(), seen().shown());
        *out = m_r.toQString();
        if (out->size() > maxNameChars)
            return QStringLiteral("%1: at most %2 characters (got %3)").arg(where()).arg(maxNameChars).arg(out->size());
        return {};
    }

    // Any other key: its value kept verbatim for the round trip.
    void readExtra(QJsonObject &extra)
    {
        const QString key = m_r.toQString();
        if (m_r.readRawValue(m_raw))
            extra.insert(key, toJsonValue(m_raw));
    }

    QString readRoot(TaskSet &set)
    {
        m_set = &set;
        const Token t = m_r.next();
        if (t == Token::Error)
            return {};
        if (t != Token::BeginObject)
            return QStringLiteral("top level: must be an object with \"tasks\" (got %1)").arg(seen().shown());
        QString nameError, tasksError;
        bool haveTasks = false;
        while (!broken()) {
            const Token k = m_r.next();
            if (k != Token::Key)
                break; // EndObject, or an error
            const std::string_view key = m_r.text();
            if (key == "name") {
                nameError = readName([] { return QStringLiteral("name"); }, &set.name);
            } else if (key == "tasks") {
                haveTasks = true; // the last "tasks" counts, as in QJsonObject
                set.tasks.clear();
                // A task takes at least ~24 bytes of text ({"phases":[{"io":1}]}):
                // room for the tasks the file can hold, so the list is not
                // moved while it grows (at most the file's size in memory).
                if (m_sizeHint > 0)
                    set.tasks.reserve(std::size_t(std::min<std::int64_t>(m_sizeHint / 64, limits::maxTasks)));
                tasksError = readTasks(set.tasks);
                if (!skipTo(1))
                    break;
            } else {
                readExtra(set.extra);
            }
        }
        if (!nameError.isEmpty())
            return nameError;
        if (!haveTasks)
            return QStringLiteral("tasks: missing (expected an array of tasks)");
        return tasksError;
    }

    // Reads an array's elements (its '[' just read), calling `element(index)`
    // with the element's first token current, for the first `limit`; after
    // the first error, and past the limit, elements are only counted (for
    // the limit's message). Returns the count and the first error.
    template<typename Element>
    std::pair<std::size_t, QString> readElements(std::size_t limit, Element element)
    {
        const int depth = m_r.depth();
        std::size_t count = 0;
        QString firstError;
        while (!broken()) {
            const Token t = m_r.next();
            if (t == Token::EndArray || t == Token::Error)
                break;
            ++count;
            if (!firstError.isEmpty() || count > limit) {
                if (t == Token::BeginArray || t == Token::BeginObject)
                    m_r.skipContainer();
                continue;
            }
            firstError = element(count - 1);
            if (!skipTo(depth))
                break;
        }
        return {count, firstError};
    }

    QString readTasks(std::vector<Task> &tasks)
    {
        if (m_r.next() != Token::BeginArray)
            return broken() ? QString() : QStringLiteral("tasks: must be an array of tasks (got %1)").arg(seen().shown());
        const auto [count, firstError] = readElements(limits::maxTasks, [&](std::size_t i) {
            Task task;
            QString error = readTask(i, task);
            if (error.isEmpty()) {
                if (task.name.isEmpty())
                    task.name = QStringLiteral("task %1").arg(i);
                tasks.push_back(std::move(task));
            }
            return error;
        });
        if (count > limits::maxTasks) {
            tasks = {};
            return QStringLiteral("tasks: at most %1 tasks (got %2)").arg(limits::maxTasks).arg(count);
        }
        if (count == 0)
            return QStringLiteral("tasks: must hold at least one task");
        return firstError;
    }

    static QString taskWhere(std::size_t i) { return QStringLiteral("tasks[%1]").arg(i); }

    // The current token starts task i.
    QString readTask(std::size_t i, Task &task)
    {
        if (m_r.token() != Token::BeginObject)
            return QStringLiteral("%1: must be an object with \"phases\" (got %2)").arg(taskWhere(i), seen().shown());
        const int depth = m_r.depth();
        QString nameError, phasesError;
        bool havePhases = false;
        while (!broken()) {
            const Token k = m_r.next();
            if (k != Token::Key)
                break;
            const std::string_view key = m_r.text();
            if (key == "name") {
                nameError = readName([i] { return taskWhere(i) + QStringLiteral(".name"); }, &task.name);
            } else if (key == "phases") {
                havePhases = true;
                // Gathered in a reused buffer, then copied at their exact
                // size: one allocation per task instead of one per doubling.
                m_phases.clear();
                phasesError = readPhases(i, m_phases);
                // Each phase is fine on its own: now whether its locks pair up.
                if (phasesError.isEmpty() && !broken())
                    phasesError = lockDisciplineProblem(m_phases, m_set->names, i);
                task.phases.assign(m_phases.begin(), m_phases.end());
                if (!skipTo(depth))
                    break;
            } else {
                readExtra(task.extra);
            }
        }
        if (!nameError.isEmpty())
            return nameError;
        if (!havePhases)
            return QStringLiteral("%1.phases: must be an array of phases (got nothing)").arg(taskWhere(i));
        return phasesError;
    }

    QString readPhases(std::size_t i, std::vector<Phase> &phases)
    {
        if (m_r.next() != Token::BeginArray)
            return broken() ? QString()
                            : QStringLiteral("%1.phases: must be an array of phases (got %2)").arg(taskWhere(i), seen().shown());
        const auto [count, firstError] = readElements(limits::maxPhasesPerTask, [&](std::size_t j) {
            // Read in place: a Phase written field by field and then
            // copied whole would wait for its stores to land.
            phases.emplace_back();
            return readPhase(i, j, phases.back());
        });
        if (count > limits::maxPhasesPerTask)
            return QStringLiteral("%1.phases: at most %2 phases per task (got %3)")
                .arg(taskWhere(i)).arg(limits::maxPhasesPerTask).arg(count);
        if (count == 0)
            return QStringLiteral("%1.phases: must hold at least one phase").arg(taskWhere(i));
        return firstError;
    }

    // The index of a lock's or counter's name, each name stored once.
    std::uint32_t nameId(const QString &name)
    {
        const auto it = m_nameIds.constFind(name);
        if (it != m_nameIds.constEnd())
            return *it;
        const auto id = std::uint32_t(m_set->names.size());
        m_set->names.push_back(name);
        m_nameIds.insert(name, id);
        return id;
    }

    // The value of "acquire", "release" or "increment": a non-empty name.
    static QString nameProblem(const QString &where, const char *key, const char *what, const Seen &value)
    {
        if (!value.isString)
            return QStringLiteral("%1.%2: must be a string naming a %3 (got %4)")
                .arg(where, QLatin1String(key), QLatin1String(what), value.shown());
        if (value.string.isEmpty())
            return QStringLiteral("%1.%2: must name a %3 (got \"\")").arg(where, QLatin1String(key), QLatin1String(what));
        if (value.string.size() > maxNameChars)
            return QStringLiteral("%1.%2: at most %3 characters (got %4)")
                .arg(where, QLatin1String(key)).arg(maxNameChars).arg(value.string.size());
        return {};
    }

    // The current token starts phase j of task i: {"cpu": ms}, {"io": ms},
    // {"acquire": lock}, {"release": lock} or {"increment": counter,
    // "times": n} with an optional "io": ms between each read and write.
    QString readPhase(std::size_t i, std::size_t j, Phase &phase)
    {
        const auto where = [&] { return QStringLiteral("%1.phases[%2]").arg(taskWhere(i)).arg(j); };
        if (m_r.token() != Token::BeginObject)
            return QStringLiteral("%1: must be an object like {\"cpu\": 5} or {\"io\": 20} (got %2)").arg(where(), seen().shown());
        enum Key { Cpu, Io, Acquire, Release, IncrementKey, Times, KeyCount };
        static constexpr std::string_view keyNames[KeyCount] = {"cpu", "io", "acquire", "release", "increment", "times"};
        Held *values = m_held;
        for (int k = 0; k < KeyCount; ++k)
            values[k].token = Token::None;
        QStringList others; // any other key makes the phase wrong
        int keys = 0;
        while (!broken()) {
            const Token k = m_r.next();
            if (k != Token::Key)
                break;
            ++keys;
            const std::string_view key = m_r.text();
            const auto known = std::find(std::begin(keyNames), std::end(keyNames), key);
            if (known != std::end(keyNames)) {
                if (m_r.next() == Token::Error)
                    break;
                hold(values[known - std::begin(keyNames)]); // a repeated key: the last one counts
            } else {
                const QString name = m_r.toQString();
                if (!others.contains(name))
                    others << name;
                m_r.skipValue();
            }
        }
        if (broken())
            return {};
        const bool increment = values[IncrementKey].present();
        // The keys that say what the phase is: exactly one. An increment's
        // "io" is its own field, not a second kind.
        int kinds = 0;
        for (Key k : {Cpu, Acquire, Release, IncrementKey})
            kinds += values[k].present() ? 1 : 0;
        if (!increment && values[Io].present())
            ++kinds;
        const bool strayTimes = !increment && values[Times].present();
        if (keys == 0 || !others.isEmpty() || kinds != 1 || strayTimes) {
            QStringList all = others;
            for (int k = 0; k < KeyCount; ++k)
                if (values[k].present())
                    all << QString::fromLatin1(keyNames[k].data(), qsizetype(keyNames[k].size()));
            all.sort(); // as the keys of a JSON object are listed
            return QStringLiteral("%1: must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, "
                                  "{\"release\": lock}, {\"increment\": counter, \"times\": n} (got %2)")
                .arg(where(), all.isEmpty() ? QStringLiteral("no keys")
                                            : QStringLiteral("keys ") + printable(all.join(QLatin1String(", "))));
        }
        if (values[Acquire].present() || values[Release].present()) {
            const bool acquire = values[Acquire].present();
            const Seen value = seenOf(values[acquire ? Acquire : Release]);
            const QString problem = nameProblem(where(), acquire ? "acquire" : "release", "lock", value);
            if (!problem.isEmpty())
                return problem;
            phase = Phase(acquire ? PhaseKind::Acquire : PhaseKind::Release, nameId(value.string), 0);
            return {};
        }
        if (increment)
            return readIncrement(where(), seenOf(values[IncrementKey]), seenOf(values[Times]), seenOf(values[Io]), phase);
        phase.kind = values[Cpu].present() ? PhaseKind::Cpu : PhaseKind::Io;
        const Held &value = values[Cpu].present() ? values[Cpu] : values[Io];
        if (!value.finiteNumber() || value.number < 0 || value.number > limits::maxPhaseMs)
            return QStringLiteral("%1.%2: must be a number >= 0 and <= 3600000 ms (got %3)")
                .arg(where(), values[Cpu].present() ? QStringLiteral("cpu") : QStringLiteral("io"), seenOf(value).shown());
        phase.ms = value.number;
        return {};
    }

    QString readIncrement(const QString &where, const Seen &name, const Seen &times, const Seen &io, Phase &phase)
    {
        QString problem = nameProblem(where, "increment", "counter", name);
        if (!problem.isEmpty())
            return problem;
        const bool wholeTimes = times.isNumber && std::isfinite(times.number) && std::floor(times.number) == times.number
                                && times.number >= 1 && times.number <= double(limits::maxIncrementTimes);
        if (!wholeTimes)
            return QStringLiteral("%1.times: must be a whole number from 1 to %2 (got %3)")
                .arg(where).arg(limits::maxIncrementTimes)
                .arg(times.present ? times.shown() : QStringLiteral("nothing"));
        Increment inc;
        inc.times = std::int64_t(times.number);
        if (io.present) {
            if (!io.isNumber || !std::isfinite(io.number) || io.number < 0 || io.number > limits::maxPhaseMs)
                return QStringLiteral("%1.io: must be a number >= 0 and <= 3600000 ms (got %2)").arg(where, io.shown());
            inc.ioMs = io.number;
        }
        problem = incrementProblem(inc, where);
        if (!problem.isEmpty())
            return problem;
        inc.counter = nameId(name.string);
        m_set->increments.push_back(inc);
        phase = Phase(PhaseKind::Increment, std::uint32_t(m_set->increments.size() - 1), 0);
        return {};
    }

    QString syntaxError() const
    {
        const json::Error &e = m_r.error();
        const QByteArray head = m_bytesAt(0, 2);
        // A UTF-16/32 file fails on its first byte; say what it is instead.
        if (head.startsWith("\xff\xfe") || head.startsWith("\xfe\xff"))
            return QStringLiteral("not valid JSON: the file is UTF-16 (or UTF-32) encoded; save it as UTF-8");
        if (e.code == json::ErrorCode::Truncated && e.reason.startsWith(QLatin1String("no JSON value"))) {
            return e.offset == 0 ? QStringLiteral("the file is empty: expected a JSON object with \"tasks\"")
                                 : QStringLiteral("the file holds only whitespace: expected a JSON object with \"tasks\"");
        }
        if (e.code == json::ErrorCode::ReadFailed)
            return QStringLiteral("cannot read: %1").arg(e.reason);
        const std::int64_t from = std::max<std::int64_t>(0, e.offset - 12);
        const QByteArray near = m_bytesAt(from, e.offset + 12 - from);
        QString message = QStringLiteral("not valid JSON at line %1, column %2 (byte %3): %4, near: %5")
                              .arg(e.line).arg(e.column).arg(e.offset).arg(e.reason, printableBytes(near));
        const QByteArray at = m_bytesAt(std::max<std::int64_t>(0, e.offset - 1), 10);
        const auto wordAt = [&](const char *w) { return at.startsWith(w) || at.mid(1).startsWith(w); };
        if (wordAt("NaN") || wordAt("Infinity") || wordAt("-Infinity"))
            message += QStringLiteral(" (NaN and Infinity are not JSON numbers)");
        else if (e.code == json::ErrorCode::TooDeep)
            message += QStringLiteral(" (at most 512 levels of [ or {)");
        else if (e.code == json::ErrorCode::UnexpectedCharacter && m_r.depth() == 0)
            message += QStringLiteral(" (a task set starts with {)");
        return message;
    }

    json::JsonReader m_r;
    TaskSet *m_set = nullptr; // being read: its names and increments grow with the phases
    QHash<QString, std::uint32_t> m_nameIds;
    const BytesAt &m_bytesAt;
    QByteArray m_raw;
    std::vector<Phase> m_phases;
    Held m_held[6]; // a phase's values by key (readPhase)
    std::int64_t m_sizeHint;
};

} // namespace

TaskSetResult readTaskSet(json::JsonSource &source, const BytesAt &bytesAt, std::int64_t sizeHint)
{
    return Reader(source, bytesAt, sizeHint).read();
}

} // namespace il
