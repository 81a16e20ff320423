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

double getDouble(const char *p)
{
    const auto bits = get<std::uint64_t>(p);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
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

QByteArray encodeTask(std::uint32_t index, const Task &task, const std::vector<Increment> &increments)
{
    QByteArray payload;
    payload.reserve(8 + 21 * qsizetype(task.phases.size()));
    put(payload, index);
    put(payload, std::uint32_t(task.phases.size()));
    for (const Phase &p : task.phases) {
        put(payload, std::uint8_t(p.kind));
        switch (p.kind) {
        case PhaseKind::Cpu:
        case PhaseKind::Io: putDouble(payload, p.ms); break;
        case PhaseKind::Acquire:
        case PhaseKind::Release: put(payload, p.ref); break;
        case PhaseKind::Increment: {
            const Increment &inc = increments.at(p.ref);
            put(payload, inc.counter);
            put(payload, inc.times);
            putDouble(payload, inc.ioMs);
            break;
        }
        }
    }
    return frame(FrameType::Task, payload);
}

QByteArray encodeQuit()
{
    return frame(FrameType::Quit, {});
}

QByteArray encodeShared(std::int32_t fd, std::uint32_t cells)
{
    QByteArray payload;
    put(payload, fd);
    put(payload, cells);
    return frame(FrameType::Shared, payload);
}

QByteArray encodeGrant(std::uint32_t task, std::uint32_t lock, Grant how)
{
    QByteArray payload;
    put(payload, task);
    put(payload, lock);
    put(payload, std::uint8_t(how));
    return frame(FrameType::Grant, payload);
}

QByteArray encodeAcquire(std::int64_t tNs, std::uint32_t task, std::uint32_t lock, std::uint16_t phase)
{
    QByteArray payload;
    put(payload, tNs);
    put(payload, task);
    put(payload, lock);
    put(payload, phase);
    return frame(FrameType::Acquire, payload);
}

QByteArray encodeRelease(std::int64_t tNs, std::uint32_t task, std::uint32_t lock)
{
    QByteArray payload;
    put(payload, tNs);
    put(payload, task);
    put(payload, lock);
    return frame(FrameType::Release, payload);
}

QByteArray encodeRevoke(std::uint32_t task)
{
    QByteArray payload;
    put(payload, task);
    return frame(FrameType::Revoke, payload);
}

QByteArray encodeRevoked(std::int64_t tNs, std::uint32_t task)
{
    QByteArray payload;
    put(payload, tNs);
    put(payload, task);
    return frame(FrameType::Revoked, payload);
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
        if (span > std::uint8_t(SpanKind::LockWait) && span != std::uint8_t(SpanKind::None))
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
        const auto bad = [&] {
            return fail(QStringLiteral("task frame with %1 in %2").arg(plural(count, "phase"), plural(length, "byte")));
        };
        if (count == 0 || count > limits::maxPhasesPerTask || length < 8 + 5 * std::uint64_t(count))
            return bad();
        Task task;
        task.phases.resize(count);
        std::vector<Increment> increments;
        const char *q = payload + 8;
        const char *end = payload + length;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (end - q < 1)
                return bad();
            const auto kind = std::uint8_t(*q++);
            const std::ptrdiff_t need = kind == std::uint8_t(PhaseKind::Increment) ? 20
                                        : kind == std::uint8_t(PhaseKind::Acquire)
                                                || kind == std::uint8_t(PhaseKind::Release)
                                            ? 4
                                            : 8;
            if (kind > std::uint8_t(PhaseKind::Increment))
                return fail(QStringLiteral("task frame: phase %1 has unknown kind %2").arg(i).arg(kind));
            if (end - q < need)
                return bad();
            const auto k = PhaseKind(kind);
            if (k == PhaseKind::Cpu || k == PhaseKind::Io) {
                const double ms = getDouble(q);
                if (!std::isfinite(ms) || ms < 0 || ms > limits::maxPhaseMs)
                    return fail(QStringLiteral("task frame: phase %1 is invalid").arg(i));
                task.phases[i] = {k, ms};
            } else if (k == PhaseKind::Increment) {
                Increment inc;
                inc.counter = get<std::uint32_t>(q);
                inc.times = get<std::int64_t>(q + 4);
                inc.ioMs = getDouble(q + 12);
                if (inc.times < 0 || inc.times > limits::maxIncrementTimes || std::isnan(inc.ioMs)
                    || inc.ioMs > limits::maxPhaseMs)
                    return fail(QStringLiteral("task frame: phase %1 is invalid").arg(i));
                task.phases[i] = {k, std::uint32_t(increments.size()), 0};
                increments.push_back(inc);
            } else {
                task.phases[i] = {k, get<std::uint32_t>(q), 0};
            }
            q += need;
        }
        if (q != end)
            return bad();
        out->type = FrameType::Task;
        out->taskIndex = index;
        out->task = std::move(task);
        out->increments = std::move(increments);
        break;
    }
    case FrameType::Shared:
        if (length != 8)
            return fail(QStringLiteral("shared frame of %1 (expected 8)").arg(plural(length, "byte")));
        out->type = FrameType::Shared;
        out->fd = get<std::int32_t>(payload);
        out->cells = get<std::uint32_t>(payload + 4);
        break;
    case FrameType::Grant: {
        if (length != 9)
            return fail(QStringLiteral("grant frame of %1 (expected 9)").arg(plural(length, "byte")));
        const auto how = std::uint8_t(payload[8]);
        if (how > std::uint8_t(Grant::Deadlocked))
            return fail(QStringLiteral("grant frame with unknown answer %1").arg(how));
        out->type = FrameType::Grant;
        out->taskIndex = get<std::uint32_t>(payload);
        out->lock = get<std::uint32_t>(payload + 4);
        out->grant = Grant(how);
        break;
    }
    case FrameType::Acquire:
        if (length != 18)
            return fail(QStringLiteral("acquire frame of %1 (expected 18)").arg(plural(length, "byte")));
        out->type = FrameType::Acquire;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        out->lock = get<std::uint32_t>(payload + 12);
        out->phase = get<std::uint16_t>(payload + 16);
        break;
    case FrameType::Revoke:
        if (length != 4)
            return fail(QStringLiteral("revoke frame of %1 (expected 4)").arg(plural(length, "byte")));
        out->type = FrameType::Revoke;
        out->taskIndex = get<std::uint32_t>(payload);
        break;
    case FrameType::Revoked:
        if (length != 12)
            return fail(QStringLiteral("revoked frame of %1 (expected 12)").arg(plural(length, "byte")));
        out->type = FrameType::Revoked;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        break;
    case FrameType::Release:
        if (length != 16)
            return fail(QStringLiteral("release frame of %1 (expected 16)").arg(plural(length, "byte")));
        out->type = FrameType::Release;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        out->lock = get<std::uint32_t>(payload + 12);
        break;
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
