#pragma once

#include "core/model/phase.h"
#include "core/trace/event.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace il::protocol {

// The pipe between the process pool and interleave-worker. Each side first
// sends a hello: 4-byte magic "ILVW", u16 version, u16 reserved, u32 pid.
// Then frames: u32 payload length, u8 type, payload; integers little-endian,
// durations as IEEE doubles. A peer that sends anything else is broken, and
// the decoder says so instead of guessing.
//
// Standard C++ only: interleave-worker links no Qt, and the parent speaks
// through this same code (frames are std::string bytes, texts UTF-8).
inline constexpr char magic[4] = {'I', 'L', 'V', 'W'};
inline constexpr std::uint16_t version = 2;
inline constexpr std::size_t helloSize = 12;
inline constexpr std::uint32_t maxPayload = 1u << 20;
// The environment variable through which the parent tells a worker how many
// nanoseconds to look at its pipe before sleeping when it waits for a
// lock's answer; absent or 0: sleep at once.
inline constexpr char spinEnvironment[] = "INTERLEAVE_WORKER_SPIN_NS";

enum class FrameType : std::uint8_t {
    // parent -> worker: u32 index, u32 phase count, then per phase u8 kind and
    // cpu / io: f64 ms; acquire / release: u32 lock; increment: u32 counter,
    // i64 times, f64 io ms (< 0: none)
    Task = 1,
    Quit = 2,   // parent -> worker: no payload
    Shared = 3, // parent -> worker: i32 fd, u32 cells: the run's counters, a memfd the worker inherited
    Grant = 4,  // parent -> worker: u32 task, u32 lock, u8 how (Grant)
    Revoke = 5, // parent -> worker: u32 task: give back this task sent ahead, unless it has begun
    Event = 16, // worker -> parent: i64 t_ns, u32 task, u16 phase, u8 kind, u8 span, u32 cpu_us
    Error = 17, // worker -> parent: UTF-8 message
    Acquire = 18, // worker -> parent: i64 t_ns, u32 task, u32 lock, u16 phase; the worker waits for a Grant
    Release = 19, // worker -> parent: i64 t_ns, u32 task, u32 lock
    Revoked = 20, // worker -> parent: i64 t_ns, u32 task: given back, never begun
};

// How the parent answered an Acquire.
enum class Grant : std::uint8_t {
    AtOnce = 0,     // the lock was free
    AfterWait = 1,  // the task waited in line; it holds the lock now
    Deadlocked = 2, // its wait was part of a cycle: it holds nothing and must fail
};

// Writes all of `bytes` to a file descriptor (a worker's stdout), retrying
// short writes and EINTR. False once the other end is gone.
bool writeAll(int fd, std::string_view bytes);

using Bytes = std::string;

Bytes encodeHello(std::uint32_t pid, std::uint16_t protocolVersion = version);
// An increment phase's ref indexes task.increments (the set's, in the
// parent); the frame carries each increment phase's own parameters.
Bytes encodeTask(std::uint32_t index, TaskPhases task);
Bytes encodeQuit();
Bytes encodeShared(std::int32_t fd, std::uint32_t cells);
Bytes encodeGrant(std::uint32_t task, std::uint32_t lock, Grant how);
Bytes encodeEvent(const Event &event);
// UTF-8; at most 4096 bytes of it are sent (cut at a character's start).
Bytes encodeError(std::string_view message);
Bytes encodeAcquire(std::int64_t tNs, std::uint32_t task, std::uint32_t lock, std::uint16_t phase);
Bytes encodeRelease(std::int64_t tNs, std::uint32_t task, std::uint32_t lock);
Bytes encodeRevoke(std::uint32_t task);
Bytes encodeRevoked(std::int64_t tNs, std::uint32_t task);
// The Event frame appended to `out`, with no allocation of its own: the
// worker's pipe sink gathers a task's events this way.
void appendEvent(Bytes &out, const Event &event);

struct Frame
{
    FrameType type = FrameType::Quit;
    Event event;               // Event (lane is left as noLane: the parent knows it)
    std::uint32_t taskIndex = 0; // Task; Grant, Acquire, Release, Revoke, Revoked: the task
    std::vector<Phase> phases; // Task
    // Task: one per increment phase, in phase order; its phase's ref is the index here.
    std::vector<Increment> increments;
    TaskPhases task() const { return {phases, increments}; }
    std::uint32_t lock = 0;    // Grant, Acquire, Release
    std::uint16_t phase = 0;   // Acquire
    std::int64_t tNs = 0;      // Acquire, Release, Revoked
    Grant grant = Grant::AtOnce; // Grant
    std::int32_t fd = -1;      // Shared
    std::uint32_t cells = 0;   // Shared
    std::string message;       // Error (UTF-8)
};

// Incremental: feed() whatever the pipe delivered, then call next() until it
// returns NeedMore. After Error it stays in error.
class Decoder
{
public:
    enum class Status { Frame, NeedMore, Error };

    void feed(const char *data, std::size_t size) { m_buffer.append(data, size); }
    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    Status next(Frame *out);

    bool helloSeen() const { return m_helloSeen; }
    std::uint32_t peerPid() const { return m_peerPid; }
    // What was wrong (UTF-8), empty until an Error.
    const std::string &error() const { return m_error; }

private:
    Status fail(std::string message);

    std::string m_buffer;
    std::size_t m_pos = 0;
    bool m_helloSeen = false;
    std::uint32_t m_peerPid = 0;
    std::string m_error;
};

} // namespace il::protocol
