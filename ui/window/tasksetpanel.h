#pragma once

#include "core/engine/engine.h"
#include "core/model/generator.h"
#include "core/model/taskset.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace ui {

class TaskTableModel;

// The "Task set" dock: preset picker, seeded generator, the editable task
// table with inline validation, and a one-line summary. Holds the current
// valid task set; emits taskSetChanged whenever it changes.
class TaskSetPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TaskSetPanel(QWidget *parent = nullptr);

    // `origin` is a preset name, a file path or "generated".
    void setTaskSet(il::TaskSet set, const QString &origin);
    il::TaskSetPtr taskSet() const;
    const il::TaskSet &currentTaskSet() const;
    QString origin() const { return m_origin; }
    bool loadPreset(const QString &name);

    QString errorText() const;
    TaskTableModel *tableModel() const { return m_table; }
    QComboBox *presetBox() const { return m_presets; }
    il::GeneratorParams generatorParams() const;
    // The parameters the shown set was generated with; empty if it was not
    // generated, or was edited since. A generated set is remembered by them.
    const std::optional<il::GeneratorParams> &generatedWith() const { return m_generatedWith; }
    // Puts `params` in the generator's boxes and generates; false (and the
    // message shown) if they are invalid.
    bool generateFrom(const il::GeneratorParams &params);
    // Shows a validation message under the table (empty hides it), with an
    // optional tooltip (e.g. the message with the file's full path).
    void showError(const QString &error, const QString &toolTip = QString());

signals:
    void taskSetChanged();
    void openRequested();
    void saveRequested();

private:
    bool generate();
    void updateSummary();

    TaskTableModel *m_table = nullptr;
    QTableView *m_view = nullptr;
    QComboBox *m_presets = nullptr;
    QLabel *m_description = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_error = nullptr;
    QSpinBox *m_count = nullptr;
    QDoubleSpinBox *m_cpuMin = nullptr;
    QDoubleSpinBox *m_cpuMax = nullptr;
    QDoubleSpinBox *m_ioMin = nullptr;
    QDoubleSpinBox *m_ioMax = nullptr;
    QSpinBox *m_seed = nullptr;
    QString m_origin;
    std::optional<il::GeneratorParams> m_generatedWith;
    mutable il::TaskSetPtr m_snapshot; // shared with runs; rebuilt after edits
};

} // namespace ui
