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
    }
    return QString();
}

std::optional<Mode> modeFromName(const QString &name)
{
    for (Mode m : allModes)
        if (modeName(m) == name)
            return m;
    return std::nullopt;
}

std::optional<std::vector<Mode>> parseModeList(const QString &text, QString *error)
{
    std::vector<Mode> modes;
    if (text.trimmed() == QLatin1String("all"))
        return std::vector<Mode>(std::begin(allModes), std::end(allModes));
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const auto mode = modeFromName(part.trimmed());
        if (!mode) {
            if (error)
                *error = QStringLiteral("--mode: unknown mode \"%1\" (use sequential, threads, threads-gil, processes, eventloop or all)").arg(part.trimmed());
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
    case Mode::EventLoop: return 1;
    case Mode::Threads:
    case Mode::ThreadsGil: return std::min(32, detectedCores() + 4);
    case Mode::Processes: return detectedCores();
    }
    return 1;
}

int RunConfig::effectiveWorkers() const
{
    if (mode == Mode::Sequential || mode == Mode::EventLoop)
        return 1;
    return workers > 0 ? workers : defaultWorkers(mode);
}

} // namespace il
