#include "core/base/wording.h"
#include "core/trace/incidentwords.h"

#include <QTest>

// Text echoed from user input must not steer the terminal or forge lines;
// counts must read "1 task", not "1 tasks".
class TestWording : public QObject
{
    Q_OBJECT
private slots:
    void printableEscapes_data();
    void printableEscapes();
    void printableTwiceChangesNothing();
    void pluralForms();
    void andLists();
    void everyIncidentKindHasWords();
    void incidentWordsUseTheFields();
};

void TestWording::andLists()
{
    QCOMPARE(il::andList({}), QString());
    QCOMPARE(il::andList({QStringLiteral("threads")}), QStringLiteral("threads"));
    QCOMPARE(il::andList({QStringLiteral("a"), QStringLiteral("b")}), QStringLiteral("a and b"));
    QCOMPARE(il::andList({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}), QStringLiteral("a, b and c"));
}

void TestWording::printableEscapes_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("plain") << QStringLiteral("fetch+parse") << QStringLiteral("fetch+parse");
    QTest::newRow("non-ascii kept") << QStringLiteral("tâche ünï € 🙂") << QStringLiteral("tâche ünï € 🙂");
    QTest::newRow("clear screen") << QStringLiteral("\x1b[2J\x1b[H") << QStringLiteral("\\u001b[2J\\u001b[H");
    QTest::newRow("forged row") << QStringLiteral("a\r\nsequential 1") << QStringLiteral("a\\r\\nsequential 1");
    QTest::newRow("tab, bell, nul") << QString::fromUtf16(u"a\tb\u0007c\u0000d", 7) << QStringLiteral("a\\tb\\u0007c\\u0000d");
    QTest::newRow("DEL and C1 CSI") << QString::fromUtf16(u"x\u007fy\u009bz") << QStringLiteral("x\\u007fy\\u009bz");
    QTest::newRow("line separator") << QString::fromUtf16(u"a\u2028b\u2029c") << QStringLiteral("a\\u2028b\\u2029c");
    QTest::newRow("bidi override") << QString::fromUtf16(u"abc\u202edef\u2066") << QStringLiteral("abc\\u202edef\\u2066");
    QTest::newRow("backslash kept") << QStringLiteral("C:\\dir\\n") << QStringLiteral("C:\\dir\\n");
}

void TestWording::printableEscapes()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(il::printable(in), out);
}

void TestWording::printableTwiceChangesNothing()
{
    const QString once = il::printable(QStringLiteral("\x1b]0;title\x07\r\n"));
    QCOMPARE(il::printable(once), once);
    for (QChar c : once)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(once));
}

void TestWording::pluralForms()
{
    QCOMPARE(il::plural(0, "task"), QStringLiteral("0 tasks"));
    QCOMPARE(il::plural(1, "task"), QStringLiteral("1 task"));
    QCOMPARE(il::plural(2, "lane"), QStringLiteral("2 lanes"));
    QCOMPARE(il::plural(1000000, "task"), QStringLiteral("1000000 tasks"));
    QCOMPARE(il::plural(1, "process", "processes"), QStringLiteral("1 process"));
    QCOMPARE(il::plural(3, "process", "processes"), QStringLiteral("3 processes"));
}

// A kind added without words would print an empty line in the table and
// the window: every kind has its own sentence, which carries the detail.
void TestWording::everyIncidentKindHasWords()
{
    il::RunInfo info;
    info.mode = il::Mode::Processes;
    QSet<QString> seen;
    for (int k = 0; k <= int(il::lastIncidentKind); ++k) {
        il::Incident i;
        i.kind = il::IncidentKind(k);
        i.detail = QStringLiteral("DETAIL");
        const QString words = il::incidentWords(i, info);
        const QString name = QLatin1String(il::incidentKindName(i.kind));
        QVERIFY2(words.size() > QStringLiteral("DETAIL").size() + 5, qPrintable(name + ": " + words));
        QVERIFY2(words.count(QStringLiteral("DETAIL")) == 1, qPrintable(name + ": " + words));
        QVERIFY2(!seen.contains(words), qPrintable(name + ": " + words));
        seen.insert(words);
        QCOMPARE(il::incidentKindFromName(name), std::optional<il::IncidentKind>(i.kind));
    }
}

void TestWording::incidentWordsUseTheFields()
{
    il::RunInfo info;
    info.mode = il::Mode::Processes;
    info.laneNames = QStringList{QStringLiteral("worker 1"), QStringLiteral("worker 2")};
    il::Incident crash;
    crash.kind = il::IncidentKind::WorkerCrashed;
    crash.lane = 1;
    crash.pid = 4242;
    crash.task = 7;
    crash.replaced = true;
    crash.detail = QStringLiteral("stderr: boom");
    QCOMPARE(il::incidentWords(crash, info),
             QStringLiteral("worker 2 (pid 4242) crashed or was killed — stderr: boom; task 7 failed; worker replaced"));
    il::Incident dropped;
    dropped.kind = il::IncidentKind::EventsDropped;
    dropped.lane = 0;
    dropped.value = 1;
    QCOMPARE(il::incidentWords(dropped, info), QStringLiteral("the recorder was full: 1 event dropped on worker 1"));
    dropped.value = 3;
    dropped.lane = il::noLane;
    QCOMPARE(il::incidentWords(dropped, info), QStringLiteral("the recorder was full: 3 events dropped"));
}

QTEST_GUILESS_MAIN(TestWording)
#include "tst_wording.moc"
