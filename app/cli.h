#pragma once

#include "core/engine/engine.h"

#include <QStringList>

#include <functional>

namespace app {

// How `--screenshot` draws: `--view`, `--range`, `--dark`, `--arrows`.
struct ScreenshotOptions
{
    bool byTask = false;  // --view task
    double fromMs = 0;    // --range START_MS:END_MS, from each run's start
    double toMs = -1;     // <= fromMs: everything
    bool dark = false;    // --dark
    bool queueArrows = false; // --arrows queue
    bool wakeArrows = false;  // --arrows wake
    // Per run: the set it names its tasks from (the lab's set, an opened
    // file's own names); runs past its end are named from the set given.
    std::vector<std::shared_ptr<const il::TaskSet>> runNames;
};

// Renders the comparison picture to a .png or .svg; empty string or error.
// The task set is shared, not copied: a million tasks are ~150 MB. The
// files written (`path`, and its further pages: out-2.png, …) go to *files.
using ScreenshotFn = std::function<QString(const std::shared_ptr<const il::TaskSet> &, const std::vector<il::RunResultPtr> &,
                                           const QString &path, const ScreenshotOptions &options, QStringList *files)>;

bool isCliCommand(const QString &arg);
// `args` excludes the program name. Needs a QCoreApplication.
int runCli(const QStringList &args, const ScreenshotFn &screenshot = {});

} // namespace app
