#pragma once

#include "core/trace/incident.h"
#include "core/trace/trace.h"

#include <QString>

namespace il {

// One incident in words, the only place they are made (translatable, context
// "IncidentWords"): "worker 2 (pid 4242) crashed or was killed — stderr:
// boom; task 1 failed; worker replaced". The command line's table, the run
// header, tooltips, the status bar and the "why" panel all ask here; what a
// program needs it reads from the incident's fields, never from these words.
QString incidentWords(const Incident &incident, const RunInfo &info);

} // namespace il
