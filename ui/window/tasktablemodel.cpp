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

QString TaskTableModel::phasesText(const il::Task &task)
{
    QStringList parts;
    for (const il::Phase &p : task.phases)
        parts << QStringLiteral("%1 %2").arg(p.kind == il::PhaseKind::Cpu ? QStringLiteral("cpu")
                                                                           : QStringLiteral("io"))
                     .arg(p.ms, 0, 'g', 6);
    return parts.join(QStringLiteral(", "));
}

std::optional<std::vector<il::Phase>> TaskTableModel::parsePhases(const QString &text, QString *error)
{
    static const QRegularExpression token(
        QStringLiteral("^\\s*(cpu|io)\\s*[:=]?\\s*([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(?:ms)?\\s*[,;]?"),
        QRegularExpression::CaseInsensitiveOption);
    std::vector<il::Phase> phases;
    QString rest = text.trimmed();
    while (!rest.isEmpty()) {
        const QRegularExpressionMatch m = token.match(rest);
        if (!m.hasMatch()) {
            if (error)
                *error = QStringLiteral("phases: expected e.g. \"io 80, cpu 20\" (got \"%1\")").arg(rest.left(30));
            return std::nullopt;
        }
        il::Phase phase;
        phase.kind = m.captured(1).compare(QLatin1String("cpu"), Qt::CaseInsensitive) == 0 ? il::PhaseKind::Cpu
                                                                                           : il::PhaseKind::Io;
        phase.ms = m.captured(2).toDouble();
        phases.push_back(phase);
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
        case PhasesColumn: return phasesText(task);
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
            return tr("Phases in order, e.g. \"io 80, cpu 20\" (milliseconds)");
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
        auto phases = parsePhases(value.toString(), &error);
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
