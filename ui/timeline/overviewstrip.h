#pragma once

#include "ui/timeline/rowgeometry.h"

#include <QImage>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace il {
class TimelineModel;
}

namespace ui {

class TimelineView;

// The whole comparison in miniature above the timeline: one thin band per
// run (every lane of it folded into one, in the kinds' colours) on the
// timeline's own axis, with the part the timeline shows as a frame. Drag the
// frame (or press anywhere on the strip) to move the timeline there; the
// wheel zooms the timeline around that time.
class OverviewStrip : public QWidget
{
    Q_OBJECT
public:
    OverviewStrip(const il::TimelineModel *model, TimelineView *view, QWidget *parent = nullptr);

    QSize sizeHint() const override { return {600, 34}; }
    // The frame's x range in the strip's coordinates (for tests).
    std::pair<double, double> frameX() const;
    // The time at x in the strip (the whole comparison across its axis).
    double timeAt(double x) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    TimeMapping wholeMapping() const;
    void moveFrameTo(double centreX); // pans the timeline so its view is centred at the strip's x

    const il::TimelineModel *m_model;
    TimelineView *m_view;
    bool m_dragging = false;
    double m_grabOffset = 0; // where in the frame it was grabbed, px from its centre
    // Per run, the folded segments, for one (revision, width): repaints that
    // only move the frame cost nothing.
    std::uint64_t m_cachedRevision = UINT64_MAX;
    int m_cachedWidth = -1;
    std::vector<std::vector<Segment>> m_runSegments;
    QImage m_bands; // the bands drawn once per (revision, size, palette): a repaint blits them
};

} // namespace ui
