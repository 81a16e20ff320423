// The comparison chart's labels: the utilisation points' never run into the
// value labels over the bars, the twin links' or each other, and stay inside
// the plot.
#include "core/analysis/metrics.h"
#include "ui/chart/comparisonchart.h"

#include <QTest>

using il::Mode;

class TestChartLabels : public QObject
{
    Q_OBJECT
private slots:
    void utilisationLabelsCollideWithNothing_data();
    void utilisationLabelsCollideWithNothing();
};

namespace {
il::RunResultPtr result(int index, Mode mode, double makespanMs, double utilisation)
{
    auto trace = std::make_shared<il::Trace>();
    trace->info.runIndex = index;
    trace->info.mode = mode;
    il::Metrics m;
    m.mode = mode;
    m.makespanMs = makespanMs;
    m.idealMs = makespanMs / 2;
    m.utilization = utilisation;
    m.completed = 4;
    return std::make_shared<il::RunResult>(il::RunResult{trace, m});
}

QString describe(const ui::ComparisonChart::PlacedLabel &l)
{
    return QStringLiteral("'%1' (group %2) at %3,%4 %5x%6")
        .arg(l.text).arg(l.group).arg(l.box.x()).arg(l.box.y()).arg(l.box.width()).arg(l.box.height());
}
} // namespace

void TestChartLabels::utilisationLabelsCollideWithNothing_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("twins");
    // A narrow chart puts each point's label between its group's two value
    // labels; the utilisation swept through the height of the bars' tops
    // meets them on the way.
    for (int width : {360, 480, 700})
        for (bool twins : {false, true})
            QTest::addRow("%d px%s", width, twins ? ", twin link" : "") << width << twins;
}

void TestChartLabels::utilisationLabelsCollideWithNothing()
{
    QFETCH(int, width);
    QFETCH(bool, twins);
    ui::ComparisonChart chart;
    chart.resize(width, 260);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    int checked = 0;
    for (int percent = 30; percent <= 100; percent += 2) {
        const double u = percent / 100.0;
        if (twins)
            chart.setResults({result(0, Mode::ThreadsGil, 1000, u), result(1, Mode::PyThreads, 980, u),
                              result(2, Mode::EventLoop, 600, u)});
        else
            chart.setResults({result(0, Mode::Threads, 1000, u), result(1, Mode::ThreadsGil, 990, u),
                              result(2, Mode::EventLoop, 700, u)});
        QTRY_VERIFY(!chart.chart()->plotArea().isEmpty());
        QCoreApplication::processEvents(); // the plot area after the new axis range
        const auto labels = chart.placedLabels();
        int utilisation = 0;
        const QRectF plot = chart.chart()->plotArea().adjusted(-2, -40, 2, 0);
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (labels[i].kind != ui::ComparisonChart::PlacedLabel::Utilisation)
                continue;
            ++utilisation;
            QCOMPARE(labels[i].text, QStringLiteral("%1 %").arg(percent));
            QVERIFY2(plot.contains(labels[i].box), qPrintable(describe(labels[i])));
            for (std::size_t j = 0; j < labels.size(); ++j)
                if (j != i)
                    QVERIFY2(!labels[i].box.intersects(labels[j].box),
                             qPrintable(QStringLiteral("utilisation %1: %2 on %3").arg(percent).arg(describe(labels[i]), describe(labels[j]))));
        }
        QCOMPARE(utilisation, 3);
        ++checked;
    }
    QVERIFY(checked > 30);
    QVERIFY(!chart.grab().isNull()); // and it paints them
}

QTEST_MAIN(TestChartLabels)
#include "tst_chartlabels.moc"
