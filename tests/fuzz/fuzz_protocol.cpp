// libFuzzer target: il::protocol::Decoder fed arbitrary bytes in arbitrary
// slices. It must never crash, never yield an event whose kind/span is out of
// range or a task with invalid phases, stay in error once it failed, and
// decode the same frames however the stream is split.
#include "core/modes/processes/protocol.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using il::protocol::Decoder;
using il::protocol::Frame;
using il::protocol::FrameType;

struct Outcome
{
    std::vector<std::string> frames; // re-encoded, to compare across splits
    bool error = false;
};

std::string reencode(const Frame &f)
{
    switch (f.type) {
    case FrameType::Event: return il::protocol::encodeEvent(f.event);
    case FrameType::Task: return il::protocol::encodeTask(f.taskIndex, f.task());
    case FrameType::Quit: return il::protocol::encodeQuit();
    case FrameType::Error: return il::protocol::encodeError(f.message);
    case FrameType::Shared: return il::protocol::encodeShared(f.fd, f.cells);
    case FrameType::Grant: return il::protocol::encodeGrant(f.taskIndex, f.lock, f.grant);
    case FrameType::Acquire: return il::protocol::encodeAcquire(f.tNs, f.taskIndex, f.lock, f.phase);
    case FrameType::Release: return il::protocol::encodeRelease(f.tNs, f.taskIndex, f.lock);
    case FrameType::Revoke: return il::protocol::encodeRevoke(f.taskIndex);
    case FrameType::Revoked: return il::protocol::encodeRevoked(f.tNs, f.taskIndex);
    }
    std::abort();
}

void check(const Frame &f)
{
    if (f.type == FrameType::Event) {
        if (f.event.kind > il::EventKind::SpanEnd)
            std::abort();
        if (f.event.span > il::SpanKind::LockWait && f.event.span != il::SpanKind::None)
            std::abort();
        if (f.event.lane != il::noLane)
            std::abort();
    } else if (f.type == FrameType::Task) {
        if (f.phases.empty() || f.phases.size() > il::limits::maxPhasesPerTask)
            std::abort();
        std::size_t increments = 0;
        for (const il::Phase &p : f.phases) {
            if (!std::isfinite(p.ms) || p.ms < 0 || p.ms > il::limits::maxPhaseMs || p.kind > il::PhaseKind::Increment)
                std::abort();
            if (p.kind == il::PhaseKind::Increment && p.ref != increments++)
                std::abort(); // each increment phase names its own parameters, in order
        }
        if (increments != f.increments.size())
            std::abort();
        for (const il::Increment &inc : f.increments)
            if (inc.times < 0 || inc.times > il::limits::maxIncrementTimes || std::isnan(inc.ioMs))
                std::abort();
    } else if (f.type == FrameType::Grant) {
        if (f.grant > il::protocol::Grant::Deadlocked)
            std::abort();
    }
}

// Feeds `bytes` in slices whose sizes come from `splits`.
Outcome decode(const std::string &bytes, const std::uint8_t *splits, std::size_t nsplits)
{
    Outcome o;
    Decoder d;
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < bytes.size() && !o.error) {
        std::size_t step = nsplits ? std::size_t(splits[k++ % nsplits]) + 1 : bytes.size();
        step = std::min(step, bytes.size() - pos);
        d.feed(bytes.data() + pos, step);
        pos += step;
        for (;;) {
            Frame f;
            const auto s = d.next(&f);
            if (s == Decoder::Status::NeedMore)
                break;
            if (s == Decoder::Status::Error) {
                if (d.error().empty())
                    std::abort(); // an error must say what was wrong
                Frame g;
                if (d.next(&g) != Decoder::Status::Error)
                    std::abort(); // and stay an error
                o.error = true;
                break;
            }
            if (!d.helloSeen())
                std::abort();
            check(f);
            o.frames.push_back(reencode(f));
        }
    }
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // First byte: how many of the following bytes describe slice sizes.
    if (size < 1)
        return 0;
    const std::size_t nsplits = std::min<std::size_t>(data[0] % 16, size - 1);
    const std::uint8_t *splits = data + 1;
    const std::string stream(reinterpret_cast<const char *>(data + 1 + nsplits), size - 1 - nsplits);

    const Outcome whole = decode(stream, nullptr, 0);
    const Outcome sliced = decode(stream, splits, nsplits);
    if (whole.frames != sliced.frames || whole.error != sliced.error)
        std::abort(); // splitting the stream must not change what it means
    return 0;
}
