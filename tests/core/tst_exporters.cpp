#include "testsupport.h"

#include "core/io/chrometracewriter.h"
#include "core/io/exporters.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>
#include <tuple>

class TestExporters : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void traceParsesAndMatchesSummary();
    void traceNamesRunsAndLanes();
    void phasesNestInsideTheirTask();
    void timesAreExactAsDoubles();
    void traceStreamsInBoundedPieces();
    void sinkRefusalStopsTheWriter();
    void namesAreValidJson();
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

namespace {

// The file's times as a viewer reads them: doubles, end = ts + dur.
struct FileSpan
{
    double begin, end;
    QString cat;
    bool operator<(const FileSpan &o) const { return std::tie(begin, end, cat) < std::tie(o.begin, o.end, o.cat); }
    bool operator==(const FileSpan &o) const { return begin == o.begin && end == o.end && cat == o.cat; }
};
using Tracks = std::map<std::pair<int, int>, std::vector<FileSpan>>;

Tracks readTracks(const QByteArray &json)
{
    Tracks tracks;
    for (const QJsonValue &v : QJsonDocument::fromJson(json)["traceEvents"].toArray()) {
        const QJsonObject e = v.toObject();
        if (e["ph"].toString() == QLatin1String("X"))
            tracks[{e["pid"].toInt(), e["tid"].toInt()}].push_back(
                {e["ts"].toDouble(), e["ts"].toDouble() + e["dur"].toDouble(), e["cat"].toString()});
    }
    return tracks;
}

// The one rounding rule, from the engine's nanoseconds: nearest 1/8 µs.
double expectedUs(std::int64_t ns, std::int64_t origin)
{
    return double(std::llround(double(ns - origin) * 8.0 / 1000.0)) / 8.0;
}

} // namespace

void TestExporters::timesAreExactAsDoubles()
{
    // The case: a 24-task processes run, where a task ends exactly
    // where the next ipc span begins. Read back as doubles, with no
    // tolerance at all, every track must nest.
    const il::TaskSet set = testsupport::makeSet(std::vector<const char *>(24, "c1 i1 c0.5"));
    const il::RunResultPtr run = testsupport::runOne(set, il::Mode::Processes, 2);
    QVERIFY(run);
    const il::Trace &trace = *run->trace;
    const Tracks tracks = readTracks(il::chromeTraceJson(set, {run}));
    int touching = 0;
    for (const auto &[key, unsorted] : tracks) {
        std::vector<FileSpan> spans = unsorted;
        std::stable_sort(spans.begin(), spans.end(), [](const FileSpan &a, const FileSpan &b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
        });
        std::vector<FileSpan> stack;
        for (const FileSpan &s : spans) {
            while (!stack.empty() && stack.back().end <= s.begin) {
                touching += stack.back().end == s.begin;
                stack.pop_back();
            }
            if (!stack.empty() && s.end > stack.back().end)
                QFAIL(qPrintable(QStringLiteral("pid %1 tid %2: %3 %4..%5 crosses %6 %7..%8 (by %9 us)")
                                     .arg(key.first).arg(key.second).arg(s.cat).arg(s.begin, 0, 'f', 6).arg(s.end, 0, 'f', 6)
                                     .arg(stack.back().cat).arg(stack.back().begin, 0, 'f', 6).arg(stack.back().end, 0, 'f', 6)
                                     .arg(s.end - stack.back().end)));
            stack.push_back(s);
        }
    }
    QVERIFY2(touching >= 24, qPrintable(QStringLiteral("only %1 touching pairs: the run did not exercise them").arg(touching)));

    // Each lane's track holds exactly the engine's tasks and spans, with
    // begin and ts + dur equal (as doubles) to the engine's nanoseconds under
    // the one rounding rule: what touches in the engine touches in the file.
    const std::int64_t origin = trace.info.originNs;
    for (int lane = 0; lane < trace.info.lanes; ++lane) {
        std::vector<FileSpan> expected;
        for (const il::TaskRecord &t : trace.tasks)
            if (t.lane == lane && t.startNs >= 0 && t.endNs >= 0)
                expected.push_back({expectedUs(t.startNs, origin), expectedUs(t.endNs, origin), QStringLiteral("task")});
        for (auto [s, end] = trace.laneSpans(lane); s != end; ++s)
            expected.push_back({expectedUs(s->startNs, origin), expectedUs(s->endNs, origin),
                                QLatin1String(il::spanKindName(s->kind))});
        std::vector<FileSpan> got = tracks.at({1, lane + 1});
        std::sort(expected.begin(), expected.end());
        std::sort(got.begin(), got.end());
        QCOMPARE(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY2(got[i] == expected[i], qPrintable(QStringLiteral("lane %1: %2 %3..%4 in the file, %5 %6..%7 from the engine")
                                                           .arg(lane).arg(got[i].cat).arg(got[i].begin, 0, 'f', 9).arg(got[i].end, 0, 'f', 9)
                                                           .arg(expected[i].cat).arg(expected[i].begin, 0, 'f', 9).arg(expected[i].end, 0, 'f', 9)));
    }
}

void TestExporters::traceStreamsInBoundedPieces()
{
    // 20,000 zero-length tasks on the event loop: a trace of several MB.
    const il::TaskSet set = testsupport::makeSet(std::vector<const char *>(20000, "i0"));
    const il::RunResultPtr run = testsupport::runOne(set, il::Mode::EventLoop);
    QVERIFY(run);
    QByteArray joined;
    std::vector<std::size_t> pieces;
    QVERIFY(il::writeChromeTrace(set, {run}, [&](const char *data, std::size_t size) {
        pieces.push_back(size);
        joined.append(data, qsizetype(size));
        return true;
    }));
    QVERIFY2(pieces.size() >= 3, qPrintable(QString::number(joined.size())));
    for (std::size_t size : pieces)
        QVERIFY2(size <= (1u << 20) + 4096, qPrintable(QString::number(size)));
    QCOMPARE(joined, il::chromeTraceJson(set, {run}));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(joined, &err);
    QCOMPARE(err.error, QJsonParseError::NoError);
    int tasks = 0;
    for (const QJsonValue &v : doc["traceEvents"].toArray())
        tasks += v["cat"].toString() == QLatin1String("task");
    QCOMPARE(tasks, 20000);
}

void TestExporters::sinkRefusalStopsTheWriter()
{
    const il::TaskSet set = testsupport::makeSet(std::vector<const char *>(20000, "i0"));
    const il::RunResultPtr run = testsupport::runOne(set, il::Mode::Sequential);
    QVERIFY(run);
    int calls = 0;
    QVERIFY(!il::writeChromeTrace(set, {run}, [&](const char *, std::size_t) {
        ++calls;
        return false;
    }));
    QCOMPARE(calls, 1);
}

void TestExporters::namesAreValidJson()
{
    il::TaskSet set = testsupport::makeSet({"c0", "c0", "c0", "c0"}, QStringLiteral("set \"quoted\"\n"));
    set.tasks[0].name = QStringLiteral("quote\" back\\ nl\n tab\t esc\x1b[2J");
    set.tasks[1].name = QStringLiteral("tâche € 🙂");
    set.tasks[2].name = QStringLiteral("lone ") + QChar(0xd800) + QStringLiteral(" surrogate");
    set.tasks[3].name = QString::fromUtf16(u"nul\u0000 del\u007f", 9);
    const il::RunResultPtr run = testsupport::runOne(set, il::Mode::Sequential);
    QVERIFY(run);
    const QByteArray json = il::chromeTraceJson(set, {run});
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QCOMPARE(doc["otherData"]["taskset"].toString(), set.name);
    QStringList names;
    for (const QJsonValue &v : doc["traceEvents"].toArray())
        if (v["cat"].toString() == QLatin1String("task"))
            names << v["name"].toString();
    QCOMPARE(names.size(), 4);
    QCOMPARE(names[0], set.tasks[0].name);
    QCOMPARE(names[1], set.tasks[1].name);
    QCOMPARE(names[2], QStringLiteral("lone \uFFFD surrogate"));
    QCOMPARE(names[3], set.tasks[3].name);
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
