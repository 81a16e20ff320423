#pragma once

#include "core/analysis/taskdetails.h"
#include "core/timeline/timelinemodel.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace ui {

// The tasks of one run as a table (Details dock): one row per task, its lane,
// when it was queued, started and ended, its time per kind and its state.
class TaskDetailsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Lane, Queued, Start, End, Cpu, Io, Ipc, Wait, State, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;     // numbers, for sorting
    static constexpr int TaskRole = Qt::UserRole + 1; // the task's index

    using QAbstractTableModel::QAbstractTableModel;
    void setRun(std::vector<il::TaskDetail> details, QStringList names, QStringList lanes);
    const std::vector<il::TaskDetail> &details() const { return m_details; }
    const QStringList &names() const { return m_names; }
    const QStringList &lanes() const { return m_lanes; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<il::TaskDetail> m_details;
    QStringList m_names;
    QStringList m_lanes;
};

// The Details dock: which run, its task table (sortable; with a range
// selected on the ruler, only the tasks inside it), totals, Copy as CSV.
// Selecting a row highlights that task on the timeline (in the runs named
// from the same set); a task clicked on the timeline selects its row. Each
// run's tasks go by that run's own names.
class DetailsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPanel(const il::TimelineModel *model, QWidget *parent = nullptr);

    // From the timeline; noTask clears. `group`: the runs it was clicked in
    // (TimelineModel::namesGroup): if the run shown names its tasks from
    // another set, the first run of that group is shown instead.
    void selectTask(std::uint32_t task, int group = -1);
    void setRange(bool has, double fromNs, double toNs); // the ruler's selection
    QString csv() const;                         // the rows shown, in the order shown
    QString totalsText() const;
    QComboBox *runPicker() const { return m_runs; }
    QTableView *table() const { return m_table; }
    int shownRun() const { return m_run; }

signals:
    void taskChosen(std::uint32_t task);

private:
    void refreshRuns();
    void showRun(int run);
    void applyRange();

    const il::TimelineModel *m_model;
    QComboBox *m_runs = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_totals = nullptr;
    TaskDetailsModel *m_details = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    int m_run = -1;
    bool m_hasRange = false;
    double m_fromMs = 0, m_toMs = 0;
    bool m_syncing = false;
    std::vector<int> m_listed; // run indexes in the picker
};

} // namespace ui
