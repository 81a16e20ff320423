#pragma once

#include "cli.h"

// Opens the window. Arguments: none (the default preset), FILE.json (that task
// set), --demo (also presses Run), --dark (a dark palette, e.g. for screenshots),
// --modes LIST (tick only these, e.g. threads,processes; "all"), --workers N,
// --worker PATH (the interleave-worker to use; also env INTERLEAVE_WORKER).
// SIGTERM and SIGINT close the window as its close button does: the run is
// stopped and its workers reaped, and the exit code is 0.
int runGui(int argc, char **argv);

// What `interleave run ... --screenshot FILE` renders with (ui::renderComparison).
// Needs a QApplication; the offscreen platform is enough.
app::ScreenshotFn screenshotRenderer();
