#include "ui/timeline/overviewstrip.h"

#include "core/timeline/timelinemodel.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelineview.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ui {

OverviewStrip::OverviewStrip(const il::TimelineModel *model, TimelineView *view, QWidget *parent)
    : QWidget(parent), m_model(model), m_view(view)
{
    setMinimumHeight(24);
    setMaximumHeight(40);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setCursor(Qt::OpenHandCursor);
    setToolTip(tr("The whole comparison: the frame is what the timeline shows. Drag it, or press "
                  "anywhere to go there; the wheel zooms."));
    connect(m_view, &TimelineView::mappingChanged, this, qOverload<>(&QWidget::update));
    if (m_model)
        connect(m_model, &il::TimelineModel::changed, this, qOverload<>(&QWidget::update));
}

TimeMapping OverviewStrip::wholeMapping() const
{
    // The timeline's axis starts where its labels end: so does the strip's.
    TimeMapping m;
    m.left = m_view->mapping().left;
    m.fit(0, m_view->extentNs(), std::max(1, width() - int(m.left)));
    return m;
}

double OverviewStrip::timeAt(double x) const
{
    return wholeMapping().toNs(x);
}

std::pair<double, double> OverviewStrip::frameX() const
{
    const TimeMapping whole = wholeMapping();
    const TimeMapping &shown = m_view->mapping();
    const double from = shown.toNs(shown.left);
    const double to = shown.toNs(shown.left + m_view->axisWidth());
    return {whole.toX(from), whole.toX(to)};
}

void OverviewStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const SpanStyle style = SpanStyle::forPalette(palette());
    p.fillRect(rect(), style.background);
    if (!m_model || m_model->runCount() == 0 || m_view->extentNs() <= 0)
        return;
    const TimeMapping whole = wholeMapping();
    const int axisWidth = std::max(1, width() - int(whole.left));
    if (m_cachedRevision != m_model->revision() || m_cachedWidth != width() || m_bands.size() != size()
        || m_bands.isNull()) {
        m_cachedRevision = m_model->revision();
        m_cachedWidth = width();
        m_runSegments.assign(std::size_t(m_model->runCount()), {});
        std::vector<Segment> lane;
        for (int r = 0; r < m_model->runCount(); ++r) {
            const il::TimelineRun *run = m_model->findRun(r);
            if (!run)
                continue;
            // Every lane folded into one band: what runs where, at a glance.
            std::vector<Segment> &out = m_runSegments[std::size_t(r)];
            for (const il::TimelineRow &row : run->laneRows()) {
                buildSegments(row, whole, axisWidth, lane);
                out.insert(out.end(), lane.begin(), lane.end());
            }
        }
        // Drawn once into an image: moving the frame only blits it.
        m_bands = QImage(size() * devicePixelRatio(), QImage::Format_ARGB32_Premultiplied);
        m_bands.setDevicePixelRatio(devicePixelRatio());
        m_bands.fill(Qt::transparent);
        QPainter bp(&m_bands);
        const int runs = int(m_runSegments.size());
        const double bandHeight = std::max(2.0, double(height() - 4) / std::max(1, runs));
        for (int r = 0; r < runs; ++r) {
            const int top = 2 + int(std::floor(r * bandHeight));
            const int h = std::max(1, int(std::floor((r + 1) * bandHeight)) - int(std::floor(r * bandHeight)) - 1);
            for (const Segment &seg : m_runSegments[std::size_t(r)]) {
                if (seg.kind == il::ItemKind::Queued || seg.kind == il::ItemKind::Ready)
                    continue;
                bp.fillRect(QRect(seg.x0, top, std::max(1, seg.x1 - seg.x0), h), style.kind(seg.kind).fill);
            }
        }
    }
    p.drawImage(0, 0, m_bands);
    // What the timeline shows: clear; the rest dimmed; the frame outlined.
    const auto [x0, x1] = frameX();
    const QRectF frame(std::max(x0, whole.left), 0.5, std::min(x1, double(width())) - std::max(x0, whole.left), height() - 1.0);
    QColor dim = style.background;
    dim.setAlpha(150);
    p.fillRect(QRectF(whole.left, 0, frame.left() - whole.left, height()), dim);
    p.fillRect(QRectF(frame.right(), 0, width() - frame.right(), height()), dim);
    p.setPen(QPen(style.text, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawRect(frame);
    p.setPen(style.grid);
    p.drawLine(0, height() - 1, width(), height() - 1);
}

void OverviewStrip::changeEvent(QEvent *event)
{
    // Another palette (dark / light): the bands are drawn again in its colours.
    if (event->type() == QEvent::PaletteChange)
        m_cachedRevision = UINT64_MAX;
    QWidget::changeEvent(event);
}

void OverviewStrip::moveFrameTo(double centreX)
{
    TimeMapping m = m_view->mapping();
    const double visibleNs = m_view->axisWidth() * m.nsPerPx;
    m.startNs = timeAt(centreX) - visibleNs / 2;
    m_view->setMapping(m);
}

void OverviewStrip::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    const auto [x0, x1] = frameX();
    const double x = event->position().x();
    // Inside the frame: grabbed where pressed; elsewhere: the frame jumps there.
    m_grabOffset = x >= x0 && x <= x1 ? x - (x0 + x1) / 2 : 0;
    if (m_grabOffset == 0)
        moveFrameTo(x);
    m_dragging = true;
    setCursor(Qt::ClosedHandCursor);
}

void OverviewStrip::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging)
        moveFrameTo(event->position().x() - m_grabOffset);
}

void OverviewStrip::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        setCursor(Qt::OpenHandCursor);
    }
}

void OverviewStrip::wheelEvent(QWheelEvent *event)
{
    // Zooms the timeline around the time under the pointer here.
    const double t = timeAt(event->position().x());
    const double factor = std::pow(1.25, event->angleDelta().y() / 120.0);
    const TimeMapping &m = m_view->mapping();
    m_view->zoomBy(factor, std::clamp(m.toX(t), m.left, m.left + m_view->axisWidth()));
    event->accept();
}

} // namespace ui
