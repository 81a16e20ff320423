#pragma once

#include "core/engine/engine.h"
#include "core/timeline/timelinemodel.h"

#include <QPalette>
#include <QSize>
#include <QString>

#include <vector>

class QPainter;

namespace ui {

// One picture of a comparison: title and legend, the stacked timeline, and
// the chart with its "why" text. Used by File > Save picture and by the
// headless `interleave run --screenshot`, so both give the same image.
struct PictureOptions
{
    il::TimelineViewKind view = il::TimelineViewKind::ByLane;
    int width = 1400;             // logical pixels; PNGs are written at 2x
    double fromNs = 0;            // time range shown; toNs <= fromNs shows everything
    double toNs = -1;
    std::uint32_t highlightTask = il::noTask;
    bool includeChart = true;
    // The timeline's arrows, as the window's View menu has them.
    bool handoffArrows = true;
    bool queueArrows = false;
    bool wakeArrows = false;
    QPalette palette;             // light or dark
};

// Empty, or what the picture leaves out to stay a sensible size ("only the
// first 81 of 20000 tasks of each run fit in the picture"); the picture
// itself says the same in its title and under each cut run.
QString pictureNote(const il::TimelineModel &model, const PictureOptions &options);
QSize pictureSize(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                  const PictureOptions &options);
void paintPicture(QPainter &painter, const il::TimelineModel &model,
                  const std::vector<il::RunResultPtr> &results, const PictureOptions &options);
// Writes `path` as PNG (2x device pixel ratio) or SVG by its suffix, atomically.
// Returns an empty string or the error. Needs a QApplication (the chart is a widget).
QString savePicture(const QString &path, const il::TimelineModel &model,
                    const std::vector<il::RunResultPtr> &results, const PictureOptions &options);

// Headless entry for the command line: builds the timeline from the finished
// runs and saves the picture, no window shown. Empty string or the error.
QString renderComparison(const std::shared_ptr<const il::TaskSet> &set, const std::vector<il::RunResultPtr> &results,
                         const QString &pngOrSvgPath, const PictureOptions &options);

} // namespace ui
