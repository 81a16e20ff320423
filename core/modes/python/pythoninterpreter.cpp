#include "core/modes/python/pythoninterpreter.h"

#include <QFileInfo>
#include <QMap>
#include <QMutex>
#include <QProcess>
#include <QStandardPaths>

namespace il {

namespace {

// Written for any Python, even 2.x, so a too-old one still says its version.
const char *probeScript =
    "import sys\n"
    "sys.stdout.write('%d.%d.%d\\n' % tuple(sys.version_info[:3]))\n"
    "try:\n"
    "    import importlib.util\n"
    "    found = importlib.util.find_spec('distributed') is not None\n"
    "    v = '-'\n"
    "    if found:\n"
    "        try:\n"
    "            import importlib.metadata\n"
    "            v = importlib.metadata.version('distributed')\n"
    "        except Exception:\n"
    "            v = '?'\n"
    "    sys.stdout.write('dask %s\\n' % v)\n"
    "except Exception:\n"
    "    sys.stdout.write('dask -\\n')\n";

QMutex g_mutex;
QMap<QString, PythonInfo> g_cache;

const QString fixHint = QStringLiteral("install Debian's python3 (apt-get install python3) or choose one "
                                       "with --python PATH or INTERLEAVE_PYTHON");

PythonInfo probeUncached(const QString &path)
{
    PythonInfo info;
    info.path = path;
    if (path.isEmpty()) {
        info.problem = QStringLiteral("no python3 found (not at /usr/bin/python3, not on PATH): ") + fixHint;
        info.daskProblem = info.problem;
        return info;
    }
    const QFileInfo file(path);
    if (!file.exists() || !file.isFile() || !file.isExecutable()) {
        info.problem = QStringLiteral("%1 %2: %3")
                           .arg(path, file.exists() ? QStringLiteral("is not an executable file")
                                                    : QStringLiteral("does not exist"),
                                fixHint);
        info.daskProblem = info.problem;
        return info;
    }
    QProcess proc;
    proc.setProcessChannelMode(QProcess::SeparateChannels);
    proc.start(path, {QStringLiteral("-c"), QString::fromLatin1(probeScript)});
    const bool finished = proc.waitForStarted(10000) && proc.waitForFinished(10000);
    if (!finished) {
        proc.kill();
        proc.waitForFinished(1000);
    }
    const QStringList lines = QString::fromUtf8(proc.readAllStandardOutput()).split(QLatin1Char('\n'));
    const QStringList parts = lines.value(0).trimmed().split(QLatin1Char('.'));
    bool okMajor = false, okMinor = false;
    const int major = parts.value(0).toInt(&okMajor), minor = parts.value(1).toInt(&okMinor);
    if (!finished || !okMajor || !okMinor) {
        info.problem = QStringLiteral("%1 did not run as Python (%2): %3")
                           .arg(path,
                                !finished ? QStringLiteral("no answer within 10 s")
                                          : QStringLiteral("exit code %1, said \"%2\"")
                                                .arg(proc.exitCode())
                                                .arg(QString::fromUtf8(proc.readAllStandardError()).trimmed().left(120)),
                                fixHint);
        info.daskProblem = info.problem;
        return info;
    }
    info.version = lines.value(0).trimmed();
    if (major < minPythonMajor || (major == minPythonMajor && minor < minPythonMinor)) {
        info.problem = QStringLiteral("%1 is Python %2; the py-modes need %3.%4 or newer: %5")
                           .arg(path, info.version)
                           .arg(minPythonMajor)
                           .arg(minPythonMinor)
                           .arg(fixHint);
        info.daskProblem = info.problem;
        return info;
    }
    info.usable = true;
    const QString dask = lines.value(1).trimmed();
    info.hasDask = dask.startsWith(QLatin1String("dask ")) && dask != QLatin1String("dask -");
    if (info.hasDask)
        info.daskVersion = dask.mid(5);
    else
        info.daskProblem = QStringLiteral("%1 (Python %2) cannot import distributed: install Debian's "
                                          "python3-distributed, or choose a python3 that has it with "
                                          "--python PATH or INTERLEAVE_PYTHON")
                               .arg(path, info.version);
    return info;
}

} // namespace

QString resolvePythonPath(const QString &configured)
{
    if (!configured.isEmpty())
        return configured;
    const QString env = qEnvironmentVariable("INTERLEAVE_PYTHON");
    if (!env.isEmpty())
        return env;
    const QString debian = QStringLiteral("/usr/bin/python3");
    if (QFileInfo(debian).isExecutable())
        return debian;
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

PythonInfo probePython(const QString &path)
{
    {
        QMutexLocker lock(&g_mutex);
        const auto it = g_cache.constFind(path);
        if (it != g_cache.constEnd())
            return *it;
    }
    PythonInfo info = probeUncached(path);
    QMutexLocker lock(&g_mutex);
    g_cache.insert(path, info);
    return info;
}

void forgetPythonProbes()
{
    QMutexLocker lock(&g_mutex);
    g_cache.clear();
}

} // namespace il
