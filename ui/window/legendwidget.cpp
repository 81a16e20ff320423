#include "ui/window/legendwidget.h"

#include "ui/timeline/spanstyle.h"

#include <QPainter>

namespace ui {

LegendWidget::LegendWidget(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setToolTip(tr("cpu: computing · io wait: blocked on I/O · gil wait: waiting for the interpreter "
                  "lock · spawn / ipc: process start-up and pipe transfers · queued: waiting for a "
                  "free worker · queued ahead: sent ahead to a busy worker (processes --prefetch), waiting in "
                  "its pipe; by lane a strip along that worker's bottom edge · a red outline and end bar: the task failed (its worker crashed, sent garbage "
                  "or timed out) · a grey dashed one: the task was cancelled by Stop"));
}

QSize LegendWidget::sizeHint() const
{
    return QSize(legendWidth(font(), SpanStyle::forPalette(palette())), fontMetrics().height() + 8);
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setFont(font());
    paintLegend(p, rect(), SpanStyle::forPalette(palette()));
}

} // namespace ui
