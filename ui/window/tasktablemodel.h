#pragma once

#include "core/model/taskset.h"

#include <QAbstractTableModel>

#include <optional>

namespace ui {

// The task set as an editable table: one row per task, its phases as text
// ("io 80, cpu 20"). Edits are validated before they land: an invalid one is
// refused with a message (errorChanged) and the previous valid set is kept.
// Lazy by nature, so a million-task set costs nothing until scrolled.
class TaskTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, PhasesColumn, CpuColumn, IoColumn, ColumnCount };

    explicit TaskTableModel(QObject *parent = nullptr);

    void setTaskSet(il::TaskSet set);
    const il::TaskSet &taskSet() const { return m_set; }
    QString error() const { return m_error; }

    bool addTask();
    bool removeTasks(QList<int> rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;

    static QString phasesText(const il::TaskSet &set, const il::Task &task);
    // Parses "io 80, cpu 20" (also "io:80 cpu=20ms"), "acquire A", "release A",
    // "increment hits ×1000" (or "x1000", "1000"; then optionally "io 0.5");
    // names with spaces in double quotes. New names and increments go into
    // `set`, whose tasks the phases are for. nullopt and *error on failure.
    static std::optional<std::vector<il::Phase>> parsePhases(const QString &text, il::TaskSet &set, QString *error);

signals:
    void taskSetEdited(); // a valid edit landed
    void errorChanged(const QString &error);

private:
    void setError(const QString &error, int row);

    il::TaskSet m_set;
    QString m_error;
    int m_errorRow = -1;
};

} // namespace ui
