#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace il {

enum class Mode { Sequential, Threads, ThreadsGil, Processes, EventLoop };

inline constexpr Mode allModes[] = {Mode::Sequential, Mode::Threads, Mode::ThreadsGil,
                                    Mode::Processes, Mode::EventLoop};

QString modeName(Mode mode); // "sequential", "threads", "threads-gil", "processes", "eventloop"
std::optional<Mode> modeFromName(const QString &name);
// Parses "threads,processes" or "all"; on error returns nullopt and sets *error.
std::optional<std::vector<Mode>> parseModeList(const QString &text, QString *error);

int detectedCores();
// threads: min(32, cores + 4) like CPython's ThreadPoolExecutor; processes: cores.
int defaultWorkers(Mode mode);

struct RunConfig
{
    Mode mode = Mode::Sequential;
    int workers = 0;       // 0 = defaultWorkers(mode)
    int taskTimeoutMs = 0; // processes only; 0 = none
    QString workerPath;    // empty = next to the running executable
    double gilSwitchMs = 5.0;

    int effectiveWorkers() const;
};

} // namespace il
