#include "core/base/inputfile.h"

#include "core/base/wording.h"

#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace il {

QString inputFileProblem(const QString &path, const char *what)
{
    const QString shown = printable(path); // a file name may hold a line break
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("%1: no such file").arg(shown);
    if (info.isDir())
        return QStringLiteral("%1: is a directory, not a %2").arg(shown, QLatin1String(what));
    if (info.isFile())
        return QString();
    struct stat st {};
    const bool known = ::stat(QFile::encodeName(path).constData(), &st) == 0;
    const QString kind = !known                                   ? QStringLiteral("a special file")
                         : S_ISFIFO(st.st_mode)                   ? QStringLiteral("a named pipe (FIFO)")
                         : S_ISSOCK(st.st_mode)                   ? QStringLiteral("a socket")
                         : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? QStringLiteral("a device")
                                                                  : QStringLiteral("a special file");
    return QStringLiteral("%1: is %2, not a %3").arg(shown, kind, QLatin1String(what));
}

} // namespace il
