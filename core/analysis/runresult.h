#pragma once

#include "core/analysis/metrics.h"
#include "core/trace/trace.h"

#include <QMetaType>

#include <memory>

namespace il {

// What one finished run leaves behind: its immutable trace and the measures
// computed from it. Shared read-only by the window, the exporters and the CLI.
struct RunResult
{
    TracePtr trace;
    Metrics metrics;
};
using RunResultPtr = std::shared_ptr<const RunResult>;

} // namespace il

Q_DECLARE_METATYPE(il::RunResultPtr)
