#pragma once

#include "core/trace/trace.h"

#include <QString>

namespace app {

// The command line's words for an incident, the only place it makes them:
// "worker 2 (pid 4242) crashed or was killed; task 1 failed; worker
// replaced — stderr: …". The run's mode and lane names come from `info`.
// Not escaped: the caller prints through il::printable().
QString incidentWords(const il::Incident &incident, const il::RunInfo &info);

} // namespace app
