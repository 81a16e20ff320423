#include "ui/window/findbar.h"

#include "core/timeline/taskfind.h"
#include "ui/timeline/timelineview.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

#include <algorithm>

namespace ui {

FindBar::FindBar(const il::TimelineModel *model, TimelineView *view, QWidget *parent)
    : QWidget(parent), m_model(model), m_view(view)
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(8, 2, 8, 2);
    auto *label = new QLabel(tr("Find task:"), this);
    m_field = new QLineEdit(this);
    m_field->setPlaceholderText(tr("name or part of it · Enter next · Shift+Enter previous · Esc closes"));
    m_field->setClearButtonEnabled(true);
    m_field->setMinimumWidth(320);
    label->setBuddy(m_field);
    m_pattern = new QToolButton(this);
    m_pattern->setText(tr("Pattern"));
    m_pattern->setCheckable(true);
    m_pattern->setToolTip(tr("Match names with a regular expression instead of a plain substring"));
    auto *prev = new QToolButton(this);
    prev->setArrowType(Qt::UpArrow);
    prev->setToolTip(tr("Previous match (Shift+Enter)"));
    auto *nextButton = new QToolButton(this);
    nextButton->setArrowType(Qt::DownArrow);
    nextButton->setToolTip(tr("Next match (Enter)"));
    m_count = new QLabel(this);
    m_count->setMinimumWidth(140);
    auto *closeButton = new QToolButton(this);
    closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    closeButton->setAutoRaise(true);
    closeButton->setToolTip(tr("Close (Esc)"));
    row->addWidget(label);
    row->addWidget(m_field, 1);
    row->addWidget(m_pattern);
    row->addWidget(prev);
    row->addWidget(nextButton);
    row->addWidget(m_count);
    row->addWidget(closeButton);
    m_field->installEventFilter(this);

    connect(m_field, &QLineEdit::textChanged, this, [this] { search(false); });
    connect(m_pattern, &QToolButton::toggled, this, [this] { search(false); });
    connect(prev, &QToolButton::clicked, this, &FindBar::previous);
    connect(nextButton, &QToolButton::clicked, this, &FindBar::next);
    connect(closeButton, &QToolButton::clicked, this, &FindBar::close);
    // New runs, another task set: the same query, searched again (not on
    // every batch of a live run: the names do not change with it).
    if (m_model) {
        const auto again = [this] {
            if (isVisible() && !m_field->text().isEmpty())
                search(true);
        };
        connect(m_model, &il::TimelineModel::taskSetChanged, this, again);
        connect(m_model, &il::TimelineModel::runsCleared, this, again);
        connect(m_model, &il::TimelineModel::runAdded, this, again);
    }
    hide();
}

void FindBar::open()
{
    if (m_model)
        m_finder.prepare(*m_model);
    show();
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
    search(true);
}

void FindBar::close()
{
    hide();
    m_matches.clear();
    m_current = -1;
    m_view->setMatches({});
    m_view->setHighlightedTask(il::noTask);
    m_view->setFocus();
}

QString FindBar::countText() const
{
    return m_count->text();
}

void FindBar::search(bool keepPlace)
{
    const il::TaskMatch was = m_current >= 0 && m_current < int(m_matches.size()) ? m_matches[std::size_t(m_current)]
                                                                                   : il::TaskMatch{};
    m_matches = m_model ? m_finder.find(*m_model, m_field->text(), m_pattern->isChecked(), &m_error)
                        : std::vector<il::TaskMatch>{};
    m_view->setMatches(m_matches);
    m_current = -1;
    if (keepPlace && was.task != il::noTask) {
        const auto it = std::find(m_matches.begin(), m_matches.end(), was);
        if (it != m_matches.end())
            m_current = int(it - m_matches.begin());
    }
    if (m_current < 0 && !m_matches.empty())
        go(0);
    else if (m_current >= 0)
        go(m_current);
    else
        go(-1);
}

void FindBar::go(int index)
{
    m_current = index;
    QPalette pal = m_field->palette();
    pal.setColor(QPalette::Text, palette().color(QPalette::Text));
    if (!m_error.isEmpty()) {
        m_count->setText(tr("bad pattern: %1").arg(m_error));
    } else if (m_field->text().isEmpty()) {
        m_count->setText(QString());
    } else if (m_matches.empty()) {
        m_count->setText(tr("no task matches"));
        pal.setColor(QPalette::Text, QColor(0xd5, 0x3e, 0x4f));
    } else {
        m_count->setText(tr("%1 of %2").arg(index + 1).arg(m_matches.size()));
    }
    m_field->setPalette(pal);
    if (index >= 0 && index < int(m_matches.size()))
        m_view->revealTask(m_matches[std::size_t(index)].task, m_matches[std::size_t(index)].group);
    else
        m_view->setHighlightedTask(il::noTask);
}

void FindBar::next()
{
    if (!m_matches.empty())
        go((m_current + 1) % int(m_matches.size()));
}

void FindBar::previous()
{
    if (!m_matches.empty())
        go((m_current - 1 + int(m_matches.size())) % int(m_matches.size()));
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool mine = key->key() == Qt::Key_Escape || key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter
                          || key->key() == Qt::Key_Up || key->key() == Qt::Key_Down;
        if (mine && event->type() == QEvent::ShortcutOverride) {
            event->accept(); // ours, not the window's Stop (Esc)
            return true;
        }
        if (mine) {
            if (key->key() == Qt::Key_Escape)
                close();
            else if (key->key() == Qt::Key_Up || (key->modifiers() & Qt::ShiftModifier))
                previous();
            else
                next();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace ui
