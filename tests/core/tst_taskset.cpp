#include "core/model/generator.h"
#include "core/model/presets.h"
#include "core/model/taskset.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

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
    void readsLockAndCounterPhases();
    void lockAndCounterPhasesRoundTrip();
    void validatesEditedLockPhases_data();
    void validatesEditedLockPhases();
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
    QTest::newRow("a lock around a cpu phase") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"cpu":2},{"release":"A"}]}]})") << 1 << 2.0 << 0.0;
    QTest::newRow("nested locks, released in any order") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"acquire":"B"},{"io":1},{"release":"A"},{"release":"B"}]}]})") << 1 << 0.0 << 1.0;
    QTest::newRow("a lock taken twice in turn") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"release":"A"},{"acquire":"A"},{"release":"A"}]}]})") << 1 << 0.0 << 0.0;
    QTest::newRow("increments") << QByteArray(R"({"tasks":[{"phases":[{"increment":"hits","times":100000}]},{"phases":[{"times":3,"increment":"hits","io":0.5}]}]})") << 2 << 0.0 << 0.0;
    QTest::newRow("times as 1e3") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":1e3}]}]})") << 1 << 0.0 << 0.0;
    QTest::newRow("the most times") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":100000000}]}]})") << 1 << 0.0 << 0.0;
    QTest::newRow("a lock and a counter of one name") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"x"},{"increment":"x","times":1},{"release":"x"}]}]})") << 1 << 0.0 << 0.0;
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
    QTest::newRow("phase zero keys") << QByteArray(R"({"tasks":[{"phases":[{}]}]})") << "tasks[0].phases[0]: must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, {\"release\": lock}, {\"increment\": counter, \"times\": n} (got no keys)";
    QTest::newRow("phase two keys") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1,"io":2}]}]})") << "tasks[0].phases[0]: must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, {\"release\": lock}, {\"increment\": counter, \"times\": n} (got keys cpu, io)";
    QTest::newRow("phase unknown key") << QByteArray(R"({"tasks":[{"phases":[{"gpu":1}]}]})") << "tasks[0].phases[0]: must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, {\"release\": lock}, {\"increment\": counter, \"times\": n} (got keys gpu)";
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
    QTest::newRow("a later phase with no key") << QByteArray(R"({"tasks":[{"phases":[{"io":1}, {"io":2}, {}]}]})") << "tasks[0].phases[2]: must be one of";
    QTest::newRow("task name number") << QByteArray(R"({"tasks":[{"name":1,"phases":[{"cpu":1}]}]})") << "tasks[0].name: must be a string (got 1)";

    // Locks and counters: each phase on its own...
    const QString oneOf = QStringLiteral("must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, {\"release\": lock}, {\"increment\": counter, \"times\": n}");
    QTest::newRow("acquire a number") << QByteArray(R"({"tasks":[{"phases":[{"acquire":3}]}]})") << "tasks[0].phases[0].acquire: must be a string naming a lock (got 3)";
    QTest::newRow("acquire null") << QByteArray(R"({"tasks":[{"phases":[{"acquire":null}]}]})") << "tasks[0].phases[0].acquire: must be a string naming a lock (got null)";
    QTest::newRow("acquire empty") << QByteArray(R"({"tasks":[{"phases":[{"acquire":""}]}]})") << "tasks[0].phases[0].acquire: must name a lock (got \"\")";
    QTest::newRow("release empty") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1},{"release":""}]}]})") << "tasks[0].phases[1].release: must name a lock (got \"\")";
    QTest::newRow("increment empty") << QByteArray(R"({"tasks":[{"phases":[{"increment":"","times":1}]}]})") << "tasks[0].phases[0].increment: must name a counter (got \"\")";
    QTest::newRow("increment an array") << QByteArray(R"({"tasks":[{"phases":[{"increment":[],"times":1}]}]})") << "tasks[0].phases[0].increment: must be a string naming a counter (got an array)";
    QTest::newRow("lock name too long") << QByteArray("{\"tasks\":[{\"phases\":[{\"acquire\":\"" + QByteArray(1001, 'x') + "\"}]}]}") << "tasks[0].phases[0].acquire: at most 1000 characters (got 1001)";
    QTest::newRow("times missing") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c"}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got nothing)";
    QTest::newRow("times zero") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":0}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got 0)";
    QTest::newRow("times negative") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":-5}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got -5)";
    QTest::newRow("times fractional") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":2.5}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got 2.5)";
    QTest::newRow("times a string") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":"5"}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got \"5\")";
    QTest::newRow("times too many") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":100000001}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got 100000001)";
    QTest::newRow("times beyond double") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":1e999}]}]})") << "tasks[0].phases[0].times: must be a whole number from 1 to 100000000 (got 1e999)";
    QTest::newRow("increment io negative") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":2,"io":-1}]}]})") << "tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got -1)";
    QTest::newRow("increment io over an hour in all") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":3601,"io":1000}]}]})") << "tasks[0].phases[0]: times × io must be at most 3600000 ms, one hour (got 3601000 ms)";
    QTest::newRow("times on a cpu phase") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1,"times":2}]}]})") << oneOf + " (got keys cpu, times)";
    QTest::newRow("acquire and release at once") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A","release":"A"}]}]})") << oneOf + " (got keys acquire, release)";
    QTest::newRow("increment with a stray key") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":1,"lock":"A"}]}]})") << oneOf + " (got keys increment, lock, times)";
    QTest::newRow("increment and cpu") << QByteArray(R"({"tasks":[{"phases":[{"increment":"c","times":1,"cpu":1}]}]})") << oneOf + " (got keys cpu, increment, times)";
    // ... then how a task's locks pair up.
    QTest::newRow("release not held") << QByteArray(R"({"tasks":[{"phases":[{"cpu":1}]},{"phases":[{"cpu":1},{"release":"A"}]}]})") << "tasks[1].phases[1].release: the task does not hold \"A\" here (no acquire of it before, or released already)";
    QTest::newRow("released twice") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"release":"A"},{"release":"A"}]}]})") << "tasks[0].phases[2].release: the task does not hold \"A\" here";
    QTest::newRow("release of another task's lock") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"release":"A"}]},{"phases":[{"release":"A"}]}]})") << "tasks[1].phases[0].release: the task does not hold \"A\" here";
    QTest::newRow("acquired again while held") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"io":1},{"acquire":"A"},{"release":"A"}]}]})") << "tasks[0].phases[2].acquire: the task holds \"A\" already (since phases[0]); locks are not re-entrant, it would wait for itself";
    QTest::newRow("ends holding") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"},{"acquire":"B"},{"release":"B"}]}]})") << "tasks[0].phases: the task ends holding \"A\" (acquired at phases[0]); release it before the task ends";
    QTest::newRow("a bad value wins over the pairing") << QByteArray(R"({"tasks":[{"phases":[{"release":"A"},{"cpu":-1}]}]})") << "tasks[0].phases[1].cpu: must be a number >= 0";
    QTest::newRow("an earlier task's pairing wins") << QByteArray(R"({"tasks":[{"phases":[{"acquire":"A"}]},{"phases":[{"cpu":-1}]}]})") << "tasks[0].phases: the task ends holding \"A\"";
    QTest::newRow("a lock name escaped") << QByteArray(R"({"tasks":[{"phases":[{"release":"\u001b[2J"}]}]})") << "tasks[0].phases[0].release: the task does not hold \"\\u001b[2J\" here";
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
    // One task too many: built here rather than committed as a 40 MB file.
    const int tooMany = int(il::limits::maxTasks) + 1;
    QByteArray json = "{\"tasks\":[";
    const QByteArray one = "{\"phases\":[{\"cpu\":0}]},";
    json.reserve(one.size() * tooMany + 16);
    for (int i = 0; i < tooMany; ++i)
        json += one;
    json.chop(1);
    json += "]}";
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY(!r.ok());
    QCOMPARE(r.error, QStringLiteral("tasks: at most 2000000 tasks (got 2000001)"));
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

void TestTaskSet::readsLockAndCounterPhases()
{
    const il::TaskSetResult r = il::parseTaskSet(R"({"tasks":[
        {"phases":[{"acquire":"A"},{"increment":"hits","times":7},{"release":"A"}]},
        {"phases":[{"increment":"hits","times":3,"io":0.5},{"increment":"misses","times":1}]}]})");
    QVERIFY2(r.ok(), qPrintable(r.error));
    const il::TaskSet &set = *r.taskSet;
    QVERIFY(set.usesSharedState());
    QCOMPARE(set.names.size(), std::size_t(3)); // A, hits, misses: each name once
    const il::Task &t0 = set.tasks[0];
    QCOMPARE(t0.phases[0].kind, il::PhaseKind::Acquire);
    QCOMPARE(set.nameOf(t0.phases[0]), QStringLiteral("A"));
    QCOMPARE(t0.phases[2].kind, il::PhaseKind::Release);
    QCOMPARE(t0.phases[2].ref, t0.phases[0].ref);
    QCOMPARE(t0.phases[1].kind, il::PhaseKind::Increment);
    const il::Increment &a = set.incrementOf(t0.phases[1]);
    QCOMPARE(set.names[a.counter], QStringLiteral("hits"));
    QCOMPARE(a.times, std::int64_t(7));
    QVERIFY(!a.hasIo());
    const il::Increment &b = set.incrementOf(set.tasks[1].phases[0]);
    QCOMPARE(b.counter, a.counter);
    QCOMPARE(b.times, std::int64_t(3));
    QCOMPARE(b.ioMs, 0.5);
    QCOMPARE(set.names[set.incrementOf(set.tasks[1].phases[1]).counter], QStringLiteral("misses"));
    QCOMPARE(il::validateTaskSet(set), QString());
    // Lock phases take no time: cpu and io stay what the timed phases say.
    QCOMPARE(set.totalCpuMs(), 0.0);
    QVERIFY(!il::parseTaskSet(R"({"tasks":[{"phases":[{"cpu":1},{"io":2}]}]})").taskSet->usesSharedState());
}

void TestTaskSet::lockAndCounterPhasesRoundTrip()
{
    const QByteArray json = R"({"name":"locks","note":"kept","tasks":[
        {"name":"a","tag":1,"phases":[{"acquire":"A"},{"acquire":"B"},{"increment":"n","times":100000},{"release":"B"},{"cpu":1.5},{"release":"A"}]},
        {"name":"b","phases":[{"increment":"n","times":3,"io":0.25},{"increment":"m","times":1,"io":0},{"io":2}]}]})";
    const il::TaskSetResult r = il::parseTaskSet(json);
    QVERIFY2(r.ok(), qPrintable(r.error));
    const QByteArray written = il::taskSetToJson(*r.taskSet);
    // Nothing lost: the same document, "io": 0 (an await of nothing) kept
    // apart from no "io" at all.
    QCOMPARE(QJsonDocument::fromJson(written), QJsonDocument::fromJson(json));
    const il::TaskSetResult again = il::parseTaskSet(written);
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(il::taskSetToJson(*again.taskSet), written);
    QVERIFY(again.taskSet->incrementOf(again.taskSet->tasks[1].phases[1]).hasIo());
}

void TestTaskSet::validatesEditedLockPhases_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("message");
    QTest::newRow("fine") << "" << "";
    QTest::newRow("release not held") << "release-first" << "tasks[0].phases[0].release: the task does not hold \"A\" here (no acquire of it before, or released already)";
    QTest::newRow("ends holding") << "drop-release" << "tasks[0].phases: the task ends holding \"A\" (acquired at phases[0]); release it before the task ends";
    QTest::newRow("acquired twice") << "acquire-twice" << "tasks[0].phases[1].acquire: the task holds \"A\" already (since phases[0]); locks are not re-entrant, it would wait for itself";
    QTest::newRow("empty lock name") << "empty-lock" << "tasks[0].phases[0].acquire: must name a lock (got \"\")";
    QTest::newRow("empty counter name") << "empty-counter" << "tasks[0].phases[1].increment: must name a counter (got \"\")";
    QTest::newRow("times zero") << "times-0" << "tasks[0].phases[1].times: must be a whole number from 1 to 100000000 (got 0)";
    QTest::newRow("times too many") << "times-huge" << "tasks[0].phases[1].times: must be a whole number from 1 to 100000000 (got 100000001)";
    QTest::newRow("io not finite") << "io-nan" << "tasks[0].phases[1].io: must be a number >= 0 and <= 3600000 ms (got nan)";
    QTest::newRow("io over an hour in all") << "io-long" << "tasks[0].phases[1]: times × io must be at most 3600000 ms, one hour (got 3700000 ms)";
    QTest::newRow("a name beyond the table") << "bad-ref" << "tasks[0].phases[0].acquire: names no lock (internal: name 9 of 2)";
}

void TestTaskSet::validatesEditedLockPhases()
{
    QFETCH(QString, change);
    QFETCH(QString, message);
    il::TaskSet set = *il::parseTaskSet(R"({"tasks":[{"phases":[{"acquire":"A"},{"increment":"n","times":10},{"release":"A"}]}]})").taskSet;
    std::vector<il::Phase> &phases = set.tasks[0].phases;
    il::Increment &inc = set.increments[phases[1].ref];
    if (change == "release-first")
        std::swap(phases[0], phases[2]);
    else if (change == "drop-release")
        phases.pop_back();
    else if (change == "acquire-twice")
        phases[1] = phases[0];
    else if (change == "empty-lock")
        set.names[phases[0].ref].clear();
    else if (change == "empty-counter")
        set.names[inc.counter].clear();
    else if (change == "times-0")
        inc.times = 0;
    else if (change == "times-huge")
        inc.times = 100000001;
    else if (change == "io-nan")
        inc.ioMs = std::nan("");
    else if (change == "io-long")
        inc.ioMs = 370000;
    else if (change == "bad-ref")
        phases[0].ref = 9;
    QCOMPARE(il::validateTaskSet(set), message);
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
    QVERIFY(error.startsWith("count: must be between 1 and 2000000"));
}

QTEST_GUILESS_MAIN(TestTaskSet)
#include "tst_taskset.moc"
