#include "core/base/wording.h"

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
};

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

QTEST_GUILESS_MAIN(TestWording)
#include "tst_wording.moc"
