#pragma once

#include "core/trace/event.h"

namespace il {

// Where a lane's events go: the recorder (in-process lanes, RecorderSink in
// recorder.h) or the pipe back to the parent (worker processes, PipeSink).
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void record(const Event &event) = 0;
    // The lane is about to block or compute for a while: whatever it
    // recorded must be seen now (the live view), not after. A sink that
    // batches (the worker's pipe) sends here; the recorder is always live.
    virtual void flush() {}
};

} // namespace il
