#pragma once

#include "core/model/taskset.h"

#include <QStringList>

namespace il {

// Built-in task sets compiled in from resources/presets/*.json.
QStringList presetNames();
QString presetDescription(const QString &name);
TaskSetResult loadPreset(const QString &name);

inline constexpr const char *defaultPreset = "scrape-and-parse";

} // namespace il
