// The run header as data: title, measures and problem apart (the painter
// draws each in its own weight and colour, nothing splits a joined string),
// and the recorder's dropped events shown in the header, its tooltip and the
// comparison's status, never silently.
#include "core/analysis/metrics.h"
#include "core/timeline/timelinemodel.h"
#include "synthetictrace.h"
#include "ui/text/incidenttext.h"
#include "ui/timeline/runheader.h"

#include <QTest>

class TestRunHeader : public QObject
{
    Q_OBJECT
private slots:
    void fieldsApart();
    void droppedEventsShown();
    void countersShown();
    void sameProblemSaidOnce();
};

namespace {
std::shared_ptr<il::TaskSet> tasks(int n)
{
    auto set = std::make_shared<il::TaskSet>();
    for (int i = 0; i < n; ++i)
        set->tasks.push_back({QStringLiteral("t%1").arg(i), {{il::PhaseKind::Cpu, 1}}, {}});
    return set;
}
} // namespace

void TestRunHeader::fieldsApart()
{
    auto trace = testdata::makeSyntheticTrace(70, 3, 1);
    const auto set = tasks(static_cast<int>(trace->tasks.size()));
    il::TimelineModel model;
    model.setTaskSet(set);
    model.setTrace(trace, il::computeMetrics(*trace, *set));
    const ui::RunHeader h = ui::RunHeader::of(model.run(0), set->tasks.size());
    QCOMPARE(h.title, il::modeName(trace->info.mode));
    QVERIFY2(h.measures.size() == 4, qPrintable(h.measures.join(QLatin1Char('|'))));
    QVERIFY(h.measures[1].startsWith(QLatin1String("makespan ")));
    QVERIFY(h.measures[3].startsWith(QLatin1String("efficiency ")));
    for (const QString &m : h.measures)
        QVERIFY2(!m.contains(QStringLiteral(" · ")), qPrintable(m)); // one measure a field
    QVERIFY(h.problem.isEmpty());
    QCOMPARE(h.text(), h.title + QStringLiteral(" · ") + h.measures.join(QStringLiteral(" · ")));

    // No ideal bound (a set of lock and counter phases declares no length):
    // no ideal and no efficiency, rather than "ideal 0 ms · efficiency 0 %".
    il::Metrics unbounded = il::computeMetrics(*trace, *set);
    unbounded.idealMs = 0;
    unbounded.efficiency = 0;
    model.setTrace(trace, unbounded);
    const ui::RunHeader u = ui::RunHeader::of(model.run(0), set->tasks.size());
    QCOMPARE(u.measures.size(), 2);
    QVERIFY(!u.text().contains(QLatin1String("ideal")) && !u.text().contains(QLatin1String("efficiency")));

    // A run that finished none of its tasks (a deadlock failed both) has an
    // ideal bound but no efficiency: "efficiency 0 %" would be a figure
    // nothing measured.
    il::Metrics noneFinished = il::computeMetrics(*trace, *set);
    noneFinished.completed = 0;
    noneFinished.efficiency = 0;
    model.setTrace(trace, noneFinished);
    const ui::RunHeader f = ui::RunHeader::of(model.run(0), set->tasks.size());
    QVERIFY2(f.text().contains(QLatin1String("ideal ")), qPrintable(f.text()));
    QVERIFY2(!f.text().contains(QLatin1String("efficiency")), qPrintable(f.text()));
}

// The comparison's problem lines say each problem once with every run it
// happened in: the same deadlock in three modes is one line naming them.
void TestRunHeader::sameProblemSaidOnce()
{
    il::Incident deadlock;
    deadlock.kind = il::IncidentKind::Deadlock;
    deadlock.task = 0;
    deadlock.value = 2;
    deadlock.detail = QStringLiteral("task 0 holds A, waits for B; task 1 holds B, waits for A");
    il::TimelineModel model;
    model.setTaskSet(tasks(static_cast<int>(testdata::makeSyntheticTrace(70, 3, 1)->tasks.size())));
    const il::Mode modes[] = {il::Mode::Threads, il::Mode::ThreadsGil, il::Mode::Processes, il::Mode::Threads};
    for (int r = 0; r < 4; ++r) {
        auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 1));
        trace->info.runIndex = r;
        trace->info.mode = modes[r];
        // The last one fails otherwise: a line of its own.
        if (r == 3)
            deadlock.detail = QStringLiteral("task 1 holds B, waits for A; task 0 holds A, waits for B");
        trace->incidents.push_back(deadlock);
        model.setTrace(trace);
    }
    const QStringList lines = ui::comparisonProblemLines(model);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(QStringLiteral("threads, threads-gil and processes: ")), qPrintable(lines[0]));
    QVERIFY2(lines[0].contains(QStringLiteral(": deadlock: task 0 holds A, waits for B; task 1 holds B, waits for A")), qPrintable(lines[0]));
    QVERIFY2(lines[1].startsWith(QStringLiteral("threads: ")), qPrintable(lines[1]));

    // Two runs of one mode with the same problem: said once, counted.
    model.clear();
    for (int r = 0; r < 2; ++r) {
        auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 1));
        trace->info.runIndex = r;
        trace->info.mode = il::Mode::EventLoop;
        trace->incidents.push_back(deadlock);
        model.setTrace(trace);
    }
    const QStringList twice = ui::comparisonProblemLines(model);
    QCOMPARE(twice.size(), 1);
    QVERIFY2(twice[0].startsWith(QStringLiteral("eventloop (2 runs): ")), qPrintable(twice[0]));
}

void TestRunHeader::droppedEventsShown()
{
    auto dropping = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 1));
    dropping->eventsDropped = 1234;
    auto one = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 2));
    one->info.runIndex = 1;
    one->eventsDropped = 1;
    auto none = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 3));
    none->info.runIndex = 2;
    il::TimelineModel model;
    model.setTaskSet(tasks(static_cast<int>(dropping->tasks.size())));
    model.setTrace(dropping);
    model.setTrace(one);
    model.setTrace(none);
    const std::size_t n = dropping->tasks.size();

    const ui::RunHeader h = ui::RunHeader::of(model.run(0), n);
    QVERIFY2(h.problem.contains(QLatin1String("1234 events dropped")), qPrintable(h.problem));
    QVERIFY2(h.text().endsWith(QStringLiteral(" · ⚠ 1234 events dropped")), qPrintable(h.text()));
    QVERIFY(!h.text(false).contains(QLatin1String("dropped")));
    const QString tip = ui::RunHeader::toolTip(model.run(0), n);
    QVERIFY2(tip.contains(QLatin1String("miss the dropped events")), qPrintable(tip));
    QCOMPARE(ui::RunHeader::of(model.run(1), n).problem, QStringLiteral("⚠ 1 event dropped"));
    QVERIFY(ui::RunHeader::of(model.run(2), n).problem.isEmpty());
    QVERIFY(!ui::RunHeader::toolTip(model.run(2), n).contains(QLatin1String("dropped")));
    // The comparison's total, what the status bar shows.
    QCOMPARE(ui::droppedEvents(model), std::uint64_t(1235));
    QCOMPARE(ui::droppedEventsText(ui::droppedEvents(model)), QStringLiteral("⚠ 1235 events dropped"));
    QVERIFY(ui::droppedEventsText(0).isEmpty());
}

QTEST_MAIN(TestRunHeader)
#include "tst_runheader.moc"

// Each counter in the header: lost updates in the failure colour (the
// problem), a counter that lost none among the measures.
void TestRunHeader::countersShown()
{
    auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(70, 3, 1));
    trace->shared.counters = {{QStringLiteral("hits"), 400000, 399996}, {QStringLiteral("safe"), 1000, 1000}};
    const auto set = tasks(static_cast<int>(trace->tasks.size()));
    il::TimelineModel model;
    model.setTaskSet(set);
    model.setTrace(trace, il::computeMetrics(*trace, *set));
    const ui::RunHeader h = ui::RunHeader::of(model.run(0), set->tasks.size());
    QVERIFY2(h.problem.contains(QStringLiteral("counter hits: 4 lost of 400,000")), qPrintable(h.problem));
    QVERIFY2(!h.problem.contains(QStringLiteral("safe")), qPrintable(h.problem));
    QVERIFY2(h.measures.contains(QStringLiteral("counter safe: 1,000 of 1,000, none lost")),
             qPrintable(h.measures.join(QLatin1Char('|'))));
}
