#include "core/model/mode.h"

#include <QThread>

#include <algorithm>

namespace il {

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::Sequential: return QStringLiteral("sequential");
    case Mode::Threads: return QStringLiteral("threads");
    case Mode::ThreadsGil: return QStringLiteral("threads-gil");
    case Mode::Processes: return QStringLiteral("processes");
    case Mode::EventLoop: return QStringLiteral("eventloop");
    case Mode::PySequential: return QStringLiteral("py-sequential");
    case Mode::PyThreads: return QStringLiteral("py-threads");
    case Mode::PyProcesses: return QStringLiteral("py-processes");
    case Mode::PyAsyncio: return QStringLiteral("py-asyncio");
    case Mode::Dask: return QStringLiteral("dask");
    }
    return QString();
}

std::optional<Mode> modeFromName(const QString &name)
{
    for (Mode m : everyMode)
        if (modeName(m) == name)
            return m;
    return std::nullopt;
}

std::optional<std::vector<Mode>> parseModeList(const QString &text, QString *error)
{
    std::vector<Mode> modes;
    if (text.trimmed() == QLatin1String("all"))
        return std::vector<Mode>(std::begin(allModes), std::end(allModes));
    if (text.trimmed() == QLatin1String("everything"))
        return std::vector<Mode>(std::begin(everyMode), std::end(everyMode));
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const auto mode = modeFromName(part.trimmed());
        if (!mode) {
            if (error)
                *error = QStringLiteral("--mode: unknown mode \"%1\" (use sequential, threads, threads-gil, processes, eventloop, py-sequential, py-threads, py-processes, py-asyncio, dask, all or everything)").arg(part.trimmed());
            return std::nullopt;
        }
        if (std::find(modes.begin(), modes.end(), *mode) == modes.end())
            modes.push_back(*mode);
    }
    if (modes.empty()) {
        if (error)
            *error = QStringLiteral("--mode: no mode given");
        return std::nullopt;
    }
    return modes;
}

int detectedCores()
{
    return std::max(1, QThread::idealThreadCount());
}

int defaultWorkers(Mode mode)
{
    switch (mode) {
    case Mode::Sequential:
    case Mode::EventLoop:
    case Mode::PySequential:
    case Mode::PyAsyncio: return 1;
    case Mode::Threads:
    case Mode::ThreadsGil:
    case Mode::PyThreads: return std::min(32, detectedCores() + 4);
    case Mode::Processes:
    case Mode::PyProcesses:
    case Mode::Dask: return detectedCores();
    }
    return 1;
}

bool isPythonMode(Mode mode)
{
    return std::find(std::begin(pythonModes), std::end(pythonModes), mode) != std::end(pythonModes);
}

bool isLoopMode(Mode mode)
{
    return mode == Mode::EventLoop || mode == Mode::PyAsyncio;
}

int RunConfig::effectiveWorkers() const
{
    if (mode == Mode::Sequential || mode == Mode::EventLoop || mode == Mode::PySequential
        || mode == Mode::PyAsyncio)
        return 1;
    return workers > 0 ? workers : defaultWorkers(mode);
}

} // namespace il
