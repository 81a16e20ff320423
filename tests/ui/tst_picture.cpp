#include "core/engine/engine.h"
#include "synthetictrace.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"

#include <QApplication>
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
    void tallByTaskPictureSaysWhatItLeftOut();
    void layoutCapSharesTheHeight();
    void byTaskPictureFitsEveryRowWhenItCan();
    void arrowsFollowTheOptions();

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

// 20,000 tasks by task do not fit in any sensible picture: it shows the first
// rows of every run and says, in its title and under each run, what it left out.
void TestPicture::tallByTaskPictureSaysWhatItLeftOut()
{
    il::TimelineModel model;
    fillModel(model, 20000, 2);
    ui::PictureOptions options;
    options.view = il::TimelineViewKind::ByTask;
    options.palette = QApplication::palette();
    const QString note = ui::pictureNote(model, options);
    QVERIFY2(note.contains(QStringLiteral("of 20000 tasks")), qPrintable(note));
    const QString svg = m_dir.filePath(QStringLiteral("tall.svg"));
    QCOMPARE(ui::savePicture(svg, model, {}, options), QString());
    const QString text = svgText(svg);
    QVERIFY(text.contains(QStringLiteral("job-0<")) || text.contains(QStringLiteral(">job-0")));
    // The last task is not in it, and the picture says so: in the title, and
    // under each of the two runs (both are shown, not just the first).
    QVERIFY(!text.contains(QStringLiteral("job-19999")));
    QVERIFY2(text.contains(note), qPrintable(note));
    QCOMPARE(text.count(QStringLiteral("more tasks not shown")), 2);
    // One number of rows for every cut run, the one the title states.
    const QString shown = note.section(QLatin1Char(' '), 3, 3); // "only the first N of …"
    QCOMPARE(text.count(QStringLiteral("room for the first %1 of 20000").arg(shown)), 2);
    QVERIFY(text.contains(QStringLiteral("job-%1").arg(shown.toInt() - 1)));
    QVERIFY(!text.contains(QStringLiteral("job-%1<").arg(shown.toInt())));
    // Still a sensible size as a PNG.
    const QString png = m_dir.filePath(QStringLiteral("tall.png"));
    QCOMPARE(ui::savePicture(png, model, {}, options), QString());
    QImageReader reader(png);
    reader.setAllocationLimit(0); // 2800 x 12076 px is more than Qt reads by default
    const QImage image = reader.read();
    QVERIFY2(!image.isNull(), qPrintable(reader.errorString() + QStringLiteral(" %1x%2").arg(reader.size().width()).arg(reader.size().height())));
    QVERIFY2(image.height() <= 2 * 6200, qPrintable(QString::number(image.height())));
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

QTEST_MAIN(TestPicture)
#include "tst_picture.moc"
