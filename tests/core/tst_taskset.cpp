#include "core/model/generator.h"
#include "core/model/presets.h"
#include "core/model/taskset.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestTaskSet : public QObject
{
    Q_OBJECT
private slots:
    void parsesGoodInput_data();
    void parsesGoodInput();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void keepsUnknownFieldsOnRoundTrip();
    void rejectsTooManyTasks();
    void rejectsTooManyPhases();
    void loadsFilesAndNamesThePath();
    void validatesEditedSets();
    void presetsAreValidAndTellTheirLesson();
    void generatorIsDeterministic();
    void generatorRejectsBadRanges();
};

void TestTaskSet::parsesGoodInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<double>("cpu");
    QTest::addColumn<double>("io");
    QTest::newRow("minimal") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1}]}]})") << 1 << 1.0 << 0.0;
    QTest::newRow("fractional") << QByteArray(R"({"name":"x","tasks":[{"name":"a","phases":[{"io":0.25},{"cpu":1.5}]}]})") << 1 << 1.5 << 0.25;
    QTest::newRow("zero durations") << QByteArray(R"({"tasks":[{"phases":[{"cpu":0},{"io":0}]}]})") << 1 << 0.0 << 0.0;
    QTest::newRow("one hour") << QByteArray(R"({"tasks":[{"phases":[{"io":3600000}]}]})") << 1 << 0.0 << 3600000.0;
    QTest::newRow("two tasks") << QByteArray(R"({"tasks":[{"phases":[{"cpu":2}]},{"phases":[{"io":3},{"cpu":4}]}]})") << 2 << 6.0 << 3.0;
}

void TestTaskSet::parsesGoodInput()
{
    QFETCH(QByteArray, json);
    QFETCH(int, tasks);
    QFETCH(double, cpu);
    QFETCH(double, io);
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(int(r.taskSet->tasks.size()), tasks);
    QCOMPARE(r.taskSet->totalCpuMs(), cpu);
    QCOMPARE(r.taskSet->totalIoMs(), io);
    QVERIFY(!r.taskSet->tasks[0].name.isEmpty()); // unnamed tasks get "task N"
}

void TestTaskSet::rejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QByteArray("{tasks: 1}") << "not valid JSON at line 1, column 2 (byte 1): expected a key string or '}' (got 't'), near: {tasks: 1}";
    QTest::newRow("empty") << QByteArray("") << "the file is empty";
    QTest::newRow("blank") << QByteArray("  ") << "the file holds only whitespace";
    QTest::newRow("array root") << QByteArray("[]") << "top level: must be an object";
    QTest::newRow("missing tasks") << QByteArray(R"({"name":"x"})") << "tasks: missing";
    QTest::newRow("tasks not array") << QByteArray(R"({"tasks":{}})") << "tasks: must be an array of tasks (got an object)";
    QTest::newRow("no tasks") << QByteArray(R"({"tasks":[]})") << "tasks: must hold at least one task";
    QTest::newRow("name not string") << QByteArray(R"({"name":3,"tasks":[{"phases":[{"cpu":1}]}]})") << "name: must be a string (got 3)";
    QTest::newRow("task not object") << QByteArray(R"({"tasks":[5]})") << "tasks[0]: must be an object";
    QTest::newRow("no phases") << QByteArray(R"({"tasks":[{"name":"a"}]})") << "tasks[0].phases: must be an array of phases (got nothing)";
    QTest::newRow("empty phases") << QByteArray(R"({"tasks":[{"phases":[]}]})") << "tasks[0].phases: must hold at least one phase";
    QTest::newRow("phase zero keys") << QByteArray(R"({"tasks":[{"phases":[{}]}]})") << "tasks[0].phases[0]: must have exactly one key, \"cpu\" or \"io\" (got no keys)";
    QTest::newRow("phase two keys") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1,"io":2}]}]})") << "tasks[0].phases[0]: must have exactly one key, \"cpu\" or \"io\" (got keys cpu, io)";
    QTest::newRow("phase unknown key") << QByteArray(R"({"tasks":[{"phases":[{"gpu":1}]}]})") << "tasks[0].phases[0]: must have exactly one key, \"cpu\" or \"io\" (got keys gpu)";
    QTest::newRow("string duration") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1}]},{"phases":[{"cpu":1}]},{"phases":[{"cpu":1}]},{"phases":[{"cpu":1},{"io":"abc"}]}]})")
                                     << "tasks[3].phases[1].io: must be a number >= 0 and <= 3600000 ms (got \"abc\")";
    QTest::newRow("negative") << QByteArray(R"({"tasks":[{"phases":[{"cpu":-1}]}]})") << "tasks[0].phases[0].cpu: must be a number >= 0 and <= 3600000 ms (got -1)";
    QTest::newRow("over an hour") << QByteArray(R"({"tasks":[{"phases":[{"io":3600001}]}]})") << "tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got 3600001)";
    QTest::newRow("huge") << QByteArray(R"({"tasks":[{"phases":[{"io":1e308}]}]})") << "tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got 1e+308)";
    QTest::newRow("null") << QByteArray(R"({"tasks":[{"phases":[{"cpu":null}]}]})") << "tasks[0].phases[0].cpu: must be a number >= 0 and <= 3600000 ms (got null)";
    QTest::newRow("bool") << QByteArray(R"({"tasks":[{"phases":[{"cpu":true}]}]})") << "(got true)";
    // Streamed, yet the message is the one a whole-document check gives:
    // name before tasks, a task's name before its phases, syntax first.
    QTest::newRow("name wins over a later key") << QByteArray(R"({"tasks":[{"phases":[{"cpu":-1}]}],"name":3})") << "name: must be a string (got 3)";
    QTest::newRow("task name wins over its phases") << QByteArray(R"({"tasks":[{"phases":[{"cpu":-1}],"name":5}]})") << "tasks[0].name: must be a string (got 5)";
    QTest::newRow("syntax wins over a bad value") << QByteArray(R"({"tasks":[{"phases":[{"cpu":-1}]}])") << "not valid JSON at line 1, column 35 (byte 34): ends inside an object started at byte 0";
    QTest::newRow("garbage after a bad value") << QByteArray(R"({"tasks":[]} x)") << "not valid JSON at line 1, column 14 (byte 13): unexpected content after the JSON value";
    QTest::newRow("a later phase with no key") << QByteArray(R"({"tasks":[{"phases":[{"io":1}, {"io":2}, {}]}]})") << "tasks[0].phases[2]: must have exactly one key";
    QTest::newRow("task name number") << QByteArray(R"({"tasks":[{"name":1,"phases":[{"cpu":1}]}]})") << "tasks[0].name: must be a string (got 1)";
}

void TestTaskSet::rejectsBadInput()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(message), qPrintable(QStringLiteral("got: %1\nwant: %2").arg(r.error, message)));
}

void TestTaskSet::keepsUnknownFieldsOnRoundTrip()
{
    const QByteArray json = R"({"name":"n","author":"me","tasks":[{"name":"a","tag":[1,2],"phases":[{"io":5},{"cpu":2.5}]}]})";
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.taskSet->extra.value("author").toString(), QStringLiteral("me"));
    const il::TaskSetResult again = il::parseTaskSet(il::taskSetToJson(*r.taskSet));
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(QJsonDocument::fromJson(il::taskSetToJson(*again.taskSet)), QJsonDocument::fromJson(json));
}

void TestTaskSet::rejectsTooManyTasks()
{
    // 1,000,001 tasks: built here rather than committed as a 20 MB file.
    QByteArray json = "{\"tasks\":[";
    const QByteArray one = "{\"phases\":[{\"cpu\":0}]},";
    json.reserve(one.size() * 1000001 + 16);
    for (int i = 0; i < 1000001; ++i)
        json += one;
    json.chop(1);
    json += "]}";
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY(!r.ok());
    QCOMPARE(r.error, QStringLiteral("tasks: at most 1000000 tasks (got 1000001)"));
}

void TestTaskSet::rejectsTooManyPhases()
{
    QByteArray json = "{\"tasks\":[{\"phases\":[";
    for (int i = 0; i < 10001; ++i)
        json += "{\"io\":0},";
    json.chop(1);
    json += "]}]}";
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY(!r.ok());
    QCOMPARE(r.error, QStringLiteral("tasks[0].phases: at most 10000 phases per task (got 10001)"));
}

void TestTaskSet::loadsFilesAndNamesThePath()
{
    QTemporaryDir dir;
    const QString good = dir.filePath("good-set.json");
    QFile f(good);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"tasks":[{"phases":[{"cpu":1}]}]})");
    f.close();
    const il::TaskSetResult ok = il::loadTaskSetFile(good);
    QVERIFY2(ok.ok(), qPrintable(ok.error));
    QCOMPARE(ok.taskSet->name, QStringLiteral("good-set")); // unnamed: named after the file

    const il::TaskSetResult missing = il::loadTaskSetFile(dir.filePath("nope.json"));
    QVERIFY(missing.error.endsWith("nope.json: no such file"));
    const il::TaskSetResult directory = il::loadTaskSetFile(dir.path());
    QVERIFY(directory.error.contains("is a directory"));
}

void TestTaskSet::validatesEditedSets()
{
    il::TaskSet set = *il::parseTaskSet(R"({"tasks":[{"phases":[{"cpu":1}]}]})").taskSet;
    QCOMPARE(il::validateTaskSet(set), QString());
    set.tasks[0].phases[0].ms = -2;
    QVERIFY(il::validateTaskSet(set).startsWith("tasks[0].phases[0].cpu: must be a number >= 0"));
    set.tasks[0].phases.clear();
    QCOMPARE(il::validateTaskSet(set), QStringLiteral("tasks[0].phases: must hold at least one phase"));
}

void TestTaskSet::presetsAreValidAndTellTheirLesson()
{
    const QStringList names = il::presetNames();
    for (const char *want : {"downloads", "primes", "scrape-and-parse", "server-burst", "one-hog"})
        QVERIFY2(names.contains(QLatin1String(want)), want);
    for (const QString &name : names) {
        const il::TaskSetResult r = il::loadPreset(name);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY2(!il::presetDescription(name).isEmpty(), qPrintable(name));
    }
    const auto share = [](const char *name) {
        const il::TaskSet s = *il::loadPreset(QLatin1String(name)).taskSet;
        return s.totalCpuMs() / (s.totalCpuMs() + s.totalIoMs());
    };
    QVERIFY(share("downloads") < 0.05);
    QCOMPARE(share("primes"), 1.0);
    QVERIFY(share("scrape-and-parse") > 0.1 && share("scrape-and-parse") < 0.5);
    QVERIFY(il::loadPreset("server-burst").taskSet->tasks.size() >= 200);
    QVERIFY(il::loadPreset("one-hog").taskSet->longestTaskMs() >= 300);
    QVERIFY(!il::loadPreset("nope").ok());
    QVERIFY(il::loadPreset("nope").error.contains("available: "));
}

void TestTaskSet::generatorIsDeterministic()
{
    il::GeneratorParams p;
    p.count = 50;
    p.cpuMinMs = 1;
    p.cpuMaxMs = 5;
    p.ioMinMs = 10;
    p.ioMaxMs = 20;
    p.seed = 42;
    const il::TaskSet a = il::generateTaskSet(p);
    const il::TaskSet b = il::generateTaskSet(p);
    QCOMPARE(il::taskSetToJson(a), il::taskSetToJson(b));
    QCOMPARE(int(a.tasks.size()), 50);
    for (const il::Task &t : a.tasks) {
        QVERIFY(t.cpuMs() >= 1 && t.cpuMs() <= 5);
        QVERIFY(t.ioMs() >= 10 && t.ioMs() <= 20);
    }
    QCOMPARE(il::validateTaskSet(a), QString());
    p.seed = 43;
    QVERIFY(il::taskSetToJson(il::generateTaskSet(p)) != il::taskSetToJson(a));
}

void TestTaskSet::generatorRejectsBadRanges()
{
    QString error;
    il::GeneratorParams p;
    p.cpuMinMs = 5;
    p.cpuMaxMs = 1;
    QVERIFY(il::generateTaskSet(p, &error).tasks.empty());
    QVERIFY(error.startsWith("cpu range"));
    p = {};
    p.count = 0;
    il::generateTaskSet(p, &error);
    QVERIFY(error.startsWith("count: must be between 1 and 1000000"));
}

QTEST_GUILESS_MAIN(TestTaskSet)
#include "tst_taskset.moc"
