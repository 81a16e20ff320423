#include "ui/window/historypanel.h"

#include "core/analysis/advisor.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace ui {

bool sameWork(const il::TaskSet &a, const il::TaskSet &b)
{
    // The same work under the same name (unknown extra fields change nothing a run does).
    if (&a == &b)
        return true;
    if (a.name != b.name || a.tasks.size() != b.tasks.size() || a.names != b.names)
        return false;
    for (std::size_t i = 0; i < a.tasks.size(); ++i) {
        const il::Task &x = a.tasks[i];
        const il::Task &y = b.tasks[i];
        if (x.name != y.name || x.phases.size() != y.phases.size())
            return false;
        for (std::size_t k = 0; k < x.phases.size(); ++k)
            if (x.phases[k].kind != y.phases[k].kind || x.phases[k].ms != y.phases[k].ms
                || x.phases[k].ref != y.phases[k].ref)
                return false;
    }
    return true;
}

HistoryPanel::HistoryPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_list = new QListWidget(this);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setToolTip(tr("Every comparison of this session, newest first. Select one to show or re-run it, two "
                          "to compare them on one axis."));
    auto *buttons = new QHBoxLayout;
    m_show = new QPushButton(tr("Show"), this);
    m_show->setToolTip(tr("Show this comparison's results as they were"));
    m_rerun = new QPushButton(tr("Re-run"), this);
    m_rerun->setToolTip(tr("Put its task set, modes, workers and repeat back in the window and press Run"));
    m_compare = new QPushButton(tr("Compare two"), this);
    m_compare->setToolTip(tr("Stack the two selected comparisons on one axis"));
    m_delete = new QPushButton(tr("Delete"), this);
    for (QPushButton *b : {m_show, m_rerun, m_compare, m_delete})
        buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    connect(m_show, &QPushButton::clicked, this, &HistoryPanel::showSelected);
    connect(m_rerun, &QPushButton::clicked, this, &HistoryPanel::rerunSelected);
    connect(m_compare, &QPushButton::clicked, this, &HistoryPanel::compareSelected);
    connect(m_delete, &QPushButton::clicked, this, &HistoryPanel::deleteSelected);
    connect(m_list, &QListWidget::itemSelectionChanged, this, [this] {
        const std::size_t n = selected().size();
        m_show->setEnabled(n == 1);
        m_rerun->setEnabled(n == 1);
        m_compare->setEnabled(n == 2);
        m_delete->setEnabled(n >= 1);
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, &HistoryPanel::showSelected);
    refresh();
}

void HistoryPanel::add(HistoryEntry entry)
{
    entry.number = m_next++;
    m_entries.push_back(std::move(entry));
    m_stale.push_back(false);
    // A long session keeps its latest comparisons (their traces are big).
    while (m_entries.size() > maxEntries) {
        m_entries.erase(m_entries.begin());
        m_stale.erase(m_stale.begin());
    }
    refresh();
}

void HistoryPanel::setCurrentTaskSet(const il::TaskSet &set)
{
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        m_stale[i] = !m_entries[i].set || !sameWork(*m_entries[i].set, set);
    refresh();
}

QString HistoryPanel::describe(const HistoryEntry &e) const
{
    QStringList modes;
    const il::RunResultPtr *fastest = nullptr;
    for (const il::RunResultPtr &r : e.results) {
        modes << il::modeName(r->metrics.mode);
        if (!r->trace->cancelled && r->metrics.failed == 0 && r->metrics.makespanMs > 0
            && (!fastest || r->metrics.makespanMs < (*fastest)->metrics.makespanMs))
            fastest = &r;
    }
    QString text = tr("#%1 %2 · %3 · %4").arg(e.number).arg(e.when.toString(QStringLiteral("HH:mm:ss")),
                                                           e.set ? e.set->name : QString(), modes.join(QStringLiteral(", ")));
    if (e.repeat > 1)
        text += tr(" · median of %1").arg(e.repeat);
    if (e.stopped)
        text += tr(" · stopped");
    else if (fastest)
        text += tr(" · fastest %1 %2").arg(il::modeName((*fastest)->metrics.mode), il::formatDurationMs((*fastest)->metrics.makespanMs));
    return text;
}

QString HistoryPanel::itemText(int row) const
{
    const QListWidgetItem *item = m_list->item(row);
    return item ? item->text() : QString();
}

void HistoryPanel::refresh()
{
    // Keep the selection by entry number across the rebuild.
    std::vector<int> keep;
    for (const HistoryEntry *e : selected())
        keep.push_back(e->number);
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (std::size_t k = m_entries.size(); k-- > 0;) { // newest first
        const HistoryEntry &e = m_entries[k];
        auto *item = new QListWidgetItem(describe(e) + (m_stale[k] ? tr(" · ⚠ task set since changed") : QString()));
        item->setData(Qt::UserRole, e.number);
        if (m_stale[k])
            item->setToolTip(tr("The task set in the panel is not the one this comparison ran: Re-run puts it back"));
        m_list->addItem(item);
        item->setSelected(std::find(keep.begin(), keep.end(), e.number) != keep.end());
    }
    const std::size_t n = selected().size();
    m_show->setEnabled(n == 1);
    m_rerun->setEnabled(n == 1);
    m_compare->setEnabled(n == 2);
    m_delete->setEnabled(n >= 1);
}

std::vector<const HistoryEntry *> HistoryPanel::selected() const
{
    std::vector<const HistoryEntry *> out;
    for (const QListWidgetItem *item : m_list->selectedItems()) {
        const int number = item->data(Qt::UserRole).toInt();
        for (const HistoryEntry &e : m_entries)
            if (e.number == number)
                out.push_back(&e);
    }
    std::sort(out.begin(), out.end(), [](const HistoryEntry *a, const HistoryEntry *b) { return a->number < b->number; });
    return out;
}

void HistoryPanel::showSelected()
{
    const auto s = selected();
    if (s.size() == 1)
        emit showRequested(*s.front());
}

void HistoryPanel::rerunSelected()
{
    const auto s = selected();
    if (s.size() == 1)
        emit rerunRequested(*s.front());
}

void HistoryPanel::compareSelected()
{
    const auto s = selected();
    if (s.size() == 2)
        emit compareRequested(*s[0], *s[1]);
}

void HistoryPanel::deleteSelected()
{
    std::vector<int> gone;
    for (const HistoryEntry *e : selected())
        gone.push_back(e->number);
    for (std::size_t k = m_entries.size(); k-- > 0;)
        if (std::find(gone.begin(), gone.end(), m_entries[k].number) != gone.end()) {
            m_entries.erase(m_entries.begin() + std::ptrdiff_t(k));
            m_stale.erase(m_stale.begin() + std::ptrdiff_t(k));
        }
    refresh();
}

} // namespace ui
