#include "comparisonpicture.h"
#include "engine.h"
#include "spanstyle.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

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
    QCOMPARE(ui::renderComparison(m_set, m_results, path), QString());
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 2 * 1400);
}

void TestPicture::badSuffixIsAnError()
{
    const QString path = m_dir.filePath(QStringLiteral("cmp.gif"));
    QVERIFY(!ui::renderComparison(m_set, m_results, path).isEmpty());
    QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(TestPicture)
#include "tst_picture.moc"
