#include "ui/window/tasktablemodel.h"

#include "core/analysis/advisor.h"

#include <QBrush>
#include <QColor>
#include <QRegularExpression>

namespace ui {

TaskTableModel::TaskTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TaskTableModel::setTaskSet(il::TaskSet set)
{
    beginResetModel();
    m_set = std::move(set);
    m_errorRow = -1;
    endResetModel();
    setError(QString(), -1);
}

int TaskTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_set.tasks.size());
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

// A lock's or counter's name as typed in the table: bare when it has no
// space, comma, semicolon or quote, else in double quotes.
QString nameText(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[^\\s,;\"\\\\]+$"));
    if (plain.match(name).hasMatch())
        return name;
    QString quoted = name;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString unquote(const QString &token)
{
    if (!token.startsWith(QLatin1Char('"')))
        return token;
    QString out;
    for (qsizetype i = 1; i + 1 < token.size(); ++i) {
        if (token[i] == QLatin1Char('\\') && i + 2 < token.size())
            ++i;
        out += token[i];
    }
    return out;
}

} // namespace

QString TaskTableModel::phasesText(const il::TaskSet &set, const il::Task &task)
{
    QStringList parts;
    for (const il::Phase &p : task.phases) {
        const QString kind = QString::fromLatin1(il::phaseKindName(p.kind));
        switch (p.kind) {
        case il::PhaseKind::Cpu:
        case il::PhaseKind::Io: parts << QStringLiteral("%1 %2").arg(kind).arg(p.ms, 0, 'g', 6); break;
        case il::PhaseKind::Acquire:
        case il::PhaseKind::Release: parts << QStringLiteral("%1 %2").arg(kind, nameText(set.nameOf(p))); break;
        case il::PhaseKind::Increment: {
            const il::Increment &inc = set.incrementOf(p);
            QString text = QStringLiteral("%1 %2 ×%3").arg(kind, nameText(set.names[inc.counter])).arg(inc.times);
            if (inc.hasIo())
                text += QStringLiteral(" io %1").arg(inc.ioMs, 0, 'g', 6);
            parts << text;
            break;
        }
        }
    }
    return parts.join(QStringLiteral(", "));
}

std::optional<std::vector<il::Phase>> TaskTableModel::parsePhases(const QString &text, il::TaskSet &set,
                                                                  QString *error)
{
    static const QString number = QStringLiteral("([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)");
    static const QString name = QStringLiteral("(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;\"]+)");
    static const QString end = QStringLiteral("\\s*[,;]?");
    static const QRegularExpression timed(QStringLiteral("^\\s*(cpu|io)\\s*[:=]?\\s*") + number + QStringLiteral("\\s*(?:ms)?") + end,
                                          QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression lock(QStringLiteral("^\\s*(acquire|release)\\s+") + name + end,
                                         QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression increment(QStringLiteral("^\\s*increment\\s+") + name
                                                  + QStringLiteral("\\s*(?:[x×*]\\s*|\\s)([0-9]+)(?:\\s+io\\s*[:=]?\\s*")
                                                  + number + QStringLiteral("\\s*(?:ms)?)?") + end,
                                              QRegularExpression::CaseInsensitiveOption);
    std::vector<il::Phase> phases;
    QString rest = text.trimmed();
    while (!rest.isEmpty()) {
        QRegularExpressionMatch m = timed.match(rest);
        if (m.hasMatch()) {
            const auto kind = m.captured(1).compare(QLatin1String("cpu"), Qt::CaseInsensitive) == 0 ? il::PhaseKind::Cpu
                                                                                                   : il::PhaseKind::Io;
            phases.emplace_back(kind, m.captured(2).toDouble());
        } else if ((m = lock.match(rest)).hasMatch()) {
            const auto kind = m.captured(1).compare(QLatin1String("acquire"), Qt::CaseInsensitive) == 0
                                  ? il::PhaseKind::Acquire
                                  : il::PhaseKind::Release;
            phases.emplace_back(kind, set.nameId(unquote(m.captured(2))), 0.0);
        } else if ((m = increment.match(rest)).hasMatch()) {
            il::Increment inc;
            inc.counter = set.nameId(unquote(m.captured(1)));
            bool ok = false;
            inc.times = m.captured(2).toLongLong(&ok);
            if (!ok)
                inc.times = 0; // beyond int64: refused by validation with the limit
            if (m.hasCaptured(3))
                inc.ioMs = m.captured(3).toDouble();
            set.increments.push_back(inc);
            phases.emplace_back(il::PhaseKind::Increment, std::uint32_t(set.increments.size() - 1), 0.0);
        } else {
            if (error)
                *error = QStringLiteral("phases: expected e.g. \"io 80, cpu 20\", \"acquire A\", \"release A\" "
                                        "or \"increment hits ×1000\" (got \"%1\")")
                             .arg(rest.left(30));
            return std::nullopt;
        }
        rest = rest.mid(m.capturedLength()).trimmed();
    }
    return phases;
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const il::Task &task = m_set.tasks[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case NameColumn: return task.name;
        case PhasesColumn: return phasesText(m_set, task);
        case CpuColumn: return role == Qt::EditRole ? QVariant(task.cpuMs()) : QVariant(il::formatDurationMs(task.cpuMs()));
        case IoColumn: return role == Qt::EditRole ? QVariant(task.ioMs()) : QVariant(il::formatDurationMs(task.ioMs()));
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= CpuColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::BackgroundRole:
        if (index.row() == m_errorRow)
            return QBrush(QColor(0xd5, 0x5e, 0x00, 60));
        break;
    case Qt::ToolTipRole:
        if (index.row() == m_errorRow && !m_error.isEmpty())
            return m_error;
        if (index.column() == PhasesColumn)
            return tr("Phases in order, e.g. \"io 80, cpu 20\" (milliseconds), \"acquire A\", \"release A\", "
                      "\"increment hits ×1000\" (read, work, write 1000 times; add \"io 1\" to wait between read and write)");
        break;
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section;
    switch (section) {
    case NameColumn: return tr("Task");
    case PhasesColumn: return tr("Phases (ms)");
    case CpuColumn: return tr("cpu");
    case IoColumn: return tr("io");
    }
    return {};
}

Qt::ItemFlags TaskTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == NameColumn || index.column() == PhasesColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

bool TaskTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || index.row() >= rowCount())
        return false;
    const auto row = static_cast<std::size_t>(index.row());
    il::TaskSet candidate = m_set;
    il::Task &task = candidate.tasks[row];
    if (index.column() == NameColumn) {
        task.name = value.toString().trimmed();
    } else if (index.column() == PhasesColumn) {
        QString error;
        auto phases = parsePhases(value.toString(), candidate, &error);
        if (!phases) {
            setError(QStringLiteral("tasks[%1].%2").arg(row).arg(error), index.row());
            return false;
        }
        task.phases = std::move(*phases);
    } else {
        return false;
    }
    const QString error = il::validateTaskSet(candidate);
    if (!error.isEmpty()) {
        setError(error, index.row());
        return false;
    }
    m_set = std::move(candidate);
    setError(QString(), -1);
    emit dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    emit taskSetEdited();
    return true;
}

bool TaskTableModel::addTask()
{
    if (m_set.tasks.size() >= il::limits::maxTasks)
        return false;
    const int row = rowCount();
    il::Task task;
    task.name = QStringLiteral("task-%1").arg(row + 1);
    task.phases = {{il::PhaseKind::Io, 50}, {il::PhaseKind::Cpu, 10}};
    beginInsertRows({}, row, row);
    m_set.tasks.push_back(std::move(task));
    endInsertRows();
    setError(QString(), -1);
    emit taskSetEdited();
    return true;
}

bool TaskTableModel::removeTasks(QList<int> rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (rows.isEmpty() || static_cast<std::size_t>(rows.size()) >= m_set.tasks.size()) {
        setError(tr("A task set needs at least one task."), -1);
        return false;
    }
    for (int row : rows) {
        if (row < 0 || row >= rowCount())
            continue;
        beginRemoveRows({}, row, row);
        m_set.tasks.erase(m_set.tasks.begin() + row);
        endRemoveRows();
    }
    setError(QString(), -1);
    emit taskSetEdited();
    return true;
}

void TaskTableModel::setError(const QString &error, int row)
{
    const int oldRow = m_errorRow;
    m_errorRow = row;
    if (oldRow >= 0 && oldRow < rowCount())
        emit dataChanged(index(oldRow, 0), index(oldRow, ColumnCount - 1));
    if (row >= 0 && row < rowCount())
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    if (error != m_error) {
        m_error = error;
        emit errorChanged(error);
    }
}

} // namespace ui
