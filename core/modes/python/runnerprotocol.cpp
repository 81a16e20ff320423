#include "core/modes/python/runnerprotocol.h"

#include <QList>

#include <charconv>

namespace il::runner {

namespace {

// Splits off the next space-separated field of [p, end).
bool nextInt(const char *&p, const char *end, std::int64_t *value)
{
    while (p < end && *p == ' ')
        ++p;
    const auto [q, ec] = std::from_chars(p, end, *value);
    if (ec != std::errc() || q == p || (q < end && *q != ' '))
        return false;
    p = q;
    return true;
}

// What a runner can see go wrong; everything else about a run the engine
// sees for itself.
bool runnerMaySend(IncidentKind kind)
{
    using K = IncidentKind;
    return kind == K::WorkerCrashed || kind == K::WorkerExited || kind == K::TaskRaised || kind == K::WorkerLost
           || kind == K::TasksLost || kind == K::Deadlock;
}

bool validEventKind(std::int64_t k) { return k >= 0 && k <= int(EventKind::SpanEnd); }

bool validSpanKind(std::int64_t s)
{
    return (s >= 0 && s <= int(SpanKind::LockWait)) || s == int(SpanKind::None);
}

QString textAfter(const QByteArray &line, int skip)
{
    return QString::fromUtf8(line.mid(skip)).trimmed();
}

} // namespace

QString parseLine(const QByteArray &line, Record *out)
{
    if (line.isEmpty())
        return QStringLiteral("an empty line");
    const char first = line.at(0);
    if (first >= '0' && first <= '9') {
        std::int64_t v[7];
        const char *p = line.constData(), *end = p + line.size();
        for (auto &x : v)
            if (!nextInt(p, end, &x))
                return QStringLiteral("an event line needs 7 whole numbers");
        while (p < end && *p == ' ')
            ++p;
        if (p != end)
            return QStringLiteral("an event line has more than 7 fields");
        if (v[0] <= 0)
            return QStringLiteral("a timestamp must be > 0");
        if (!validEventKind(v[1]))
            return QStringLiteral("unknown event kind %1").arg(v[1]);
        if (v[2] < 0 || v[2] > 0xffffffffLL || v[3] < 0 || v[3] > 0xffff || v[4] < 0 || v[4] > 0xffff
            || v[6] < 0 || v[6] > 0xffffffffLL)
            return QStringLiteral("task, lane, phase or cpu time out of range");
        if (!validSpanKind(v[5]))
            return QStringLiteral("unknown span kind %1").arg(v[5]);
        const auto kind = EventKind(v[1]);
        const bool edge = kind == EventKind::SpanBegin || kind == EventKind::SpanEnd;
        if (edge == (v[5] == int(SpanKind::None)))
            return edge ? QStringLiteral("a span edge without a span kind")
                        : QStringLiteral("a task event with a span kind");
        out->type = RecordType::Event;
        out->event = Event{v[0], std::uint32_t(v[2]), std::uint16_t(v[3]), std::uint16_t(v[4]), kind,
                           SpanKind(v[5]), std::uint32_t(v[6])};
        return QString();
    }
    if (line.size() >= 2 && line.at(1) != ' ')
        return QStringLiteral("unknown record");
    switch (first) {
    case 'H': {
        const QList<QByteArray> f = line.split(' ');
        bool ok[3] = {};
        if (f.size() != 5)
            return QStringLiteral("a hello needs version, pid, Python version and time");
        out->type = RecordType::Hello;
        out->version = f[1].toInt(&ok[0]);
        out->pid = f[2].toLongLong(&ok[1]);
        out->text = QString::fromUtf8(f[3]);
        out->tNs = f[4].toLongLong(&ok[2]);
        if (!ok[0] || !ok[1] || !ok[2] || out->pid <= 0 || out->tNs <= 0)
            return QStringLiteral("a malformed hello");
        return QString();
    }
    case 'L': {
        const int space = line.indexOf(' ', 2);
        bool ok = false;
        out->lane = line.mid(2, space < 0 ? -1 : space - 2).toInt(&ok);
        if (!ok || out->lane < 0 || out->lane >= 0xffff)
            return QStringLiteral("a lane line needs a lane number");
        out->type = RecordType::Lane;
        out->text = space < 0 ? QString() : textAfter(line, space + 1);
        return QString();
    }
    case 'N': {
        // N <kind> <lane> <pid> <task> <value> <detail>: -1 for no lane / task.
        const int space = line.indexOf(' ', 2);
        const auto kind = space < 0 ? std::nullopt : incidentKindFromName(QString::fromLatin1(line.mid(2, space - 2)));
        if (!kind || !runnerMaySend(*kind))
            return QStringLiteral("an incident needs a kind a runner may report");
        std::int64_t v[4];
        const char *p = line.constData() + space, *end = line.constData() + line.size();
        for (auto &x : v)
            if (!nextInt(p, end, &x))
                return QStringLiteral("an incident needs lane, pid, task and value");
        if (v[0] < -1 || v[0] >= 0xffff || v[1] < 0 || v[2] < -1 || v[2] >= 0xffffffffLL)
            return QStringLiteral("an incident's lane, pid or task is out of range");
        out->type = RecordType::Note;
        out->incident = Incident{};
        out->incident.kind = *kind;
        out->incident.lane = v[0] < 0 ? noLane : std::uint16_t(v[0]);
        out->incident.pid = v[1];
        out->incident.task = v[2] < 0 ? noTask : std::uint32_t(v[2]);
        out->incident.value = v[3];
        out->incident.detail = textAfter(line, int(p - line.constData()));
        return QString();
    }
    case 'X': out->type = RecordType::Error; out->text = textAfter(line, 2); return QString();
    case 'C': {
        // C <within_ns> <how>
        std::int64_t within = -1;
        const char *p = line.constData() + 1, *end = line.constData() + line.size();
        if (!nextInt(p, end, &within) || within < 0)
            return QStringLiteral("a clock line needs the alignment's uncertainty in ns");
        out->type = RecordType::Clock;
        out->tNs = within;
        out->text = textAfter(line, int(p - line.constData()));
        return QString();
    }
    case 'K':
    case 'Y':
    case 'F': {
        // K <counter> <expected> <final>; Y <lock> and five figures; F <lock>
        // and four (from, to, release, acquired); all >= 0.
        const int count = first == 'K' ? 2 : first == 'Y' ? 5 : 4;
        const char *p = line.constData() + 1, *end = line.constData() + line.size();
        if (!nextInt(p, end, &out->name) || out->name < 0 || out->name > 0xffffffffLL)
            return QStringLiteral("a shared-state line needs the index of its name");
        for (int k = 0; k < count; ++k)
            if (!nextInt(p, end, &out->values[k]) || out->values[k] < 0)
                return QStringLiteral("a shared-state line needs %1 figures >= 0").arg(count);
        if (p != end)
            return QStringLiteral("a shared-state line has more than %1 figures").arg(count);
        out->type = first == 'K' ? RecordType::Counter : first == 'Y' ? RecordType::LockStat : RecordType::Handoff;
        return QString();
    }
    case 'D':
        if (line.size() != 1)
            return QStringLiteral("unknown record");
        out->type = RecordType::Done;
        return QString();
    default: break;
    }
    return QStringLiteral("unknown record");
}

LineParser::Status LineParser::fail(const QString &why, const QByteArray &line)
{
    m_error = QStringLiteral("%1 (line \"%2\")").arg(why, QString::fromUtf8(line.left(80)));
    return Status::Error;
}

LineParser::Status LineParser::next(Record *out)
{
    if (!m_error.isEmpty())
        return Status::Error;
    const qsizetype nl = m_buffer.indexOf('\n', m_pos);
    if (nl < 0) {
        if (pending() > maxLineBytes)
            return fail(QStringLiteral("a line longer than %1 bytes").arg(maxLineBytes), m_buffer.mid(m_pos));
        // Keep memory to the incomplete line.
        if (m_pos > 0) {
            m_buffer.remove(0, m_pos);
            m_pos = 0;
        }
        return Status::NeedMore;
    }
    const QByteArray line = m_buffer.mid(m_pos, nl - m_pos);
    m_pos = nl + 1;
    const QString why = parseLine(line, out);
    if (!why.isEmpty())
        return fail(why, line);
    return Status::Record;
}

} // namespace il::runner
