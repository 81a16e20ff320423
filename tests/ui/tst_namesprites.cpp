// Names in the bars copied from sprites drawn once (NameSprites): the same
// pixels as names drawn as letters, in every frame, whatever moved.
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelinescene.h"

#include "synthetictrace.h"

#include "core/model/taskset.h"
#include "core/timeline/timelinemodel.h"

#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QTest>

#include <memory>

class TestNameSprites : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void spritesDrawWhatLettersDraw_data();
    void spritesDrawWhatLettersDraw();
    void aPanCopiesWhatItHasSeen();
    void fullPagesDrawTheRestAsLetters();
    void anotherLookDrawsThemAgain();
    void twiceThePixels();

private:
    std::unique_ptr<il::TimelineModel> m_model;
};

namespace {

constexpr QSize viewSize{1200, 700};

// The model's first tasks, where a picture zoomed to `span` ns from `from`
// shows most of them with names.
struct View
{
    il::TimelineViewKind kind = il::TimelineViewKind::ByLane;
    double from = 0;
    double span = 0;
    QPalette palette;
    qreal ratio = 1;
};

QImage paint(ui::TimelinePainter &painter, const il::TimelineModel &model, const View &v)
{
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, v.kind);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(v.from, v.from + v.span, viewSize.width() - ui::TimelineLayout::labelWidth);
    QImage image(viewSize * v.ratio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(v.ratio);
    painter.invalidate(); // a full repaint, as after any scroll or zoom
    QPainter p(&image);
    painter.paint(p, QRect(QPoint(0, 0), viewSize), scene, ui::SpanStyle::forPalette(v.palette));
    return image;
}

// What the same view looks like with every name drawn as letters.
QImage asLetters(const il::TimelineModel &model, const View &v)
{
    ui::TimelinePainter letters;
    letters.setNameSpritePages(0);
    return paint(letters, model, v);
}

// Pixels that differ between two pictures of the same size.
int differing(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return -1;
    int count = 0;
    for (int y = 0; y < a.height(); ++y) {
        const auto *la = reinterpret_cast<const QRgb *>(a.constScanLine(y));
        const auto *lb = reinterpret_cast<const QRgb *>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x)
            count += la[x] != lb[x];
    }
    return count;
}

// The names' pixels are the letters' pixels, but for where a cut name
// meets its ellipsis: drawn as letters, the last letter's edge and the
// ellipsis blend there; copied, the ellipsis' patch covers that column.
// At most one pixel a name.
#define COMPARE_NAMES(actual, expected, names)                                                                      \
    do {                                                                                                           \
        const int differ = differing(actual, expected);                                                            \
        QVERIFY2(differ >= 0 && differ <= (names),                                                                 \
                 qPrintable(QStringLiteral("%1 pixels differ, for %2 names").arg(differ).arg(names)));           \
    } while (false)

View byLane(double from = 0)
{
    return {il::TimelineViewKind::ByLane, from, 6e6, QPalette(), 1};
}

} // namespace

namespace {
// 400 tasks on 8 lanes, task t named `pattern`.arg(t + 1).
std::unique_ptr<il::TimelineModel> modelNamed(const QString &pattern)
{
    const il::TracePtr trace = testdata::makeSyntheticTrace(7 * 400, 8, 3);
    auto set = std::make_shared<il::TaskSet>();
    set->tasks.resize(400);
    for (std::size_t t = 0; t < set->tasks.size(); ++t)
        set->tasks[t].name = pattern.arg(t + 1);
    auto model = std::make_unique<il::TimelineModel>();
    model->setTaskSet(set);
    model->setTrace(trace);
    return model;
}
} // namespace

void TestNameSprites::initTestCase()
{
    m_model = modelNamed(QStringLiteral("fetch-%1")); // long enough to be cut in narrow bars
}

void TestNameSprites::spritesDrawWhatLettersDraw_data()
{
    QTest::addColumn<int>("view");
    QTest::newRow("by lane") << int(il::TimelineViewKind::ByLane);
    // By task the rows are lower than the text: the patch under a name on a
    // plain bar is cut to the bar, the rest of the sprite left transparent.
    QTest::newRow("by task") << int(il::TimelineViewKind::ByTask);
}

// The first frame draws each name into a sprite and copies it; the next
// copies them all. Both give the pixels of names drawn as letters.
void TestNameSprites::spritesDrawWhatLettersDraw()
{
    QFETCH(int, view);
    View v = byLane();
    v.kind = il::TimelineViewKind(view);
    const QImage letters = asLetters(*m_model, v);
    ui::TimelinePainter painter;
    const QImage first = paint(painter, *m_model, v);
    const int names = painter.lastSpanNameCount();
    QVERIFY2(names > 20, qPrintable(QString::number(names)));
    QVERIFY(painter.lastNameSpritesDrawn() > 0);
    QCOMPARE(painter.lastNamesDrawnAsLetters(), 0);
    const QImage second = paint(painter, *m_model, v);
    QCOMPARE(painter.lastSpanNameCount(), names);
    QCOMPARE(painter.lastNameSpritesDrawn(), 0);
    QCOMPARE(painter.lastNamesDrawnAsLetters(), 0);
    COMPARE_NAMES(first, letters, names);
    COMPARE_NAMES(second, letters, names);
    QCOMPARE(second, first);
    // And the names are there at all: without them the picture differs.
    ui::TimelinePainter none;
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(*m_model, v.kind);
    ui::TimelineScene scene;
    scene.model = m_model.get();
    scene.layout = &layout;
    scene.spanNames = false;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(v.from, v.from + v.span, viewSize.width() - ui::TimelineLayout::labelWidth);
    QImage without(viewSize, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&without);
    none.paint(p, QRect(QPoint(0, 0), viewSize), scene, ui::SpanStyle::forPalette(v.palette));
    p.end();
    QVERIFY(without != letters);
}

// Panned a little: the names seen before are copied, only those that came
// into view are drawn, and the picture is still the letters' picture.
void TestNameSprites::aPanCopiesWhatItHasSeen()
{
    ui::TimelinePainter painter;
    paint(painter, *m_model, byLane(0));
    const int before = painter.lastSpanNameCount();
    const View panned = byLane(0.3e6); // a twentieth of the view
    const QImage image = paint(painter, *m_model, panned);
    const int names = painter.lastSpanNameCount();
    QVERIFY(names > 20);
    QVERIFY2(painter.lastNameSpritesDrawn() < names / 4,
             qPrintable(QStringLiteral("%1 of %2 drawn again (%3 before)").arg(painter.lastNameSpritesDrawn()).arg(names).arg(before)));
    COMPARE_NAMES(image, asLetters(*m_model, panned), names);
}

// One page too few for a frame's names: the sprites are forgotten, the
// page filled again, and what still finds no room drawn as letters; the
// picture is the same either way.
void TestNameSprites::fullPagesDrawTheRestAsLetters()
{
    // A sprite keeps the whole name, however much of it is shown: names
    // this long take two to a shelf of a page.
    const auto model = modelNamed(QStringLiteral("fetch-%1 from a mirror of the archive, unpack it and check every file"));
    View narrow = byLane();
    narrow.span = 1e6;
    ui::TimelinePainter painter;
    painter.setNameSpritePages(1);
    COMPARE_NAMES(paint(painter, *model, narrow), asLetters(*model, narrow), painter.lastSpanNameCount());
    QVERIFY(painter.lastSpanNameCount() > 0);
    QCOMPARE(painter.lastNamesDrawnAsLetters(), 0);
    const View crowded = byLane();
    const QImage letters = asLetters(*model, crowded);
    const QImage image = paint(painter, *model, crowded);
    const int names = painter.lastSpanNameCount();
    QVERIFY(painter.lastNameSpritesDrawn() > 0);
    QVERIFY2(painter.lastNamesDrawnAsLetters() > 0 && painter.lastNamesDrawnAsLetters() < names,
             qPrintable(QStringLiteral("%1 of %2 names as letters").arg(painter.lastNamesDrawnAsLetters()).arg(names)));
    COMPARE_NAMES(image, letters, names);
    COMPARE_NAMES(paint(painter, *model, crowded), letters, names);
}

// Another palette (dark after light) changes every fill and text colour:
// no sprite of the old look is copied.
void TestNameSprites::anotherLookDrawsThemAgain()
{
    ui::TimelinePainter painter;
    paint(painter, *m_model, byLane());
    const int light = painter.lastNameSpritesDrawn();
    QVERIFY(light > 0);
    paint(painter, *m_model, byLane());
    QCOMPARE(painter.lastNameSpritesDrawn(), 0);
    View dark = byLane();
    dark.palette.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
    dark.palette.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.palette.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.palette.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    QVERIFY(ui::SpanStyle::forPalette(dark.palette).dark);
    const QImage image = paint(painter, *m_model, dark);
    QCOMPARE(painter.lastNameSpritesDrawn(), light);
    COMPARE_NAMES(image, asLetters(*m_model, dark), painter.lastSpanNameCount());
}

// At a device pixel ratio of 2 the sprites are drawn at twice the pixels,
// and copied one to one.
void TestNameSprites::twiceThePixels()
{
    View sharp = byLane();
    sharp.ratio = 2;
    ui::TimelinePainter painter;
    paint(painter, *m_model, byLane()); // pages of the other ratio first
    const QImage first = paint(painter, *m_model, sharp);
    QVERIFY(painter.lastNameSpritesDrawn() > 20);
    const int names = painter.lastSpanNameCount();
    COMPARE_NAMES(first, asLetters(*m_model, sharp), 4 * names); // a column of twice the pixels
    QCOMPARE(paint(painter, *m_model, sharp), first);
    QCOMPARE(painter.lastNameSpritesDrawn(), 0);
}

QTEST_MAIN(TestNameSprites)
#include "tst_namesprites.moc"
