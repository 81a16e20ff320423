#include "core/modes/processes/workerchannel.h"

#include "core/base/clock.h"
#include "core/exec/phaserunner.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

namespace il {

void WorkerChannel::fail(const std::string &message)
{
    m_sink.send(protocol::encodeError(message));
    std::fprintf(stderr, "interleave-worker: %s\n", message.c_str());
    _exit(2);
}

bool WorkerChannel::decoded(protocol::Frame *frame)
{
    switch (m_decoder.next(frame)) {
    case protocol::Decoder::Status::Frame:
        if (frame->type == protocol::FrameType::Quit) {
            m_sink.flush();
            _exit(0);
        }
        return true;
    case protocol::Decoder::Status::Error: fail(m_decoder.error());
    case protocol::Decoder::Status::NeedMore: break;
    }
    return false;
}

void WorkerChannel::readPipe()
{
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(m_in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // the parent closed the pipe
            m_sink.flush();
            _exit(0);
        }
        m_decoder.feed(buf, std::size_t(n));
        return;
    }
}

protocol::Frame WorkerChannel::read()
{
    protocol::Frame frame;
    while (!decoded(&frame))
        readPipe();
    return frame;
}

bool WorkerChannel::spinForInput(std::int64_t ns)
{
    if (ns <= 0)
        return false;
    const std::int64_t until = monoNs() + ns;
    pollfd p{m_in, POLLIN, 0};
    for (;;) {
        if (::poll(&p, 1, 0) > 0)
            return true;
        if (monoNs() >= until)
            return false;
        ::sched_yield();
    }
}

void WorkerChannel::lookForNextTask()
{
    if (m_spinNs <= 0)
        return;
    if (m_skipLooks > 0) {
        --m_skipLooks;
        return;
    }
    if (spinForInput(std::min(m_spinNs, nextTaskSpinNs))) {
        m_lookBackoff = 0;
        return;
    }
    m_lookBackoff = std::min(2 * m_lookBackoff + 1, maxSkippedLooks);
    m_skipLooks = m_lookBackoff;
}

void WorkerChannel::take(protocol::Frame frame)
{
    switch (frame.type) {
    case protocol::FrameType::Task:
    case protocol::FrameType::Shared: m_deferred.push_back(std::move(frame)); return;
    case protocol::FrameType::Revoke: {
        // Only a task still waiting here can go back; one that has begun
        // (or ended) answers with its events.
        const auto it = std::find_if(m_deferred.begin(), m_deferred.end(), [&](const protocol::Frame &f) {
            return f.type == protocol::FrameType::Task && f.taskIndex == frame.taskIndex;
        });
        if (it != m_deferred.end()) {
            m_deferred.erase(it);
            m_sink.send(protocol::encodeRevoked(monoNs(), frame.taskIndex));
        }
        return;
    }
    default: fail("unexpected frame from the parent (type " + std::to_string(int(frame.type)) + ")");
    }
}

void WorkerChannel::takeIn(bool wait)
{
    protocol::Frame frame;
    for (;;) {
        if (decoded(&frame)) {
            take(std::move(frame));
            continue;
        }
        if (wait && m_deferred.empty())
            lookForNextTask();
        if (!wait || !m_deferred.empty()) {
            pollfd p{m_in, POLLIN, 0};
            const int ready = ::poll(&p, 1, 0);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready <= 0)
                return;
        }
        readPipe();
        wait = false; // one read that may block, then only what is there
    }
}

protocol::Frame WorkerChannel::next()
{
    // With nothing queued, wait for the parent (again, if all that came was
    // revokes); with tasks queued, only look.
    do
        takeIn(m_deferred.empty());
    while (m_deferred.empty());
    protocol::Frame frame = std::move(m_deferred.front());
    m_deferred.pop_front();
    return frame;
}

protocol::Grant WorkerChannel::grant(std::uint32_t task, std::uint32_t lock)
{
    spinForInput(m_spinNs);
    for (;;) {
        protocol::Frame frame = read();
        if (frame.type != protocol::FrameType::Grant) {
            take(std::move(frame));
            continue;
        }
        if (frame.taskIndex != task || frame.lock != lock)
            fail("expected the answer to task " + std::to_string(task) + "'s acquire of lock " + std::to_string(lock)
                 + ", got one for task " + std::to_string(frame.taskIndex) + "'s of lock " + std::to_string(frame.lock));
        return frame.grant;
    }
}

TaskLocks::Result WorkerLocks::acquire(std::uint32_t lock, std::uint32_t task, std::uint16_t phase,
                                       std::uint16_t lane, EventSink &sink, const CancelToken &)
{
    const std::int64_t askedNs = monoNs();
    m_channel.send(protocol::encodeAcquire(askedNs, task, lock, phase));
    const protocol::Grant how = m_channel.grant(task, lock);
    const std::int64_t nowNs = monoNs();
    if (how == protocol::Grant::AtOnce) {
        sink.record(Event{askedNs, task, lane, phase, EventKind::SpanBegin, SpanKind::Ipc});
        sink.record(Event{nowNs, task, lane, phase, EventKind::SpanEnd, SpanKind::Ipc});
        return Result::Acquired;
    }
    sink.record(Event{nowNs, task, lane, phase, EventKind::SpanEnd, SpanKind::LockWait});
    return how == protocol::Grant::AfterWait ? Result::Acquired : Result::Deadlocked;
}

void WorkerLocks::release(std::uint32_t lock, std::uint32_t task)
{
    m_channel.send(protocol::encodeRelease(monoNs(), task, lock));
}

} // namespace il
