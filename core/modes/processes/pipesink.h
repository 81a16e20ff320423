#pragma once

#include "core/exec/eventsink.h"
#include "core/modes/processes/protocol.h"

#include <string>
#include <string_view>
#include <unistd.h>

namespace il {

// A worker process's lane: events go down the pipe to the parent as Event
// frames, gathered until the lane blocks or computes (flush()) and at the
// task's end, so a task whose phases take no time costs one write, not one
// per event (a system call costs ~1 µs on the CI machine, and each write
// can wake the parent). The parent still sees every event before the
// worker waits or computes. If the parent is gone there is nobody left to
// report to, so the worker ends.
class PipeSink final : public EventSink
{
public:
    explicit PipeSink(int fd = STDOUT_FILENO) : m_fd(fd) {}
    ~PipeSink() override { flush(); }
    void record(const Event &event) override { protocol::appendEvent(m_pending, event); }
    // A frame of the worker's own (a lock request, say): after the events
    // recorded before it, sent now.
    void send(std::string_view frame)
    {
        m_pending += frame;
        flush();
    }
    void flush() override
    {
        if (m_pending.empty())
            return;
        if (!protocol::writeAll(m_fd, m_pending))
            _exit(3);
        m_pending.clear();
    }

private:
    int m_fd;
    std::string m_pending; // kept between tasks: its capacity is reused
};

} // namespace il
