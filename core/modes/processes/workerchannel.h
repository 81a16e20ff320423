#pragma once

#include "core/exec/tasklocks.h"
#include "core/modes/processes/pipesink.h"
#include "core/modes/processes/protocol.h"

#include <deque>
#include <string>
#include <string_view>

namespace il {

// A worker process's side of the pipes: the parent's frames, read from
// stdin as they are needed (blocking), and the worker's own frames, sent
// down the PipeSink after the events recorded before them. There is nobody
// to report to once the parent is gone, so the worker ends: with 0 when the
// parent closed the pipe or said Quit, with 2 after telling it (an Error
// frame) when it sent something a worker cannot take.
class WorkerChannel
{
public:
    // `spinNs`: how long to look at the pipe before sleeping when waiting
    // for a lock's answer or (at most nextTaskSpinNs) the next task; 0:
    // sleep at once.
    explicit WorkerChannel(PipeSink &sink, std::int64_t spinNs = 0, int in = STDIN_FILENO)
        : m_sink(sink), m_in(in), m_spinNs(spinNs) {}

    // The parent's next Task or Shared frame, in the order sent. Before
    // handing out a task sent ahead it takes in whatever else the parent has
    // sent meanwhile, without waiting, so a Revoke for it is seen first: a
    // task asked back is dropped and a Revoked frame says so. Quit ends the
    // process.
    protocol::Frame next();
    // Blocks for the parent's answer to `task`'s Acquire of `lock`; tasks
    // sent meanwhile are kept for next().
    protocol::Grant grant(std::uint32_t task, std::uint32_t lock);
    // Sends `frame` after every event recorded so far.
    void send(std::string_view frame) { m_sink.send(frame); }
    // Tells the parent what went wrong (an Error frame, and a line on stderr
    // it keeps with the incident) and ends the process with status 2.
    [[noreturn]] void fail(const std::string &message);

private:
    // The next frame read, blocking for the pipe as needed.
    protocol::Frame read();
    // A whole frame already read into *frame (Quit ends the process)?
    bool decoded(protocol::Frame *frame);
    // One read() of the pipe into the decoder; blocks until something comes.
    void readPipe();
    // Every frame already read, then what the pipe holds now: tasks
    // queued, revokes applied. Blocks for the parent only with `wait` and
    // no task queued.
    void takeIn(bool wait);
    void take(protocol::Frame frame);
    // Looks at the pipe for up to `ns`, yielding the core between looks, so
    // that an answer the parent sends at once needs no wake-up of this
    // process (on this VM a wake-up is ~5-20 µs). True if something came.
    // The parent allows it (spinNs > 0) only while every worker can have a
    // core of its own. Before a lock's answer it looks for spinNs.
    bool spinForInput(std::int64_t ns);
    // Before sleeping for its next task it looks for at most nextTaskSpinNs,
    // and only while looking pays: each look that finds nothing doubles how
    // many waits go by without one (up to maxSkippedLooks), one that finds
    // the task starts again. On a busy machine the parent's answer comes
    // late, looks find nothing, and the core they would take stays the
    // parent's (always looking: 20,000 zero-length tasks on 2 workers took
    // 250-440 ms at load 1.5 against 140-190 ms not looking).
    void lookForNextTask();
    static constexpr std::int64_t nextTaskSpinNs = 20'000;
    static constexpr int maxSkippedLooks = 64;

    PipeSink &m_sink;
    int m_in;
    std::int64_t m_spinNs;
    int m_lookBackoff = 0; // lookForNextTask()
    int m_skipLooks = 0;
    protocol::Decoder m_decoder;
    std::deque<protocol::Frame> m_deferred;
};

// The run's locks as a worker sees them: kept by the parent, which answers
// each Acquire with a Grant once the lock is the task's. A lock that was
// free costs one round trip, drawn as an ipc span of the acquire phase; a
// wait is a lock-wait span the parent begins (it knows the task is in line)
// and the worker ends when it runs on.
class WorkerLocks final : public TaskLocks
{
public:
    explicit WorkerLocks(WorkerChannel &channel) : m_channel(channel) {}

    Result acquire(std::uint32_t lock, std::uint32_t task, std::uint16_t phase, std::uint16_t lane,
                   EventSink &sink, const CancelToken &cancel) override;
    void release(std::uint32_t lock, std::uint32_t task) override;
    // Nothing to do here: the parent hands on the locks of any task that
    // failed, whether the worker said so or died.
    void abandon(std::uint32_t) override {}

private:
    WorkerChannel &m_channel;
};

} // namespace il
