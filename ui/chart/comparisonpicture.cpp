#include "ui/chart/comparisonpicture.h"

#include "core/analysis/advisor.h"
#include "core/base/clock.h"
#include "core/base/filewriter.h"
#include "core/io/exporters.h"
#include "ui/chart/comparisonchart.h"
#include "ui/chart/pngencoder.h"
#include "core/base/englishplurals.h"
#include "ui/text/incidenttext.h"
#include "ui/text/tasksetwords.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

namespace ui {

namespace {
constexpr int titleHeight = 40;
// A second title row, for the legend, when the heading would not fit
// beside it (a long task set name, a page note).
constexpr int legendRowHeight = 30;
constexpr int chartHeight = 320; // at least: taller when the why text needs it
// The timeline part of a one-file picture, at most (logical px, drawn at
// 2x). A 20,000-task by-task view at the normal row height would be a
// 280,000 px image: its rows get the compact height instead, and when even
// those do not fit, the picture is split into pages.
constexpr int maxTimelineHeight = 6000;
constexpr int whyTop = 16 + 28; // the why text under its "Why" title
constexpr int textMargin = 16;

std::vector<il::Metrics> metricsOf(const std::vector<il::RunResultPtr> &results)
{
    std::vector<il::Metrics> out;
    for (const auto &r : results)
        if (r && r->trace->info.openedFrom.isEmpty()) // opened files are shown, not advised on
            out.push_back(r->metrics);
    return out;
}

int chartWidthFor(int width)
{
    return std::min(width * 3 / 5, 900);
}

QString whyText(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results)
{
    const il::TaskSet *set = model.taskSet();
    return set ? il::adviseComparison(*set, metricsOf(results)) : QString();
}

QString problemsText(const il::TimelineModel &model)
{
    const QStringList problems = comparisonProblemLines(model);
    return problems.isEmpty() ? QString() : QStringLiteral("⚠ ") + problems.join(QStringLiteral("\n⚠ "));
}

QRect textBounds(const QFontMetrics &fm, int width, const QString &text)
{
    return fm.boundingRect(QRect(0, 0, width, 1 << 24), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
}

// The chart band: the chart on the left, the why text and what went wrong on
// the right, as tall as that text needs (a run with many incidents has
// many lines), never less than the chart.
int chartBandHeight(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results, int width)
{
    // Measured as a 2x PNG lays the text out (an SVG's is no larger).
    QImage device(1, 1, QImage::Format_RGB32);
    device.setDevicePixelRatio(2.0);
    const QFontMetrics fm(QApplication::font(), &device);
    const int textWidth = width - chartWidthFor(width) - 24 - textMargin;
    int height = whyTop + textBounds(fm, textWidth, whyText(model, results)).height();
    if (const QString problems = problemsText(model); !problems.isEmpty())
        height += 12 + textBounds(fm, textWidth, problems).height();
    return std::max(chartHeight, height + fm.lineSpacing() + textMargin);
}

// Every row, on as many pages as it takes; see PictureInfo.
struct Plan
{
    struct Page
    {
        int top = 0;    // content y at the top of the page's rows
        int bottom = 0; // and below its last row
    };
    TimelineLayout layout;
    std::vector<Page> pages;
    double scale = 2;
    int width = 0;
    int chartBand = 0; // on the first page; 0 without the chart
    int rows = 0;
    QString note;      // how the rows were fitted (made here, not on the threads that draw pages)
    QString titleNote; // the same, brief
    int titleBand = titleHeight; // + legendRowHeight when the legend goes under the heading

    int timelineHeight(std::size_t i) const
    {
        return TimelineLayout::rulerHeight + std::max(60, pages[i].bottom - pages[i].top);
    }
    QSize size(std::size_t i) const
    {
        return QSize(width, titleBand + timelineHeight(i) + (i == 0 ? chartBand : 0));
    }
};

// Where a page that may hold rows down to `limit` ends: above the row or
// header that `limit` falls in, so no row is cut in two.
int pageBreak(const TimelineLayout &layout, int limit)
{
    const TimelineLayout::Hit hit = layout.hitAt(limit);
    if (!hit.valid())
        return limit; // a gap between runs
    for (const TimelineLayout::Band &b : layout.bands)
        if (b.run == hit.run)
            return hit.header ? b.top : layout.rowSpan(hit.run, hit.row).first;
    return limit;
}

// "all 20000 tasks of each run in compact rows" (`brief`: for a page's
// title, after "page 2 of 6"), then how many pages and their names.
QString noteOf(const Plan &plan, il::TimelineViewKind view, bool brief = false)
{
    if (!plan.layout.compact)
        return QString();
    int most = 0;
    for (const auto &b : plan.layout.bands)
        most = std::max(most, b.rows);
    const QString rows = view == il::TimelineViewKind::ByTask
        ? il::translateCount("ComparisonPicture", "all %n task(s) of each run in compact rows", most)
        : il::translateCount("ComparisonPicture", "all %n row(s) of each run in compact rows", most);
    const int pages = int(plan.pages.size());
    if (pages == 1 || brief)
        return rows;
    return il::translateCount("ComparisonPicture", "%1 over %n page(s) (the file named, then the same name with -2 … -%n)", pages)
        .arg(rows);
}

// The picture's title: how the rows were fitted leads it (`where`: "page 2
// of 6 · " or nothing), then the task set.
QString headingOf(const il::TimelineModel &model, const QString &note, const QString &where)
{
    QString heading = QStringLiteral("Interleave");
    if (const il::TaskSet *set = model.taskSet())
        heading += QStringLiteral(" · %1 · %2").arg(set->name, taskSetSummaryText(*set));
    return note.isEmpty() ? heading : QStringLiteral("%1%2 · %3").arg(where, note, heading);
}

QFont boldFont()
{
    QFont bold = QApplication::font();
    bold.setBold(true);
    return bold;
}

int legendRoom(const SpanStyle &style)
{
    return legendWidth(QApplication::font(), style) + 8;
}

Plan planPicture(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                 const PictureOptions &options)
{
    Plan plan;
    plan.width = std::max(400, options.width);
    if (options.includeChart && !results.empty())
        plan.chartBand = chartBandHeight(model, results, plan.width);
    plan.layout = TimelineLayout::compute(model, options.view);
    const int room = maxTimelineHeight - TimelineLayout::rulerHeight;
    if (plan.layout.contentHeight > room)
        plan.layout = TimelineLayout::compute(model, options.view, 0, {}, true);
    for (const auto &b : plan.layout.bands)
        plan.rows += b.rows;
    // The heading whole or the legend on a row of its own under it: the
    // title is what names the picture. Measured with the longest page
    // prefix it could get.
    {
        const QString longest = headingOf(model, noteOf(plan, options.view, true), QStringLiteral("page 99 of 99 · "));
        const int room = plan.width - legendRoom(SpanStyle::forPalette(options.palette)) - 24;
        if (QFontMetrics(boldFont()).horizontalAdvance(longest) > room)
            plan.titleBand = titleHeight + legendRowHeight;
    }
    const int content = plan.layout.contentHeight;
    if (content <= room) {
        plan.pages.push_back({0, content});
        plan.note = noteOf(plan, options.view);
        plan.titleNote = noteOf(plan, options.view, true);
        return plan;
    }
    // Pages at 1x: 2x would be four times the pixels to draw and encode for
    // rows that are 4 px tall either way.
    plan.scale = 1;
    int top = 0;
    while (top < content) {
        const int frame = plan.titleBand + TimelineLayout::rulerHeight + (plan.pages.empty() ? plan.chartBand : 0);
        const int limit = top + std::max(1000, maxPagePixels - frame);
        int bottom = content;
        if (limit < content) {
            bottom = pageBreak(plan.layout, limit);
            if (bottom <= top + TimelineLayout::headerHeight)
                bottom = limit; // a row taller than a page: cannot be
        }
        plan.pages.push_back({top, bottom});
        if (bottom >= content)
            break;
        // A page that starts inside a run's rows has that run's header
        // pinned over its first rows: start it one header earlier so that
        // the header covers rows the last page already showed.
        top = bottom;
        const TimelineLayout::Hit hit = plan.layout.hitAt(bottom);
        if (hit.valid() && !hit.header)
            for (const TimelineLayout::Band &b : plan.layout.bands)
                if (b.run == hit.run && bottom > b.rowsTop())
                    top = bottom - TimelineLayout::headerHeight;
    }
    plan.note = noteOf(plan, options.view);
    plan.titleNote = noteOf(plan, options.view, true);
    return plan;
}

void paintPage(QPainter &p, const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
               const PictureOptions &options, const Plan &plan, std::size_t page)
{
    const QSize size = plan.size(page);
    const SpanStyle style = SpanStyle::forPalette(options.palette);
    p.save();
    p.setFont(QApplication::font());
    p.fillRect(QRect(QPoint(0, 0), size), style.background);

    // Title and legend.
    const QRect title(0, 0, size.width(), plan.titleBand);
    p.fillRect(title, style.header);
    // How the rows were fitted leads the title, so eliding never hides it.
    const QString where = plan.pages.size() > 1 ? QStringLiteral("page %1 of %2 · ").arg(page + 1).arg(plan.pages.size())
                                                : QString();
    const QString heading = headingOf(model, plan.titleNote, where);
    const int legendW = legendRoom(style);
    const bool legendBelow = plan.titleBand > titleHeight;
    const QFont bold = boldFont();
    p.setFont(bold);
    p.setPen(style.text);
    const QRect headingRect(12, 0, size.width() - 24 - (legendBelow ? 0 : legendW), titleHeight);
    p.drawText(headingRect, Qt::AlignVCenter | Qt::AlignLeft,
               QFontMetrics(bold).elidedText(heading, Qt::ElideRight, headingRect.width()));
    p.setFont(QApplication::font());
    paintLegend(p, QRect(size.width() - legendW, legendBelow ? titleHeight - 4 : 6, legendW - 8, titleHeight - 12), style);

    // Timeline: this page's stretch of the rows, as the window shows it
    // scrolled there.
    const QRect timelineRect(0, plan.titleBand, size.width(), plan.timelineHeight(page));
    TimelineScene scene;
    scene.model = &model;
    scene.layout = &plan.layout;
    scene.scrollY = plan.pages[page].top;
    scene.mapping.left = TimelineLayout::labelWidth;
    const double axisWidth = size.width() - TimelineLayout::labelWidth;
    if (options.toNs > options.fromNs)
        scene.mapping.fit(options.fromNs, options.toNs, axisWidth);
    else
        scene.mapping.fit(0, static_cast<double>(model.extentNs()), axisWidth);
    scene.highlightTask = options.highlightTask;
    scene.highlightGroup = options.highlightGroup;
    scene.showHandoffs = options.handoffArrows;
    scene.showQueueArrows = options.queueArrows;
    scene.showWakeArrows = options.wakeArrows;
    TimelinePainter painter;
    p.save();
    p.translate(0, timelineRect.top());
    p.setClipRect(QRect(0, 0, timelineRect.width(), timelineRect.height()));
    painter.paint(p, QRect(0, 0, timelineRect.width(), timelineRect.height()), scene, style);
    p.restore();

    // Chart and the why text, on the first page.
    if (page == 0 && plan.chartBand > 0) {
        const QRect band(0, timelineRect.bottom() + 1, size.width(), plan.chartBand);
        p.fillRect(band, style.background);
        p.setPen(style.grid);
        p.drawLine(band.topLeft(), band.topRight());
        const int chartWidth = chartWidthFor(band.width());
        ComparisonChart chart;
        chart.setAttribute(Qt::WA_DontShowOnScreen);
        chart.setPalette(options.palette);
        chart.setFrameShape(QFrame::NoFrame);
        chart.resize(chartWidth, chartHeight - 8);
        // From the model, as the window's chart: the runs' own names ("#2 threads").
        chart.setModel(&model);
        chart.show(); // off screen: lets the chart lay itself out before rendering
        QCoreApplication::sendPostedEvents(&chart);
        // QGraphicsView::render hides the QWidget overload; the widget one draws the frame too.
        chart.QWidget::render(&p, QPoint(band.left() + 4, band.top() + 4));
        chart.hide();

        const QRect text = band.adjusted(chartWidth + 24, textMargin, -textMargin, -textMargin);
        p.setFont(bold);
        p.setPen(style.text);
        p.drawText(text.adjusted(0, 0, 0, -text.height() + 24), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Why"));
        p.setFont(QApplication::font());
        // The band was made as tall as this text: it is never clipped.
        const QRect whyRect = text.adjusted(0, whyTop - textMargin, 0, 0);
        QRect used;
        p.drawText(whyRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap | Qt::TextDontClip,
                   whyText(model, results), &used);
        // What went wrong, in the failure colour, under the explanation.
        if (const QString problems = problemsText(model); !problems.isEmpty()) {
            p.setPen(style.failed);
            p.drawText(whyRect.adjusted(0, used.height() + 12, 0, 0),
                       Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap | Qt::TextDontClip, problems);
        }
    }
    p.restore();
}

// One page as PNG bytes; the times it took added to *paintMs / *encodeMs.
QByteArray pngPage(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                   const PictureOptions &options, const Plan &plan, std::size_t page, double *paintMs,
                   double *encodeMs)
{
    const std::int64_t t0 = il::monoNs();
    // Opaque (the picture paints its own background): no alpha to store.
    QImage image(plan.size(page) * plan.scale, QImage::Format_RGB32);
    if (image.isNull())
        return {};
    image.setDevicePixelRatio(plan.scale);
    QPainter painter(&image);
    paintPage(painter, model, results, options, plan, page);
    painter.end();
    const std::int64_t t1 = il::monoNs();
    QByteArray bytes = encodeOpaquePng(image);
    *paintMs += il::nsToMs(t1 - t0);
    *encodeMs += il::nsToMs(il::monoNs() - t1);
    return bytes;
}
} // namespace

PictureInfo pictureInfo(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                        const PictureOptions &options)
{
    const Plan plan = planPicture(model, results, options);
    PictureInfo info;
    info.pages = int(plan.pages.size());
    info.scale = plan.scale;
    info.compact = plan.layout.compact;
    info.rows = plan.rows;
    info.titleHeight = plan.titleBand;
    for (std::size_t i = 0; i < plan.pages.size(); ++i) {
        info.sizes.push_back(plan.size(i));
        info.content.emplace_back(plan.pages[i].top, plan.pages[i].bottom);
    }
    return info;
}

QString picturePagePath(const QString &path, int page)
{
    if (page <= 0)
        return path;
    const int dot = path.lastIndexOf(QLatin1Char('.'));
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    const QString suffix = dot > slash ? path.mid(dot) : QString();
    return path.left(path.size() - suffix.size()) + QStringLiteral("-%1").arg(page + 1) + suffix;
}

QString pictureNote(const il::TimelineModel &model, const PictureOptions &options)
{
    return planPicture(model, {}, options).note;
}

QSize pictureSize(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                  const PictureOptions &options)
{
    return planPicture(model, results, options).size(0);
}

void paintPicture(QPainter &p, const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                  const PictureOptions &options, int page)
{
    const Plan plan = planPicture(model, results, options);
    if (page >= 0 && std::size_t(page) < plan.pages.size())
        paintPage(p, model, results, options, plan, std::size_t(page));
}

QString savePicture(const QString &path, const il::TimelineModel &model,
                    const std::vector<il::RunResultPtr> &results, const PictureOptions &options,
                    PictureStats *stats)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return QStringLiteral("rendering a picture needs a QApplication");
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool svg = suffix == QLatin1String("svg");
    if (!svg && suffix != QLatin1String("png"))
        return QStringLiteral("%1: the picture must end in .png or .svg").arg(path);
    const Plan plan = planPicture(model, results, options);
    const std::size_t count = plan.pages.size();
    std::vector<QByteArray> pages(count);
    PictureStats local;
    if (svg) {
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t t0 = il::monoNs();
            QBuffer buffer(&pages[i]);
            buffer.open(QIODevice::WriteOnly);
            QSvgGenerator generator;
            generator.setOutputDevice(&buffer);
            generator.setSize(plan.size(i));
            generator.setViewBox(QRect(QPoint(0, 0), plan.size(i)));
            generator.setTitle(QStringLiteral("Interleave comparison"));
            generator.setDescription(model.taskSet() ? taskSetSummaryText(*model.taskSet()) : QString());
            QPainter painter(&generator);
            paintPage(painter, model, results, options, plan, i);
            painter.end();
            local.paintMs += il::nsToMs(il::monoNs() - t0);
        }
    } else {
        // The first page (with the chart, a widget) here; the others on
        // up to as many threads as there are cores, each drawing and
        // encoding whole pages into its own image. What the model builds on
        // first use is built before they start.
        for (int r = 0; r < model.runCount(); ++r) {
            if (options.queueArrows)
                model.run(r).prepareArrows(il::TaskArrowKind::Queue);
            if (options.wakeArrows)
                model.run(r).prepareArrows(il::TaskArrowKind::Wake);
        }
        std::atomic<std::size_t> next{1};
        std::vector<double> paintMs(count, 0), encodeMs(count, 0);
        const auto work = [&] {
            for (std::size_t i = next++; i < count; i = next++)
                pages[i] = pngPage(model, results, options, plan, i, &paintMs[i], &encodeMs[i]);
        };
        std::vector<std::thread> threads;
        const int cores = std::max(1, QThread::idealThreadCount());
        for (int t = 0; t < cores && std::size_t(t) + 1 < count; ++t)
            threads.emplace_back(work);
        pages[0] = pngPage(model, results, options, plan, 0, &paintMs[0], &encodeMs[0]);
        for (std::thread &t : threads)
            t.join();
        for (std::size_t i = 0; i < count; ++i) {
            local.paintMs += paintMs[i];
            local.encodeMs += encodeMs[i];
            const QSize px = plan.size(i) * plan.scale;
            local.megapixels += double(px.width()) * px.height() / 1e6;
        }
        for (const QByteArray &bytes : pages)
            if (bytes.isEmpty())
                return QStringLiteral("%1: could not draw or encode the PNG (%2 pages)").arg(path).arg(count);
    }
    // Every page into its temporary file first; only when all are written
    // are they renamed into place, so an error keeps every old file.
    std::vector<std::unique_ptr<il::FileWriter>> writers;
    for (std::size_t i = 0; i < count; ++i) {
        writers.push_back(std::make_unique<il::FileWriter>(picturePagePath(path, int(i))));
        il::FileWriter &w = *writers.back();
        if (!w.open() || !w.write(pages[i]))
            return w.errorString();
        local.bytes += pages[i].size();
    }
    for (const auto &w : writers) {
        if (!w->commit())
            return w->errorString();
        local.files << w->path();
    }
    if (stats)
        *stats = local;
    return QString();
}

QString renderComparison(const std::shared_ptr<const il::TaskSet> &set, const std::vector<il::RunResultPtr> &results,
                         const QString &pngOrSvgPath, const PictureOptions &options, PictureStats *stats)
{
    il::TimelineModel model;
    model.setTaskSet(set); // shared with the run, not copied
    for (std::size_t i = 0; i < results.size(); ++i)
        if (const il::RunResultPtr &r = results[i]; r && r->trace)
            model.setTrace(r->trace, r->metrics, r->trace->info.runIndex, QString(),
                           i < options.runNames.size() ? options.runNames[i] : set);
    return savePicture(pngOrSvgPath, model, results, options, stats);
}

} // namespace ui
