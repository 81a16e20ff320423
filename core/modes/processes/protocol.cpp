#include "core/modes/processes/protocol.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <unistd.h>

namespace il::protocol {

namespace {

// Little-endian whatever the host: the shifts compile to a plain store on x86.
template<typename T>
void put(Bytes &out, T value)
{
    using U = std::make_unsigned_t<T>;
    const U v = U(value);
    char buf[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i)
        buf[i] = char((v >> (8 * i)) & 0xff);
    out.append(buf, sizeof(T));
}

void putDouble(Bytes &out, double value)
{
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put(out, bits);
}

template<typename T>
T get(const char *p)
{
    using U = std::make_unsigned_t<T>;
    U v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v |= U(static_cast<unsigned char>(p[i])) << (8 * i);
    return T(v);
}

double getDouble(const char *p)
{
    const auto bits = get<std::uint64_t>(p);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// The frame's header; the payload follows, `length` bytes.
void header(Bytes &out, FrameType type, std::uint32_t length)
{
    put(out, length);
    put(out, std::uint8_t(type));
}

// The length of the frame that `out` holds from its start, written into its
// header once the payload is in place (header(out, type, 0) first).
void closeFrame(Bytes &out)
{
    const auto length = std::uint32_t(out.size() - 5);
    for (std::size_t i = 0; i < 4; ++i)
        out[i] = char((length >> (8 * i)) & 0xff);
}

Bytes frame(FrameType type, std::string_view payload)
{
    Bytes out;
    out.reserve(5 + payload.size());
    header(out, type, std::uint32_t(payload.size()));
    out.append(payload);
    return out;
}

// Words for the errors (the parent shows them as they are).
std::string num(std::uint64_t n) { return std::to_string(n); }
std::string plural(std::uint64_t n, const char *noun)
{
    return num(n) + ' ' + noun + (n == 1 ? "" : "s");
}
std::string hex(const char *p, std::size_t n) // "48 54 54 50"
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i)
            out += ' ';
        const auto b = static_cast<unsigned char>(p[i]);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

} // namespace

bool writeAll(int fd, std::string_view bytes)
{
    const char *p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= std::size_t(n);
    }
    return true;
}

Bytes encodeHello(std::uint32_t pid, std::uint16_t protocolVersion)
{
    Bytes out(magic, 4);
    put(out, protocolVersion);
    put(out, std::uint16_t(0));
    put(out, pid);
    return out;
}

Bytes encodeTask(std::uint32_t index, TaskPhases task)
{
    // Sent for every task: written in place, one buffer.
    Bytes out;
    out.reserve(5 + 8 + 21 * task.phases.size());
    header(out, FrameType::Task, 0);
    put(out, index);
    put(out, std::uint32_t(task.phases.size()));
    for (const Phase &p : task.phases) {
        put(out, std::uint8_t(p.kind));
        switch (p.kind) {
        case PhaseKind::Cpu:
        case PhaseKind::Io: putDouble(out, p.ms); break;
        case PhaseKind::Acquire:
        case PhaseKind::Release: put(out, p.ref); break;
        case PhaseKind::Increment: {
            const Increment &inc = task.increments[p.ref];
            put(out, inc.counter);
            put(out, inc.times);
            putDouble(out, inc.ioMs);
            break;
        }
        }
    }
    closeFrame(out);
    return out;
}

Bytes encodeQuit()
{
    return frame(FrameType::Quit, {});
}

Bytes encodeShared(std::int32_t fd, std::uint32_t cells)
{
    Bytes payload;
    put(payload, fd);
    put(payload, cells);
    return frame(FrameType::Shared, payload);
}

Bytes encodeGrant(std::uint32_t task, std::uint32_t lock, Grant how)
{
    Bytes payload;
    put(payload, task);
    put(payload, lock);
    put(payload, std::uint8_t(how));
    return frame(FrameType::Grant, payload);
}

Bytes encodeAcquire(std::int64_t tNs, std::uint32_t task, std::uint32_t lock, std::uint16_t phase)
{
    Bytes payload;
    put(payload, tNs);
    put(payload, task);
    put(payload, lock);
    put(payload, phase);
    return frame(FrameType::Acquire, payload);
}

Bytes encodeRelease(std::int64_t tNs, std::uint32_t task, std::uint32_t lock)
{
    Bytes payload;
    put(payload, tNs);
    put(payload, task);
    put(payload, lock);
    return frame(FrameType::Release, payload);
}

Bytes encodeRevoke(std::uint32_t task)
{
    Bytes payload;
    put(payload, task);
    return frame(FrameType::Revoke, payload);
}

Bytes encodeRevoked(std::int64_t tNs, std::uint32_t task)
{
    Bytes payload;
    put(payload, tNs);
    put(payload, task);
    return frame(FrameType::Revoked, payload);
}

void appendEvent(Bytes &out, const Event &e)
{
    header(out, FrameType::Event, 20);
    put(out, e.tNs);
    put(out, e.task);
    put(out, e.phase);
    put(out, std::uint8_t(e.kind));
    put(out, std::uint8_t(e.span));
    put(out, e.cpuUs);
}

Bytes encodeEvent(const Event &e)
{
    Bytes out;
    out.reserve(25);
    appendEvent(out, e);
    return out;
}

Bytes encodeError(std::string_view message)
{
    constexpr std::size_t most = 4096;
    if (message.size() > most) {
        std::size_t cut = most; // back to the start of a UTF-8 character
        while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xc0) == 0x80)
            --cut;
        message = message.substr(0, cut);
    }
    return frame(FrameType::Error, message);
}

Decoder::Status Decoder::fail(std::string message)
{
    m_error = std::move(message);
    return Status::Error;
}

Decoder::Status Decoder::next(Frame *out)
{
    if (!m_error.empty())
        return Status::Error;
    // Compact now and then so a long-lived pipe does not grow the buffer.
    if (m_pos > 65536 && m_pos * 2 > m_buffer.size()) {
        m_buffer.erase(0, m_pos);
        m_pos = 0;
    }
    const char *p = m_buffer.data() + m_pos;
    const std::size_t avail = m_buffer.size() - m_pos;

    if (!m_helloSeen) {
        const std::size_t check = std::min<std::size_t>(avail, 4);
        if (std::memcmp(p, magic, check) != 0)
            return fail("bad handshake: expected the magic \"ILVW\", got bytes " + hex(p, check));
        if (avail < helloSize)
            return Status::NeedMore;
        const auto v = get<std::uint16_t>(p + 4);
        if (v != version)
            return fail("incompatible protocol version " + num(v) + " (this build speaks version " + num(version) + ")");
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
        return fail("frame too large (" + num(length) + " bytes; at most " + num(maxPayload) + ")");
    if (avail < 5 + std::size_t(length))
        return Status::NeedMore;
    const char *payload = p + 5;
    const auto wrongSize = [&](const char *what, const char *expected) {
        return fail(std::string(what) + " frame of " + plural(length, "byte") + " (expected " + expected + ")");
    };

    switch (FrameType(type)) {
    case FrameType::Quit:
        if (length != 0)
            return fail("quit frame with a " + num(length) + "-byte payload");
        out->type = FrameType::Quit;
        break;
    case FrameType::Event: {
        if (length != 20)
            return wrongSize("event", "20");
        Event e;
        e.tNs = get<std::int64_t>(payload);
        e.task = get<std::uint32_t>(payload + 8);
        e.phase = get<std::uint16_t>(payload + 12);
        const auto kind = std::uint8_t(payload[14]);
        const auto span = std::uint8_t(payload[15]);
        if (kind > std::uint8_t(EventKind::SpanEnd))
            return fail("event frame with unknown kind " + num(kind));
        if (span > std::uint8_t(SpanKind::LockWait) && span != std::uint8_t(SpanKind::None))
            return fail("event frame with unknown span kind " + num(span));
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
            return fail("task frame of " + plural(length, "byte") + " (at least 8)");
        const auto index = get<std::uint32_t>(payload);
        const auto count = get<std::uint32_t>(payload + 4);
        const auto bad = [&] {
            return fail("task frame with " + plural(count, "phase") + " in " + plural(length, "byte"));
        };
        if (count == 0 || count > limits::maxPhasesPerTask || length < 8 + 5 * std::uint64_t(count))
            return bad();
        std::vector<Phase> phases(count);
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
                return fail("task frame: phase " + num(i) + " has unknown kind " + num(kind));
            if (end - q < need)
                return bad();
            const auto k = PhaseKind(kind);
            if (k == PhaseKind::Cpu || k == PhaseKind::Io) {
                const double ms = getDouble(q);
                if (!std::isfinite(ms) || ms < 0 || ms > limits::maxPhaseMs)
                    return fail("task frame: phase " + num(i) + " is invalid");
                phases[i] = {k, ms};
            } else if (k == PhaseKind::Increment) {
                Increment inc;
                inc.counter = get<std::uint32_t>(q);
                inc.times = get<std::int64_t>(q + 4);
                inc.ioMs = getDouble(q + 12);
                if (inc.times < 0 || inc.times > limits::maxIncrementTimes || std::isnan(inc.ioMs)
                    || inc.ioMs > limits::maxPhaseMs)
                    return fail("task frame: phase " + num(i) + " is invalid");
                phases[i] = {k, std::uint32_t(increments.size()), 0};
                increments.push_back(inc);
            } else {
                phases[i] = {k, get<std::uint32_t>(q), 0};
            }
            q += need;
        }
        if (q != end)
            return bad();
        out->type = FrameType::Task;
        out->taskIndex = index;
        out->phases = std::move(phases);
        out->increments = std::move(increments);
        break;
    }
    case FrameType::Shared:
        if (length != 8)
            return wrongSize("shared", "8");
        out->type = FrameType::Shared;
        out->fd = get<std::int32_t>(payload);
        out->cells = get<std::uint32_t>(payload + 4);
        break;
    case FrameType::Grant: {
        if (length != 9)
            return wrongSize("grant", "9");
        const auto how = std::uint8_t(payload[8]);
        if (how > std::uint8_t(Grant::Deadlocked))
            return fail("grant frame with unknown answer " + num(how));
        out->type = FrameType::Grant;
        out->taskIndex = get<std::uint32_t>(payload);
        out->lock = get<std::uint32_t>(payload + 4);
        out->grant = Grant(how);
        break;
    }
    case FrameType::Acquire:
        if (length != 18)
            return wrongSize("acquire", "18");
        out->type = FrameType::Acquire;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        out->lock = get<std::uint32_t>(payload + 12);
        out->phase = get<std::uint16_t>(payload + 16);
        break;
    case FrameType::Revoke:
        if (length != 4)
            return wrongSize("revoke", "4");
        out->type = FrameType::Revoke;
        out->taskIndex = get<std::uint32_t>(payload);
        break;
    case FrameType::Revoked:
        if (length != 12)
            return wrongSize("revoked", "12");
        out->type = FrameType::Revoked;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        break;
    case FrameType::Release:
        if (length != 16)
            return wrongSize("release", "16");
        out->type = FrameType::Release;
        out->tNs = get<std::int64_t>(payload);
        out->taskIndex = get<std::uint32_t>(payload + 8);
        out->lock = get<std::uint32_t>(payload + 12);
        break;
    case FrameType::Error:
        out->type = FrameType::Error;
        out->message.assign(payload, length);
        break;
    default:
        return fail("unknown frame type " + num(type));
    }
    m_pos += 5 + std::size_t(length);
    return Status::Frame;
}

} // namespace il::protocol
