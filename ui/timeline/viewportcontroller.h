#pragma once

#include "ui/timeline/timemapping.h"

#include <QObject>

#include <utility>

namespace ui {

// The horizontal view of the timeline in one object: the time <-> pixel
// mapping (zoom, pan), whether it follows the growing comparison, and the
// time range selected on the ruler. Every change the user makes goes through
// here and is announced once, so a view only listens (repaint, relay):
// zooming or panning stops following, fit() starts it again.
class ViewportController : public QObject
{
    Q_OBJECT
public:
    explicit ViewportController(double axisLeft, QObject *parent = nullptr);

    const TimeMapping &mapping() const { return m_mapping; }
    bool isFollowing() const { return m_follow; }
    // The axis' width in pixels (the view's width right of the labels).
    void setAxisWidth(double width) { m_axisWidth = std::max(1.0, width); }
    double axisWidth() const { return m_axisWidth; }

    // User moves: each stops following and emits mappingChanged once.
    void setMapping(const TimeMapping &mapping);
    void zoomBy(double factor, double x); // x is clamped to the axis
    void panByPixels(double dx);
    // Shows [0, extentNs] across the axis and follows from now on.
    void fit(double extentNs);
    // The content grew or the axis changed size: refits only while following.
    // Either way zooming out stops at [0, extentNs] from now on.
    void follow(double extentNs);
    double extentNs() const { return m_extent; }

    bool hasSelection() const { return m_hasSelection; }
    std::pair<double, double> selection() const { return {m_selFrom, m_selTo}; } // ordered once finished
    // A drag on the ruler: begins at pixel x, moves (drawn, not announced),
    // ends; a drag shorter than `minDragPx` is a click and clears instead.
    void beginSelection(double x);
    void dragSelection(double x);
    void finishSelection(double x, double minDragPx);
    void setSelection(double fromNs, double toNs);
    void clearSelection();

signals:
    void mappingChanged();
    void selectionChanged(bool hasSelection, double fromNs, double toNs); // set or cleared
    void selectionDragged(); // a selection being dragged moved: repaint only

private:
    void moved();

    TimeMapping m_mapping;
    double m_axisWidth = 1;
    double m_extent = 0; // the whole comparison: the farthest zoom-out
    bool m_follow = true;
    bool m_hasSelection = false;
    bool m_dragging = false;
    double m_selFrom = 0;
    double m_selTo = 0;
    double m_dragStartX = 0;
};

} // namespace ui
