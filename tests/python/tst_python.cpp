// The py-modes against the real CPython: the runner's clock, its protocol,
// every mode's trace, what the GIL does to cpu spans, asyncio's ready-wait,
// faults (no python, a too-old one, a killed runner, a killed worker
// process, garbage, Stop) and the CLI's words. Structural assertions only:
// nothing here depends on how busy the machine is.

#include "processes.h"
#include "testsupport.h"

#include "core/analysis/advisor.h"
#include "core/analysis/machineload.h"
#include "core/analysis/twins.h"
#include "core/base/clock.h"
#include "core/io/exporters.h"
#include "core/engine/engine.h"
#include "core/model/mode.h"
#include "core/model/presets.h"
#include "core/modes/python/pythoninterpreter.h"
#include "core/modes/python/runnerprotocol.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <set>

using namespace il;
using testsupport::makeSet;

namespace {

// The run's fatal incident as "kind: detail", "" when the run did not fail.
QString fatalText(const Trace &t)
{
    for (const Incident &i : t.incidents)
        if (i.fatal())
            return QLatin1String(incidentKindName(i.kind)) + QLatin1String(": ") + i.detail;
    return QString();
}

// Every incident of the run, "kind lane pid task value detail" joined by "|".
QString incidentsText(const Trace &t)
{
    QStringList all;
    for (const Incident &i : t.incidents)
        all << QStringLiteral("%1 %2 %3 %4 %5 %6")
                   .arg(QLatin1String(incidentKindName(i.kind)))
                   .arg(i.lane == noLane ? -1 : int(i.lane))
                   .arg(i.pid)
                   .arg(i.task == noTask ? qint64(-1) : qint64(i.task))
                   .arg(i.value)
                   .arg(i.detail);
    return all.join(QLatin1Char('|'));
}

const QString python = QStringLiteral("/usr/bin/python3");

RunConfig pyConfig(Mode mode, int workers = 0, const QString &path = python)
{
    RunConfig c;
    c.mode = mode;
    c.workers = workers;
    c.pythonPath = path;
    return c;
}

RunResultPtr runPy(const TaskSet &set, Mode mode, int workers = 0, const QString &path = python)
{
    const auto c = testsupport::runComparison(set, {pyConfig(mode, workers, path)}, 120000);
    return c.completed && c.runs.size() == 1 ? c.runs.front() : nullptr;
}

QString writeScript(const QTemporaryDir &dir, const QString &name, const QByteArray &body)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write("#!/bin/sh\n" + body) < 0)
        return QString();
    f.close();
    f.setPermissions(f.permissions() | QFile::ExeOwner);
    return path;
}

QByteArray cmdline(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Our runner child (started by the engine's run thread: our pid is its parent).
pid_t runnerPid()
{
    for (pid_t pid : testprocs::childPids())
        if (cmdline(pid).contains("interleave_runner.py"))
            return pid;
    return 0;
}

// How long (ns) cpu spans of different lanes ran at the same time.
std::int64_t crossLaneCpuOverlapNs(const Trace &trace)
{
    std::vector<const Span *> cpu;
    for (const Span &s : trace.spans)
        if (s.kind == SpanKind::Cpu)
            cpu.push_back(&s);
    std::int64_t overlap = 0;
    for (std::size_t a = 0; a < cpu.size(); ++a)
        for (std::size_t b = a + 1; b < cpu.size(); ++b)
            if (cpu[a]->lane != cpu[b]->lane)
                overlap += std::max<std::int64_t>(0, std::min(cpu[a]->endNs, cpu[b]->endNs)
                                                         - std::max(cpu[a]->startNs, cpu[b]->startNs));
    return overlap;
}

int countSpans(const Trace &trace, SpanKind kind)
{
    return int(std::count_if(trace.spans.begin(), trace.spans.end(), [kind](const Span &s) { return s.kind == kind; }));
}

} // namespace

class TstPython : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        const PythonInfo info = probePython(python);
        if (!info.usable)
            QFAIL(qPrintable(QStringLiteral("the py-mode tests need Debian's python3: ") + info.problem));
    }

    void modeLists()
    {
        QString error;
        QCOMPARE(parseModeList(QStringLiteral("all"), &error)->size(), std::size_t(5));
        const auto every = parseModeList(QStringLiteral("everything"), &error);
        QVERIFY(every);
        QCOMPARE(every->size(), std::size_t(10));
        // Each model just before its real twin.
        for (std::size_t i = 0; i + 1 < every->size(); ++i)
            if (const auto twin = twinOf((*every)[i]); twin && !isPythonMode((*every)[i]))
                QCOMPARE((*every)[i + 1], *twin);
        QCOMPARE(modeFromName(QStringLiteral("py-asyncio")), std::optional<Mode>(Mode::PyAsyncio));
        QCOMPARE(modeName(Mode::Dask), QStringLiteral("dask"));
        QVERIFY(!parseModeList(QStringLiteral("py-gevent"), &error));
        QVERIFY2(error.contains(QLatin1String("py-threads")) && error.contains(QLatin1String("everything")), qPrintable(error));
    }

    // time.monotonic_ns() in the runner is the engine's CLOCK_MONOTONIC: a
    // reading taken by the runner lies between two of ours around it.
    void runnerClockIsEngineClock()
    {
        QTemporaryDir dir;
        for (const char *name : {"interleave_runner.py", "interleave_phases.py"}) {
            QFile in(QStringLiteral(":/python/") + QLatin1String(name));
            QVERIFY(in.open(QIODevice::ReadOnly));
            QFile copy(dir.filePath(QLatin1String(name)));
            QVERIFY(copy.open(QIODevice::WriteOnly));
            copy.write(in.readAll());
        }
        QFile out(dir.filePath(QStringLiteral("interleave_runner.py")));
        for (int i = 0; i < 3; ++i) {
            QProcess proc;
            const std::int64_t before = monoNs();
            proc.start(python, {out.fileName(), QStringLiteral("--clock")});
            QVERIFY(proc.waitForFinished(30000));
            const std::int64_t after = monoNs();
            bool ok = false;
            const qint64 t = proc.readAllStandardOutput().trimmed().toLongLong(&ok);
            QVERIFY(ok);
            QVERIFY2(before < t && t < after, qPrintable(QStringLiteral("%1 < %2 < %3").arg(before).arg(t).arg(after)));
        }
    }

    void protocolLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("error"); // "" = accepted
        QTest::newRow("event") << QByteArray("123 5 0 1 2 0 0") << QString();
        QTest::newRow("spawn no task") << QByteArray("123 5 4294967295 1 65535 3 0") << QString();
        QTest::newRow("hello") << QByteArray("H 1 42 3.11.2 99") << QString();
        QTest::newRow("lane") << QByteArray("L 3 thread 4 (tid 99)") << QString();
        QTest::newRow("incident") << QByteArray("N worker-crashed 1 4242 7 0 signal 9") << QString();
        QTest::newRow("incident no lane") << QByteArray("N tasks-lost -1 0 -1 3 no worker process left") << QString();
        QTest::newRow("incident as words") << QByteArray("N process 1 was killed") << QStringLiteral("kind a runner may report");
        QTest::newRow("incident not a runner's") << QByteArray("N worker-missing -1 0 -1 0 /x")
                                                 << QStringLiteral("kind a runner may report");
        QTest::newRow("incident short") << QByteArray("N task-raised 0 0") << QStringLiteral("lane, pid, task and value");
        QTest::newRow("incident lane") << QByteArray("N task-raised 70000 0 1 0 x") << QStringLiteral("out of range");
        QTest::newRow("done") << QByteArray("D") << QString();
        QTest::newRow("clock") << QByteArray("C 214000 clocks: 1 worker aligned") << QString();
        QTest::newRow("clock without figure") << QByteArray("C clocks: aligned") << QStringLiteral("uncertainty in ns");
        QTest::newRow("six fields") << QByteArray("123 5 0 1 2 0") << QStringLiteral("7 whole numbers");
        QTest::newRow("eight fields") << QByteArray("123 5 0 1 2 0 0 9") << QStringLiteral("more than 7");
        QTest::newRow("bad kind") << QByteArray("123 9 0 1 2 0 0") << QStringLiteral("unknown event kind 9");
        QTest::newRow("lock-wait span") << QByteArray("123 5 0 65535 2 7 0") << QString();
        QTest::newRow("bad span") << QByteArray("123 5 0 1 2 8 0") << QStringLiteral("unknown span kind 8");
        QTest::newRow("counter") << QByteArray("K 0 400000 194387") << QString();
        QTest::newRow("lock figures") << QByteArray("Y 2 4 3 257000000 128000000 102000000") << QString();
        QTest::newRow("counter short") << QByteArray("K 0 400000") << QStringLiteral("2 figures >= 0");
        QTest::newRow("counter negative") << QByteArray("K 0 -1 5") << QStringLiteral("2 figures >= 0");
        QTest::newRow("lock long") << QByteArray("Y 2 4 3 2 1 0 9") << QStringLiteral("more than 5 figures");
        QTest::newRow("handoff") << QByteArray("F 0 3 5 1200 1900") << QString();
        QTest::newRow("handoff short") << QByteArray("F 0 3 5 1200") << QStringLiteral("4 figures >= 0");
        QTest::newRow("handoff negative task") << QByteArray("F 0 -3 5 1200 1900") << QStringLiteral("4 figures >= 0");
        QTest::newRow("deadlock") << QByteArray("N deadlock -1 0 0 2 task 0 holds A, waits for B; task 1 holds B, waits for A")
                                  << QString();
        QTest::newRow("edge without span") << QByteArray("123 5 0 1 2 255 0") << QStringLiteral("without a span kind");
        QTest::newRow("start with span") << QByteArray("123 1 0 1 2 0 0") << QStringLiteral("task event with a span");
        QTest::newRow("lane too big") << QByteArray("123 5 0 70000 2 0 0") << QStringLiteral("out of range");
        QTest::newRow("negative") << QByteArray("123 5 -1 1 2 0 0") << QStringLiteral("out of range");
        QTest::newRow("time 0") << QByteArray("0 5 0 1 2 0 0") << QStringLiteral("timestamp");
        QTest::newRow("letters") << QByteArray("12x 5 0 1 2 0 0") << QStringLiteral("7 whole numbers");
        QTest::newRow("bad hello") << QByteArray("H 1 x 3.11.2 99") << QStringLiteral("malformed hello");
        QTest::newRow("unknown") << QByteArray("Q what") << QStringLiteral("unknown record");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("empty line");
    }

    void protocolLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, error);
        runner::Record r;
        const QString got = runner::parseLine(line, &r);
        if (error.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.contains(error), qPrintable(got));
    }

    void protocolIncidentFields()
    {
        runner::Record r;
        QCOMPARE(runner::parseLine("N worker-exited 1 4242 7 3 exit code 3", &r), QString());
        QCOMPARE(r.type, runner::RecordType::Note);
        QCOMPARE(r.incident.kind, IncidentKind::WorkerExited);
        QCOMPARE(int(r.incident.lane), 1);
        QCOMPARE(r.incident.pid, 4242);
        QCOMPARE(r.incident.task, 7u);
        QCOMPARE(r.incident.value, 3);
        QCOMPARE(r.incident.detail, QStringLiteral("exit code 3"));
        QCOMPARE(runner::parseLine("N worker-lost -1 0 -1 0 w1 (tcp://h:1)", &r), QString());
        QCOMPARE(r.incident.lane, noLane);
        QCOMPARE(r.incident.task, noTask);
    }

    // The same records whatever the pipe's pieces: every split point.
    void protocolSplitAnywhere()
    {
        const QByteArray stream = "H 1 42 3.11.2 99\nL 0 main thread\n100 0 0 65535 65535 255 0\n"
                                  "101 1 0 0 65535 255 0\n102 5 0 0 0 0 0\n150 6 0 0 0 0 48\n151 2 0 0 65535 255 0\nD\n";
        for (int cut = 0; cut <= stream.size(); ++cut) {
            runner::LineParser p;
            p.feed(stream.left(cut));
            int records = 0;
            runner::Record r;
            while (p.next(&r) == runner::LineParser::Status::Record)
                ++records;
            p.feed(stream.mid(cut));
            runner::LineParser::Status s;
            while ((s = p.next(&r)) == runner::LineParser::Status::Record)
                ++records;
            QCOMPARE(s, runner::LineParser::Status::NeedMore);
            QCOMPARE(records, 8);
            QCOMPARE(r.type, runner::RecordType::Done);
        }
        runner::LineParser p;
        p.feed(QByteArray(runner::maxLineBytes + 10, '1'));
        runner::Record r;
        QCOMPARE(p.next(&r), runner::LineParser::Status::Error);
    }

    // Every py-mode runs a mixed set to a consistent trace.
    void everyModeCompletes_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("lanes");
        QTest::newRow("py-sequential") << Mode::PySequential << 1;
        QTest::newRow("py-threads") << Mode::PyThreads << 3;
        QTest::newRow("py-processes") << Mode::PyProcesses << 2;
        QTest::newRow("py-asyncio") << Mode::PyAsyncio << 1;
    }

    void everyModeCompletes()
    {
        QFETCH(Mode, mode);
        QFETCH(int, lanes);
        const TaskSet set = makeSet({"i30 c10", "c15 i5", "i10", "c5 i10 c5", "i0 c0", "c20"});
        const RunResultPtr r = runPy(set, mode, lanes);
        QVERIFY(r);
        QVERIFY2(!r->trace->failed(), qPrintable(incidentsText(*r->trace)));
        QCOMPARE(r->trace->info.lanes, lanes);
        const QString bad = testsupport::checkTrace(*r->trace, set);
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
        QCOMPARE(r->metrics.completed, 6);
        // Each cpu phase computed its milliseconds of thread CPU time.
        QVERIFY2(r->metrics.cpuMs >= 55 - 0.5 && r->metrics.cpuMs < 55 + 6 * 2, qPrintable(QString::number(r->metrics.cpuMs)));
        // The runner named its lanes after the real threads / processes.
        const QString name = r->trace->info.laneNames.value(0);
        QVERIFY2(name.contains(mode == Mode::PyProcesses ? QLatin1String("pid") : QLatin1String("tid")), qPrintable(name));
        if (mode == Mode::PyProcesses) {
            // Spawned processes, each start-up on its lane, each its own pid.
            QCOMPARE(countSpans(*r->trace, SpanKind::Spawn), lanes);
            std::set<QString> names(r->trace->info.laneNames.begin(), r->trace->info.laneNames.end());
            QCOMPARE(int(names.size()), lanes);
            QVERIFY(r->metrics.spawnMs > 0);
            QVERIFY(r->metrics.ipcMs > 0);
        }
    }

    // The real GIL: while one thread computes the others stand still, so
    // their cpu spans are cut by not-running spans and cpu of different
    // threads hardly ever overlaps (it would overlap on two cores without
    // the GIL, and does when the loop stops measuring its gaps).
    void gilCutsCpuSpans()
    {
        const TaskSet set = makeSet({"c60", "c60", "c60", "c60"});
        const RunResultPtr r = runPy(set, Mode::PyThreads, 4);
        QVERIFY(r);
        QVERIFY2(!r->trace->failed(), qPrintable(incidentsText(*r->trace)));
        QVERIFY(testsupport::checkTrace(*r->trace, set).isEmpty());
        QVERIFY(countSpans(*r->trace, SpanKind::NotRunning) >= 3);
        const double overlapMs = nsToMs(crossLaneCpuOverlapNs(*r->trace));
        QVERIFY2(overlapMs < 0.1 * r->metrics.cpuMs,
                 qPrintable(QStringLiteral("cpu of different threads overlapped %1 ms of %2").arg(overlapMs).arg(r->metrics.cpuMs)));
        // Three threads waited while each one computed: at least about
        // 3 × 240 ms / 2 of not running (half, for fairness and load).
        QVERIFY2(r->metrics.notRunningMs > 0.5 * 1.5 * r->metrics.cpuMs,
                 qPrintable(QStringLiteral("not running %1 ms, cpu %2 ms").arg(r->metrics.notRunningMs).arg(r->metrics.cpuMs)));
        // Per task, the pieces add up to the phase's CPU time.
        std::vector<double> cpuPerTask(4, 0);
        for (const Span &s : r->trace->spans)
            if (s.kind == SpanKind::Cpu)
                cpuPerTask[s.task] += s.cpuUs / 1000.0;
        for (double ms : cpuPerTask)
            QVERIFY2(ms >= 59.5 && ms < 62, qPrintable(QString::number(ms)));
    }

    void asyncioWaitsOverlapOnTheLoop()
    {
        std::vector<const char *> tasks(20, "i300");
        const TaskSet set = makeSet(tasks);
        const RunResultPtr r = runPy(set, Mode::PyAsyncio);
        QVERIFY(r);
        QVERIFY(testsupport::checkTrace(*r->trace, set).isEmpty());
        QCOMPARE(testsupport::maxOverlap(*r->trace, SpanKind::Io), 20);
        QCOMPARE(r->trace->info.laneNames.value(0).left(10), QStringLiteral("event loop"));
    }

    // A cpu hog on the loop leaves woken tasks ready but waiting (asyncio's
    // trap); a lone chain of waits never shows ready-wait.
    void asyncioReadyWait()
    {
        const TaskSet hog = makeSet({"i5 c1 i5 c1", "c200", "i5 c1"});
        const RunResultPtr r = runPy(hog, Mode::PyAsyncio);
        QVERIFY(r);
        QVERIFY(testsupport::checkTrace(*r->trace, hog).isEmpty());
        QVERIFY2(r->metrics.readyWaitMs > 100, qPrintable(QString::number(r->metrics.readyWaitMs)));
        const TaskSet lone = makeSet({"i5 i5 i5 i5 i5"});
        const RunResultPtr q = runPy(lone, Mode::PyAsyncio);
        QVERIFY(q);
        QCOMPARE(countSpans(*q->trace, SpanKind::Ready), 0);
    }

    // No python (or a too-old one): that run fails with the reason, the
    // other modes of the comparison run.
    void missingOrOldPython()
    {
        QTemporaryDir dir;
        const QString old = writeScript(dir, QStringLiteral("python2.7"), "echo 2.7.18\necho dask -\n");
        const QString missing = dir.filePath(QStringLiteral("no-such-python3"));
        const TaskSet set = makeSet({"c5", "i5"});
        const auto c = testsupport::runComparison(
            set, {pyConfig(Mode::PyThreads, 2, missing), testsupport::config(Mode::Sequential),
                  pyConfig(Mode::PyAsyncio, 0, old), pyConfig(Mode::Dask, 2, missing)});
        QVERIFY(c.completed);
        QCOMPARE(c.runs.size(), std::size_t(4));
        QVERIFY2(fatalText(*c.runs[0]->trace).contains(missing + QLatin1String(" does not exist")), qPrintable(fatalText(*c.runs[0]->trace)));
        QVERIFY(fatalText(*c.runs[0]->trace).contains(QLatin1String("--python")));
        QCOMPARE(c.runs[0]->metrics.failed, 2);
        QVERIFY2(!c.runs[1]->trace->failed(), qPrintable(incidentsText(*c.runs[1]->trace)));
        QCOMPARE(c.runs[1]->metrics.completed, 2);
        QVERIFY2(fatalText(*c.runs[2]->trace).contains(QLatin1String("Python 2.7.18"))
                     && fatalText(*c.runs[2]->trace).contains(QLatin1String("3.8 or newer")),
                 qPrintable(fatalText(*c.runs[2]->trace)));
        QCOMPARE(c.runs[2]->metrics.failed, 2);
        QVERIFY2(fatalText(*c.runs[3]->trace).startsWith(QLatin1String("python-unavailable: ")), qPrintable(fatalText(*c.runs[3]->trace)));
    }

    void cliSaysWhatIsMissing()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("set.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "tiny", "tasks": [{"name": "a", "phases": [{"cpu": 5}]}]})");
        f.close();
        const QString app = QCoreApplication::applicationDirPath() + QStringLiteral("/interleave");
        QProcess proc;
        proc.start(app, {QStringLiteral("run"), QStringLiteral("--taskset"), f.fileName(), QStringLiteral("--mode"),
                         QStringLiteral("sequential,py-sequential"), QStringLiteral("--python"),
                         QStringLiteral("/nonexistent/python3")});
        QVERIFY(proc.waitForFinished(60000));
        const QString out = QString::fromUtf8(proc.readAllStandardOutput());
        QCOMPARE(proc.exitCode(), 1);
        QVERIFY2(out.contains(QLatin1String("error: py-sequential: cannot run: /nonexistent/python3 does not exist")), qPrintable(out));
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("\\nsequential .* 1/0\\n"))), qPrintable(out));

        proc.start(app, {QStringLiteral("run"), QStringLiteral("--taskset"), f.fileName(), QStringLiteral("--python"), QString()});
        QVERIFY(proc.waitForFinished(60000));
        QCOMPARE(proc.exitCode(), 2);
        QVERIFY(proc.readAllStandardError().contains("--python: needs the path"));

        // INTERLEAVE_PYTHON is the default when --python is not given.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLEAVE_PYTHON"), QStringLiteral("/nonexistent/python-env"));
        proc.setProcessEnvironment(env);
        proc.start(app, {QStringLiteral("run"), QStringLiteral("--taskset"), f.fileName(), QStringLiteral("--mode"),
                         QStringLiteral("py-asyncio")});
        QVERIFY(proc.waitForFinished(60000));
        QCOMPARE(proc.exitCode(), 1);
        QVERIFY(proc.readAllStandardOutput().contains("/nonexistent/python-env does not exist"));
    }

    // A runner that lies: a hello off our clock, or garbage after it.
    void badRunner_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("error");
        QTest::newRow("clock") << QByteArray("echo \"H 1 $$ 3.11.2 5\"\ncat >/dev/null\n")
                               << QStringLiteral("not the engine's CLOCK_MONOTONIC");
        QTest::newRow("garbage") << QByteArray("exec /usr/bin/python3 -u -c 'import os,time,sys; sys.stdin.read(); "
                                               "print(\"H 1 %d 3.11.2 %d\" % (os.getpid(), time.monotonic_ns())); "
                                               "print(\"this is not an event\"); time.sleep(60)'\n")
                                 << QStringLiteral("bad data: unknown record");
        QTest::newRow("foreign task") << QByteArray("exec /usr/bin/python3 -u -c 'import os,time,sys; sys.stdin.read(); "
                                                    "t = time.monotonic_ns(); print(\"H 1 %d 3.11.2 %d\" % (os.getpid(), t)); "
                                                    "print(\"%d 1 7 0 65535 255 0\" % t); time.sleep(60)'\n")
                                      << QStringLiteral("an event for task 7 of 2");
        QTest::newRow("dies") << QByteArray("cat >/dev/null\necho oops >&2\nexit 3\n")
                              << QStringLiteral("exited with code 3 before every task was reported — stderr: oops");
    }

    void badRunner()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, error);
        QTemporaryDir dir;
        // The probe (-c) goes to the real python; the run to the script.
        const QString fake = writeScript(dir, QStringLiteral("python3"),
                                         "case \"$1\" in -c) exec /usr/bin/python3 \"$@\";; esac\n" + script);
        const TaskSet set = makeSet({"c5", "i5"});
        QElapsedTimer timer;
        timer.start();
        const RunResultPtr r = runPy(set, Mode::PyThreads, 2, fake);
        QVERIFY(r);
        QVERIFY2(fatalText(*r->trace).contains(error), qPrintable(fatalText(*r->trace)));
        QCOMPARE(r->metrics.failed, 2);
        QVERIFY2(timer.elapsed() < 30000, "the run ended at once, not at its liveness limit");
        QTRY_COMPARE(runnerPid(), pid_t(0));
    }

    // The runner killed mid-run: its tasks fail, the run ends with why.
    void runnerKilled()
    {
        const TaskSet set = makeSet({"c30000", "i30000"});
        Engine engine;
        QSignalSpy finished(&engine, &Engine::finished);
        std::vector<RunResultPtr> results;
        connect(&engine, &Engine::runFinished, this, [&](const RunResultPtr &r) { results.push_back(r); });
        int started = 0;
        connect(&engine, &Engine::eventsReady, this, [&](int, const EventBatch &b) {
            for (const Event &e : *b)
                started += e.kind == EventKind::TaskStart;
        });
        QVERIFY(engine.start(std::make_shared<const TaskSet>(set), {pyConfig(Mode::PyThreads, 2)}));
        QTRY_VERIFY_WITH_TIMEOUT(started == 2, 30000);
        const pid_t pid = runnerPid();
        QVERIFY(pid > 0);
        ::kill(pid, SIGKILL);
        QVERIFY(finished.wait(15000));
        QCOMPARE(results.size(), std::size_t(1));
        QVERIFY2(fatalText(*results[0]->trace).contains(QLatin1String("was killed or crashed")), qPrintable(fatalText(*results[0]->trace)));
        QCOMPARE(results[0]->metrics.failed, 2);
    }

    // A py-processes worker killed mid-task: that task fails on its lane,
    // the other worker finishes the rest; the run ends.
    void workerProcessKilled()
    {
        const TaskSet set = makeSet({"c400", "c400", "c400", "c400"});
        Engine engine;
        QSignalSpy finished(&engine, &Engine::finished);
        std::vector<RunResultPtr> results;
        connect(&engine, &Engine::runFinished, this, [&](const RunResultPtr &r) { results.push_back(r); });
        std::set<int> lanesStarted;
        connect(&engine, &Engine::eventsReady, this, [&](int, const EventBatch &b) {
            for (const Event &e : *b)
                if (e.kind == EventKind::TaskStart)
                    lanesStarted.insert(e.lane);
        });
        QVERIFY(engine.start(std::make_shared<const TaskSet>(set), {pyConfig(Mode::PyProcesses, 2)}));
        QTRY_VERIFY_WITH_TIMEOUT(lanesStarted.size() == 2, 30000);
        pid_t victim = 0;
        for (pid_t child : testprocs::childPids(runnerPid()))
            if (cmdline(child).contains("spawn_main"))
                victim = child;
        QVERIFY(victim > 0);
        ::kill(victim, SIGKILL);
        QVERIFY(finished.wait(60000));
        QCOMPARE(results.size(), std::size_t(1));
        const Metrics &m = results[0]->metrics;
        QCOMPARE(m.failed, 1);
        QCOMPARE(m.completed, 3);
        QVERIFY2(!results[0]->trace->failed(), qPrintable(incidentsText(*results[0]->trace)));
        // The lost process as data: on its lane, with its pid and the task it cost.
        const QString incidents = incidentsText(*results[0]->trace);
        QVERIFY2(QRegularExpression(QStringLiteral("^worker-crashed [01] %1 [0-3] 0 signal 9$").arg(victim))
                     .match(incidents).hasMatch(),
                 qPrintable(incidents));
    }

    // dask on an embedded LocalCluster: its start-up as spawn on every
    // worker thread's lane, lanes named by worker address and thread.
    void daskLocalCluster()
    {
        if (!probePython(python).hasDask)
            QFAIL("the dask tests need Debian's python3-distributed");
        const TaskSet set = makeSet({"c20 i10", "i20", "c10", "c10 i5", "i5 c5", "c15"});
        const RunResultPtr r = runPy(set, Mode::Dask, 2);
        QVERIFY(r);
        QVERIFY2(!r->trace->failed(), qPrintable(incidentsText(*r->trace)));
        const QString bad = testsupport::checkTrace(*r->trace, set);
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
        QCOMPARE(countSpans(*r->trace, SpanKind::Spawn), 2);
        QVERIFY(r->metrics.spawnMs > 0);
        // Each lane that ran a task is named after its worker and thread.
        std::set<int> used;
        for (const TaskRecord &t : r->trace->tasks)
            used.insert(t.lane);
        for (int lane : used)
            QVERIFY2(r->trace->info.laneNames.value(lane).contains(QLatin1String("(tcp://127.0.0.1:")),
                     qPrintable(r->trace->info.laneNames.value(lane)));
        QVERIFY(r->metrics.cpuMs >= 60 - 0.5);
    }

    // A Dask worker killed mid-run: its nanny restarts it, the scheduler
    // runs its task again; the run ends (never hangs) and says so.
    void daskWorkerKilled()
    {
        const TaskSet set = makeSet({"c600", "c600", "c600", "c600", "c600", "c600"});
        Engine engine;
        QSignalSpy finished(&engine, &Engine::finished);
        std::vector<RunResultPtr> results;
        connect(&engine, &Engine::runFinished, this, [&](const RunResultPtr &r) { results.push_back(r); });
        int ended = 0;
        connect(&engine, &Engine::eventsReady, this, [&](int, const EventBatch &b) {
            for (const Event &e : *b)
                ended += e.kind == EventKind::TaskEnd;
        });
        QVERIFY(engine.start(std::make_shared<const TaskSet>(set), {pyConfig(Mode::Dask, 2)}));
        QTRY_VERIFY_WITH_TIMEOUT(ended >= 1, 60000);
        pid_t victim = 0;
        for (pid_t child : testprocs::childPids(runnerPid()))
            if (cmdline(child).contains("spawn_main"))
                victim = child;
        QVERIFY(victim > 0);
        ::kill(victim, SIGKILL);
        QVERIFY(finished.wait(120000));
        QCOMPARE(results.size(), std::size_t(1));
        const Metrics &m = results[0]->metrics;
        QCOMPARE(m.completed + m.failed, 6);
        const QString incidents = incidentsText(*results[0]->trace);
        QVERIFY2(incidents.contains(QLatin1String("worker-lost -1 0 -1 0 ")), qPrintable(incidents));
        QVERIFY(testsupport::checkTrace(*results[0]->trace, set, false).isEmpty());
    }

    // --dask-scheduler: an existing cluster (here a LocalCluster of another
    // process); the runner is uploaded to its workers and the clock
    // alignment is estimated and stated.
    void daskExistingCluster()
    {
        QProcess cluster;
        cluster.start(python, {QStringLiteral("-c"), QStringLiteral(
            "import logging, sys\n"
            "from distributed import LocalCluster\n"
            "c = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)\n"
            "print(c.scheduler_address, flush=True)\n"
            "sys.stdin.read()\n")});
        QVERIFY(cluster.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(cluster.canReadLine(), 60000);
        const QString address = QString::fromUtf8(cluster.readLine()).trimmed();
        QVERIFY2(address.startsWith(QLatin1String("tcp://")), qPrintable(address));
        const TaskSet set = makeSet({"c10 i10", "i10 c10", "c5"});
        RunConfig c = pyConfig(Mode::Dask, 1);
        c.daskScheduler = address;
        const auto run = testsupport::runComparison(set, {c}, 120000);
        cluster.closeWriteChannel();
        QVERIFY(cluster.waitForFinished(30000));
        QVERIFY(run.completed);
        const RunResultPtr r = run.runs.front();
        QVERIFY2(!r->trace->failed(), qPrintable(incidentsText(*r->trace)));
        QVERIFY(testsupport::checkTrace(*r->trace, set).isEmpty());
        QVERIFY2(r->trace->clocks.detail.contains(QLatin1String("aligned by round trips, to within")),
                 qPrintable(r->trace->clocks.detail));
        QVERIFY(r->trace->clocks.withinNs >= 0);
        QCOMPARE(countSpans(*r->trace, SpanKind::Spawn), 0); // someone else started it
    }

    // Each model beside its real twin: the summary names the twin and the
    // makespan ratio, the why text pairs them. The bound is generous (a
    // factor of two either way): the figure against the ±15 % aim is the
    // benchmark's; here it proves both sides ran the same work.
    void twinsAndRatios()
    {
        const TaskSet set = makeSet({"c40 i30", "i40 c20", "c30", "i60", "c20 i20 c20", "i30 c30"});
        const auto c = testsupport::runComparison(
            set, {testsupport::config(Mode::Sequential), pyConfig(Mode::PySequential),
                  testsupport::config(Mode::ThreadsGil, 3), pyConfig(Mode::PyThreads, 3),
                  testsupport::config(Mode::EventLoop), pyConfig(Mode::PyAsyncio)},
            120000);
        QVERIFY(c.completed);
        QCOMPARE(c.runs.size(), std::size_t(6));
        const QJsonObject root = QJsonDocument::fromJson(summaryJson(set, c.runs)).object();
        const QJsonArray runs = root.value(QStringLiteral("runs")).toArray();
        for (int i = 0; i < 6; ++i) {
            const QJsonObject o = runs.at(i).toObject();
            const Mode mode = *modeFromName(o.value(QStringLiteral("mode")).toString());
            QCOMPARE(o.value(QStringLiteral("twin")).toString(), modeName(*twinOf(mode)));
            const double ratio = o.value(QStringLiteral("twin_ratio")).toDouble();
            QVERIFY2(ratio > 0.5 && ratio < 2.0, qPrintable(QStringLiteral("%1: %2").arg(modeName(mode)).arg(ratio)));
            // The pair's two ratios are each other's inverse.
            const double back = runs.at(i ^ 1).toObject().value(QStringLiteral("twin_ratio")).toDouble();
            QVERIFY(std::abs(ratio * back - 1) < 1e-9);
        }
        std::vector<Metrics> metrics;
        for (const auto &r : c.runs)
            metrics.push_back(r->metrics);
        // The pairing is what is tested here, not the machine's load (a
        // disturbed comparison names no ratio: tst_advisor tests that).
        for (Metrics &m : metrics)
            m.machineBusy = -1;
        const QString why = adviseComparison(set, metrics);
        QVERIFY2(why.contains(QLatin1String("Model against the real runtime: sequential ")) && why.contains(QLatin1String("vs py-asyncio")),
                 qPrintable(why));
        // threads has no twin: no field.
        const QJsonObject alone = QJsonDocument::fromJson(summaryJson(set, {testsupport::runOne(set, Mode::Threads, 2)}))
                                      .object().value(QStringLiteral("runs")).toArray().at(0).toObject();
        QVERIFY(!alone.contains(QStringLiteral("twin")));
    }

    // Too short a run has no figure: a few 10 ms ticks, each counter rounded
    // on its own, said "50 %" of a 20 ms run that nobody disturbed.
    // Locks and counters in the real runtimes: threading / multiprocessing /
    // asyncio, as the C++ models have them. Unguarded increments lose
    // updates where tasks really interleave (py-threads: the GIL switches
    // between a read and its write; py-processes: two processes on shared
    // memory; py-asyncio: only across an await), never under the lock; the
    // deadlock preset ends every mode that can deadlock with one incident
    // naming the cycle and both tasks failed; Dask still refuses.
    void sharedStateInTheRealRuntimes()
    {
        const TaskSet race = *loadPreset(QStringLiteral("race")).taskSet;
        const auto counter = [](const RunResultPtr &r, const char *name) {
            for (const CounterResult &c : r->metrics.counters)
                if (c.name == QLatin1String(name))
                    return c;
            return CounterResult{};
        };
        for (Mode mode : {Mode::PySequential, Mode::PyThreads, Mode::PyAsyncio, Mode::PyProcesses}) {
            const bool races = mode == Mode::PyThreads || (mode == Mode::PyProcesses && detectedCores() >= 2);
            std::int64_t lost = 0;
            // Real interleaving is scheduling: a run where it happened not to is retried, a few times.
            for (int attempt = 0; attempt < 3 && (attempt == 0 || (races && lost == 0)); ++attempt) {
                const RunResultPtr r = runPy(race, mode, 4);
                QVERIFY2(r, qPrintable(modeName(mode)));
                QCOMPARE(r->metrics.failed, 0);
                const CounterResult free = counter(r, "hits"), locked = counter(r, "hits-locked");
                QCOMPARE(free.expected, 400000);
                QCOMPARE(locked.expected, 400000);
                QCOMPARE(locked.lost(), 0); // never under the lock
                lost = free.lost();
                QVERIFY2(lost >= 0, qPrintable(modeName(mode)));
                if (!races)
                    QCOMPARE(lost, 0);
                QCOMPARE(r->metrics.locks.size(), std::size_t(1));
                QCOMPARE(r->metrics.locks[0].acquisitions, 4u);
            }
            if (races)
                QVERIFY2(lost > 0, qPrintable(modeName(mode) + QStringLiteral(": no update lost in 3 runs")));
        }
        // The event loop loses updates only across an await: await-race.
        const RunResultPtr awaited = runPy(*loadPreset(QStringLiteral("await-race")).taskSet, Mode::PyAsyncio);
        QVERIFY(awaited);
        QVERIFY(counter(awaited, "hits").lost() > 0);
        QCOMPARE(counter(awaited, "hits-locked").lost(), 0);
        // Lock waits: spans of their own; on the loop, on no lane.
        int onLane = 0, offLane = 0;
        for (const Span &s : awaited->trace->spans)
            if (s.kind == SpanKind::LockWait)
                ++(s.lane == noLane ? offLane : onLane);
        QVERIFY(offLane > 0);
        QCOMPARE(onLane, 0);

        const TaskSet deadlock = *loadPreset(QStringLiteral("deadlock")).taskSet;
        for (Mode mode : {Mode::PyThreads, Mode::PyAsyncio, Mode::PyProcesses}) {
            RunResultPtr r;
            // A cycle needs both tasks to hold their first lock at once: a
            // thread or process started 50 ms late (a busy machine) takes
            // both locks in turn, both tasks complete and no cycle forms.
            // Then, and only then, the run is repeated, at most 3 times (the
            // loop of py-asyncio always closes it).
            for (int attempt = 1; attempt <= 3; ++attempt) {
                r = runPy(deadlock, mode, 2);
                QVERIFY2(r, qPrintable(modeName(mode))); // it ended: no hang
                if (mode == Mode::PyAsyncio || r->metrics.completed != 2 || !r->trace->incidents.empty())
                    break;
                qWarning("%s, attempt %d: one task took both locks before the other began; again",
                         qPrintable(modeName(mode)), attempt);
            }
            QCOMPARE(r->metrics.failed, 2);
            const auto it = std::find_if(r->trace->incidents.begin(), r->trace->incidents.end(),
                                         [](const Incident &i) { return i.kind == IncidentKind::Deadlock; });
            QVERIFY2(it != r->trace->incidents.end(), qPrintable(modeName(mode)));
            QCOMPARE(it->detail, QStringLiteral("task 0 holds A, waits for B; task 1 holds B, waits for A"));
            QCOMPARE(it->value, 2);
        }
        // Handoffs: every wait in contention ended with the lock handed from
        // the task that released it, at the very end of the waiter's wait.
        const TaskSet contention = *loadPreset(QStringLiteral("contention")).taskSet;
        for (Mode mode : {Mode::PyThreads, Mode::PyAsyncio, Mode::PyProcesses}) {
            const RunResultPtr r = runPy(contention, mode, 4);
            QVERIFY2(r, qPrintable(modeName(mode)));
            const std::vector<LockHandoff> &handoffs = r->trace->shared.handoffs;
            const auto waits = std::count_if(r->trace->spans.begin(), r->trace->spans.end(),
                                             [](const Span &s) { return s.kind == SpanKind::LockWait; });
            QVERIFY2(waits > 0, qPrintable(modeName(mode)));
            QCOMPARE(qsizetype(handoffs.size()), qsizetype(waits));
            for (const LockHandoff &h : handoffs) {
                QCOMPARE(h.lock, QStringLiteral("db"));
                QVERIFY(h.from != h.to);
                QVERIFY(h.releaseNs <= h.acquiredNs);
                QVERIFY2(std::any_of(r->trace->spans.begin(), r->trace->spans.end(),
                                     [&](const Span &s) {
                                         return s.kind == SpanKind::LockWait && s.task == h.to && s.endNs == h.acquiredNs
                                                && s.startNs <= h.releaseNs;
                                     }),
                         qPrintable(QStringLiteral("%1: no wait of task %2 ends at its handoff").arg(modeName(mode)).arg(h.to)));
            }
            QVERIFY(std::is_sorted(handoffs.begin(), handoffs.end(), [](const LockHandoff &a, const LockHandoff &b) {
                return a.acquiredNs < b.acquiredNs;
            }));
        }
        const RunResultPtr dask = runPy(deadlock, Mode::Dask, 2);
        QVERIFY(dask);
        QVERIFY(std::any_of(dask->trace->incidents.begin(), dask->trace->incidents.end(),
                            [](const Incident &i) { return i.kind == IncidentKind::UnsupportedPhases; }));
    }

    void machineBusyNeedsTicks()
    {
        const MachineLoad load;
        QCOMPARE(load.othersShare(), -1.0);
    }

    // machine_busy counts what other programs burnt: a process burning CPU
    // beside us (not reaped yet, so not ours) shows in it. One-sided, so
    // other load on the machine can only make it pass more clearly.
    void machineBusyCountsOthers()
    {
        QElapsedTimer timer;
        timer.start();
        const MachineLoad load;
        QProcess other;
        other.start(python, {QStringLiteral("-c"), QStringLiteral(
            "import time, sys\n"
            "t = time.thread_time()\n"
            "while time.thread_time() - t < 0.4: pass\n"
            "print('done', flush=True)\n"
            "sys.stdin.read()\n")});
        QVERIFY(other.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(other.canReadLine(), 60000);
        const long ticks = testprocs::cpuTicks(pid_t(other.processId()));
        const double share = load.othersShare();
        const double elapsedTicks = timer.elapsed() / 10.0 * detectedCores(); // 100 ticks a second
        other.closeWriteChannel();
        QVERIFY(other.waitForFinished(30000));
        QVERIFY(ticks >= 35);
        QVERIFY2(share >= 0.8 * ticks / elapsedTicks,
                 qPrintable(QStringLiteral("others %1, the burner alone %2").arg(share).arg(ticks / elapsedTicks)));
        QVERIFY(share <= 1.0);
    }

    // Stop: the runner and everything it started go at once, tasks cancelled.
    void stopKillsEverything()
    {
        const TaskSet set = makeSet({"c20000", "i20000", "c20000"});
        Engine engine;
        QSignalSpy finished(&engine, &Engine::finished);
        std::vector<RunResultPtr> results;
        connect(&engine, &Engine::runFinished, this, [&](const RunResultPtr &r) { results.push_back(r); });
        int started = 0;
        connect(&engine, &Engine::eventsReady, this, [&](int, const EventBatch &b) {
            for (const Event &e : *b)
                started += e.kind == EventKind::TaskStart;
        });
        QVERIFY(engine.start(std::make_shared<const TaskSet>(set), {pyConfig(Mode::PyProcesses, 2)}));
        QTRY_VERIFY_WITH_TIMEOUT(started == 2, 30000);
        const pid_t runner = runnerPid();
        const std::vector<pid_t> workers = testprocs::childPids(runner);
        QVERIFY(!workers.empty());
        QElapsedTimer timer;
        timer.start();
        engine.stop();
        QVERIFY(finished.wait(15000));
        QVERIFY2(timer.elapsed() < 5000, "Stop took longer than a quarter of a phase");
        QVERIFY(finished.first().first().toBool());
        QCOMPARE(results[0]->metrics.cancelled, 3);
        QCOMPARE(results[0]->metrics.failed, 0);
        QTRY_VERIFY(!testprocs::processExists(runner));
        for (pid_t w : workers)
            QTRY_VERIFY(!testprocs::processExists(w) || cmdline(w).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstPython)
#include "tst_python.moc"
