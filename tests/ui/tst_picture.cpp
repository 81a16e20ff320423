#include "core/engine/engine.h"
#include "synthetictrace.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"

#include <QApplication>
#include <QDir>
#include <QFontMetrics>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

ui::PictureOptions defaultPicture()
{
    ui::PictureOptions options;
    options.palette = QApplication::palette();
    return options;
}

il::TaskSet tinySet()
{
    il::TaskSet set;
    set.name = QStringLiteral("tiny");
    for (int i = 0; i < 4; ++i) {
        il::Task t;
        t.name = QStringLiteral("tiny-%1").arg(i);
        t.phases = {{il::PhaseKind::Io, 3}, {il::PhaseKind::Cpu, 4}};
        set.tasks.push_back(t);
    }
    return set;
}

} // namespace

// Pictures of a real comparison, rendered without a window: the same code
// serves File > Save picture and `interleave run --screenshot`.
class TestPicture : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pngHasRequestedSizeAndCpuPixels();
    void svgIsWellFormed();
    void headlessRenderComparison();
    void badSuffixIsAnError();
    void tallByTaskPictureWritesEveryRow();
    void pagesAreWrittenAllOrNothing();
    void longWhyTextIsNotCut();
    void layoutCapSharesTheHeight();
    void byTaskPictureFitsEveryRowWhenItCan();
    void arrowsFollowTheOptions();
    void headingIsNeverCutForTheLegend();

private:
    il::TaskSet m_set;
    std::vector<il::RunResultPtr> m_results;
    il::TimelineModel m_model;
    QTemporaryDir m_dir;
};

void TestPicture::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_set = tinySet();
    il::Engine engine;
    QSignalSpy finished(&engine, &il::Engine::finished);
    QObject::connect(&engine, &il::Engine::runFinished, this,
                     [this](const il::RunResultPtr &r) { m_results.push_back(r); });
    std::vector<il::RunConfig> runs;
    for (il::Mode m : {il::Mode::Sequential, il::Mode::Threads, il::Mode::EventLoop}) {
        il::RunConfig config;
        config.mode = m;
        config.workers = 2;
        runs.push_back(config);
    }
    QVERIFY(engine.start(std::make_shared<const il::TaskSet>(m_set), runs));
    QVERIFY(finished.wait(60000));
    QCOMPARE(m_results.size(), 3u);
    m_model.setTaskSet(std::make_shared<const il::TaskSet>(m_set));
    for (const auto &r : m_results)
        m_model.setTrace(r->trace, r->metrics);
}

void TestPicture::pngHasRequestedSizeAndCpuPixels()
{
    ui::PictureOptions options;
    options.width = 1000;
    options.palette = QApplication::palette();
    const QString path = m_dir.filePath(QStringLiteral("cmp.png"));
    QCOMPARE(ui::savePicture(path, m_model, m_results, options), QString());
    const QSize logical = ui::pictureSize(m_model, m_results, options);
    QCOMPARE(logical.width(), 1000);
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), logical * 2); // 2x device pixel ratio
    const QColor cpu = ui::SpanStyle::forPalette(options.palette).kind(il::ItemKind::Cpu).fill;
    int cpuPixels = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            cpuPixels += QColor(image.pixel(x, y)).rgb() == cpu.rgb();
    QVERIFY2(cpuPixels > 100, qPrintable(QString::number(cpuPixels)));
}

void TestPicture::svgIsWellFormed()
{
    ui::PictureOptions options;
    options.palette = QApplication::palette();
    const QString path = m_dir.filePath(QStringLiteral("cmp.svg"));
    QCOMPARE(ui::savePicture(path, m_model, m_results, options), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int elements = 0;
    QString root;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement) {
            if (elements++ == 0)
                root = xml.name().toString();
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(root, QStringLiteral("svg"));
    QVERIFY(elements > 50);
}

void TestPicture::headlessRenderComparison()
{
    const QString path = m_dir.filePath(QStringLiteral("cli.png"));
    QCOMPARE(ui::renderComparison(std::make_shared<const il::TaskSet>(m_set), m_results, path, defaultPicture()), QString());
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 2 * 1400);
}

void TestPicture::badSuffixIsAnError()
{
    const QString path = m_dir.filePath(QStringLiteral("cmp.gif"));
    QVERIFY(!ui::renderComparison(std::make_shared<const il::TaskSet>(m_set), m_results, path, defaultPicture()).isEmpty());
    QVERIFY(!QFile::exists(path));
}

namespace {
// `runs` runs of a synthetic trace of `tasks` tasks, with a task set naming them.
void fillModel(il::TimelineModel &model, int tasks, int runs)
{
    il::TaskSet set;
    set.name = QStringLiteral("many");
    for (int i = 0; i < tasks; ++i)
        set.tasks.push_back({QStringLiteral("job-%1").arg(i), {{il::PhaseKind::Cpu, 1}}, {}});
    model.setTaskSet(std::make_shared<const il::TaskSet>(set));
    for (int r = 0; r < runs; ++r) {
        auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(std::size_t(tasks) * 7, 4, unsigned(r + 1)));
        QCOMPARE(int(trace->tasks.size()), tasks);
        trace->info.runIndex = r;
        model.setTrace(trace);
    }
}

QString svgText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll());
}
} // namespace

// 20,000 tasks by task do not fit in one picture of sensible size: every
// row is still drawn, in compact rows over pages of at most maxPagePixels,
// named out.png, out-2.png, … and said so in each page's title.
void TestPicture::tallByTaskPictureWritesEveryRow()
{
    il::TimelineModel model;
    fillModel(model, 20000, 2);
    ui::PictureOptions options;
    options.view = il::TimelineViewKind::ByTask;
    options.palette = QApplication::palette();
    const ui::PictureInfo info = ui::pictureInfo(model, {}, options);
    QCOMPARE(info.rows, 40000);
    QVERIFY(info.compact);
    QVERIFY2(info.pages > 1, qPrintable(QString::number(info.pages)));
    QCOMPARE(int(info.sizes.size()), info.pages);
    const QString note = ui::pictureNote(model, options);
    QVERIFY2(note.contains(QStringLiteral("all 20000 tasks of each run")), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("over %1 pages").arg(info.pages)), qPrintable(note));

    const QString png = m_dir.filePath(QStringLiteral("tall.png"));
    ui::PictureStats stats;
    QCOMPARE(ui::savePicture(png, model, {}, options, &stats), QString());
    QCOMPARE(stats.files.size(), info.pages);
    QCOMPARE(stats.files.front(), png);
    QCOMPARE(stats.files.back(), m_dir.filePath(QStringLiteral("tall-%1.png").arg(info.pages)));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("tall-%1.png").arg(info.pages + 1))));
    // Every page a size image viewers (and Qt's default reader) open.
    QImage last;
    for (int i = 0; i < info.pages; ++i) {
        QImageReader reader(stats.files[i]);
        const QImage image = reader.read();
        QVERIFY2(!image.isNull(), qPrintable(stats.files[i] + QStringLiteral(": ") + reader.errorString()));
        QVERIFY(image.height() <= ui::maxPagePixels);
        QCOMPARE(image.size(), info.sizes[std::size_t(i)] * info.scale);
        last = image;
    }
    // Together the pages hold every row: each starts where the last ended
    // (or a header's height before: the run's header is pinned over that),
    // the last ends with the rows.
    const auto layout = ui::TimelineLayout::compute(model, options.view, 0, {}, true);
    QCOMPARE(info.content.front().first, 0);
    for (std::size_t i = 1; i < info.content.size(); ++i) {
        const int top = info.content[i].first, before = info.content[i - 1].second;
        QVERIFY2(top == before || top == before - ui::TimelineLayout::headerHeight,
                 qPrintable(QStringLiteral("page %1 starts at %2, the last ended at %3").arg(i + 1).arg(top).arg(before)));
    }
    QCOMPARE(info.content.back().second, layout.contentHeight);
    // The last task of the last run is drawn where its row is on the last
    // page, and nothing under it.
    const ui::SpanStyle style = ui::SpanStyle::forPalette(options.palette);
    const auto [rowTop, rowBottom] = layout.rowSpan(1, 19999);
    QVERIFY(rowBottom > rowTop);
    const int pageTop = info.titleHeight + ui::TimelineLayout::rulerHeight - info.content.back().first;
    const auto inkIn = [&](int y) {
        int n = 0;
        for (int x = ui::TimelineLayout::labelWidth + 1; x < last.width(); ++x)
            n += QColor(last.pixel(x, y)).rgb() != style.background.rgb();
        return n;
    };
    // (Below it only the grid's vertical lines cross the gap.)
    const int inRow = inkIn(int((pageTop + (rowTop + rowBottom) / 2) * info.scale));
    const int under = inkIn(int((pageTop + rowBottom + 2) * info.scale));
    QVERIFY2(inRow > under + 20, qPrintable(QStringLiteral("%1 px of the last row drawn, %2 under it").arg(inRow).arg(under)));
    QVERIFY2(under < 20, qPrintable(QString::number(under)));
}

// A later page that cannot be written leaves every old file as it was.
void TestPicture::pagesAreWrittenAllOrNothing()
{
    il::TimelineModel model;
    fillModel(model, 20000, 1);
    ui::PictureOptions options;
    options.view = il::TimelineViewKind::ByTask;
    options.palette = QApplication::palette();
    QVERIFY(ui::pictureInfo(model, {}, options).pages >= 2);
    const QString png = m_dir.filePath(QStringLiteral("atomic.png"));
    {
        QFile old(png);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("old");
    }
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("atomic-2.png"))); // cannot be written
    const QString error = ui::savePicture(png, model, {}, options);
    QVERIFY2(error.contains(QStringLiteral("atomic-2.png")), qPrintable(error));
    QFile old(png);
    QVERIFY(old.open(QIODevice::ReadOnly));
    QCOMPARE(old.readAll(), QByteArray("old"));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("atomic-3.png"))));
}

// A long why text (a run with many incidents) makes the picture taller; it
// is never cut at the bottom edge.
void TestPicture::longWhyTextIsNotCut()
{
    il::TimelineModel model;
    fillModel(model, 40, 1);
    auto trace = std::make_shared<il::Trace>(*model.run(0).trace());
    for (int i = 0; i < 60; ++i) {
        il::Incident incident;
        incident.kind = il::IncidentKind::TaskRaised;
        incident.task = std::uint32_t(i % 40);
        incident.detail = QStringLiteral("ValueError: task %1 raised in its third phase").arg(i);
        trace->incidents.push_back(incident);
    }
    model.setTrace(trace);
    const std::vector<il::RunResultPtr> results{std::make_shared<il::RunResult>(il::RunResult{trace, {}})};
    ui::PictureOptions options;
    options.palette = QApplication::palette();
    const QString path = m_dir.filePath(QStringLiteral("why.png"));
    QCOMPARE(ui::savePicture(path, model, results, options), QString());
    QImageReader reader(path);
    const QImage image = reader.read();
    QVERIFY(!image.isNull());
    // The problems are drawn in the failure colour, right of the chart: the
    // lowest row holding that colour is above the bottom margin, and they
    // take the height of their lines (about 60 incidents, wrapped).
    const QColor failed = ui::SpanStyle::forPalette(options.palette).failed;
    int first = -1, lastRow = -1;
    const int chartTop = 2 * ui::pictureSize(model, {}, options).height(); // below the timeline
    for (int y = chartTop; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = image.width() / 2; x < image.width(); ++x)
            if ((line[x] & 0xffffff) == (failed.rgb() & 0xffffff)) {
                if (first < 0)
                    first = y;
                lastRow = y;
                break;
            }
    }
    QVERIFY(first > chartTop);
    const int lineSpacing = 2 * QFontMetrics(QApplication::font()).lineSpacing();
    QVERIFY2(lastRow < image.height() - 2 * 16 + 4, qPrintable(QStringLiteral("text to %1 of %2").arg(lastRow).arg(image.height())));
    QVERIFY2(lastRow - first > 25 * lineSpacing,
             qPrintable(QStringLiteral("failure text %1 px tall, a line %2 px").arg(lastRow - first).arg(lineSpacing)));
    QVERIFY(ui::pictureSize(model, results, options).height() > ui::pictureSize(model, {}, options).height() + 320);
}

// The cap shares the height: a run that needs few rows keeps them all, the
// big ones are cut to one number of rows, every run keeps its header.
void TestPicture::layoutCapSharesTheHeight()
{
    il::TimelineModel model;
    fillModel(model, 20000, 3);
    // Run 1 replaced by a small one (40 tasks): it must stay whole.
    auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(40 * 7, 2, 9));
    trace->info.runIndex = 1;
    model.setTrace(trace);
    const auto layout = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByTask, 5000);
    QCOMPARE(layout.bands.size(), 3u);
    QCOMPARE(layout.bands[1].rows, 40);
    QCOMPARE(layout.bands[1].hiddenRows, 0);
    QCOMPARE(layout.bands[0].rows, layout.bands[2].rows);
    QCOMPARE(layout.bands[0].rows + layout.bands[0].hiddenRows, 20000);
    QVERIFY(layout.bands[0].rows > 100);
    QVERIFY2(layout.contentHeight <= 5000, qPrintable(QString::number(layout.contentHeight)));
    QCOMPARE(layout.shownRowsPerCutRun(), layout.bands[0].rows);
    // Without a cap nothing is cut.
    const auto full = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByTask);
    QCOMPARE(full.hiddenRows(), 0);
    QCOMPARE(full.bands[2].rows, 20000);
    // A hit on a cut band's footer is no row.
    const auto &b = layout.bands[0];
    QVERIFY(!layout.hitAt(b.rowsBottom() + 2).valid());
    QCOMPARE(layout.hitAt(b.rowsBottom() - 2).row, b.rows - 1);
}

// When every row fits (under the cap), every row is drawn, the last included,
// and nothing claims otherwise.
void TestPicture::byTaskPictureFitsEveryRowWhenItCan()
{
    il::TimelineModel model;
    fillModel(model, 150, 2);
    ui::PictureOptions options;
    options.view = il::TimelineViewKind::ByTask;
    options.palette = QApplication::palette();
    QCOMPARE(ui::pictureNote(model, options), QString());
    const QString svg = m_dir.filePath(QStringLiteral("fits.svg"));
    QCOMPARE(ui::savePicture(svg, model, {}, options), QString());
    const QString text = svgText(svg);
    QCOMPARE(text.count(QStringLiteral("job-149<")) + text.count(QStringLiteral(">job-149")) > 0, true);
    QVERIFY(!text.contains(QStringLiteral("not shown")));
}

// The picture draws the arrows its options ask for (the window passes its
// View menu's): queue arrows for every run, wake-up arrows for the event
// loop's io, and nothing when none is asked for.
void TestPicture::arrowsFollowTheOptions()
{
    const auto render = [&](bool queue, bool wake) {
        ui::PictureOptions options = defaultPicture();
        options.includeChart = false;
        options.queueArrows = queue;
        options.wakeArrows = wake;
        QImage image(ui::pictureSize(m_model, m_results, options), QImage::Format_ARGB32_Premultiplied);
        QPainter p(&image);
        ui::paintPicture(p, m_model, m_results, options);
        return image;
    };
    const QImage none = render(false, false);
    QCOMPARE(render(false, false), none);
    QVERIFY(render(true, false) != none);
    QVERIFY(render(false, true) != none);
    QVERIFY(render(true, true) != render(true, false));
}

// The title names the picture: when the heading would not fit beside the
// legend, the legend goes on a row under it (it was cut: "Interleave ·
// deadlock · 2 tasks · cpu 4.00 m…"), and the rest of the picture moves down.
void TestPicture::headingIsNeverCutForTheLegend()
{
    ui::PictureOptions options;
    options.palette = QApplication::palette();
    options.width = 4000;
    const ui::PictureInfo wide = ui::pictureInfo(m_model, m_results, options);
    QCOMPARE(wide.titleHeight, 40);
    options.width = 1200;
    const ui::PictureInfo narrow = ui::pictureInfo(m_model, m_results, options);
    QCOMPARE(narrow.titleHeight, 70);
    // Drawn there: the header colour fills the taller band, and the legend's
    // cpu swatch sits in its second row.
    const QSize size = ui::pictureSize(m_model, m_results, options);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        ui::paintPicture(p, m_model, m_results, options);
    }
    const ui::SpanStyle style = ui::SpanStyle::forPalette(options.palette);
    int cpuInFirstRow = 0, cpuInSecondRow = 0;
    for (int y = 0; y < 70; ++y)
        for (int x = 0; x < size.width(); ++x)
            if (QColor(image.pixel(x, y)).rgb() == style.kind(il::ItemKind::Cpu).fill.rgb())
                (y < 40 ? cpuInFirstRow : cpuInSecondRow) += 1;
    QCOMPARE(cpuInFirstRow, 0);
    QVERIFY2(cpuInSecondRow > 50, qPrintable(QString::number(cpuInSecondRow)));
    QCOMPARE(QColor(image.pixel(5, 65)).rgb(), style.header.rgb());
}

QTEST_MAIN(TestPicture)
#include "tst_picture.moc"
