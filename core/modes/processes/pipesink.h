#pragma once

#include "core/exec/phaserunner.h"
#include "core/modes/processes/protocol.h"

#include <unistd.h>

namespace il {

// A worker process's lane: every event goes straight down the pipe to the
// parent, as an Event frame. If the parent is gone there is nobody left to
// report to, so the worker ends.
class PipeSink final : public EventSink
{
public:
    explicit PipeSink(int fd = STDOUT_FILENO) : m_fd(fd) {}
    void record(const Event &event) override
    {
        if (!protocol::writeAll(m_fd, protocol::encodeEvent(event)))
            _exit(3);
    }

private:
    int m_fd;
};

} // namespace il
