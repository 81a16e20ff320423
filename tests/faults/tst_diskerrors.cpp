// Every regular file is written to a temporary file and renamed: an error
// mid-write (disk full, file size limit, missing or read-only directory) or a
// SIGTERM leaves the old file intact, leaves no temporary file behind and
// reports the error, both through il::writeFileAtomically and the CLI's
// --trace / --summary. A target that is not a regular file (/dev/null,
// /dev/full, a FIFO) is written in place and never replaced. A closed stdout
// costs the table, never a file.
#include "faultutil.h"

#include "core/io/exporters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>
#include <csignal>
#include <thread>

#include <poll.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

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

mode_t fileType(const QString &path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

// The summary a run wrote, or an empty document.
QJsonDocument readJson(const QString &path)
{
    return QJsonDocument::fromJson(readAll(path));
}

struct CliRun
{
    int code = -1; // -2: killed by a signal
    int signal = 0;
    QString out;
    QString err;
};

CliRun finish(QProcess &cli)
{
    CliRun r;
    if (!cli.waitForFinished(120000)) {
        cli.kill();
        cli.waitForFinished();
        r.err = QStringLiteral("<timed out>");
        return r;
    }
    r.code = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -2;
    r.out = QString::fromUtf8(cli.readAllStandardOutput());
    r.err = QString::fromUtf8(cli.readAllStandardError());
    return r;
}

QStringList runArgs(const QString &preset, const QString &mode, const QStringList &more)
{
    return QStringList{QStringLiteral("run"), QStringLiteral("--preset"), preset, QStringLiteral("--mode"), mode} + more;
}

// The CLI with RLIMIT_FSIZE lowered for it alone.
CliRun runWithFileLimit(rlim_t bytes, const QStringList &args)
{
    QProcess cli;
    cli.setChildProcessModifier([bytes] {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim{};
        ::getrlimit(RLIMIT_FSIZE, &lim);
        lim.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &lim);
    });
    cli.start(cliPath(), args);
    return finish(cli);
}

CliRun runCli(const QStringList &args)
{
    QProcess cli;
    cli.start(cliPath(), args);
    return finish(cli);
}

// A FIFO's reader on its own thread: reads everything until EOF.
class FifoReader
{
public:
    explicit FifoReader(const QString &path)
    {
        // Non-blocking open: the writer, when it comes, finds a reader.
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    }
    ~FifoReader()
    {
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_fd >= 0; }
    // Bytes waiting in the pipe.
    int queued() const
    {
        int n = 0;
        return ::ioctl(m_fd, FIONREAD, &n) == 0 ? n : -1;
    }
    int capacity() const { return ::fcntl(m_fd, F_GETPIPE_SZ); }
    // Until the writer closes, after at least one byte: a FIFO read before
    // any writer came also says "end of file".
    void readToEnd()
    {
        m_thread = std::thread([this] {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
            char buf[65536];
            while (std::chrono::steady_clock::now() < deadline) {
                pollfd p{m_fd, POLLIN, 0};
                ::poll(&p, 1, 100);
                const ssize_t n = ::read(m_fd, buf, sizeof buf);
                if (n > 0)
                    m_data.append(buf, n);
                else if (n == 0 && !m_data.isEmpty())
                    break;
                else if (n < 0 && errno != EAGAIN && errno != EINTR)
                    break;
            }
        });
    }
    QByteArray wait()
    {
        m_thread.join();
        return m_data;
    }

private:
    int m_fd = -1;
    std::thread m_thread;
    QByteArray m_data;
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
    // Under the 16 KiB a buffered writer keeps before its first write().
    static QByteArray smallPayload() { return QByteArray(8 << 10, 's'); }

    // Each full-disk test starts from an empty tmpfs.
    void emptyTmpfs()
    {
        for (const QString &name : leftovers(m_mount, QString()))
            QFile::remove(m_mount + QLatin1Char('/') + name);
    }

    // Fills what is left of the tmpfs; the filler is removed by the caller.
    void fillTmpfs()
    {
        QFile filler(m_mount + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        const QByteArray block(4096, 'f');
        while (filler.write(block) == block.size()) {
        }
        // tmpfs may still take a partial page: fill it byte by byte.
        while (filler.write("f", 1) == 1) {
        }
    }

    // A character device of our own (root can mknod one in a temporary
    // directory), so a broken writer could only ever replace that copy;
    // without root, the system's own node, which we could not replace anyway.
    static QString charDevice(const QTemporaryDir &dir, const char *name, unsigned minor)
    {
        const QString path = dir.filePath(QLatin1String(name));
        if (::mknod(QFile::encodeName(path).constData(), S_IFCHR | 0666, makedev(1, minor)) == 0)
            return path;
        return ::geteuid() == 0 ? QString() : QStringLiteral("/dev/") + QLatin1String(name);
    }

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
        emptyTmpfs();
        QVERIFY(writeOld(path));
        fillTmpfs();
        const QString error = il::writeFileAtomically(path, bigPayload());
        QVERIFY2(!error.isEmpty(), "a write to a full disk reported success");
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("No space left on device")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
        QCOMPARE(leftovers(m_mount, QStringLiteral("trace.json")), QStringList{QStringLiteral("filler")});
        QVERIFY(QFile::remove(m_mount + QStringLiteral("/filler")));
    }

    // A file smaller than a write buffer: the write() succeeds into the
    // buffer and only the flush meets the full disk. That failure must stop
    // the rename too.
    void fullTmpfsSmallFile()
    {
        if (m_mount.isEmpty())
            QSKIP("mounting a tmpfs needs CAP_SYS_ADMIN; covered by smallFileOverSizeLimit instead");
        const QString path = m_mount + QStringLiteral("/summary.json");
        emptyTmpfs();
        QVERIFY(writeOld(path));
        fillTmpfs();
        const auto cleanup = qScopeGuard([&] { QFile::remove(m_mount + QStringLiteral("/filler")); });
        const QString error = il::writeFileAtomically(path, smallPayload());
        QVERIFY2(!error.isEmpty(), "an 8 KB write to a full disk reported success");
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("No space left on device")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
        QCOMPARE(leftovers(m_mount, QStringLiteral("summary.json")), QStringList{QStringLiteral("filler")});
    }

    // The CLI on a full disk: --summary and --trace both fail, both old
    // files stay, both are reported, the exit code says so.
    void cliFullDisk()
    {
        if (m_mount.isEmpty())
            QSKIP("mounting a tmpfs needs CAP_SYS_ADMIN; covered by cliSmallSummaryOverSizeLimit instead");
        const QString trace = m_mount + QStringLiteral("/trace.json");
        const QString summary = m_mount + QStringLiteral("/summary.json");
        emptyTmpfs();
        QVERIFY(writeOld(trace));
        QVERIFY(writeOld(summary));
        fillTmpfs();
        const auto cleanup = qScopeGuard([&] { QFile::remove(m_mount + QStringLiteral("/filler")); });
        const CliRun r = runCli(runArgs(QStringLiteral("primes"), QStringLiteral("sequential"),
                                        {QStringLiteral("--quiet"), QStringLiteral("--trace"), trace,
                                         QStringLiteral("--summary"), summary}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: write failed: No space left on device").arg(summary)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: write failed: No space left on device").arg(trace)), qPrintable(r.err));
        QCOMPARE(readAll(summary), oldContent);
        QCOMPARE(readAll(trace), oldContent);
        QStringList left = leftovers(m_mount, QStringLiteral("filler"));
        left.sort();
        QCOMPARE(left, (QStringList{QStringLiteral("summary.json"), QStringLiteral("trace.json")}));
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

    // The small-file case without root: the limit is below the payload.
    void smallFileOverSizeLimit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("summary.json"));
        QVERIFY(writeOld(path));
        QString error;
        {
            FileSizeLimit limit(4096);
            QVERIFY(limit.ok());
            error = il::writeFileAtomically(path, smallPayload());
        }
        QVERIFY2(!error.isEmpty(), "an 8 KB write past a 4 KB file size limit reported success");
        QVERIFY2(error.contains(QLatin1String("File too large")), qPrintable(error));
        QCOMPARE(readAll(path), oldContent);
        QCOMPARE(leftovers(dir.path(), QStringLiteral("summary.json")), QStringList());
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
        // The trace failed; the summary is still the new one, complete.
        const QJsonDocument doc = readJson(summary);
        QVERIFY2(doc["runs"].toArray().size() == 1, readAll(summary).constData());
        QCOMPARE(doc["runs"][0]["mode"].toString(), QStringLiteral("eventloop"));
        QCOMPARE(doc["runs"][0]["completed"].toInt(), 400);
        QCOMPARE(leftovers(dir.path(), QStringLiteral("trace.json")), QStringList{QStringLiteral("summary.json")});
    }

    // A summary of a few hundred bytes over the limit: both files fail,
    // both old ones stay.
    void cliSmallSummaryOverSizeLimit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString trace = dir.filePath(QStringLiteral("trace.json"));
        const QString summary = dir.filePath(QStringLiteral("summary.json"));
        QVERIFY(writeOld(trace));
        QVERIFY(writeOld(summary));
        const CliRun r = runWithFileLimit(200, runArgs(QStringLiteral("primes"), QStringLiteral("sequential"),
                                                       {QStringLiteral("--quiet"), QStringLiteral("--trace"), trace,
                                                        QStringLiteral("--summary"), summary}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: write failed: File too large").arg(summary)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: write failed: File too large").arg(trace)), qPrintable(r.err));
        QCOMPARE(readAll(summary), oldContent);
        QCOMPARE(readAll(trace), oldContent);
        QStringList left = leftovers(dir.path(), QString());
        left.sort();
        QCOMPARE(left, (QStringList{QStringLiteral("summary.json"), QStringLiteral("trace.json")}));
    }

    // And the other way round: the summary cannot be written, the trace is.
    void cliTraceWrittenWhenSummaryFails()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString trace = dir.filePath(QStringLiteral("trace.json"));
        const QString summary = dir.filePath(QStringLiteral("missing/summary.json"));
        QVERIFY(writeOld(trace));
        const CliRun r = runCli(runArgs(QStringLiteral("primes"), QStringLiteral("sequential"),
                                        {QStringLiteral("--quiet"), QStringLiteral("--summary"), summary,
                                         QStringLiteral("--trace"), trace}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: cannot write: No such file or directory").arg(summary)), qPrintable(r.err));
        QVERIFY2(readJson(trace)["traceEvents"].toArray().size() > 8, readAll(trace).left(200).constData());
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

    // /dev/null takes the data and stays /dev/null; /dev/full reports the
    // disk full and stays a device; neither is ever renamed over.
    void deviceTargets()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString null = charDevice(dir, "null", 3);
        const QString full = charDevice(dir, "full", 7);
        if (null.isEmpty() || full.isEmpty())
            QSKIP("root without mknod: not risking the system's /dev/null");
        QCOMPARE(il::writeFileAtomically(null, bigPayload()), QString());
        QCOMPARE(fileType(null), mode_t(S_IFCHR));
        const QString error = il::writeFileAtomically(full, smallPayload());
        QCOMPARE(error, full + QStringLiteral(": write failed: No space left on device"));
        QCOMPARE(fileType(full), mode_t(S_IFCHR));
        // No temporary (regular) file was made beside them.
        QCOMPARE(leftovers(dir.path(), QString()), QStringList());
    }

    // A FIFO with a reader gets every byte, in place; without a reader the
    // write fails at once instead of hanging the run.
    void fifoTarget()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath(QStringLiteral("trace.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        {
            FifoReader reader(fifo);
            QVERIFY(reader.ok());
            reader.readToEnd();
            QCOMPARE(il::writeFileAtomically(fifo, bigPayload()), QString());
            QCOMPARE(reader.wait(), bigPayload());
        }
        QCOMPARE(fileType(fifo), mode_t(S_IFIFO));
        const QString error = il::writeFileAtomically(fifo, "x");
        QCOMPARE(error, fifo + QStringLiteral(": cannot write: a named pipe (FIFO) with no reader"));
        QCOMPARE(fileType(fifo), mode_t(S_IFIFO));
        QCOMPARE(leftovers(dir.path(), QStringLiteral("trace.fifo")), QStringList());
    }

    void directoryTarget()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QCOMPARE(il::writeFileAtomically(dir.path(), "x"), dir.path() + QStringLiteral(": cannot write: is a directory"));
    }

    // The replaced file keeps its permissions; a symlink stays a symlink.
    void keepsPermissionsAndSymlinks()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString real = dir.filePath(QStringLiteral("real.json"));
        const QString link = dir.filePath(QStringLiteral("link.json"));
        QVERIFY(writeOld(real));
        QVERIFY(QFile::setPermissions(real, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(QFile::link(real, link));
        QCOMPARE(il::writeFileAtomically(link, "{\"new\": 1}"), QString());
        QCOMPARE(fileType(link), mode_t(S_IFLNK));
        QCOMPARE(readAll(real), QByteArray("{\"new\": 1}"));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(real).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0600));
    }

    // The CLI: --summary to /dev/null, --trace to /dev/full (as root, the
    // old code deleted the system's /dev/null; here a private copy).
    void cliDeviceTargets()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString null = charDevice(dir, "null", 3);
        const QString full = charDevice(dir, "full", 7);
        if (null.isEmpty() || full.isEmpty())
            QSKIP("root without mknod: not risking the system's /dev/null");
        const CliRun r = runCli(runArgs(QStringLiteral("primes"), QStringLiteral("sequential"),
                                        {QStringLiteral("--summary"), null, QStringLiteral("--trace"), full}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("wrote %1").arg(null)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: write failed: No space left on device").arg(full)), qPrintable(r.err));
        QCOMPARE(fileType(null), mode_t(S_IFCHR));
        QCOMPARE(fileType(full), mode_t(S_IFCHR));
    }

    // --trace into a FIFO someone reads: the reader gets the whole trace.
    void cliFifoTrace()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath(QStringLiteral("trace.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        FifoReader reader(fifo);
        QVERIFY(reader.ok());
        reader.readToEnd();
        const CliRun r = runCli(runArgs(QStringLiteral("server-burst"), QStringLiteral("eventloop"),
                                        {QStringLiteral("--quiet"), QStringLiteral("--trace"), fifo}));
        QCOMPARE(r.code, 0);
        const QByteArray trace = reader.wait();
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(trace, &perr);
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
        QVERIFY(doc["traceEvents"].toArray().size() > 800);
        QCOMPARE(fileType(fifo), mode_t(S_IFIFO));
    }

    // `interleave run … --summary s.json --trace t.json | true`: the files
    // are written before the table; the closed pipe is reported and the exit
    // code is 1, as coreutils do when a write to stdout fails.
    void cliClosedStdoutKeepsFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString trace = dir.filePath(QStringLiteral("trace.json"));
        const QString summary = dir.filePath(QStringLiteral("summary.json"));
        QProcess cli;
        cli.setChildProcessModifier([] {
            // What a shell gives `interleave … | true` once true has exited:
            // a pipe with no reader, SIGPIPE at its default.
            int fds[2];
            if (::pipe(fds) == 0) {
                ::close(fds[0]);
                ::dup2(fds[1], STDOUT_FILENO);
                ::close(fds[1]);
            }
            std::signal(SIGPIPE, SIG_DFL);
        });
        cli.start(cliPath(), runArgs(QStringLiteral("primes"), QStringLiteral("sequential"),
                                     {QStringLiteral("--summary"), summary, QStringLiteral("--trace"), trace}));
        const CliRun r = finish(cli);
        QVERIFY2(r.code != -2, "killed by SIGPIPE");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("interleave: cannot write to standard output: Broken pipe")), qPrintable(r.err));
        QCOMPARE(readJson(summary)["runs"][0]["completed"].toInt(), 8);
        QVERIFY(readJson(trace)["traceEvents"].toArray().size() > 8);
    }

    // SIGTERM while a big trace is being written: the writing stops, the
    // old trace stays, no temporary file is left, the exit code is 130.
    void cliSigtermWhileWritingTrace()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString trace = dir.filePath(QStringLiteral("trace.json"));
        const QString summary = dir.filePath(QStringLiteral("summary.json"));
        const QString set = dir.filePath(QStringLiteral("zeros.json"));
        // 200,000 zero-length tasks: a trace of about 120 MB, several
        // hundred milliseconds of writing even in an optimised build. Under
        // a sanitizer everything is 5-20 times slower: a fifth is enough
        // there (the whole run took over 200 s on a loaded machine).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        const int tasks = 40000;
#else
        const int tasks = 200000;
#endif
        {
            QFile f(set);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray json = "{\"name\":\"zeros\",\"tasks\":[";
            for (int i = 0; i < tasks; ++i)
                json += i ? ",{\"phases\":[{\"io\":0}]}" : "{\"phases\":[{\"io\":0}]}";
            json += "]}";
            QVERIFY(f.write(json) == json.size());
        }
        QVERIFY(writeOld(trace));
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("run"), QStringLiteral("--taskset"), set, QStringLiteral("--mode"),
                              QStringLiteral("eventloop"), QStringLiteral("--quiet"), QStringLiteral("--summary"),
                              summary, QStringLiteral("--trace"), trace});
        QVERIFY(cli.waitForStarted());
        // The temporary trace file appears when writing starts.
        const auto tempExists = [&] {
            const QStringList names = leftovers(dir.path(), QString());
            return std::any_of(names.begin(), names.end(),
                               [](const QString &n) { return n.startsWith(QLatin1String(".trace.json.")); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(tempExists() || cli.state() == QProcess::NotRunning, 120000);
        QVERIFY2(cli.state() == QProcess::Running, "the CLI ended before it began the trace");
        ::kill(pid_t(cli.processId()), SIGTERM);
        const CliRun r = finish(cli);
        QVERIFY2(r.code == 130, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: not written: interrupted").arg(trace)), qPrintable(r.err));
        QCOMPARE(readAll(trace), oldContent);
        QCOMPARE(readJson(summary)["runs"][0]["completed"].toInt(), tasks);
        QStringList left = leftovers(dir.path(), QString());
        left.sort();
        QCOMPARE(left, (QStringList{QStringLiteral("summary.json"), QStringLiteral("trace.json"), QStringLiteral("zeros.json")}));
    }

    // A trace blocked on a FIFO whose reader stopped reading: SIGTERM still
    // ends the CLI, with 130, instead of hanging in write().
    void cliSigtermWhileBlockedOnFifo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath(QStringLiteral("trace.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        FifoReader reader(fifo); // never reads
        QVERIFY(reader.ok());
        QProcess cli;
        cli.start(cliPath(), runArgs(QStringLiteral("server-burst"), QStringLiteral("eventloop"),
                                     {QStringLiteral("--quiet"), QStringLiteral("--trace"), fifo}));
        QVERIFY(cli.waitForStarted());
        // The pipe full: the CLI is blocked writing the rest.
        QTRY_VERIFY_WITH_TIMEOUT(reader.queued() >= reader.capacity() || cli.state() == QProcess::NotRunning, 60000);
        QVERIFY2(cli.state() == QProcess::Running, cli.readAllStandardError().constData());
        ::kill(pid_t(cli.processId()), SIGTERM);
        const CliRun r = finish(cli);
        QCOMPARE(r.code, 130);
        QVERIFY2(r.err.contains(QStringLiteral("interleave: %1: writing stopped: interrupted").arg(fifo)), qPrintable(r.err));
        QCOMPARE(fileType(fifo), mode_t(S_IFIFO));
    }
};

QTEST_GUILESS_MAIN(DiskErrors)
#include "tst_diskerrors.moc"
