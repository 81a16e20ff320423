#pragma once

#include "core/timeline/taskfind.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QLineEdit;
class QToolButton;

namespace il {
class TimelineModel;
}

namespace ui {

class TimelineView;

// Find tasks by name (Ctrl+F): a bar above the timeline. Each run's tasks
// are searched by that run's own names, once for the runs that share a task
// set (a match is a task of one set); every match is tinted in the task view
// of those runs; Enter / Shift+Enter (or the arrows) go to the next /
// previous one, which is highlighted in those runs and brought into view;
// the count says where you are ("3 of 17"). Substring, case-insensitive,
// or a regular expression with Pattern ticked. Esc closes
// it and clears the matches. It searches again when the runs change.
class FindBar : public QWidget
{
    Q_OBJECT
public:
    FindBar(const il::TimelineModel *model, TimelineView *view, QWidget *parent = nullptr);

    void open();  // shows the bar, focuses and selects the field
    void close(); // hides it, clears the matches and the highlight it set

    QLineEdit *field() const { return m_field; }
    QToolButton *patternButton() const { return m_pattern; }
    QString countText() const;
    const std::vector<il::TaskMatch> &matches() const { return m_matches; }
    int current() const { return m_current; } // index into matches(), -1 none

    void next();
    void previous();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void search(bool keepPlace);
    void go(int index);

    const il::TimelineModel *m_model;
    TimelineView *m_view;
    QLineEdit *m_field = nullptr;
    QToolButton *m_pattern = nullptr;
    QLabel *m_count = nullptr;
    std::vector<il::TaskMatch> m_matches;
    il::TaskFinder m_finder; // the names folded once, searched at each key
    int m_current = -1;
    QString m_error;
};

} // namespace ui
