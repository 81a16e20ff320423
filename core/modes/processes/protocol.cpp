#include "core/modes/processes/protocol.h"

#include "core/base/wording.h"

#include <QtEndian>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <unistd.h>

namespace il::protocol {

namespace {

template<typename T>
void put(QByteArray &out, T value)
{
    char buf[sizeof(T)];
    qToLittleEndian(value, buf);
    out.append(buf, sizeof(T));
}

void putDouble(QByteArray &out, double value)
{
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put(out, bits);
}

template<typename T>
T get(const char *p)
{
    return qFromLittleEndian<T>(p);
}

QByteArray frame(FrameType type, const QByteArray &payload)
{
    QByteArray out;
    out.reserve(5 + payload.size());
    put(out, std::uint32_t(payload.size()));
    put(out, std::uint8_t(type));
    out.append(payload);
    return out;
}

} // namespace

bool writeAll(int fd, const QByteArray &bytes)
{
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= n;
    }
    return true;
}

QByteArray encodeHello(std::uint32_t pid, std::uint16_t protocolVersion)
{
    QByteArray out(magic, 4);
    put(out, protocolVersion);
    put(out, std::uint16_t(0));
    put(out, pid);
    return out;
}

QByteArray encodeTask(std::uint32_t index, const Task &task)
{
    QByteArray payload;
    payload.reserve(8 + 9 * qsizetype(task.phases.size()));
    put(payload, index);
    put(payload, std::uint32_t(task.phases.size()));
    for (const Phase &p : task.phases) {
        put(payload, std::uint8_t(p.kind));
        putDouble(payload, p.ms);
    }
    return frame(FrameType::Task, payload);
}

QByteArray encodeQuit()
{
    return frame(FrameType::Quit, {});
}

QByteArray encodeEvent(const Event &e)
{
    QByteArray payload;
    payload.reserve(20);
    put(payload, e.tNs);
    put(payload, e.task);
    put(payload, e.phase);
    put(payload, std::uint8_t(e.kind));
    put(payload, std::uint8_t(e.span));
    put(payload, e.cpuUs);
    return frame(FrameType::Event, payload);
}

QByteArray encodeError(const QString &message)
{
    return frame(FrameType::Error, message.toUtf8().left(4096));
}

Decoder::Status Decoder::fail(const QString &message)
{
    m_error = message;
    return Status::Error;
}

Decoder::Status Decoder::next(Frame *out)
{
    if (!m_error.isEmpty())
        return Status::Error;
    // Compact now and then so a long-lived pipe does not grow the buffer.
    if (m_pos > 65536 && m_pos * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    const char *p = m_buffer.constData() + m_pos;
    const qsizetype avail = m_buffer.size() - m_pos;

    if (!m_helloSeen) {
        const qsizetype check = std::min<qsizetype>(avail, 4);
        if (std::memcmp(p, magic, size_t(check)) != 0)
            return fail(QStringLiteral("bad handshake: expected the magic \"ILVW\", got bytes %1")
                            .arg(QString::fromLatin1(QByteArray(p, check).toHex(' '))));
        if (avail < qsizetype(helloSize))
            return Status::NeedMore;
        const auto v = get<std::uint16_t>(p + 4);
        if (v != version)
            return fail(QStringLiteral("incompatible protocol version %1 (this build speaks version %2)").arg(v).arg(version));
        m_peerPid = get<std::uint32_t>(p + 8);
        m_helloSeen = true;
        m_pos += helloSize;
        return next(out);
    }

    if (avail < 5)
        return Status::NeedMore;
    const auto length = get<std::uint32_t>(p);
    const auto type = std::uint8_t(p[4]);
    if (length > maxPayload)
        return fail(QStringLiteral("frame too large (%1 bytes; at most %2)").arg(length).arg(maxPayload));
    if (avail < 5 + qsizetype(length))
        return Status::NeedMore;
    const char *payload = p + 5;

    switch (FrameType(type)) {
    case FrameType::Quit:
        if (length != 0)
            return fail(QStringLiteral("quit frame with a %1-byte payload").arg(length));
        out->type = FrameType::Quit;
        break;
    case FrameType::Event: {
        if (length != 20)
            return fail(QStringLiteral("event frame of %1 (expected 20)").arg(plural(length, "byte")));
        Event e;
        e.tNs = get<std::int64_t>(payload);
        e.task = get<std::uint32_t>(payload + 8);
        e.phase = get<std::uint16_t>(payload + 12);
        const auto kind = std::uint8_t(payload[14]);
        const auto span = std::uint8_t(payload[15]);
        if (kind > std::uint8_t(EventKind::SpanEnd))
            return fail(QStringLiteral("event frame with unknown kind %1").arg(kind));
        if (span > std::uint8_t(SpanKind::Ready) && span != std::uint8_t(SpanKind::None))
            return fail(QStringLiteral("event frame with unknown span kind %1").arg(span));
        e.kind = EventKind(kind);
        e.span = SpanKind(span);
        e.cpuUs = get<std::uint32_t>(payload + 16);
        e.lane = noLane;
        out->type = FrameType::Event;
        out->event = e;
        break;
    }
    case FrameType::Task: {
        if (length < 8)
            return fail(QStringLiteral("task frame of %1 (at least 8)").arg(plural(length, "byte")));
        const auto index = get<std::uint32_t>(payload);
        const auto count = get<std::uint32_t>(payload + 4);
        if (count == 0 || count > limits::maxPhasesPerTask || length != 8 + 9 * std::uint64_t(count))
            return fail(QStringLiteral("task frame with %1 in %2").arg(plural(count, "phase"), plural(length, "byte")));
        Task task;
        task.phases.resize(count);
        for (std::uint32_t i = 0; i < count; ++i) {
            const char *q = payload + 8 + 9 * i;
            const auto kind = std::uint8_t(q[0]);
            const auto bits = get<std::uint64_t>(q + 1);
            double ms;
            std::memcpy(&ms, &bits, sizeof ms);
            if (kind > std::uint8_t(PhaseKind::Io) || !std::isfinite(ms) || ms < 0 || ms > limits::maxPhaseMs)
                return fail(QStringLiteral("task frame: phase %1 is invalid").arg(i));
            task.phases[i] = {PhaseKind(kind), ms};
        }
        out->type = FrameType::Task;
        out->taskIndex = index;
        out->task = std::move(task);
        break;
    }
    case FrameType::Error:
        out->type = FrameType::Error;
        out->message = QString::fromUtf8(payload, qsizetype(length));
        break;
    default:
        return fail(QStringLiteral("unknown frame type %1").arg(type));
    }
    m_pos += 5 + length;
    return Status::Frame;
}

} // namespace il::protocol
