#pragma once

#include "core/import/openedtrace.h"

#include <QStringList>

#include <functional>
#include <vector>

class QWidget;

namespace ui {

// Opens trace files on a background thread while the window stays
// responsive: a progress dialog (shown after a moment, for big files) with
// Cancel, which stops the reading at the next few thousand events. `done`
// runs on the GUI thread with one result per file, in order (a cancelled
// one has OpenResult::cancelled set, and no file after it is opened).
void openTracesInBackground(QWidget *parent, const QStringList &paths,
                            std::function<void(std::vector<il::OpenResult>)> done);

} // namespace ui
