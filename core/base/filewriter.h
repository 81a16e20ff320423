#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <functional>

namespace il {

// Asked between writes: true = give up now (e.g. SIGINT arrived).
using StopCheck = std::function<bool()>;

// Writes one output file so that a failure never destroys what was there.
//
// A regular file (or a path that does not exist yet) is written to a new
// temporary file beside it and renamed over it only after every write, the
// fsync and the close succeeded; on any error, or when `stop` says so, the
// temporary file is removed and the old file stays as it was. A symlink is
// followed: the file it points to is replaced, the link stays.
//
// A target that exists and is not a regular file (/dev/null, /dev/full, a
// FIFO, a terminal) is written straight into, never renamed over: replacing
// /dev/null with a regular file would break the system. A FIFO needs a reader
// already: with none, open fails at once instead of blocking the run.
//
// Every error is kept as "PATH: what failed: reason" in errorString().
class FileWriter
{
public:
    explicit FileWriter(QString path, StopCheck stop = {});
    ~FileWriter(); // not committed: abandoned, the temporary file removed
    FileWriter(const FileWriter &) = delete;
    FileWriter &operator=(const FileWriter &) = delete;

    bool open();
    // Writes everything or fails; after a failure every call fails.
    bool write(const char *data, std::size_t size);
    bool write(const QByteArray &data) { return write(data.constData(), std::size_t(data.size())); }
    // Flushes to disk and puts the file in place. False: nothing was replaced.
    bool commit();
    // Gives up: removes the temporary file, keeps the old one.
    void abandon();

    const QString &path() const { return m_path; }
    bool failed() const { return !m_error.isEmpty(); }
    bool interrupted() const { return m_interrupted; }
    QString errorString() const { return m_error; }
    std::size_t bytesWritten() const { return m_written; }

private:
    bool fail(const char *what, int error);
    bool failInterrupted();
    bool openRegular(const QByteArray &target, bool existed, unsigned mode);
    bool openSpecial(const QByteArray &target, bool fifo);

    QString m_path;
    StopCheck m_stop;
    QByteArray m_target; // the file finally replaced (symlinks resolved)
    QByteArray m_temp;   // regular targets: the temporary file being written
    int m_fd = -1;
    bool m_direct = false; // not a regular file: written in place
    bool m_existed = false; // a regular file was there: it is what a failure keeps
    bool m_committed = false;
    bool m_interrupted = false;
    std::size_t m_written = 0;
    QString m_error;
};

} // namespace il
