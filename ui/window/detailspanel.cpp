#include "ui/window/detailspanel.h"

#include "core/analysis/advisor.h"
#include "ui/timeline/runheader.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <array>

namespace ui {

void TaskDetailsModel::setRun(std::vector<il::TaskDetail> details, QStringList names, QStringList lanes)
{
    beginResetModel();
    m_details = std::move(details);
    m_names = std::move(names);
    m_lanes = std::move(lanes);
    endResetModel();
}

int TaskDetailsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_details.size());
}

int TaskDetailsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskDetailsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_details.size()))
        return {};
    const il::TaskDetail &d = m_details[std::size_t(index.row())];
    if (role == TaskRole)
        return QVariant::fromValue(d.task);
    const auto time = [](double ms) { return ms < 0 ? QString() : il::formatDurationMs(ms); };
    const QString name = d.task < std::uint32_t(m_names.size()) ? m_names[qsizetype(d.task)] : QStringLiteral("task %1").arg(d.task);
    const QString lane = d.lane >= 0 && d.lane < m_lanes.size() ? m_lanes[d.lane] : QString();
    if (role == SortRole) {
        switch (index.column()) {
        case Name: return name;
        case Lane: return d.lane;
        case Queued: return d.queuedMs;
        case Start: return d.startMs;
        case End: return d.endMs;
        case Cpu: return d.cpuMs;
        case Io: return d.ioMs;
        case Ipc: return d.ipcMs;
        case Wait: return d.waitMs;
        case State: return int(d.state);
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == Name || index.column() == Lane || index.column() == State
                   ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Name: return name;
    case Lane: return lane;
    case Queued: return time(d.queuedMs);
    case Start: return time(d.startMs);
    case End: return time(d.endMs);
    case Cpu: return il::formatDurationMs(d.cpuMs);
    case Io: return il::formatDurationMs(d.ioMs);
    case Ipc: return il::formatDurationMs(d.ipcMs);
    case Wait: return il::formatDurationMs(d.waitMs);
    case State: return QString::fromLatin1(il::taskStateName(d.state));
    default: return {};
    }
}

QVariant TaskDetailsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const std::array<const char *, ColumnCount> titles{"Task", "Lane", "Queued", "Start", "End", "cpu", "io",
                                                              "ipc", "Waits", "State"};
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < ColumnCount)
        return tr(titles[std::size_t(section)]);
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Wait)
        return tr("Time the task could have run but did not: queued before its start, waiting for the GIL or a "
                  "lock, ready while the event loop was busy, not running inside a cpu phase");
    return QAbstractTableModel::headerData(section, orientation, role);
}

// The rows whose task ran in the selected range (or all, with none).
class RangeFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    bool has = false;
    double fromMs = 0, toMs = 0;
    void refilter() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &) const override
    {
        if (!has)
            return true;
        const auto *m = static_cast<const TaskDetailsModel *>(sourceModel());
        const il::TaskDetail &d = m->details()[std::size_t(row)];
        return d.startMs >= 0 && d.startMs <= toMs && (d.endMs < 0 || d.endMs >= fromMs);
    }
};

DetailsPanel::DetailsPanel(const il::TimelineModel *model, QWidget *parent)
    : QWidget(parent), m_model(model)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *top = new QHBoxLayout;
    auto *runLabel = new QLabel(tr("Run:"), this);
    m_runs = new QComboBox(this);
    m_runs->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    runLabel->setBuddy(m_runs);
    auto *copy = new QPushButton(tr("Copy as CSV"), this);
    copy->setToolTip(tr("The rows shown, in the order shown, to the clipboard"));
    top->addWidget(runLabel);
    top->addWidget(m_runs);
    top->addStretch(1);
    top->addWidget(copy);
    m_details = new TaskDetailsModel(this);
    m_proxy = new RangeFilter(this);
    m_proxy->setSourceModel(m_details);
    m_proxy->setSortRole(TaskDetailsModel::SortRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TaskDetailsModel::Start, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_totals = new QLabel(this);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_totals);

    connect(m_runs, &QComboBox::currentIndexChanged, this, [this](int i) {
        showRun(i >= 0 && i < int(m_listed.size()) ? m_listed[std::size_t(i)] : -1);
    });
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(csv()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &now) {
        if (m_syncing || !now.isValid())
            return;
        emit taskChosen(now.data(TaskDetailsModel::TaskRole).value<std::uint32_t>());
    });
    if (m_model) {
        connect(m_model, &il::TimelineModel::runsCleared, this, &DetailsPanel::refreshRuns);
        connect(m_model, &il::TimelineModel::runAdded, this, &DetailsPanel::refreshRuns);
        connect(m_model, &il::TimelineModel::runChanged, this, [this](int run) {
            // A live run grows batch by batch: only its final trace counts.
            const il::TimelineRun *r = m_model->findRun(run);
            if (r && !r->isLive())
                refreshRuns();
        });
    }
    refreshRuns();
}

void DetailsPanel::refreshRuns()
{
    std::vector<int> listed;
    QStringList titles;
    for (int r = 0; m_model && r < m_model->runCount(); ++r) {
        const il::TimelineRun *run = m_model->findRun(r);
        if (!run || run->isLive() || !run->trace())
            continue;
        listed.push_back(r);
        const il::RunInfo &info = run->info();
        titles << runName(info);
    }
    const int keep = m_run;
    const bool same = listed == m_listed;
    m_listed = listed;
    if (!same) {
        const QSignalBlocker block(m_runs);
        m_runs->clear();
        m_runs->addItems(titles);
    }
    // The run shown stays if it is still there (its trace may be new).
    const auto it = std::find(m_listed.begin(), m_listed.end(), keep);
    const int index = it != m_listed.end() ? int(it - m_listed.begin()) : (m_listed.empty() ? -1 : 0);
    {
        const QSignalBlocker block(m_runs);
        m_runs->setCurrentIndex(index);
    }
    showRun(index >= 0 ? m_listed[std::size_t(index)] : -1);
}

void DetailsPanel::showRun(int run)
{
    m_run = run;
    const il::TimelineRun *r = run >= 0 && m_model ? m_model->findRun(run) : nullptr;
    if (!r || !r->trace()) {
        m_details->setRun({}, {}, {});
        m_totals->setText(tr("No finished run yet: the tasks of each run appear here when it ends."));
        return;
    }
    QStringList names;
    const std::size_t count = r->trace()->tasks.size();
    names.reserve(qsizetype(count));
    for (std::size_t t = 0; t < count; ++t)
        names << r->taskName(std::uint32_t(t)); // the run's own names, whatever the others'
    m_details->setRun(il::taskDetails(*r->trace()), names, r->info().laneNames);
    applyRange();
}

void DetailsPanel::setRange(bool has, double fromNs, double toNs)
{
    m_hasRange = has;
    m_fromMs = fromNs / 1e6;
    m_toMs = toNs / 1e6;
    applyRange();
}

void DetailsPanel::applyRange()
{
    auto *filter = static_cast<RangeFilter *>(m_proxy);
    filter->has = m_hasRange;
    filter->fromMs = m_fromMs;
    filter->toMs = m_toMs;
    filter->refilter();
    m_totals->setText(totalsText());
}

QString DetailsPanel::totalsText() const
{
    double cpu = 0, io = 0, ipc = 0, wait = 0;
    int done = 0, failed = 0, cancelled = 0;
    const int rows = m_proxy->rowCount();
    for (int i = 0; i < rows; ++i) {
        const int source = m_proxy->mapToSource(m_proxy->index(i, 0)).row();
        const il::TaskDetail &d = m_details->details()[std::size_t(source)];
        cpu += d.cpuMs;
        io += d.ioMs;
        ipc += d.ipcMs;
        wait += d.waitMs;
        done += d.state == il::TaskState::Done;
        failed += d.state == il::TaskState::Failed;
        cancelled += d.state == il::TaskState::Cancelled;
    }
    if (m_run < 0)
        return m_totals ? m_totals->text() : QString();
    QString text = tr("%n task(s)", nullptr, rows);
    if (m_hasRange)
        text += tr(" in %1 – %2").arg(il::formatDurationMs(m_fromMs), il::formatDurationMs(m_toMs));
    text += tr(" · cpu %1 · io %2 · ipc %3 · waits %4 · %5 done")
                .arg(il::formatDurationMs(cpu), il::formatDurationMs(io), il::formatDurationMs(ipc),
                     il::formatDurationMs(wait))
                .arg(done);
    if (failed)
        text += tr(" · %1 failed").arg(failed);
    if (cancelled)
        text += tr(" · %1 cancelled").arg(cancelled);
    return text;
}

QString DetailsPanel::csv() const
{
    std::vector<il::TaskDetail> shown;
    for (int i = 0; i < m_proxy->rowCount(); ++i)
        shown.push_back(m_details->details()[std::size_t(m_proxy->mapToSource(m_proxy->index(i, 0)).row())]);
    return QString::fromUtf8(il::taskDetailsCsv(shown, m_details->names(), m_details->lanes()));
}

void DetailsPanel::selectTask(std::uint32_t task, int group)
{
    if (task != il::noTask && group >= 0 && m_model && m_run >= 0 && m_model->namesGroup(m_run) != group) {
        // Its task of that number is another task: show a run where it is this one.
        const auto it = std::find_if(m_listed.begin(), m_listed.end(),
                                     [&](int r) { return m_model->namesGroup(r) == group; });
        if (it != m_listed.end())
            m_runs->setCurrentIndex(int(it - m_listed.begin())); // shows it
    }
    m_syncing = true;
    m_table->clearSelection();
    for (int i = 0; i < m_proxy->rowCount(); ++i) {
        const QModelIndex index = m_proxy->index(i, 0);
        if (index.data(TaskDetailsModel::TaskRole).value<std::uint32_t>() == task) {
            m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_table->scrollTo(index);
            break;
        }
    }
    m_syncing = false;
}

} // namespace ui
