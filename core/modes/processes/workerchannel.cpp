#include "core/modes/processes/workerchannel.h"

#include "core/base/clock.h"
#include "core/exec/phaserunner.h"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace il {

void WorkerChannel::fail(const QString &message)
{
    m_sink.send(protocol::encodeError(message));
    std::fprintf(stderr, "interleave-worker: %s\n", qPrintable(message));
    _exit(2);
}

protocol::Frame WorkerChannel::read()
{
    protocol::Frame frame;
    for (;;) {
        switch (m_decoder.next(&frame)) {
        case protocol::Decoder::Status::Frame:
            if (frame.type == protocol::FrameType::Quit) {
                m_sink.flush();
                _exit(0);
            }
            return frame;
        case protocol::Decoder::Status::Error: fail(m_decoder.error());
        case protocol::Decoder::Status::NeedMore: break;
        }
        char buf[65536];
        const ssize_t n = ::read(m_in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // the parent closed the pipe
            m_sink.flush();
            _exit(0);
        }
        m_decoder.feed(buf, std::size_t(n));
    }
}

protocol::Frame WorkerChannel::next()
{
    if (!m_deferred.empty()) {
        protocol::Frame frame = std::move(m_deferred.front());
        m_deferred.pop_front();
        return frame;
    }
    protocol::Frame frame = read();
    if (frame.type != protocol::FrameType::Task && frame.type != protocol::FrameType::Shared)
        fail(QStringLiteral("unexpected frame from the parent (type %1)").arg(int(frame.type)));
    return frame;
}

protocol::Grant WorkerChannel::grant(std::uint32_t task, std::uint32_t lock)
{
    for (;;) {
        protocol::Frame frame = read();
        if (frame.type == protocol::FrameType::Task) {
            m_deferred.push_back(std::move(frame));
            continue;
        }
        if (frame.type != protocol::FrameType::Grant || frame.taskIndex != task || frame.lock != lock)
            fail(QStringLiteral("expected the answer to task %1's acquire of lock %2, got a frame of type %3")
                     .arg(task).arg(lock).arg(int(frame.type)));
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
