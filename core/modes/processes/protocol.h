#pragma once

#include "core/model/taskset.h"
#include "core/trace/event.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace il::protocol {

// The pipe between the process pool and interleave-worker. Each side first
// sends a hello: 4-byte magic "ILVW", u16 version, u16 reserved, u32 pid.
// Then frames: u32 payload length, u8 type, payload; integers little-endian,
// durations as IEEE doubles. A peer that sends anything else is broken, and
// the decoder says so instead of guessing.
inline constexpr char magic[4] = {'I', 'L', 'V', 'W'};
inline constexpr std::uint16_t version = 1;
inline constexpr std::size_t helloSize = 12;
inline constexpr std::uint32_t maxPayload = 1u << 20;

enum class FrameType : std::uint8_t {
    Task = 1,   // parent -> worker: u32 index, u32 phase count, {u8 kind, f64 ms}*
    Quit = 2,   // parent -> worker: no payload
    Event = 16, // worker -> parent: i64 t_ns, u32 task, u16 phase, u8 kind, u8 span, u32 cpu_us
    Error = 17, // worker -> parent: UTF-8 message
};

// Writes all of `bytes` to a file descriptor (a worker's stdout), retrying
// short writes and EINTR. False once the other end is gone.
bool writeAll(int fd, const QByteArray &bytes);

QByteArray encodeHello(std::uint32_t pid, std::uint16_t protocolVersion = version);
QByteArray encodeTask(std::uint32_t index, const Task &task);
QByteArray encodeQuit();
QByteArray encodeEvent(const Event &event);
QByteArray encodeError(const QString &message);

struct Frame
{
    FrameType type = FrameType::Quit;
    Event event;               // Event (lane is left as noLane: the parent knows it)
    std::uint32_t taskIndex = 0; // Task
    Task task;                 // Task (phases only)
    QString message;           // Error
};

// Incremental: feed() whatever the pipe delivered, then call next() until it
// returns NeedMore. After Error it stays in error.
class Decoder
{
public:
    enum class Status { Frame, NeedMore, Error };

    void feed(const char *data, std::size_t size) { m_buffer.append(data, qsizetype(size)); }
    void feed(const QByteArray &bytes) { m_buffer.append(bytes); }
    Status next(Frame *out);

    bool helloSeen() const { return m_helloSeen; }
    std::uint32_t peerPid() const { return m_peerPid; }
    QString error() const { return m_error; }

private:
    Status fail(const QString &message);

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_helloSeen = false;
    std::uint32_t m_peerPid = 0;
    QString m_error;
};

} // namespace il::protocol
