#include "ui/timeline/viewportcontroller.h"

#include <algorithm>
#include <cmath>

namespace ui {

ViewportController::ViewportController(double axisLeft, QObject *parent)
    : QObject(parent)
{
    m_mapping.left = axisLeft;
}

void ViewportController::moved()
{
    m_follow = false;
    emit mappingChanged();
}

void ViewportController::setMapping(const TimeMapping &mapping)
{
    m_mapping = mapping;
    moved();
}

void ViewportController::zoomBy(double factor, double x)
{
    m_mapping.zoomAround(std::max(x, m_mapping.left), factor);
    // Zooming out stops at the whole comparison: past it is only empty axis.
    if (m_extent > 0) {
        TimeMapping whole = m_mapping;
        whole.fit(0, m_extent, m_axisWidth);
        if (m_mapping.nsPerPx > whole.nsPerPx)
            m_mapping = whole;
    }
    moved();
}

void ViewportController::panByPixels(double dx)
{
    m_mapping.panByPixels(dx);
    moved();
}

void ViewportController::fit(double extentNs)
{
    m_extent = extentNs;
    m_mapping.fit(0, extentNs, m_axisWidth);
    m_follow = true;
    emit mappingChanged();
}

void ViewportController::follow(double extentNs)
{
    m_extent = extentNs;
    if (m_follow)
        fit(extentNs);
}

void ViewportController::beginSelection(double x)
{
    m_dragging = true;
    m_dragStartX = x;
    m_selFrom = m_selTo = m_mapping.toNs(std::max(x, m_mapping.left));
    m_hasSelection = true;
    emit selectionDragged();
}

void ViewportController::dragSelection(double x)
{
    if (!m_dragging)
        return;
    m_selTo = m_mapping.toNs(std::max(x, m_mapping.left));
    emit selectionDragged();
}

void ViewportController::finishSelection(double x, double minDragPx)
{
    if (!m_dragging)
        return;
    m_dragging = false;
    if (std::abs(x - m_dragStartX) < minDragPx) {
        clearSelection(); // a click on the ruler: what was selected goes
        return;
    }
    setSelection(m_selFrom, m_selTo);
}

void ViewportController::setSelection(double fromNs, double toNs)
{
    m_dragging = false;
    m_hasSelection = true;
    m_selFrom = std::min(fromNs, toNs);
    m_selTo = std::max(fromNs, toNs);
    emit selectionChanged(true, m_selFrom, m_selTo);
}

void ViewportController::clearSelection()
{
    m_dragging = false;
    if (!m_hasSelection)
        return;
    m_hasSelection = false;
    emit selectionChanged(false, 0, 0);
}

} // namespace ui
