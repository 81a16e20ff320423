#include "ui/timeline/timemapping.h"

#include <QTest>

using ui::TimeMapping;

// The time <-> pixel mapping on its own: zoom and pan must keep the time
// under the cursor where it was, whatever the zoom level.
class TestTimeMapping : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void zoomKeepsCursorTime_data();
    void zoomKeepsCursorTime();
    void zoomClamps();
    void panMovesByPixels_data();
    void panMovesByPixels();
    void fitShowsRange();
    void rulerUnits_data();
    void rulerUnits();
    void tickLabels_data();
    void tickLabels();
};

void TestTimeMapping::roundTrip_data()
{
    QTest::addColumn<double>("startNs");
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("x");
    QTest::newRow("origin") << 0.0 << 1e5 << 150.0;
    QTest::newRow("far") << 3.5e9 << 250.0 << 900.5;
    QTest::newRow("negative start") << -2e6 << 1e4 << 151.0;
}

void TestTimeMapping::roundTrip()
{
    QFETCH(double, startNs);
    QFETCH(double, nsPerPx);
    QFETCH(double, x);
    TimeMapping m{startNs, nsPerPx, 150};
    QCOMPARE(m.toX(m.toNs(x)), x);
    QCOMPARE(m.toNs(m.left), startNs);
}

void TestTimeMapping::zoomKeepsCursorTime_data()
{
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("factor");
    QTest::newRow("in at left edge") << 1e5 << 150.0 << 2.0;
    QTest::newRow("in mid") << 1e5 << 640.0 << 1.25;
    QTest::newRow("out mid") << 1e5 << 640.0 << 0.8;
    QTest::newRow("deep in") << 50.0 << 1000.0 << 10.0;
    QTest::newRow("far out") << 1e8 << 300.0 << 0.01;
    QTest::newRow("fraction px") << 1234.5 << 777.25 << 3.0;
}

void TestTimeMapping::zoomKeepsCursorTime()
{
    QFETCH(double, nsPerPx);
    QFETCH(double, x);
    QFETCH(double, factor);
    TimeMapping m{1e6, nsPerPx, 150};
    const double before = m.toNs(x);
    m.zoomAround(x, factor);
    QVERIFY(qAbs(m.toNs(x) - before) < 1e-6 * qMax(1.0, qAbs(before)));
    QVERIFY(qAbs(m.nsPerPx - nsPerPx / factor) < 1e-9 * nsPerPx);
}

void TestTimeMapping::zoomClamps()
{
    TimeMapping m{0, 2, 0};
    const double before = m.toNs(400);
    m.zoomAround(400, 100);
    QCOMPARE(m.nsPerPx, TimeMapping::minNsPerPx);
    QCOMPARE(m.toNs(400), before); // even when clamped, the cursor time stays
    m.zoomAround(400, 1e-30);
    QCOMPARE(m.nsPerPx, TimeMapping::maxNsPerPx);
    const TimeMapping copy = m;
    m.zoomAround(400, 0);     // ignored
    m.zoomAround(400, -1);    // ignored
    QCOMPARE(m, copy);
}

void TestTimeMapping::panMovesByPixels_data()
{
    QTest::addColumn<double>("dx");
    QTest::newRow("right") << 120.0;
    QTest::newRow("left") << -33.5;
    QTest::newRow("none") << 0.0;
}

void TestTimeMapping::panMovesByPixels()
{
    QFETCH(double, dx);
    TimeMapping m{5e6, 1e4, 150};
    const double t = m.toNs(500);
    m.panByPixels(dx);
    // What was under x = 500 is now under x = 500 + dx: content follows the drag.
    QVERIFY(qAbs(m.toX(t) - (500 + dx)) < 1e-9);
}

void TestTimeMapping::fitShowsRange()
{
    TimeMapping m{0, 1, 150};
    m.fit(0, 1e9, 1000);
    QVERIFY(m.toX(0) > m.left);
    QVERIFY(m.toX(1e9) < m.left + 1000);
    QVERIFY(m.toX(1e9) > m.left + 950);
    m.fit(0, 0, 1000); // empty: still a usable axis
    QVERIFY(m.nsPerPx > 0);
}

void TestTimeMapping::rulerUnits_data()
{
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("startNs");
    QTest::addColumn<QString>("unit");
    QTest::newRow("sub-µs steps") << 2.0 << 0.0 << QStringLiteral(" µs"); // "0.2 µs"
    QTest::newRow("µs") << 200.0 << 0.0 << QStringLiteral(" µs");
    QTest::newRow("ms") << 1e5 << 0.0 << QStringLiteral(" ms");
    QTest::newRow("s") << 1e7 << 0.0 << QStringLiteral(" s");
    QTest::newRow("ms deep into a long run") << 1e4 << 3e9 << QStringLiteral(" s");
}

void TestTimeMapping::rulerUnits()
{
    QFETCH(double, nsPerPx);
    QFETCH(double, startNs);
    QFETCH(QString, unit);
    const TimeMapping m{startNs, nsPerPx, 150};
    const auto ticks = ui::rulerTicks(m, 1000, 90);
    int majors = 0;
    double lastX = -1e9;
    QString lastLabel;
    for (const auto &t : ticks) {
        if (!t.major)
            continue;
        ++majors;
        QVERIFY2(t.label.endsWith(unit), qPrintable(t.label));
        QVERIFY(t.x - lastX >= 89.9);
        QVERIFY2(t.label != lastLabel, qPrintable(t.label)); // enough decimals
        lastX = t.x;
        lastLabel = t.label;
    }
    QVERIFY(majors >= 5 && majors <= 12);
}

void TestTimeMapping::tickLabels_data()
{
    QTest::addColumn<double>("ns");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("unit");
    QTest::addColumn<QString>("label");
    QTest::newRow("zero") << 0.0 << 1e6 << 1e6 << QStringLiteral("0 ms");
    QTest::newRow("ms") << 20e6 << 10e6 << 1e6 << QStringLiteral("20 ms");
    QTest::newRow("half s") << 1.5e9 << 5e8 << 1e9 << QStringLiteral("1.5 s");
    QTest::newRow("fine s") << 3.0005e9 << 5e5 << 1e9 << QStringLiteral("3.0005 s");
    QTest::newRow("µs") << 250e3 << 50e3 << 1e3 << QStringLiteral("250 µs");
}

void TestTimeMapping::tickLabels()
{
    QFETCH(double, ns);
    QFETCH(double, step);
    QFETCH(double, unit);
    QFETCH(QString, label);
    QCOMPARE(ui::formatTick(ns, step, unit), label);
}

QTEST_GUILESS_MAIN(TestTimeMapping)
#include "tst_timemapping.moc"
