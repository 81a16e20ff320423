// Every file is written to a temporary file and renamed: an error mid-write
// (disk full, file size limit, missing or read-only directory) leaves the old
// file intact, leaves no temporary file behind and reports the error, both
// through il::writeFileAtomically and the CLI's --trace / --summary.
#include "faultutil.h"

#include "exporters.h"

#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <sys/mount.h>
#include <sys/resource.h>

using namespace faults;

namespace {

const QByteArray oldContent = "{\"old\": \"previous result, must survive\"}\n";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

bool writeOld(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(oldContent) == oldContent.size();
}

// Lowers RLIMIT_FSIZE for this process while alive: a write past the limit
// fails with EFBIG, as a full disk fails a write midway.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_saved);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim = m_saved;
        lim.rlim_cur = bytes;
        m_ok = ::setrlimit(RLIMIT_FSIZE, &lim) == 0;
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_saved{};
    void (*m_oldHandler)(int) = nullptr;
    bool m_ok = false;
};

} // namespace

class DiskErrors : public QObject
{
    Q_OBJECT

private:
    QString m_mount; // a small tmpfs, when we may mount one
    std::unique_ptr<QTemporaryDir> m_mountDir;

    static QStringList leftovers(const QString &dir, const QString &keep)
    {
        QStringList names = QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        names.removeAll(keep);
        return names;
    }

    // A 1 MB payload that does not fit where we write it.
    static QByteArray bigPayload() { return QByteArray(1 << 20, 'x'); }

private slots:
    void initTestCase()
    {
        m_mountDir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_mountDir->isValid());
        if (::mount("tmpfs", QFile::encodeName(m_mountDir->path()).constData(), "tmpfs", MS_NOSUID | MS_NODEV,
                    "size=256k")
            == 0)
            m_mount = m_mountDir->path();
        else
            qInfo("cannot mount a tmpfs here (%s): the full-disk test will be skipped", std::strerror(errno));
    }

    void cleanupTestCase()
    {
        if (!m_mount.isEmpty())
            QCOMPARE(::umount2(QFile::encodeName(m_mount).constData(), MNT_DETACH), 0);
    }

    // A genuinely full file system (ENOSPC).
    void fullTmpfs()
    {
        if (m_mount.isEmpty())
            QSKIP("mounting a tmpfs needs CAP_SYS_ADMIN; covered by fileSizeLimit instead");
        const QString path = m_mount + QStringLiteral("/trace.json");
        QVERIFY(writeOld(path));
        // Fill what is left of the 256 KiB.
        {
            QFile filler(m_mount + QStringLiteral("/filler"));
            QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
            const QByteArray block(4096, 'f');
            while (filler.write(block) == block.size()) {
            }
        }
        const QString error = il::writeFileAtomically(path, bigPayload());
        QVERIFY2(!error.isEmpty(), "a write to a full disk reported success");
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("No space left on device")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
        QCOMPARE(leftovers(m_mount, QStringLiteral("trace.json")), QStringList{QStringLiteral("filler")});
        QVERIFY(QFile::remove(m_mount + QStringLiteral("/filler")));
    }

    // The write fails midway (EFBIG past RLIMIT_FSIZE): works unprivileged.
    void fileSizeLimit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("summary.json"));
        QVERIFY(writeOld(path));
        QString error;
        {
            FileSizeLimit limit(64 * 1024);
            QVERIFY(limit.ok());
            error = il::writeFileAtomically(path, bigPayload());
        }
        QVERIFY2(!error.isEmpty(), "a failed write reported success");
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
        QCOMPARE(leftovers(dir.path(), QStringLiteral("summary.json")), QStringList());
        // The reason comes through, not "Unknown error".
        QVERIFY2(error.contains(QLatin1String("File too large")), qPrintable(error));
        // And the same call succeeds once there is room.
        QCOMPARE(il::writeFileAtomically(path, bigPayload()), QString());
        QCOMPARE(readAll(path), bigPayload());
    }

    void missingDirectory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("no/such/dir/trace.json"));
        const QString error = il::writeFileAtomically(path, "{}");
        QVERIFY2(error.startsWith(path + QStringLiteral(": cannot write: ")), qPrintable(error));
        QVERIFY(!QFile::exists(path));
    }

    void readOnlyDirectory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("trace.json"));
        QVERIFY(writeOld(path));
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        const auto restore = qScopeGuard([&] {
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        });
        {
            // root (or CAP_DAC_OVERRIDE) writes anyway: then this proves nothing.
            QFile probe(dir.filePath(QStringLiteral("probe")));
            if (probe.open(QIODevice::WriteOnly)) {
                probe.close();
                probe.remove();
                QSKIP("running with CAP_DAC_OVERRIDE (root): directory permissions do not block writes");
            }
        }
        const QString error = il::writeFileAtomically(path, "{\"new\": 1}");
        QVERIFY2(!error.isEmpty(), "writing into a read-only directory reported success");
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
    }

    // The CLI reports the failed write, exits non-zero, keeps the old files.
    void cliKeepsOldFilesOnWriteError()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString trace = dir.filePath(QStringLiteral("trace.json"));
        const QString summary = dir.filePath(QStringLiteral("summary.json"));
        QVERIFY(writeOld(trace));
        QVERIFY(writeOld(summary));
        QProcess cli;
        // Only the child gets the small file size limit.
        cli.setChildProcessModifier([] {
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit lim{};
            ::getrlimit(RLIMIT_FSIZE, &lim);
            lim.rlim_cur = 2048;
            ::setrlimit(RLIMIT_FSIZE, &lim);
        });
        cli.start(cliPath(), {QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("server-burst"),
                              QStringLiteral("--mode"), QStringLiteral("eventloop"), QStringLiteral("--quiet"),
                              QStringLiteral("--trace"), trace, QStringLiteral("--summary"), summary});
        QVERIFY(cli.waitForFinished(60000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QVERIFY2(cli.exitCode() != 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("interleave: %1: ").arg(trace)), qPrintable(err));
        QCOMPARE(readAll(trace), oldContent);
        QVERIFY(!readAll(summary).isEmpty());
        QCOMPARE(leftovers(dir.path(), QStringLiteral("trace.json")), QStringList{QStringLiteral("summary.json")});
    }

    void cliMissingDirectory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString summary = dir.filePath(QStringLiteral("missing/summary.json"));
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("primes"),
                              QStringLiteral("--mode"), QStringLiteral("sequential"), QStringLiteral("--quiet"),
                              QStringLiteral("--summary"), summary});
        QVERIFY(cli.waitForFinished(60000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(err.contains(QStringLiteral("interleave: %1: cannot write: ").arg(summary)), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(DiskErrors)
#include "tst_diskerrors.moc"
