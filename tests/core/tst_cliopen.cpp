// `interleave run --open TRACE`: the real binary, alone and beside a run.

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliOpen : public QObject
{
    Q_OBJECT
private slots:
    void openAloneSummarisesAndReexports();
    void openBesideARun();
    void foreignTracesReexportAndReopen();
    void badTraceExitsTwoAndKeepsWhatWasRead();
    void screenshotNamesEachFilesOwnTasks();

private:
    struct Result { int code; QString out; QString err; };
    Result run(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QCoreApplication::applicationDirPath() + "/interleave", args);
        if (!p.waitForFinished(120000))
            return {-1, {}, QStringLiteral("timed out")};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }
    QByteArray read(const QString &name)
    {
        QFile f(m_dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QString fixture(const char *name) { return QStringLiteral(INTERLEAVE_TRACE_FIXTURES "/") + QLatin1String(name); }
    QTemporaryDir m_dir;
};

void TestCliOpen::openAloneSummarisesAndReexports()
{
    // Our own export, opened and exported again: the same bytes.
    Result r = run({"run", "--preset", "primes", "--mode", "threads,eventloop", "--workers", "2", "--trace", "mine.json", "--quiet"});
    QCOMPARE(r.code, 0);
    r = run({"run", "--open", "mine.json", "--trace", "again.json", "--quiet"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(read("again.json"), read("mine.json"));
    r = run({"run", "--open", "mine.json", "--open", fixture("dask-taskstream.json"), "--summary", "s.json", "--trace", "both.json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(!r.err.contains("not re-exported"), qPrintable(r.err));
    QVERIFY2(r.out.contains("mine.json · 2 · eventloop (Interleave)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("dask-taskstream.json (Dask)"), qPrintable(r.out));
    const QJsonArray runs = QJsonDocument::fromJson(read("s.json")).object()["runs"].toArray();
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs[0]["mode"].toString(), QStringLiteral("threads"));
    QCOMPARE(runs[0]["source"].toString(), QStringLiteral("mine.json"));
    QCOMPARE(runs[2]["mode"].toString(), QStringLiteral("opened"));
    QCOMPARE(runs[2]["source"].toString(), fixture("dask-taskstream.json"));
    QCOMPARE(runs[2]["recorded_by"].toString(), QStringLiteral("Dask"));
    QCOMPARE(runs[2]["spans"].toInt(), 5);
    QVERIFY(!runs[2].toObject().contains("ideal_ms"));
    QVERIFY(runs[2]["makespan_ms"].toDouble() > 329 && runs[2]["makespan_ms"].toDouble() < 331);
}

void TestCliOpen::openBesideARun()
{
    const Result r = run({"run", "--preset", "primes", "--mode", "sequential", "--open", fixture("overlapping.json"),
                          "--summary", "both.csv"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("sequential") && r.out.contains("overlapping.json"), qPrintable(r.out));
    QVERIFY2(r.out.contains("note: 1 span did not nest on its track"), qPrintable(r.out));
    const QList<QByteArray> lines = read("both.csv").trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].endsWith(",source"));
    QVERIFY(lines[1].startsWith("sequential,") && lines[1].endsWith(","));
    QVERIFY2(lines[2].startsWith("opened,") && lines[2].endsWith("overlapping.json\""), lines[2].constData());
}

// Traces from other tools (VizTracer, a Dask task stream) opened and
// exported: the export keeps their span names, lanes and tasks, opening it
// gives the same runs and measures, and exporting those gives the same bytes.
// `--open A --open B` of two task sets (and a lab run of a third) in one
// picture: every run's tasks by its own names, none by another's.
void TestCliOpen::screenshotNamesEachFilesOwnTasks()
{
    Result r = run({"run", "--preset", "primes", "--mode", "threads", "--trace", "primes.json", "--quiet"});
    QCOMPARE(r.code, 0);
    r = run({"run", "--preset", "downloads", "--mode", "eventloop", "--trace", "downloads.json", "--quiet"});
    QCOMPARE(r.code, 0);
    QFile set(m_dir.filePath("lab.json"));
    QVERIFY(set.open(QIODevice::WriteOnly));
    set.write(R"({"name":"lab","tasks":[{"name":"lab-alpha","phases":[{"cpu":5}]},{"name":"lab-beta","phases":[{"io":5}]}]})");
    set.close();
    for (const QStringList &lab : {QStringList{}, QStringList{"--taskset", "lab.json", "--mode", "sequential"}}) {
        r = run(QStringList{"run", "--open", "primes.json", "--open", "downloads.json", "--screenshot", "both.svg",
                            "--view", "task", "--trace", "all.json", "--quiet"} + lab);
        if (r.err.contains(QLatin1String("this build has no GUI library")))
            QSKIP("this build of interleave has no GUI library (the tsan preset): no pictures");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QByteArray svg = read("both.svg");
        // The row names by task: primes' 8 tasks, downloads' 40, the lab's 2.
        QVERIFY2(svg.contains(">primes 7<"), "primes 7");
        QVERIFY2(svg.contains(">GET /file/39<"), "GET /file/39");
        // Not primes' task 7 named from downloads' set, nor downloads' from primes'.
        QCOMPARE(svg.count(">GET /file/7<"), 1);
        QCOMPARE(svg.count(">primes 7<"), 1);
        QCOMPARE(svg.contains(">lab-beta<"), !lab.isEmpty());
        // The trace names them so too: each run's task events by its own set.
        const QJsonArray events = QJsonDocument::fromJson(read("all.json")).object().value("traceEvents").toArray();
        QMap<int, QStringList> taskNames; // pid -> its task events' names
        for (const QJsonValue &v : events) {
            const QJsonObject e = v.toObject();
            if (e.value("ph").toString() == QLatin1String("X") && e.value("cat").toString() == QLatin1String("task"))
                taskNames[e.value("pid").toInt()] << e.value("name").toString();
        }
        QCOMPARE(taskNames.size(), lab.isEmpty() ? 2 : 3);
        QStringList kinds;
        for (const QStringList &names : std::as_const(taskNames)) {
            const QString kind = names.first().left(3); // "GET", "pri", "lab"
            for (const QString &n : names)
                QVERIFY2(n.startsWith(kind), qPrintable(names.join(QLatin1String(", "))));
            kinds << kind;
        }
        kinds.sort();
        QCOMPARE(kinds, lab.isEmpty() ? QStringList({"GET", "pri"}) : QStringList({"GET", "lab", "pri"}));
    }
}

void TestCliOpen::foreignTracesReexportAndReopen()
{
    Result r = run({"run", "--open", fixture("viztracer.json"), "--open", fixture("dask-taskstream.json"), "--summary",
                    "first.json", "--trace", "out.json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(!r.err.contains("not re-exported"), qPrintable(r.err));
    const QByteArray out = read("out.json");
    for (const char *name : {"\"name\":\"json.loads\"", "\"name\":\"main (fetch.py:30)\"", "\"cat\":\"FEE\"",
                             "\"name\":\"('inc-6a1f', 1)\"", "\"cat\":\"transfer\"", "\"name\":\"MainThread (48211)\"",
                             "\"name\":\"1 · viztracer.json (VizTracer) (6 lanes)\""})
        QVERIFY2(out.contains(name), name);
    r = run({"run", "--open", "out.json", "--summary", "again.json", "--trace", "out2.json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("out.json · 2 · dask-taskstream.json"), qPrintable(r.out));
    QCOMPARE(read("out2.json"), out);
    const QJsonArray a = QJsonDocument::fromJson(read("first.json")).object()["runs"].toArray();
    const QJsonArray b = QJsonDocument::fromJson(read("again.json")).object()["runs"].toArray();
    QCOMPARE(b.size(), a.size());
    QCOMPARE(a.size(), 2);
    for (qsizetype i = 0; i < a.size(); ++i) {
        QJsonObject x = a[i].toObject(), y = b[i].toObject();
        QCOMPARE(y["source"].toString(), QStringLiteral("out.json"));
        x.remove("source");
        y.remove("source");
        QCOMPARE(y, x);
    }
}

void TestCliOpen::badTraceExitsTwoAndKeepsWhatWasRead()
{
    QFile f(m_dir.filePath("cut.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"([{"ph":"X","pid":1,"tid":1,"ts":1,"dur":2},{"ph":"X","pid":1,"tid":1,"ts":-5,"dur":-1},{"ph":"X","ts")");
    f.close();
    Result r = run({"run", "--open", "cut.json", "--summary", "cut-summary.json"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("cut.json: at byte 101 (line 1, column 102), in event 2: ends inside"), qPrintable(r.err));
    QVERIFY2(r.err.contains("note: cut.json: event 1 (byte 43): dur: negative (-1 µs); skipped"), qPrintable(r.err));
    const QJsonArray runs = QJsonDocument::fromJson(read("cut-summary.json")).object()["runs"].toArray();
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs[0]["spans"].toInt(), 1);
    // A file with nothing usable: exit 2, nothing run.
    r = run({"run", "--open", "nope.json", "--preset", "primes"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("nope.json: no such file"), qPrintable(r.err));
    QVERIFY(!r.err.contains("running"));
}

QTEST_GUILESS_MAIN(TestCliOpen)
#include "tst_cliopen.moc"
