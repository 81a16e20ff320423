#pragma once

#include "cli.h"

// Opens the window. Arguments: none (the default preset), FILE.json (that task
// set), --demo (also presses Run), --dark (a dark palette, e.g. for screenshots).
int runGui(int argc, char **argv);

// What `interleave run ... --screenshot FILE` renders with (ui::renderComparison).
// Needs a QApplication; the offscreen platform is enough.
app::ScreenshotFn screenshotRenderer();
