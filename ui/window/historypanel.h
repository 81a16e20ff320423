#pragma once

#include "core/engine/engine.h"

#include <QDateTime>
#include <QWidget>

#include <vector>

class QListWidget;
class QPushButton;

namespace ui {

// One comparison of this window session, kept with what it ran: the task
// set, the configs and the repeat count, and its results.
struct HistoryEntry
{
    int number = 0; // 1, 2, … in the order they ran
    QDateTime when;
    il::TaskSetPtr set;
    std::vector<il::RunConfig> configs;
    int repeat = 1;
    std::vector<il::RunResultPtr> results;
    bool stopped = false;
};

// The run history (a dock): every comparison of the session, newest first.
// Show one (its results, as they were), re-run one (its task set and
// settings back in the window, then Run), compare any two (both stacked on
// one axis, "#1 threads" beside "#2 threads"), delete. An entry whose task
// set is not the one in the panel any more says so.
class HistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPanel(QWidget *parent = nullptr);

    void add(HistoryEntry entry);
    const std::vector<HistoryEntry> &entries() const { return m_entries; }
    // The panel's task set changed (or not): marks the entries run on another.
    void setCurrentTaskSet(const il::TaskSet &set);
    QListWidget *list() const { return m_list; }
    QString itemText(int row) const;

    // What the buttons do, callable (tests).
    void showSelected();
    void rerunSelected();
    void compareSelected();
    void deleteSelected();

    static constexpr std::size_t maxEntries = 50;

signals:
    void showRequested(const ui::HistoryEntry &entry);
    void rerunRequested(const ui::HistoryEntry &entry);
    void compareRequested(const ui::HistoryEntry &first, const ui::HistoryEntry &second);

private:
    void refresh();
    std::vector<const HistoryEntry *> selected() const;
    QString describe(const HistoryEntry &e) const;

    std::vector<HistoryEntry> m_entries; // oldest first
    std::vector<bool> m_stale;           // per entry: run on another task set than the panel's
    QListWidget *m_list = nullptr;
    QPushButton *m_show = nullptr;
    QPushButton *m_rerun = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_delete = nullptr;
    int m_next = 1;
};

// Same tasks, phases and names: the same work (the stale check).
bool sameWork(const il::TaskSet &a, const il::TaskSet &b);

} // namespace ui
