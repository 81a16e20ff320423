#include "ui/window/legendwidget.h"

#include "ui/timeline/spanstyle.h"

#include <QPainter>

namespace ui {

LegendWidget::LegendWidget(QWidget *parent)
    : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setToolTip(tr("cpu: computing · io wait: blocked on I/O · gil wait: waiting for the interpreter "
                  "lock · spawn / ipc: process start-up and pipe transfers · queued: waiting for a "
                  "free worker · queued ahead: sent ahead to a busy worker (processes --prefetch), waiting in "
                  "its pipe; by lane a strip along that worker's bottom edge · a red outline and end bar: the task failed (its worker crashed, sent garbage "
                  "or timed out) · a grey dashed one: the task was cancelled by Stop"));
}

namespace {
int rowHeightFor(const QWidget &w)
{
    return w.fontMetrics().height() + 8;
}
} // namespace

QSize LegendWidget::sizeHint() const
{
    return QSize(legendWidth(font(), SpanStyle::forPalette(palette())), rowHeightFor(*this));
}

QSize LegendWidget::minimumSizeHint() const
{
    // Room for the widest entries side by side; the rest wraps.
    return QSize(sizeHint().width() / 4, rowHeightFor(*this));
}

int LegendWidget::heightForWidth(int width) const
{
    return legendRows(font(), SpanStyle::forPalette(palette()), width) * rowHeightFor(*this);
}

void LegendWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setFont(font());
    paintLegend(p, rect(), SpanStyle::forPalette(palette()), rowHeightFor(*this));
}

} // namespace ui
