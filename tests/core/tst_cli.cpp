#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

// Drives the real `interleave` binary, as a user would from a shell.
class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void listsPresets();
    void validatesGoodAndBadFiles();
    void rejectsBadArguments_data();
    void rejectsBadArguments();
    void runWritesTraceAndSummary();
    void summarySaysPrefetch();
    void runWritesCsvSummary();
    void repeatShowsTheMedianAndTheSpread();
    void screenshotViewRangeAndDark();
    void escapesEchoedInput_data();
    void escapesEchoedInput();
    void tableEscapesNamesAndCountsInWords();
    void tableShowsCountersLocksAndDeadlock();
    void helpOnEverySubcommand_data();
    void helpOnEverySubcommand();
    void runHelpMatchesTheReadme();

private:
    struct Result { int code; QString out; QString err; };
    Result run(const QStringList &args);
    QTemporaryDir m_dir;
};

TestCli::Result TestCli::run(const QStringList &args)
{
    QProcess p;
    p.start(QCoreApplication::applicationDirPath() + "/interleave", args);
    if (!p.waitForFinished(120000))
        return {-1, {}, QStringLiteral("timed out")};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &data)
{
    QFile f(dir.filePath(name));
    if (f.open(QIODevice::WriteOnly))
        f.write(data);
    return f.fileName();
}

void TestCli::listsPresets()
{
    const Result r = run({"presets"});
    QCOMPARE(r.code, 0);
    for (const char *name : {"downloads", "primes", "scrape-and-parse", "server-burst", "one-hog"})
        QVERIFY2(r.out.contains(QLatin1String(name)), name);
}

void TestCli::validatesGoodAndBadFiles()
{
    const QString good = writeFile(m_dir, "good.json", R"({"tasks":[{"phases":[{"cpu":1}]}]})");
    Result r = run({"validate", good});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("ok: 1 task ·"), qPrintable(r.out));
    const QString bad = writeFile(m_dir, "bad.json", R"({"tasks":[{"phases":[{"io":"abc"}]}]})");
    r = run({"validate", bad});
    // The README's contract: 2 = bad arguments or a bad task set, as for run.
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(R"(tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got "abc"))"), qPrintable(r.err));
    r = run({"run", "--taskset", bad});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("tasks[0].phases[0].io"));
}

void TestCli::rejectsBadArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no source") << QStringList{"run"} << "exactly one of --taskset FILE or --preset NAME";
    QTest::newRow("both sources") << QStringList{"run", "--preset", "primes", "--taskset", "x"} << "exactly one of";
    QTest::newRow("bad mode") << QStringList{"run", "--preset", "primes", "--mode", "fibers"} << "--mode: unknown mode \"fibers\"";
    QTest::newRow("bad workers") << QStringList{"run", "--preset", "primes", "--workers", "0"} << "--workers: must be a whole number from 1 to 256";
    QTest::newRow("bad preset") << QStringList{"run", "--preset", "nope"} << "no preset named \"nope\"";
    QTest::newRow("missing file") << QStringList{"run", "--taskset", "/no/such.json"} << "/no/such.json: no such file";
    QTest::newRow("unknown option") << QStringList{"run", "--preset", "primes", "--fast"} << "Unknown option 'fast'";
    QTest::newRow("repeat zero") << QStringList{"run", "--preset", "primes", "--repeat", "0"} << "--repeat: must be a whole number from 1 to 100 (got \"0\")";
    QTest::newRow("repeat word") << QStringList{"run", "--preset", "primes", "--repeat", "many"} << "--repeat: must be a whole number from 1 to 100";
    QTest::newRow("prefetch negative") << QStringList{"run", "--preset", "primes", "--prefetch", "-1"} << "--prefetch: must be a whole number from 0 to 64 (got \"-1\")";
    QTest::newRow("prefetch huge") << QStringList{"run", "--preset", "primes", "--prefetch", "65"} << "--prefetch: must be a whole number from 0 to 64 (got \"65\")";
    QTest::newRow("view without screenshot") << QStringList{"run", "--preset", "primes", "--view", "task"} << "--view: only with --screenshot FILE";
    QTest::newRow("bad view") << QStringList{"run", "--preset", "primes", "--screenshot", "x.svg", "--view", "gantt"} << "--view: must be lane or task (got \"gantt\")";
    QTest::newRow("backwards range") << QStringList{"run", "--preset", "primes", "--screenshot", "x.svg", "--range", "10:5"} << "--range: must be START_MS:END_MS with 0 <= START < END";
    QTest::newRow("half a range") << QStringList{"run", "--preset", "primes", "--screenshot", "x.svg", "--range", "10"} << "--range: must be START_MS:END_MS";
    QTest::newRow("dark without screenshot") << QStringList{"run", "--preset", "primes", "--dark"} << "--dark: only with --screenshot FILE";
    QTest::newRow("arrows without screenshot") << QStringList{"run", "--preset", "primes", "--arrows", "queue"} << "--arrows: only with --screenshot FILE";
    QTest::newRow("bad arrows") << QStringList{"run", "--preset", "primes", "--screenshot", "x.svg", "--arrows", "queue,handoff"} << "--arrows: must be queue, wake or queue,wake (got \"queue,handoff\")";
    QTest::newRow("bad screenshot") << QStringList{"run", "--preset", "primes", "--screenshot", "x.gif"} << "--screenshot: FILE must end in .png or .svg";
}

void TestCli::rejectsBadArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QVERIFY2(r.code != 0, qPrintable(r.out));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

// --prefetch reaches the processes mode and its summary says what it ran with.
void TestCli::summarySaysPrefetch()
{
    const QString set = writeFile(m_dir, "pf.json", R"({"tasks":[{"phases":[{"cpu":0}]},{"phases":[{"cpu":0}]}]})");
    const QString summary = m_dir.filePath("pf-summary.json");
    for (const char *prefetch : {"0", "3"}) {
        const Result r = run({"run", "--taskset", set, "--mode", "processes", "--prefetch", prefetch, "--summary", summary});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile s(summary);
        QVERIFY(s.open(QIODevice::ReadOnly));
        const QJsonArray runs = QJsonDocument::fromJson(s.readAll())["runs"].toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0]["prefetch"].toInt(-1), QByteArray(prefetch).toInt());
    }
}

void TestCli::runWritesTraceAndSummary()
{
    const QString set = writeFile(m_dir, "set.json", R"({"name":"cli","tasks":[{"phases":[{"cpu":5},{"io":5}]},{"phases":[{"io":5}]}]})");
    const QString trace = m_dir.filePath("trace.json");
    const QString summary = m_dir.filePath("summary.json");
    const Result r = run({"run", "--taskset", set, "--mode", "sequential,threads-gil,eventloop", "--workers", "2",
                          "--trace", trace, "--summary", summary});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("sequential"));
    QVERIFY(r.out.contains("makespan"));
    QVERIFY(!r.out.contains("processes"));
    QFile s(summary);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(s.readAll());
    QCOMPARE(doc["taskset"].toString(), QStringLiteral("cli"));
    const QJsonArray runs = doc["runs"].toArray();
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs[1]["mode"].toString(), QStringLiteral("threads-gil"));
    QCOMPARE(runs[1]["workers"].toInt(), 2);
    QCOMPARE(runs[2]["completed"].toInt(), 2);
    // Nothing went wrong: every run says so as data.
    for (const QJsonValue &run : runs) {
        QVERIFY(!run.toObject().contains("prefetch")); // processes only
        QVERIFY(run["incidents"].isArray());
        QCOMPARE(run["incidents"].toArray().size(), 0);
        QCOMPARE(run["events_dropped"].toInteger(-1), 0);
        QCOMPARE(run["run_failed"].toBool(true), false);
    }
    QFile t(trace);
    QVERIFY(t.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(t.readAll())["traceEvents"].toArray().size() > 10);

    const Result quiet = run({"run", "--taskset", set, "--mode", "sequential", "--quiet"});
    QCOMPARE(quiet.code, 0);
    QCOMPARE(quiet.out, QString());
}

void TestCli::repeatShowsTheMedianAndTheSpread()
{
    const QString set = writeFile(m_dir, "rep.json", R"({"name":"rep","tasks":[{"phases":[{"cpu":2},{"io":2}]}]})");
    const QString summary = m_dir.filePath("rep-summary.json");
    const QString csv = m_dir.filePath("rep-summary.csv");
    const Result r = run({"run", "--taskset", set, "--mode", "sequential,eventloop", "--repeat", "3", "--summary", summary});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    // Interleaved, as the progress says: each mode once, then again.
    const QStringList progress = r.err.split('\n').filter(QStringLiteral("running "));
    QCOMPARE(progress.size(), 6);
    QVERIFY2(progress[0].contains("sequential") && progress[0].contains("repetition 1 of 3"), qPrintable(progress[0]));
    QVERIFY2(progress[1].contains("eventloop") && progress[1].contains("repetition 1 of 3"), qPrintable(progress[1]));
    QVERIFY2(progress[2].contains("sequential") && progress[2].contains("repetition 2 of 3"), qPrintable(progress[2]));
    // The table: one row per mode, each with its repetitions.
    QCOMPARE(r.out.count(QStringLiteral("median of 3 finished runs")), 2);
    QFile s(summary);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(s.readAll());
    QCOMPARE(doc["repeat"].toInt(), 3);
    const QJsonArray runs = doc["runs"].toArray();
    QCOMPARE(runs.size(), 2);
    for (const QJsonValue &run : runs) {
        const QJsonObject rep = run["repeat"].toObject();
        QCOMPARE(rep["requested"].toInt(), 3);
        QCOMPARE(rep["finished"].toInt(), 3);
        QCOMPARE(rep["stopped"].toInt(), 0);
        const QJsonArray each = rep["makespans_ms"].toArray();
        QCOMPARE(each.size(), 3);
        std::vector<double> sorted;
        for (const QJsonValue &v : each)
            sorted.push_back(v.toDouble());
        std::sort(sorted.begin(), sorted.end());
        // The run described is the median one, and it is the one named.
        QCOMPARE(run["makespan_ms"].toDouble(), sorted[1]);
        QCOMPARE(each[rep["shown"].toInt()].toDouble(), sorted[1]);
        QCOMPARE(rep["min_ms"].toDouble(), sorted[0]);
        QCOMPARE(rep["max_ms"].toDouble(), sorted[2]);
    }
    // Without --repeat there is no spread to speak of.
    const Result once = run({"run", "--taskset", set, "--mode", "sequential", "--summary", summary, "--quiet"});
    QCOMPARE(once.code, 0);
    QFile again(summary);
    QVERIFY(again.open(QIODevice::ReadOnly));
    const QJsonDocument single = QJsonDocument::fromJson(again.readAll());
    QVERIFY(!single.object().contains("repeat"));
    QVERIFY(!single["runs"][0].toObject().contains("repeat"));
    // The CSV carries the count and the spread in its last columns.
    const Result c = run({"run", "--taskset", set, "--mode", "sequential", "--repeat", "2", "--summary", csv, "--quiet"});
    QCOMPARE(c.code, 0);
    QFile cf(csv);
    QVERIFY(cf.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = cf.readAll().split('\n');
    const QList<QByteArray> header = lines[0].split(',');
    const qsizetype repeats = header.indexOf("repeats");
    QVERIFY2(repeats > 0, lines[0].constData());
    QCOMPARE(header.value(repeats + 1), QByteArray("makespan_min_ms"));
    QCOMPARE(header.value(repeats + 2), QByteArray("makespan_max_ms"));
    const QList<QByteArray> cells = lines[1].split(',');
    QCOMPARE(cells.size(), header.size());
    QCOMPARE(cells[repeats], QByteArray("2"));
    QVERIFY(cells[repeats + 1].toDouble() <= cells[2].toDouble());
    QVERIFY(cells[repeats + 2].toDouble() >= cells[2].toDouble());
    QVERIFY(cells[repeats + 1].toDouble() < cells[repeats + 2].toDouble() || cells[repeats + 1] == cells[repeats + 2]);
}

// Any picture the window can save, the command line can make: by task, a
// stretch of time, the dark palette, the arrows. Read back as SVG text.
void TestCli::screenshotViewRangeAndDark()
{
    const QString set = writeFile(m_dir, "shot.json",
                                  R"({"name":"shot","tasks":[{"name":"alpha","phases":[{"cpu":5},{"io":20}]},{"name":"beta","phases":[{"io":25}]}]})");
    const auto picture = [&](const QString &name, const QStringList &extra) {
        const QString path = m_dir.filePath(name);
        const Result r = run(QStringList{"run", "--taskset", set, "--mode", "threads", "--quiet", "--screenshot", path} + extra);
        QFile f(path);
        return r.code == 0 && f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QStringLiteral("failed: ") + r.err;
    };
    const QString lane = picture("lane.svg", {});
    if (lane.contains(QLatin1String("this build has no GUI library")))
        QSKIP("this build of interleave has no GUI library (the tsan preset): no pictures");
    const QString task = picture("task.svg", {"--view", "task"});
    const QString range = picture("range.svg", {"--range", "0:10"});
    const QString dark = picture("dark.svg", {"--dark"});
    const QString arrows = picture("arrows.svg", {"--arrows", "queue,wake"});
    for (const QString *svg : {&lane, &task, &range, &dark, &arrows})
        QVERIFY2(svg->startsWith("<?xml"), qPrintable(svg->left(300)));
    // By task, the rows are the tasks' names and the bars say their phases;
    // by lane, the rows are the threads and the bars say their tasks.
    QVERIFY(task.contains(">alpha<") && task.contains(">beta<"));
    QVERIFY2(task.contains(QRegularExpression(">io 2\\d.\\d ms<")), qPrintable(task.left(200)));
    QVERIFY(lane.contains(">thread 1<"));
    QVERIFY(!lane.contains(QRegularExpression(">io 2\\d.\\d ms<")));
    QVERIFY(task.contains(QStringLiteral(">by task<")) && lane.contains(QStringLiteral(">by lane<")));
    // The whole run reaches 25 ms, ticked every 2; 0-10 ms is ticked every 1.
    QVERIFY(lane.contains(">20 ms<") && !lane.contains(">1 ms<"));
    QVERIFY(range.contains(">1 ms<") && !range.contains(">20 ms<"));
    // The dark palette's base colour fills the dark picture only.
    QVERIFY(dark.contains(QStringLiteral("fill=\"#1f2227\"")));
    QVERIFY(!lane.contains(QStringLiteral("fill=\"#1f2227\"")));
    // --arrows: the queue arrows' shafts, dashed 4 on 3, in no picture without them.
    QVERIFY2(arrows.contains(QStringLiteral("stroke-dasharray=\"4,3\"")), qPrintable(arrows.left(300)));
    QVERIFY(!lane.contains(QStringLiteral("stroke-dasharray=\"4,3\"")));
}

void TestCli::runWritesCsvSummary()
{
    const QString csv = m_dir.filePath("summary.csv");
    const Result r = run({"run", "--preset", "primes", "--mode", "eventloop", "--summary", csv, "--quiet"});
    QCOMPARE(r.code, 0);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[1].startsWith("eventloop,1,"));
}

void TestCli::escapesEchoedInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("escaped"); // what stderr shows instead
    const QString clear = writeFile(m_dir, "clear.json", "{\"tasks\":[{\"phases\":[{\"io\":\"\\u001b[2J\\u001b[H\"}]}]}");
    QTest::newRow("value in a task set") << QStringList{"validate", clear} << R"((got "\u001b[2J\u001b[H"))";
    QTest::newRow("value, run") << QStringList{"run", "--taskset", clear} << R"((got "\u001b[2J\u001b[H"))";
    const QString key = writeFile(m_dir, "key.json", "{\"tasks\":[{\"phases\":[{\"cpu\\r\\nx\":1}]}]}");
    QTest::newRow("phase key") << QStringList{"validate", key} << R"(got keys cpu\r\nx)";
    QTest::newRow("mode") << QStringList{"run", "--preset", "primes", "--mode", "\x1b[31mred"} << R"(unknown mode "\u001b[31mred")";
    QTest::newRow("workers") << QStringList{"run", "--preset", "primes", "--workers", "1\r\nok"} << R"((got "1\r\nok"))";
    QTest::newRow("file name") << QStringList{"validate", m_dir.filePath("no\nsuch.json")} << R"(no\nsuch.json: no such file)";
    QTest::newRow("option") << QStringList{"run", "--preset", "primes", "--\x1b[2J"} << R"(Unknown option '\u001b[2J')";
}

void TestCli::escapesEchoedInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, escaped);
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(escaped), qPrintable(r.err));
    // The message is one line, with no control character in it.
    const QString first = r.err.section(QLatin1Char('\n'), 0, 0);
    QVERIFY2(first.contains(escaped), qPrintable(r.err));
    for (QChar c : r.err)
        QVERIFY2(c == QLatin1Char('\n') || (c.unicode() >= 0x20 && c.unicode() != 0x7f), qPrintable(r.err));
}

void TestCli::tableEscapesNamesAndCountsInWords()
{
    // A set name that would clear the screen and forge a table row.
    const QString set = writeFile(m_dir, "forge.json",
                                  R"({"name":"x\u001b[2J\r\nsequential 1 1 ms 1 ms 100 % forged","tasks":[{"phases":[{"cpu":1}]}]})");
    const Result r = run({"run", "--taskset", set, "--mode", "sequential"});
    QCOMPARE(r.code, 0);
    QVERIFY2(!r.out.contains(QChar(0x1b)) && !r.out.contains(QLatin1Char('\r')), qPrintable(r.out));
    QVERIFY2(r.out.contains(R"(x\u001b[2J\r\nsequential 1 1 ms 1 ms 100 % forged: 1 task · cpu)"), qPrintable(r.out));
    int rows = 0;
    for (const QString &line : r.out.split(QLatin1Char('\n')))
        rows += line.startsWith(QLatin1String("sequential"));
    QCOMPARE(rows, 1);
    QVERIFY2(r.err.contains("running sequential (1 lane)…"), qPrintable(r.err));
    QVERIFY2(!r.out.contains(QLatin1String(" 1 cores")), qPrintable(r.out));
}

// Shared state on the command line: each counter and lock under its run
// (names escaped), the deadlock as a note, a mode that cannot run it as an
// error with exit code 1.
void TestCli::tableShowsCountersLocksAndDeadlock()
{
    const QString set = writeFile(m_dir, "locks.json", R"({"tasks":[
        {"phases":[{"acquire":"L\u001b[2J"},{"increment":"n","times":1000},{"release":"L\u001b[2J"}]},
        {"phases":[{"increment":"n","times":1}]}]})");
    Result r = run({"run", "--taskset", set, "--mode", "sequential"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("  counter n: 1001 increments, final 1001, 0 lost\n"), qPrintable(r.out));
    QVERIFY2(r.out.contains("  lock L\\u001b[2J: 1 acquisition, 0 waited 0.0 ms in all (longest 0.0 ms), longest hold "),
             qPrintable(r.out));
    QVERIFY(!r.out.contains(QChar(0x1b)));

    r = run({"run", "--preset", "deadlock", "--mode", "threads,dask"});
    QCOMPARE(r.code, 1); // failed tasks, and a run that could not start
    QVERIFY2(r.out.contains("  note: deadlock: task 0 holds A, waits for B; task 1 holds B, waits for A; "
                            "the 2 tasks of the cycle failed and gave up their locks\n"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("  error: dask: does not support lock and counter phases yet (the task set has acquire, "
                            "release phases); every other mode runs them"),
             qPrintable(r.out));
}

void TestCli::helpOnEverySubcommand_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("usage"); // how stdout starts
    for (const char *command : {"run", "presets", "validate"}) {
        const QString c = QLatin1String(command);
        QTest::newRow(qPrintable(c + " --help")) << QStringList{c, QStringLiteral("--help")} << "usage: interleave " + c;
        QTest::newRow(qPrintable(c + " -h")) << QStringList{c, QStringLiteral("-h")} << "usage: interleave " + c;
        QTest::newRow(qPrintable("help " + c)) << QStringList{QStringLiteral("help"), c} << "usage: interleave " + c;
        QTest::newRow(qPrintable(c + " --version")) << QStringList{c, QStringLiteral("--version")} << QStringLiteral("interleave ");
    }
    // Help wins over everything else on the line, even a missing task set.
    QTest::newRow("run --preset x --help") << QStringList{QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("nope"), QStringLiteral("--help")}
                                           << QStringLiteral("usage: interleave run");
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << QStringLiteral("usage: interleave ");
}

// `interleave run --help` once said "Unknown option 'help'": every
// subcommand answers --help, -h and --version on stdout with exit 0.
void TestCli::helpOnEverySubcommand()
{
    QFETCH(QStringList, args);
    QFETCH(QString, usage);
    const Result r = run(args);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(usage), qPrintable(r.out));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
}

// Every option `run --help` lists is in the README, and every --option the
// README's run usage block names is in --help.
void TestCli::runHelpMatchesTheReadme()
{
    const Result r = run({QStringLiteral("run"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QFile readme(QStringLiteral(QT_TESTCASE_SOURCEDIR "/../../README.md"));
    QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.fileName()));
    const QString text = QString::fromUtf8(readme.readAll());
    const QRegularExpression option(QStringLiteral("^  (--[a-z-]+) "), QRegularExpression::MultilineOption);
    int options = 0;
    for (auto it = option.globalMatch(r.out); it.hasNext(); ++options) {
        const QString name = it.next().captured(1);
        QVERIFY2(text.contains(QRegularExpression(QRegularExpression::escape(name) + QStringLiteral("(?![a-z-])"))),
                 qPrintable(name + " is not in the README"));
    }
    QVERIFY(options >= 13);
    // The README's usage block for run.
    const qsizetype start = text.indexOf(QLatin1String("interleave run (--taskset"));
    QVERIFY(start >= 0);
    const QString block = text.mid(start, text.indexOf(QLatin1String("```"), start) - start);
    const QRegularExpression named(QStringLiteral("\\[(--[a-z-]+)"));
    for (auto it = named.globalMatch(block); it.hasNext();) {
        const QString name = it.next().captured(1);
        QVERIFY2(r.out.contains(QStringLiteral("  ") + name + QLatin1Char(' ')), qPrintable(name + " is not in run --help"));
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
