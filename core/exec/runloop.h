#pragma once

#include <QEventLoop>

#include <cstdint>

namespace il {

// The run thread's event loop of a mode that waits on events (the event
// loop, the process pool), counting the run's unfinished tasks down: the
// last one finished, or Stop, ends it. From then on running() is false, so a
// late signal (a worker's last bytes, a timer) can tell the run is over; a
// stop() before exec() makes exec() return at once.
class RunLoop
{
public:
    explicit RunLoop(std::uint32_t tasks) : m_remaining(tasks), m_running(tasks > 0) {}

    void exec()
    {
        if (m_running)
            m_loop.exec();
        m_running = false;
    }
    void finishOne()
    {
        if (m_remaining > 0 && --m_remaining == 0)
            stop();
    }
    void stop()
    {
        if (!m_running)
            return;
        m_running = false;
        m_loop.quit();
    }
    bool running() const { return m_running; }
    // A context object for timers and queued calls that must die with the run.
    QObject *context() { return &m_loop; }

private:
    QEventLoop m_loop;
    std::uint32_t m_remaining;
    bool m_running;
};

// An executor's way to its RunLoop, which lives on run()'s stack: outside
// run() nothing runs and finishing or stopping does nothing.
class RunLoopHandle
{
public:
    void attach(RunLoop *loop) { m_loop = loop; }
    bool running() const { return m_loop && m_loop->running(); }
    void finishOne()
    {
        if (m_loop)
            m_loop->finishOne();
    }
    void stop()
    {
        if (m_loop)
            m_loop->stop();
    }
    QObject *context() const { return m_loop ? m_loop->context() : nullptr; }

private:
    RunLoop *m_loop = nullptr;
};

} // namespace il
