// Every malformed task set is rejected with its own precise message, by
// il::loadTaskSetFile and by the CLI (`validate` and `run --taskset` exit
// non-zero and print it). The committed corpus is tests/data/bad with
// expected.tsv; big, special and permission cases are generated here.
#include "faultutil.h"

#include <QProcess>
#include <QTemporaryDir>

#include <sys/stat.h>

using namespace faults;

namespace {

struct Case
{
    QString name;
    QString path;
    QString expected;
    QString skip; // non-empty: why this case cannot be checked here
};

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class BadInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::vector<Case> m_cases;
    QStringList m_corpusFiles;

    QString gen(const QString &name) const { return m_dir.filePath(name); }

    void addGenerated(const QString &name, const QByteArray &data, const QString &expected)
    {
        QVERIFY(writeFile(gen(name), data));
        m_cases.push_back({name, gen(name), expected, {}});
    }

    void addRows()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("skip");
        for (const Case &c : m_cases)
            QTest::newRow(qPrintable(c.name)) << c.path << c.expected << c.skip;
    }

    struct CliResult
    {
        int code = -1;
        QString out;
        QString err;
    };

    static CliResult runCli(const QStringList &args)
    {
        QProcess p;
        p.start(cliPath(), args);
        CliResult r;
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit) {
            p.kill();
            p.waitForFinished();
            r.err = QStringLiteral("<crashed or timed out>");
            return r;
        }
        r.code = p.exitCode();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFileInfo::exists(cliPath()));

        // The committed corpus.
        const QString corpus = QStringLiteral(INTERLEAVE_BAD_CORPUS);
        QFile tsv(corpus + QStringLiteral("/expected.tsv"));
        QVERIFY2(tsv.open(QIODevice::ReadOnly), qPrintable(tsv.fileName()));
        const QList<QByteArray> lines = tsv.readAll().split('\n');
        for (const QByteArray &raw : lines) {
            const QString line = QString::fromUtf8(raw);
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            const QStringList cols = line.split(QLatin1Char('\t'));
            QVERIFY2(cols.size() == 2 && !cols[1].isEmpty(), qPrintable(QStringLiteral("bad expected.tsv line: ") + line));
            m_cases.push_back({cols[0], corpus + QLatin1Char('/') + cols[0], cols[1], {}});
            m_corpusFiles << cols[0];
        }

        // Generated: too big to commit, or not a plain file.
        const QByteArray task = R"({"phases":[{"cpu":1}]})";
        {
            QByteArray tasks = "{\"tasks\":[";
            const int tooMany = int(il::limits::maxTasks) + 1;
            tasks.reserve(qsizetype(tooMany) * (task.size() + 1) + 16);
            for (int i = 0; i < tooMany; ++i) {
                tasks += task;
                tasks += ',';
            }
            tasks.chop(1);
            tasks += "]}";
            addGenerated(QStringLiteral("too-many-tasks.json"), tasks,
                         QStringLiteral("tasks: at most %1 tasks (got %2)").arg(il::limits::maxTasks).arg(tooMany));
        }
        {
            QByteArray phases = "{\"tasks\":[{\"phases\":[";
            for (int i = 0; i < 10'001; ++i)
                phases += "{\"io\":1},";
            phases.chop(1);
            phases += "]}]}";
            addGenerated(QStringLiteral("10001-phases.json"), phases,
                         QStringLiteral("tasks[0].phases: at most 10000 phases per task (got 10001)"));
        }
        const QByteArray big(50 * 1024 * 1024, 'a');
        addGenerated(QStringLiteral("50mb-name.json"), "{\"name\":\"" + big + "\",\"tasks\":[" + task + "]}",
                     QStringLiteral("name: at most 1000 characters (got 52428800)"));
        addGenerated(QStringLiteral("50mb-task-name.json"), "{\"tasks\":[" + task + ",{\"name\":\"" + big + "\",\"phases\":[{\"io\":1}]}]}",
                     QStringLiteral("tasks[1].name: at most 1000 characters (got 52428800)"));
        addGenerated(QStringLiteral("50mb-duration-string.json"), "{\"tasks\":[{\"phases\":[{\"io\":\"" + big + "\"}]}]}",
                     QStringLiteral("tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got \"%1…\")")
                         .arg(QString(40, QLatin1Char('a'))));
        addGenerated(QStringLiteral("deep-nesting-100k.json"), "{\"tasks\":" + QByteArray(100000, '[') + QByteArray(100000, ']') + "}",
                     QStringLiteral("(byte 520): nesting deeper than 512 levels, near: [[[[[[[[[[[[[[[[[[[[[[[[ (at most 512 levels of [ or {)"));
        {
            // Sparse: 300 MB of nothing, without using the disk.
            QFile f(gen(QStringLiteral("too-large.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(300LL * 1024 * 1024));
            m_cases.push_back({QStringLiteral("too-large.json"), f.fileName(),
                               QStringLiteral("too large (314572800 bytes; at most 268435456)"), {}});
        }
        QVERIFY(QDir().mkpath(gen(QStringLiteral("a-directory.json"))));
        m_cases.push_back({QStringLiteral("a-directory.json"), gen(QStringLiteral("a-directory.json")),
                           QStringLiteral("is a directory, not a task set file"), {}});
        m_cases.push_back({QStringLiteral("missing.json"), gen(QStringLiteral("missing.json")), QStringLiteral(": no such file"), {}});
        QCOMPARE(::mkfifo(QFile::encodeName(gen(QStringLiteral("fifo.json"))).constData(), 0600), 0);
        m_cases.push_back({QStringLiteral("fifo.json"), gen(QStringLiteral("fifo.json")),
                           QStringLiteral(": is a named pipe (FIFO), not a task set file"), {}});
        m_cases.push_back({QStringLiteral("dev-zero"), QStringLiteral("/dev/zero"),
                           QStringLiteral("/dev/zero: is a device, not a task set file"), {}});
        {
            const QString path = gen(QStringLiteral("unreadable.json"));
            QVERIFY(writeFile(path, "{\"tasks\":[" + task + "]}"));
            QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
            QFile probe(path);
            // root (CAP_DAC_OVERRIDE) reads it anyway: say so instead of passing.
            const QString skip = probe.open(QIODevice::ReadOnly)
                                     ? QStringLiteral("running as root: chmod 000 does not stop reading")
                                     : QString();
            m_cases.push_back({QStringLiteral("unreadable.json"), path, QStringLiteral(": cannot read: Permission denied"), skip});
        }
    }

    // The corpus is what expected.tsv says it is, and big enough.
    void corpusComplete()
    {
        QStringList onDisk = QDir(QStringLiteral(INTERLEAVE_BAD_CORPUS)).entryList(QDir::Files);
        onDisk.removeAll(QStringLiteral("expected.tsv"));
        onDisk.sort();
        QStringList listed = m_corpusFiles;
        listed.sort();
        QCOMPARE(listed, onDisk);
        QVERIFY2(onDisk.size() >= 40, qPrintable(QString::number(onDisk.size())));
        QVERIFY(m_cases.size() >= 60);
    }

    // "Its own precise message": no two cases may share one.
    void messagesDistinct()
    {
        QSet<QString> seen;
        for (const Case &c : m_cases) {
            const il::TaskSetResult r = il::loadTaskSetFile(c.path);
            if (!c.skip.isEmpty() || r.ok())
                continue;
            QString message = r.error.mid(c.path.size()); // without the path prefix
            QVERIFY2(!seen.contains(message), qPrintable(c.name + QStringLiteral(": ") + message));
            seen.insert(message);
        }
    }

    void library_data() { addRows(); }
    void library()
    {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QFETCH(QString, skip);
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        const il::TaskSetResult r = il::loadTaskSetFile(path);
        QVERIFY2(!r.ok(), "accepted");
        QVERIFY2(r.error.startsWith(path + QStringLiteral(": ")), qPrintable(r.error));
        QVERIFY2(r.error.contains(expected), qPrintable(QStringLiteral("got:      %1\nexpected: %2").arg(r.error, expected)));
    }

    // Messages echo the input: a value that would clear the terminal, a key
    // or a file name with a line break come out as visible escapes, on one
    // line, in the library's message (shown by the window too).
    void messagesEscapeControlCharacters()
    {
        const QString value = gen(QStringLiteral("escape-value.json"));
        QVERIFY(writeFile(value, "{\"tasks\":[{\"phases\":[{\"io\":\"\\u001b[2J\\u001b[3J\\u009b1m\"}]}]}"));
        il::TaskSetResult r = il::loadTaskSetFile(value);
        QCOMPARE(r.error, value + QStringLiteral(": tasks[0].phases[0].io: must be a number >= 0 and <= 3600000 ms (got \"\\u001b[2J\\u001b[3J\\u009b1m\")"));

        const QString key = gen(QStringLiteral("escape-key.json"));
        QVERIFY(writeFile(key, "{\"tasks\":[{\"phases\":[{\"cpu\\r\\nsequential\":1}]}]}"));
        r = il::loadTaskSetFile(key);
        QCOMPARE(r.error, key + QStringLiteral(": tasks[0].phases[0]: must be one of {\"cpu\": ms}, {\"io\": ms}, {\"acquire\": lock}, {\"release\": lock}, {\"increment\": counter, \"times\": n} (got keys cpu\\r\\nsequential)"));

        const QString name = gen(QStringLiteral("line\nbreak.json"));
        QVERIFY(writeFile(name, "[]"));
        r = il::loadTaskSetFile(name);
        QCOMPARE(r.error, gen(QStringLiteral("line\\nbreak.json")) + QStringLiteral(": top level: must be an object with \"tasks\" (got an array)"));
    }

    void cliValidate_data() { addRows(); }
    void cliValidate()
    {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QFETCH(QString, skip);
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        const CliResult r = runCli({QStringLiteral("validate"), path});
        QCOMPARE(r.code, 2); // a bad task set, as for run
        QVERIFY2(r.err.startsWith(QStringLiteral("interleave: %1: ").arg(path)), qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    }

    void cliRun_data() { addRows(); }
    void cliRun()
    {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QFETCH(QString, skip);
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        const CliResult r = runCli({QStringLiteral("run"), QStringLiteral("--taskset"), path,
                                    QStringLiteral("--mode"), QStringLiteral("all")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("interleave: %1: ").arg(path)), qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("running ")), "started running a bad task set");
    }
};

QTEST_GUILESS_MAIN(BadInput)
#include "tst_badinput.moc"
