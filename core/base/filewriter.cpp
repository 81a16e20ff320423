#include "core/base/filewriter.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace il {

namespace {

// A regular file's write() is not interrupted by a caught signal, so writing
// in pieces is what lets the stop check run while a big buffer goes out.
constexpr std::size_t maxWriteCall = std::size_t(4) << 20;

} // namespace

FileWriter::FileWriter(QString path, StopCheck stop)
    : m_path(std::move(path)), m_stop(std::move(stop))
{
}

FileWriter::~FileWriter()
{
    if (!m_committed)
        abandon();
}

bool FileWriter::fail(const char *what, int error)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("%1: %2: %3").arg(m_path, QLatin1String(what), qt_error_string(error));
    abandon();
    return false;
}

bool FileWriter::failInterrupted()
{
    m_interrupted = true;
    if (m_error.isEmpty())
        m_error = m_direct    ? QStringLiteral("%1: writing stopped: interrupted").arg(m_path)
                  : m_existed ? QStringLiteral("%1: not written: interrupted (the previous file is kept)").arg(m_path)
                              : QStringLiteral("%1: not written: interrupted").arg(m_path);
    abandon();
    return false;
}

bool FileWriter::open()
{
    if (m_fd >= 0 || m_committed || failed())
        return !failed() && m_fd >= 0;
    const QByteArray native = QFile::encodeName(m_path);
    if (native.isEmpty())
        return fail("cannot write", ENOENT);
    if (m_stop && m_stop())
        return failInterrupted();
    struct stat st {};
    if (::stat(native.constData(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            m_error = QStringLiteral("%1: cannot write: is a directory").arg(m_path);
            return false;
        }
        if (!S_ISREG(st.st_mode))
            return openSpecial(native, S_ISFIFO(st.st_mode));
        // Through a symlink, replace the file it points to, not the link.
        char *real = ::realpath(native.constData(), nullptr);
        const QByteArray target = real ? QByteArray(real) : native;
        std::free(real);
        return openRegular(target, true, st.st_mode & 07777);
    }
    const int error = errno;
    if (error != ENOENT)
        return fail("cannot write", error);
    // A dangling symlink: create the file it names, as a shell's > does.
    struct stat lst {};
    if (::lstat(native.constData(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        const QString linked = QFileInfo(m_path).symLinkTarget();
        if (!linked.isEmpty())
            return openRegular(QFile::encodeName(linked), false, 0);
    }
    return openRegular(native, false, 0);
}

bool FileWriter::openRegular(const QByteArray &target, bool existed, unsigned mode)
{
    m_target = target;
    m_existed = existed;
    const qsizetype slash = target.lastIndexOf('/');
    const QByteArray dir = slash < 0 ? QByteArray(".") : slash == 0 ? QByteArray("/") : target.left(slash);
    // Stay within NAME_MAX with a long base name.
    const QByteArray base = target.mid(slash + 1).left(200);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QByteArray name = dir + (dir.endsWith('/') ? "" : "/") + '.' + base + '.'
                                + QByteArray::number(QRandomGenerator::global()->generate(), 16) + ".tmp";
        // 0666 through the umask: a new file gets the permissions any other
        // program's new file would.
        const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            m_fd = fd;
            m_temp = name;
            if (existed)
                (void)::fchmod(fd, mode); // keep a private file private; best effort
            return true;
        }
        if (errno != EEXIST)
            return fail("cannot write", errno);
    }
    return fail("cannot write", EEXIST);
}

bool FileWriter::openSpecial(const QByteArray &target, bool fifo)
{
    m_direct = true;
    m_target = target;
    // O_NONBLOCK: a FIFO nobody reads fails with ENXIO instead of hanging.
    const int fd = ::open(target.constData(), O_WRONLY | O_NOCTTY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
    if (fd < 0) {
        if (fifo && errno == ENXIO) {
            m_error = QStringLiteral("%1: cannot write: a named pipe (FIFO) with no reader").arg(m_path);
            return false;
        }
        return fail("cannot write", errno);
    }
    if (fifo)
        (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    m_fd = fd;
    return true;
}

bool FileWriter::write(const char *data, std::size_t size)
{
    if (failed())
        return false;
    if (m_fd < 0) {
        m_error = QStringLiteral("%1: write failed: not open").arg(m_path);
        return false;
    }
    while (size > 0) {
        if (m_stop && m_stop())
            return failInterrupted();
        const ssize_t n = ::write(m_fd, data, std::min(size, maxWriteCall));
        if (n > 0) {
            data += n;
            size -= std::size_t(n);
            m_written += std::size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue; // a signal: the loop asks `stop` again
        // Keep going after a short write: the call that fails carries the
        // reason (ENOSPC, EFBIG). Zero bytes for a non-empty write is not
        // progress either.
        return fail("write failed", n < 0 ? errno : EIO);
    }
    return true;
}

bool FileWriter::commit()
{
    if (m_committed)
        return true;
    if (failed())
        return false;
    if (m_fd < 0) {
        m_error = QStringLiteral("%1: cannot save: not open").arg(m_path);
        return false;
    }
    if (m_stop && m_stop())
        return failInterrupted();
    // Delayed allocation and network file systems report a full disk only
    // here: the rename must wait for the data to be on disk.
    if (!m_direct && ::fsync(m_fd) != 0)
        return fail("write failed", errno);
    const int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0 && errno != EINTR) // Linux closes the fd even on EINTR
        return fail("write failed", errno);
    if (!m_direct) {
        if (m_stop && m_stop())
            return failInterrupted();
        if (::rename(m_temp.constData(), m_target.constData()) != 0)
            return fail("cannot save", errno);
        m_temp.clear();
    }
    m_committed = true;
    return true;
}

void FileWriter::abandon()
{
    if (m_fd >= 0)
        ::close(std::exchange(m_fd, -1));
    if (!m_temp.isEmpty())
        ::unlink(m_temp.constData());
    m_temp.clear();
}

} // namespace il
