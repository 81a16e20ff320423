#pragma once
// Our child processes, read from /proc: shared by the fault and GUI tests
// that prove no worker outlives its run.

#include <QDir>
#include <QFile>

#include <sys/types.h>
#include <unistd.h>

#include <vector>

namespace testprocs {

// Every process whose parent is `parent` (default: us), from
// /proc/<pid>/stat, zombies included.
inline std::vector<pid_t> childPids(pid_t parent = ::getpid())
{
    std::vector<pid_t> pids;
    const pid_t self = parent;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool ok = false;
        const pid_t pid = e.toInt(&ok);
        if (!ok)
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue; // exited meanwhile
        const QByteArray stat = f.readAll();
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[1].toInt() == self)
            pids.push_back(pid);
    }
    return pids;
}

inline bool processExists(pid_t pid)
{
    return QFile::exists(QStringLiteral("/proc/%1").arg(pid));
}

// utime + stime of a process in clock ticks, -1 if gone.
inline long cpuTicks(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 12 ? fields[11].toLong() + fields[12].toLong() : -1;
}

} // namespace testprocs
