#pragma once

#include "core/engine/engine.h"
#include "core/timeline/timelinemodel.h"

#include <QPalette>
#include <QSize>
#include <QString>
#include <QStringList>

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
    int highlightGroup = -1; // the runs it is in (TimelineModel::namesGroup), -1 every run
    bool includeChart = true;
    // The timeline's arrows, as the window's View menu has them.
    bool handoffArrows = true;
    bool queueArrows = false;
    bool wakeArrows = false;
    QPalette palette;             // light or dark
    // renderComparison: per result, the set its run names its tasks from (a
    // lab run: the set it ran; an opened file: its own, null for none);
    // results past its end are named from the set given.
    std::vector<std::shared_ptr<const il::TaskSet>> runNames;
};

// How a picture is laid out. Every row of every run is drawn: when the rows
// do not fit one picture of sensible size (a by-task view of thousands of
// tasks) they get the compact height (View → Compact rows), and when even
// those are too tall the picture is split into pages of at most
// maxPagePixels, drawn at 1x: NAME.png, NAME-2.png, NAME-3.png, …, the
// first with the chart.
struct PictureInfo
{
    int pages = 1;
    double scale = 2;     // device pixel ratio of the PNG
    bool compact = false; // compact rows
    int rows = 0;         // over every run
    std::vector<QSize> sizes; // logical size of each page
    // The title band: 40 px, or 70 with the legend on a row of its own when
    // the heading would not fit beside it.
    int titleHeight = 40;
    // Per page, the stretch of the timeline's rows it shows: content y from
    // `first` to `second` (TimelineLayout), under the title and the ruler.
    std::vector<std::pair<int, int>> content;
};
constexpr int maxPagePixels = 16000;
PictureInfo pictureInfo(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                        const PictureOptions &options);
// The file page `page` (0-based) of a picture saved as `path` goes to:
// `path` itself, then "out-2.png", "out-3.png", … beside it.
QString picturePagePath(const QString &path, int page);

// Empty, or how the rows were fitted ("all 20000 tasks of each run in
// compact rows, over 6 pages: …"); the picture says the same in its title.
QString pictureNote(const il::TimelineModel &model, const PictureOptions &options);
// The first page's logical size.
QSize pictureSize(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                  const PictureOptions &options);
// Paints page `page` (the first one: title, timeline and chart).
void paintPicture(QPainter &painter, const il::TimelineModel &model,
                  const std::vector<il::RunResultPtr> &results, const PictureOptions &options, int page = 0);

// Where the time of a save went (summed over the threads that drew pages).
struct PictureStats
{
    QStringList files;
    double paintMs = 0;
    double encodeMs = 0;
    double megapixels = 0;
    qint64 bytes = 0;
};
// Writes `path` as PNG (2x device pixel ratio, or 1x for pages) or SVG by
// its suffix, with its further pages beside it. Every page is made first,
// then all are written atomically: an error keeps every old file. Returns
// an empty string or the error. Needs a QApplication (the chart is a widget).
QString savePicture(const QString &path, const il::TimelineModel &model,
                    const std::vector<il::RunResultPtr> &results, const PictureOptions &options,
                    PictureStats *stats = nullptr);

// Headless entry for the command line: builds the timeline from the finished
// runs and saves the picture, no window shown. Empty string or the error.
QString renderComparison(const std::shared_ptr<const il::TaskSet> &set, const std::vector<il::RunResultPtr> &results,
                         const QString &pngOrSvgPath, const PictureOptions &options, PictureStats *stats = nullptr);

} // namespace ui
