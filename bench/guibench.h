#pragma once

#include "benchutil.h"

namespace bench {

// Timeline scale figures (issue 3): TimelineModel build of a synthetic
// 1,000,000-event trace, its memory per event, and offscreen full repaints
// with TimelinePainter at several zoom levels. Group "gui". Needs a
// QGuiApplication (fonts); the offscreen platform is enough.
void benchGui(const Options &options, Report &report);

} // namespace bench
