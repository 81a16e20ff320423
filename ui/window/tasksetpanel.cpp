#include "ui/window/tasksetpanel.h"

#include "core/analysis/advisor.h"
#include "core/model/presets.h"
#include "core/base/englishplurals.h"
#include "ui/text/tasksetwords.h"
#include "ui/window/tasktablemodel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ui {

namespace {
QDoubleSpinBox *msBox(double value, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, il::limits::maxPhaseMs);
    box->setDecimals(1);
    box->setSuffix(QStringLiteral(" ms"));
    box->setValue(value);
    return box;
}
} // namespace

TaskSetPanel::TaskSetPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Presets: each tells one lesson, the description says which.
    auto *presetRow = new QHBoxLayout;
    auto *presetLabel = new QLabel(tr("&Preset"), this);
    m_presets = new QComboBox(this);
    m_presets->addItems(il::presetNames());
    m_presets->setToolTip(tr("Built-in task sets, each showing one lesson of threads vs processes vs an event loop"));
    presetLabel->setBuddy(m_presets);
    presetRow->addWidget(presetLabel);
    presetRow->addWidget(m_presets, 1);
    auto *open = new QToolButton(this);
    open->setText(tr("Open…"));
    open->setToolTip(tr("Open a task set JSON file (Ctrl+O)"));
    auto *save = new QToolButton(this);
    save->setText(tr("Save…"));
    save->setToolTip(tr("Save the task set as JSON"));
    presetRow->addWidget(open);
    presetRow->addWidget(save);
    layout->addLayout(presetRow);
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    m_description->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_description);

    // Generator.
    auto *gen = new QGroupBox(tr("Generator"), this);
    auto *form = new QFormLayout(gen);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_count = new QSpinBox(gen);
    m_count->setObjectName(QStringLiteral("generatorCount"));
    m_count->setRange(1, static_cast<int>(il::limits::maxTasks));
    m_count->setValue(20);
    m_count->setToolTip(tr("Number of tasks"));
    const il::GeneratorParams defaults;
    m_cpuMin = msBox(defaults.cpuMinMs, gen);
    m_cpuMax = msBox(defaults.cpuMaxMs, gen);
    m_ioMin = msBox(defaults.ioMinMs, gen);
    m_ioMax = msBox(defaults.ioMaxMs, gen);
    m_seed = new QSpinBox(gen);
    m_seed->setRange(0, 1'000'000'000);
    m_seed->setValue(static_cast<int>(defaults.seed));
    m_seed->setToolTip(tr("The same seed always generates the same task set"));
    auto range = [gen](QDoubleSpinBox *a, QDoubleSpinBox *b) {
        auto *row = new QHBoxLayout;
        row->addWidget(a, 1);
        row->addWidget(new QLabel(QStringLiteral("–"), gen));
        row->addWidget(b, 1);
        return row;
    };
    form->addRow(tr("Tasks"), m_count);
    form->addRow(tr("cpu"), range(m_cpuMin, m_cpuMax));
    form->addRow(tr("io"), range(m_ioMin, m_ioMax));
    auto *seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    auto *generateButton = new QPushButton(tr("&Generate"), gen);
    generateButton->setToolTip(tr("Replace the task set by a generated one: each task waits (io) then computes (cpu)"));
    seedRow->addWidget(generateButton);
    form->addRow(tr("Seed"), seedRow);
    layout->addWidget(gen);

    // Table.
    m_table = new TaskTableModel(this);
    m_view = new QTableView(this);
    m_view->setModel(m_table);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setSectionResizeMode(TaskTableModel::PhasesColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(TaskTableModel::NameColumn, QHeaderView::Interactive);
    m_view->setColumnWidth(TaskTableModel::NameColumn, 84);
    m_view->setColumnWidth(TaskTableModel::CpuColumn, 62);
    m_view->setColumnWidth(TaskTableModel::IoColumn, 62);
    m_view->setToolTip(tr("Double-click a name or the phases to edit, e.g. \"io 80, cpu 20\""));
    layout->addWidget(m_view, 1);

    auto *rowButtons = new QHBoxLayout;
    auto *add = new QToolButton(this);
    add->setText(tr("Add task"));
    add->setToolTip(tr("Append a task (io 50 ms, cpu 10 ms)"));
    auto *remove = new QToolButton(this);
    remove->setText(tr("Remove"));
    remove->setToolTip(tr("Remove the selected tasks"));
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch(1);
    layout->addLayout(rowButtons);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // a message may quote "<html>" from the file
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #d55e00; font-weight: 600;"));
    m_error->hide();
    layout->addWidget(m_error);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setToolTip(tr("Tasks, total cpu, total io, and the share of cpu in the work"));
    layout->addWidget(m_summary);

    connect(m_presets, &QComboBox::activated, this, [this](int i) { loadPreset(m_presets->itemText(i)); });
    connect(generateButton, &QPushButton::clicked, this, &TaskSetPanel::generate);
    connect(open, &QToolButton::clicked, this, &TaskSetPanel::openRequested);
    connect(save, &QToolButton::clicked, this, &TaskSetPanel::saveRequested);
    connect(add, &QToolButton::clicked, this, [this] {
        m_table->addTask();
        m_view->scrollToBottom();
    });
    connect(remove, &QToolButton::clicked, this, [this] {
        QList<int> rows;
        for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
            rows << i.row();
        m_table->removeTasks(rows);
    });
    connect(m_table, &TaskTableModel::errorChanged, this, [this](const QString &error) { showError(error); });
    connect(m_table, &TaskTableModel::taskSetEdited, this, [this] {
        m_snapshot.reset();
        m_generatedWith.reset();
        if (!m_origin.endsWith(QLatin1String(" (edited)")))
            m_origin += QStringLiteral(" (edited)");
        updateSummary();
        emit taskSetChanged();
    });
}

bool TaskSetPanel::loadPreset(const QString &name)
{
    il::TaskSetResult result = il::loadPreset(name);
    if (!result.ok()) {
        showError(result.error);
        return false;
    }
    setTaskSet(std::move(*result.taskSet), name);
    return true;
}

void TaskSetPanel::setTaskSet(il::TaskSet set, const QString &origin)
{
    m_origin = origin;
    m_generatedWith.reset();
    m_table->setTaskSet(std::move(set));
    m_snapshot.reset();
    const int preset = m_presets->findText(origin);
    m_presets->setCurrentIndex(preset);
    m_description->setText(preset >= 0 ? il::presetDescription(origin) : origin);
    m_description->setVisible(!m_description->text().isEmpty());
    showError(QString());
    updateSummary();
    emit taskSetChanged();
}

il::TaskSetPtr TaskSetPanel::taskSet() const
{
    if (!m_snapshot)
        m_snapshot = std::make_shared<const il::TaskSet>(m_table->taskSet());
    return m_snapshot;
}

const il::TaskSet &TaskSetPanel::currentTaskSet() const
{
    return m_table->taskSet();
}

QString TaskSetPanel::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

il::GeneratorParams TaskSetPanel::generatorParams() const
{
    il::GeneratorParams p;
    p.count = m_count->value();
    p.cpuMinMs = m_cpuMin->value();
    p.cpuMaxMs = m_cpuMax->value();
    p.ioMinMs = m_ioMin->value();
    p.ioMaxMs = m_ioMax->value();
    p.seed = static_cast<quint32>(m_seed->value());
    return p;
}

bool TaskSetPanel::generate()
{
    const il::GeneratorParams params = generatorParams();
    QString error;
    il::TaskSet set = il::generateTaskSet(params, &error);
    if (!error.isEmpty()) {
        showError(error); // keep the previous set
        return false;
    }
    setTaskSet(std::move(set), tr("generated (seed %1)").arg(params.seed));
    m_generatedWith = params;
    return true;
}

bool TaskSetPanel::generateFrom(const il::GeneratorParams &params)
{
    m_count->setValue(params.count);
    m_cpuMin->setValue(params.cpuMinMs);
    m_cpuMax->setValue(params.cpuMaxMs);
    m_ioMin->setValue(params.ioMinMs);
    m_ioMax->setValue(params.ioMaxMs);
    m_seed->setValue(static_cast<int>(params.seed));
    // The boxes clamp: only what they hold now is what gets generated.
    const il::GeneratorParams shown = generatorParams();
    if (shown.count != params.count || shown.cpuMinMs != params.cpuMinMs || shown.cpuMaxMs != params.cpuMaxMs
        || shown.ioMinMs != params.ioMinMs || shown.ioMaxMs != params.ioMaxMs || shown.seed != params.seed)
        return false;
    return generate();
}

void TaskSetPanel::showError(const QString &error, const QString &toolTip)
{
    m_error->setText(error);
    m_error->setToolTip(toolTip);
    m_error->setVisible(!error.isEmpty());
}

void TaskSetPanel::updateSummary()
{
    const il::TaskSet &set = m_table->taskSet();
    m_summary->setText(QStringLiteral("<b>%1</b><br>%2").arg(set.name.toHtmlEscaped(), taskSetSummaryText(set).toHtmlEscaped()));
}

} // namespace ui
