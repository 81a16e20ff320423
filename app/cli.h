#pragma once

#include "core/engine/engine.h"

#include <QStringList>

#include <functional>

namespace app {

// Renders the comparison picture to a .png or .svg; empty string or error.
using ScreenshotFn = std::function<QString(const il::TaskSet &, const std::vector<il::RunResultPtr> &, const QString &path)>;

bool isCliCommand(const QString &arg);
// `args` excludes the program name. Needs a QCoreApplication.
int runCli(const QStringList &args, const ScreenshotFn &screenshot = {});

} // namespace app
