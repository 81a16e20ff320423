// The timeline's zoom, follow and range selection in one object: every user
// move is announced exactly once and stops following; fit() follows again;
// the content growing refits only while following; a ruler drag ends in one
// ordered selection, a click on the ruler clears it.
#include "ui/timeline/viewportcontroller.h"

#include <QSignalSpy>
#include <QTest>

using ui::ViewportController;

class TestViewportController : public QObject
{
    Q_OBJECT
private slots:
    void fitFollows();
    void userMovesStopFollowing_data();
    void userMovesStopFollowing();
    void zoomKeepsTimeUnderCursor_data();
    void zoomKeepsTimeUnderCursor();
    void zoomOutStopsAtTheWhole();
    void selectionByDrag();
    void clickClearsSelection();
};

namespace {
constexpr double left = 150;
constexpr double width = 1000;

ViewportController *fitted(QObject *parent, double extent = 1e9)
{
    auto *c = new ViewportController(left, parent);
    c->setAxisWidth(width);
    c->fit(extent);
    return c;
}
} // namespace

void TestViewportController::fitFollows()
{
    ViewportController c(left);
    c.setAxisWidth(width);
    QSignalSpy moved(&c, &ViewportController::mappingChanged);
    c.fit(2e9);
    QCOMPARE(moved.count(), 1);
    QVERIFY(c.isFollowing());
    // The whole extent is on the axis.
    QVERIFY(c.mapping().toX(0) >= left);
    QVERIFY(c.mapping().toX(2e9) <= left + width);
    QVERIFY(c.mapping().toX(2e9) > left + width * 0.9);
    // The comparison grows: still following, so refitted.
    c.follow(4e9);
    QCOMPARE(moved.count(), 2);
    QVERIFY(c.mapping().toX(4e9) <= left + width);
}

void TestViewportController::userMovesStopFollowing_data()
{
    QTest::addColumn<int>("move");
    QTest::newRow("zoom") << 0;
    QTest::newRow("pan") << 1;
    QTest::newRow("set mapping") << 2;
}

void TestViewportController::userMovesStopFollowing()
{
    QFETCH(int, move);
    QObject owner;
    ViewportController *c = fitted(&owner);
    QSignalSpy moved(c, &ViewportController::mappingChanged);
    const ui::TimeMapping before = c->mapping();
    switch (move) {
    case 0: c->zoomBy(2, left + 300); break;
    case 1: c->panByPixels(40); break;
    default: {
        ui::TimeMapping m = before;
        m.startNs += 5e6;
        c->setMapping(m);
    }
    }
    QCOMPARE(moved.count(), 1);
    QVERIFY(!c->isFollowing());
    QVERIFY(!(c->mapping() == before));
    // Growth no longer moves what the user chose.
    const ui::TimeMapping chosen = c->mapping();
    c->follow(8e9);
    QCOMPARE(moved.count(), 1);
    QVERIFY(c->mapping() == chosen);
    // Fit (Home) follows again.
    c->fit(8e9);
    QVERIFY(c->isFollowing());
    QCOMPARE(moved.count(), 2);
}

void TestViewportController::zoomKeepsTimeUnderCursor_data()
{
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("anchorX"); // where the time must stay
    QTest::newRow("in at 400") << 400.0 << 1.25 << 400.0;
    QTest::newRow("out at 900") << 900.0 << 0.8 << 900.0;
    QTest::newRow("over the labels: at the axis' start") << 20.0 << 2.0 << left;
}

void TestViewportController::zoomKeepsTimeUnderCursor()
{
    QFETCH(double, x);
    QFETCH(double, factor);
    QFETCH(double, anchorX);
    QObject owner;
    ViewportController *c = fitted(&owner);
    if (factor < 1)
        c->zoomBy(4, x); // zoomed in first: out of the whole there is nothing to zoom out to
    const double t = c->mapping().toNs(anchorX);
    const double nsPerPx = c->mapping().nsPerPx;
    c->zoomBy(factor, x);
    QVERIFY(std::abs(c->mapping().toX(t) - anchorX) < 1e-6);
    QVERIFY(std::abs(c->mapping().nsPerPx - nsPerPx / factor) < 1e-6 * nsPerPx);
}

// Zooming out stops at the whole comparison, wherever the cursor is.
void TestViewportController::zoomOutStopsAtTheWhole()
{
    QObject owner;
    ViewportController *c = fitted(&owner);
    const ui::TimeMapping whole = c->mapping();
    c->zoomBy(0.5, 900);
    QCOMPARE(c->mapping(), whole);
    c->zoomBy(3, 300);
    c->zoomBy(0.1, 300);
    QCOMPARE(c->mapping(), whole);
    QVERIFY(!c->isFollowing());
}

void TestViewportController::selectionByDrag()
{
    QObject owner;
    ViewportController *c = fitted(&owner);
    QSignalSpy changed(c, &ViewportController::selectionChanged);
    QSignalSpy dragged(c, &ViewportController::selectionDragged);
    QSignalSpy moved(c, &ViewportController::mappingChanged);
    // Right to left: the result is ordered anyway.
    c->beginSelection(700);
    c->dragSelection(500);
    c->dragSelection(400);
    QCOMPARE(changed.count(), 0); // only drawn while dragging
    QCOMPARE(dragged.count(), 3);
    c->finishSelection(400, 4);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed[0][0].toBool(), true);
    const double from = changed[0][1].toDouble();
    const double to = changed[0][2].toDouble();
    QVERIFY(std::abs(from - c->mapping().toNs(400)) < 1);
    QVERIFY(std::abs(to - c->mapping().toNs(700)) < 1);
    QVERIFY(c->hasSelection());
    QCOMPARE(c->selection().first, from);
    QCOMPARE(moved.count(), 0); // selecting neither zooms nor stops following
    QVERIFY(c->isFollowing());
    // Clearing announces once; clearing nothing announces nothing.
    c->clearSelection();
    c->clearSelection();
    QCOMPARE(changed.count(), 2);
    QCOMPARE(changed[1][0].toBool(), false);
}

void TestViewportController::clickClearsSelection()
{
    QObject owner;
    ViewportController *c = fitted(&owner);
    c->setSelection(3e8, 1e8);
    QCOMPARE(c->selection(), std::make_pair(1e8, 3e8));
    QSignalSpy changed(c, &ViewportController::selectionChanged);
    c->beginSelection(500);
    c->dragSelection(502);
    c->finishSelection(502, 4); // 2 px: a click
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed[0][0].toBool(), false);
    QVERIFY(!c->hasSelection());
    // A click with nothing selected still says so once (the view clears its notes).
    c->beginSelection(500);
    c->finishSelection(500, 4);
    QCOMPARE(changed.count(), 2);
}

QTEST_MAIN(TestViewportController)
#include "tst_viewportcontroller.moc"
