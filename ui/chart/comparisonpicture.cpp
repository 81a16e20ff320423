#include "ui/chart/comparisonpicture.h"

#include "core/analysis/advisor.h"
#include "core/io/exporters.h"
#include "ui/chart/comparisonchart.h"
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

#include <algorithm>

namespace ui {

namespace {
constexpr int titleHeight = 40;
constexpr int chartHeight = 320;
// A 20,000-task "by task" view would be a 280,000 px image (1.1 GB as a 2x
// PNG): the timeline is cut to this height instead, each run to its first
// rows, and the picture and the status bar say what was left out.
constexpr int maxTimelineHeight = 6000;

std::vector<il::Metrics> metricsOf(const std::vector<il::RunResultPtr> &results)
{
    std::vector<il::Metrics> out;
    for (const auto &r : results)
        if (r && r->trace->info.openedFrom.isEmpty()) // opened files are shown, not advised on
            out.push_back(r->metrics);
    return out;
}

TimelineLayout pictureLayout(const il::TimelineModel &model, const PictureOptions &options)
{
    return TimelineLayout::compute(model, options.view, maxTimelineHeight - TimelineLayout::rulerHeight);
}

int timelineHeight(const TimelineLayout &layout)
{
    return TimelineLayout::rulerHeight + std::max(60, layout.contentHeight);
}

QString omissionText(const TimelineLayout &layout)
{
    const int hidden = layout.hiddenRows();
    if (hidden == 0)
        return QString();
    int total = 0;
    for (const auto &b : layout.bands)
        total = std::max(total, b.rows + b.hiddenRows);
    const int shown = layout.shownRowsPerCutRun();
    if (layout.view == il::TimelineViewKind::ByTask)
        return il::translateCount("ComparisonPicture", "only the first %1 of %n task(s) of each run fit in the picture",
                              total)
            .arg(shown);
    return il::translateCount("ComparisonPicture", "only the first %1 of up to %n row(s) of each run fit in the picture",
                          total)
        .arg(shown);
}
} // namespace

QString pictureNote(const il::TimelineModel &model, const PictureOptions &options)
{
    return omissionText(pictureLayout(model, options));
}

QSize pictureSize(const il::TimelineModel &model, const std::vector<il::RunResultPtr> &results,
                  const PictureOptions &options)
{
    const TimelineLayout layout = pictureLayout(model, options);
    int height = titleHeight + timelineHeight(layout);
    if (options.includeChart && !results.empty())
        height += chartHeight;
    return QSize(std::max(400, options.width), height);
}

void paintPicture(QPainter &p, const il::TimelineModel &model,
                  const std::vector<il::RunResultPtr> &results, const PictureOptions &options)
{
    const QSize size = pictureSize(model, results, options);
    const SpanStyle style = SpanStyle::forPalette(options.palette);
    p.save();
    p.setFont(QApplication::font());
    p.fillRect(QRect(QPoint(0, 0), size), style.background);

    // Title and legend.
    const QRect title(0, 0, size.width(), titleHeight);
    p.fillRect(title, style.header);
    const TimelineLayout layout = pictureLayout(model, options);
    QString heading = QStringLiteral("Interleave");
    if (const il::TaskSet *set = model.taskSet())
        heading += QStringLiteral(" · %1 · %2").arg(set->name, taskSetSummaryText(*set));
    // What was left out leads the title, so eliding never hides it.
    if (const QString omitted = omissionText(layout); !omitted.isEmpty())
        heading = QStringLiteral("⚠ %1 (see each run's last line) · %2").arg(omitted, heading);
    const int legendW = legendWidth(p.font(), style) + 8;
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(style.text);
    const QRect headingRect = title.adjusted(12, 0, -legendW - 12, 0);
    p.drawText(headingRect, Qt::AlignVCenter | Qt::AlignLeft,
               QFontMetrics(bold).elidedText(heading, Qt::ElideRight, headingRect.width()));
    p.setFont(QApplication::font());
    paintLegend(p, QRect(size.width() - legendW, title.top() + 6, legendW - 8, titleHeight - 12), style);

    // Timeline.
    const QRect timelineRect(0, titleHeight, size.width(), timelineHeight(layout));
    TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = TimelineLayout::labelWidth;
    const double axisWidth = size.width() - TimelineLayout::labelWidth;
    if (options.toNs > options.fromNs)
        scene.mapping.fit(options.fromNs, options.toNs, axisWidth);
    else
        scene.mapping.fit(0, static_cast<double>(model.extentNs()), axisWidth);
    scene.highlightTask = options.highlightTask;
    scene.showHandoffs = options.handoffArrows;
    scene.showQueueArrows = options.queueArrows;
    scene.showWakeArrows = options.wakeArrows;
    TimelinePainter painter;
    p.save();
    p.translate(0, timelineRect.top());
    p.setClipRect(QRect(0, 0, timelineRect.width(), timelineRect.height()));
    painter.paint(p, QRect(0, 0, timelineRect.width(), timelineRect.height()), scene, style);
    p.restore();

    // Chart and the why text.
    if (options.includeChart && !results.empty()) {
        const QRect band(0, timelineRect.bottom() + 1, size.width(), chartHeight);
        p.fillRect(band, style.background);
        p.setPen(style.grid);
        p.drawLine(band.topLeft(), band.topRight());
        const int chartWidth = std::min(band.width() * 3 / 5, 900);
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

        const QRect text = band.adjusted(chartWidth + 24, 16, -16, -16);
        p.setFont(bold);
        p.setPen(style.text);
        p.drawText(text.adjusted(0, 0, 0, -text.height() + 24), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Why"));
        p.setFont(QApplication::font());
        const il::TaskSet *set = model.taskSet();
        const QString why = set ? il::adviseComparison(*set, metricsOf(results)) : QString();
        const QRect whyRect = text.adjusted(0, 28, 0, 0);
        QRect used;
        p.drawText(whyRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, why, &used);
        // What went wrong, in the failure colour, under the explanation.
        const QStringList problems = comparisonProblemLines(model);
        if (!problems.isEmpty()) {
            p.setPen(style.failed);
            p.drawText(whyRect.adjusted(0, used.height() + 12, 0, 0), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                       QStringLiteral("⚠ ") + problems.join(QStringLiteral("\n⚠ ")));
        }
    }
    p.restore();
}

QString savePicture(const QString &path, const il::TimelineModel &model,
                    const std::vector<il::RunResultPtr> &results, const PictureOptions &options)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return QStringLiteral("rendering a picture needs a QApplication");
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size = pictureSize(model, results, options);
    QByteArray bytes;
    if (suffix == QLatin1String("svg")) {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("Interleave comparison"));
        svg.setDescription(model.taskSet() ? taskSetSummaryText(*model.taskSet()) : QString());
        QPainter painter(&svg);
        paintPicture(painter, model, results, options);
        painter.end();
    } else if (suffix == QLatin1String("png")) {
        // 2x device pixel ratio: sharp on high-DPI screens and when zoomed.
        // Opaque (the picture paints its own background): PNG without an
        // alpha channel needs no unpremultiplying and is a third smaller.
        QImage image(size * 2, QImage::Format_RGB32);
        image.setDevicePixelRatio(2.0);
        image.fill(Qt::white);
        QPainter painter(&image);
        paintPicture(painter, model, results, options);
        painter.end();
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        // Quality 80 is zlib's fastest level in Qt's PNG writer: flat colours
        // compress nearly as well, several times faster than the default
        // (a 2800 x 12,700 px picture: 1.4 s instead of 2.6 s, 1.7 MB
        // instead of 1.5 MB).
        if (!image.save(&buffer, "PNG", 80))
            return QStringLiteral("could not encode the PNG");
    } else {
        return QStringLiteral("%1: the picture must end in .png or .svg").arg(path);
    }
    return il::writeFileAtomically(path, bytes);
}

QString renderComparison(const std::shared_ptr<const il::TaskSet> &set, const std::vector<il::RunResultPtr> &results,
                         const QString &pngOrSvgPath, const PictureOptions &options)
{
    il::TimelineModel model;
    model.setTaskSet(set); // shared with the run, not copied
    for (const auto &r : results)
        if (r && r->trace)
            model.setTrace(r->trace, r->metrics);
    return savePicture(pngOrSvgPath, model, results, options);
}

} // namespace ui
