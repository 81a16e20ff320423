#include "testsupport.h"

#include "exporters.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>

class TestExporters : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void traceParsesAndMatchesSummary();
    void traceNamesRunsAndLanes();
    void phasesNestInsideTheirTask();
    void csvHasOneRowPerRun();
    void writesAtomically();

private:
    il::TaskSet m_set;
    std::vector<il::RunResultPtr> m_runs;
};

void TestExporters::initTestCase()
{
    m_set = testsupport::makeSet({"i20 c10", "c15", "i10 c5 i5", "c8 i8"});
    std::vector<il::RunConfig> configs;
    for (il::Mode m : il::allModes)
        configs.push_back(testsupport::config(m, 2));
    const auto c = testsupport::runComparison(m_set, configs);
    QVERIFY(c.completed);
    m_runs = c.runs;
    QCOMPARE(int(m_runs.size()), 5);
}

void TestExporters::traceParsesAndMatchesSummary()
{
    QJsonParseError err;
    const QJsonDocument trace = QJsonDocument::fromJson(il::chromeTraceJson(m_set, m_runs), &err);
    QCOMPARE(err.error, QJsonParseError::NoError);
    const QJsonDocument summary = QJsonDocument::fromJson(il::summaryJson(m_set, m_runs), &err);
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(summary["taskset"].toString(), m_set.name);
    QCOMPARE(summary["tasks"].toInt(), 4);
    QVERIFY(summary["cores"].toInt() >= 1);

    // Per pid (run): totals by category from the trace.
    std::map<int, std::map<QString, double>> durMs;
    std::map<int, double> cpuMs;
    std::map<int, int> doneTasks;
    for (const QJsonValue &v : trace["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"].toString() != QLatin1String("X"))
            continue;
        const int pid = e["pid"].toInt();
        durMs[pid][e["cat"].toString()] += e["dur"].toDouble() / 1000.0;
        if (e["cat"].toString() == QLatin1String("cpu"))
            cpuMs[pid] += e["args"]["cpu_ms"].toDouble();
        if (e["cat"].toString() == QLatin1String("task") && e["args"]["state"].toString() == QLatin1String("done"))
            ++doneTasks[pid];
    }
    const QJsonArray runs = summary["runs"].toArray();
    QCOMPARE(runs.size(), 5);
    for (int i = 0; i < runs.size(); ++i) {
        const QJsonObject r = runs[i].toObject();
        const int pid = i + 1;
        for (const char *key : {"mode", "workers", "makespan_ms", "ideal_ms", "efficiency", "cpu_ms", "io_wait_ms",
                                "gil_wait_ms", "utilization", "completed", "failed", "events"})
            QVERIFY2(r.contains(QLatin1String(key)), key);
        QCOMPARE(r["completed"].toInt(), 4);
        QCOMPARE(doneTasks[pid], 4);
        const auto near = [](double a, double b) { return std::abs(a - b) < 0.01 + 1e-6 * std::abs(b); };
        QVERIFY2(near(cpuMs[pid], r["cpu_ms"].toDouble()), qPrintable(QStringLiteral("%1 vs %2").arg(cpuMs[pid]).arg(r["cpu_ms"].toDouble())));
        QVERIFY(near(durMs[pid]["cpu"], r["cpu_wall_ms"].toDouble()));
        QVERIFY(near(durMs[pid]["io"], r["io_wait_ms"].toDouble()));
        QVERIFY(near(durMs[pid]["gil-wait"], r["gil_wait_ms"].toDouble()));
        QVERIFY(near(durMs[pid]["spawn"], r["spawn_ms"].toDouble()));
        QVERIFY(r["events"].toInt() > 0);
    }
}

void TestExporters::traceNamesRunsAndLanes()
{
    const QJsonDocument trace = QJsonDocument::fromJson(il::chromeTraceJson(m_set, m_runs));
    QStringList processNames;
    int threadNames = 0, sortIndexes = 0;
    for (const QJsonValue &v : trace["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"].toString() != QLatin1String("M"))
            continue;
        if (e["name"].toString() == QLatin1String("process_name"))
            processNames << e["args"]["name"].toString();
        threadNames += e["name"].toString() == QLatin1String("thread_name");
        sortIndexes += e["name"].toString() == QLatin1String("thread_sort_index");
    }
    QCOMPARE(processNames.size(), 5);
    QVERIFY(processNames[2].contains("threads-gil"));
    QVERIFY(processNames[3].contains("processes"));
    QVERIFY(threadNames >= 1 + 2 + 2 + 2 + 1);
    QCOMPARE(sortIndexes, threadNames);
}

void TestExporters::phasesNestInsideTheirTask()
{
    // Perfetto needs X events on one track to nest, never to cross.
    const QJsonDocument trace = QJsonDocument::fromJson(il::chromeTraceJson(m_set, m_runs));
    std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> tracks;
    for (const QJsonValue &v : trace["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"].toString() == QLatin1String("X"))
            tracks[{e["pid"].toInt(), e["tid"].toInt()}].push_back({e["ts"].toDouble(), e["ts"].toDouble() + e["dur"].toDouble()});
    }
    for (auto &[key, spans] : tracks) {
        std::sort(spans.begin(), spans.end(), [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
        std::vector<double> stack;
        for (const auto &[b, e] : spans) {
            while (!stack.empty() && stack.back() <= b + 1e-3)
                stack.pop_back();
            QVERIFY2(stack.empty() || e <= stack.back() + 1e-3,
                     qPrintable(QStringLiteral("pid %1 tid %2: span %3..%4 crosses its parent").arg(key.first).arg(key.second).arg(b).arg(e)));
            stack.push_back(e);
        }
    }
}

void TestExporters::csvHasOneRowPerRun()
{
    const QList<QByteArray> lines = il::summaryCsv(m_runs).trimmed().split('\n');
    QCOMPARE(lines.size(), 6);
    QVERIFY(lines[0].startsWith("mode,workers,makespan_ms"));
    QVERIFY(lines[3].startsWith("threads-gil,2,"));
    QCOMPARE(lines[1].count(','), lines[0].count(','));
}

void TestExporters::writesAtomically()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("out.json");
    QCOMPARE(il::writeFileAtomically(path, "first"), QString());
    QCOMPARE(il::writeFileAtomically(path, "second"), QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("second"));
    const QString error = il::writeFileAtomically(dir.filePath("no/such/dir/x.json"), "x");
    QVERIFY(error.contains("cannot write"));
}

QTEST_GUILESS_MAIN(TestExporters)
#include "tst_exporters.moc"
