#include "core/model/taskset.h"

#include "core/base/wording.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <algorithm>
#include <cmath>

#include <sys/stat.h>

namespace il {

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

namespace {

QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', 12);
    case QJsonValue::String: {
        QString s = v.toString();
        if (s.size() > 40)
            s = s.left(40) + QStringLiteral("…");
        // Echoed in messages: a value like "\u001b[2J" must not clear the terminal.
        return QLatin1Char('"') + printable(s) + QLatin1Char('"');
    }
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: return QStringLiteral("nothing");
    }
    return QString();
}

// Names end up in table cells, tooltips and trace files: a 50 MB "name" is a
// broken file, not a name.
constexpr qsizetype maxNameChars = 1000;

QString checkName(const QString &where, const QJsonValue &v)
{
    if (!v.isUndefined() && !v.isString())
        return QStringLiteral("%1: must be a string (got %2)").arg(where, describe(v));
    const qsizetype n = v.toString().size();
    if (n > maxNameChars)
        return QStringLiteral("%1: at most %2 characters (got %3)").arg(where).arg(maxNameChars).arg(n);
    return QString();
}

// The bytes around a parse error, printable ASCII as is and the rest as \xNN,
// so a stray NUL, a NaN or a Latin-1 byte shows up in the message.
QString snippetAt(const QByteArray &json, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, json.size());
    const qsizetype from = std::max<qsizetype>(0, offset - 12);
    const qsizetype to = std::min<qsizetype>(json.size(), offset + 12);
    QString out;
    for (qsizetype i = from; i < to; ++i) {
        const auto c = static_cast<unsigned char>(json[i]);
        if (c == '\n')
            out += QStringLiteral("\\n");
        else if (c >= 0x20 && c < 0x7f)
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
    }
    return out;
}

QString jsonError(const QByteArray &json, const QJsonParseError &perr)
{
    // A UTF-16/32 file fails on its first byte; say what it is instead.
    if (json.startsWith("\xff\xfe") || json.startsWith("\xfe\xff"))
        return QStringLiteral("not valid JSON: the file is UTF-16 (or UTF-32) encoded; save it as UTF-8");
    const qsizetype offset = std::clamp<qsizetype>(perr.offset, 0, json.size());
    const QByteArray before = json.left(offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    QString message = QStringLiteral("not valid JSON at line %1, column %2 (byte %3): %4, near: %5")
                          .arg(line).arg(column).arg(offset).arg(perr.errorString(), snippetAt(json, offset));
    const QByteArray rest = json.mid(offset, 9);
    if (perr.error == QJsonParseError::IllegalNumber
        && (rest.startsWith("NaN") || rest.startsWith("Infinity") || rest.startsWith("-Infinity")))
        message += QStringLiteral(" (NaN and Infinity are not JSON numbers)");
    else if (perr.error == QJsonParseError::IllegalNumber)
        message += QStringLiteral(" (a JSON number: digits, optional fraction and exponent, within ±1.8e308)");
    else if (perr.error == QJsonParseError::DeepNesting)
        message += QStringLiteral(" (more than 1024 levels of [ or {)");
    else if (perr.error == QJsonParseError::IllegalValue && offset <= 1) {
        const QByteArray head = json.trimmed();
        if (!head.startsWith('{') && !head.startsWith('['))
            message += QStringLiteral(" (a task set starts with {)");
    }
    return message;
}

QString checkDuration(const QString &where, const QJsonValue &v, double *out)
{
    const QString bad = QStringLiteral("%1: must be a number >= 0 and <= 3600000 ms (got %2)");
    if (!v.isDouble())
        return bad.arg(where, describe(v));
    const double ms = v.toDouble();
    if (!std::isfinite(ms) || ms < 0 || ms > limits::maxPhaseMs)
        return bad.arg(where, describe(v));
    *out = ms;
    return QString();
}

QString parsePhase(const QString &where, const QJsonValue &v, Phase *out)
{
    if (!v.isObject())
        return QStringLiteral("%1: must be an object like {\"cpu\": 5} or {\"io\": 20} (got %2)")
            .arg(where, describe(v));
    const QJsonObject o = v.toObject();
    const bool hasCpu = o.contains(QLatin1String("cpu"));
    const bool hasIo = o.contains(QLatin1String("io"));
    if (o.size() != 1 || hasCpu == hasIo) {
        QStringList keys = o.keys();
        return QStringLiteral("%1: must have exactly one key, \"cpu\" or \"io\" (got %2)")
            .arg(where, keys.isEmpty() ? QStringLiteral("no keys")
                                       : QStringLiteral("keys ") + printable(keys.join(QLatin1String(", "))));
    }
    out->kind = hasCpu ? PhaseKind::Cpu : PhaseKind::Io;
    const QString key = hasCpu ? QStringLiteral("cpu") : QStringLiteral("io");
    return checkDuration(where + QLatin1Char('.') + key, o.value(key), &out->ms);
}

QString parseTask(const QString &where, const QJsonValue &v, Task *out)
{
    if (!v.isObject())
        return QStringLiteral("%1: must be an object with \"phases\" (got %2)").arg(where, describe(v));
    QJsonObject o = v.toObject();
    const QJsonValue name = o.value(QLatin1String("name"));
    if (QString err = checkName(where + QStringLiteral(".name"), name); !err.isEmpty())
        return err;
    out->name = name.toString();
    const QJsonValue phases = o.value(QLatin1String("phases"));
    if (!phases.isArray())
        return QStringLiteral("%1.phases: must be an array of phases (got %2)").arg(where, describe(phases));
    const QJsonArray arr = phases.toArray();
    if (arr.isEmpty())
        return QStringLiteral("%1.phases: must hold at least one phase").arg(where);
    if (std::size_t(arr.size()) > limits::maxPhasesPerTask)
        return QStringLiteral("%1.phases: at most %2 phases per task (got %3)")
            .arg(where).arg(limits::maxPhasesPerTask).arg(arr.size());
    out->phases.resize(arr.size());
    for (qsizetype i = 0; i < arr.size(); ++i) {
        QString err = parsePhase(QStringLiteral("%1.phases[%2]").arg(where).arg(i), arr.at(i), &out->phases[i]);
        if (!err.isEmpty())
            return err;
    }
    o.remove(QLatin1String("name"));
    o.remove(QLatin1String("phases"));
    out->extra = o;
    return QString();
}

} // namespace

TaskSetResult parseTaskSet(const QByteArray &json)
{
    TaskSetResult result;
    if (json.trimmed().isEmpty()) {
        result.error = json.isEmpty() ? QStringLiteral("the file is empty: expected a JSON object with \"tasks\"")
                                      : QStringLiteral("the file holds only whitespace: expected a JSON object with \"tasks\"");
        return result;
    }
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError) {
        result.error = jsonError(json, perr);
        return result;
    }
    if (!doc.isObject()) {
        result.error = QStringLiteral("top level: must be an object with \"tasks\" (got an array)");
        return result;
    }
    QJsonObject root = doc.object();
    TaskSet set;
    const QJsonValue name = root.value(QLatin1String("name"));
    if (QString err = checkName(QStringLiteral("name"), name); !err.isEmpty()) {
        result.error = err;
        return result;
    }
    set.name = name.toString();
    const QJsonValue tasks = root.value(QLatin1String("tasks"));
    if (tasks.isUndefined()) {
        result.error = QStringLiteral("tasks: missing (expected an array of tasks)");
        return result;
    }
    if (!tasks.isArray()) {
        result.error = QStringLiteral("tasks: must be an array of tasks (got %1)").arg(describe(tasks));
        return result;
    }
    const QJsonArray arr = tasks.toArray();
    if (arr.isEmpty()) {
        result.error = QStringLiteral("tasks: must hold at least one task");
        return result;
    }
    if (std::size_t(arr.size()) > limits::maxTasks) {
        result.error = QStringLiteral("tasks: at most %1 tasks (got %2)").arg(limits::maxTasks).arg(arr.size());
        return result;
    }
    set.tasks.resize(arr.size());
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString err = parseTask(QStringLiteral("tasks[%1]").arg(i), arr.at(i), &set.tasks[i]);
        if (!err.isEmpty()) {
            result.error = err;
            return result;
        }
        if (set.tasks[i].name.isEmpty())
            set.tasks[i].name = QStringLiteral("task %1").arg(i);
    }
    root.remove(QLatin1String("name"));
    root.remove(QLatin1String("tasks"));
    set.extra = root;
    result.taskSet = std::move(set);
    return result;
}

TaskSetResult loadTaskSetFile(const QString &path)
{
    TaskSetResult result;
    const QString shown = printable(path); // a file name may hold a line break
    const QFileInfo info(path);
    if (!info.exists()) {
        result.error = QStringLiteral("%1: no such file").arg(shown);
        return result;
    }
    if (info.isDir()) {
        result.error = QStringLiteral("%1: is a directory, not a task set file").arg(shown);
        return result;
    }
    if (!info.isFile()) {
        // A FIFO would block open() forever and /dev/zero never ends.
        struct stat st {};
        const bool known = ::stat(QFile::encodeName(path).constData(), &st) == 0;
        const QString what = !known               ? QStringLiteral("a special file")
                             : S_ISFIFO(st.st_mode) ? QStringLiteral("a named pipe (FIFO)")
                             : S_ISSOCK(st.st_mode) ? QStringLiteral("a socket")
                             : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? QStringLiteral("a device")
                                                                          : QStringLiteral("a special file");
        result.error = QStringLiteral("%1: is %2, not a task set file").arg(shown, what);
        return result;
    }
    if (info.size() > limits::maxFileBytes) {
        result.error = QStringLiteral("%1: too large (%2 bytes; at most %3)")
                           .arg(shown, QString::number(info.size()), QString::number(limits::maxFileBytes));
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(shown, file.errorString());
        return result;
    }
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(shown, file.errorString());
        return result;
    }
    result = parseTaskSet(bytes);
    if (!result.ok())
        result.error = QStringLiteral("%1: %2").arg(shown, result.error);
    else if (result.taskSet->name.isEmpty())
        result.taskSet->name = info.completeBaseName();
    return result;
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
            if (!std::isfinite(p.ms) || p.ms < 0 || p.ms > limits::maxPhaseMs)
                return QStringLiteral("tasks[%1].phases[%2].%3: must be a number >= 0 and <= 3600000 ms (got %4)")
                    .arg(i).arg(j)
                    .arg(p.kind == PhaseKind::Cpu ? QStringLiteral("cpu") : QStringLiteral("io"))
                    .arg(p.ms);
        }
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
        for (const Phase &p : t.phases)
            phases.append(QJsonObject{{p.kind == PhaseKind::Cpu ? QStringLiteral("cpu") : QStringLiteral("io"), p.ms}});
        o.insert(QLatin1String("phases"), phases);
        tasks.append(o);
    }
    root.insert(QLatin1String("tasks"), tasks);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace il
