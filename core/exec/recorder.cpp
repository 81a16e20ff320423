#include "core/exec/recorder.h"

#include <QtGlobal>

#include <algorithm>

namespace il {

namespace {
constexpr std::size_t chunkBits = 14; // 16384 events = 384 KiB per chunk
constexpr std::size_t chunkSize = std::size_t(1) << chunkBits;
static_assert(Recorder::defaultCapacityPerSlot % chunkSize == 0);
} // namespace

struct Recorder::Slot
{
    explicit Slot(std::size_t capacity) : chunks((capacity + chunkSize - 1) / chunkSize, nullptr) {}

    // The chunk table is sized once, so the reader never sees it reallocate;
    // a chunk pointer is written before the size that makes it reachable is
    // published with release ordering.
    std::vector<Event *> chunks;
    std::atomic<std::size_t> published{0};
    std::size_t readCursor = 0; // reader-owned
    // Written by the slot's writer only; atomics so a reader may look.
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::int64_t> firstDropNs{0};

    ~Slot()
    {
        for (Event *c : chunks)
            delete[] c;
    }
};

Recorder::Recorder(int slots, std::size_t capacityPerSlot) : m_capacity(capacityPerSlot)
{
    Q_ASSERT(slots >= 1);
    m_slots.reserve(std::max(1, slots));
    for (int i = 0; i < std::max(1, slots); ++i)
        m_slots.push_back(std::make_unique<Slot>(capacityPerSlot));
}

Recorder::~Recorder() = default;

void Recorder::append(int slot, const Event &event)
{
    Q_ASSERT(slot >= 0 && slot < slotCount());
    Slot &s = *m_slots[std::size_t(slot)];
    const std::size_t n = s.published.load(std::memory_order_relaxed);
    if (n >= m_capacity) {
        // Full: drop rather than grow without bound, but count it (the
        // slot's single writer is the only one to write these).
        const std::uint64_t d = s.dropped.load(std::memory_order_relaxed);
        if (d == 0)
            s.firstDropNs.store(event.tNs, std::memory_order_relaxed);
        s.dropped.store(d + 1, std::memory_order_relaxed);
        return;
    }
    const std::size_t c = n >> chunkBits;
    Q_ASSERT(c < s.chunks.size());
    if (!s.chunks[c])
        s.chunks[c] = new Event[chunkSize];
    s.chunks[c][n & (chunkSize - 1)] = event;
    s.published.store(n + 1, std::memory_order_release);
}

void Recorder::drainNew(std::vector<Event> &out)
{
    for (auto &sp : m_slots) {
        Slot &s = *sp;
        const std::size_t end = s.published.load(std::memory_order_acquire);
        for (std::size_t i = s.readCursor; i < end;) {
            const Event *chunk = s.chunks[i >> chunkBits];
            const std::size_t off = i & (chunkSize - 1);
            const std::size_t n = std::min(end - i, chunkSize - off);
            out.insert(out.end(), chunk + off, chunk + off + n);
            i += n;
        }
        s.readCursor = end;
    }
}

std::vector<std::pair<const Event *, std::size_t>> Recorder::runs(int slot) const
{
    std::vector<std::pair<const Event *, std::size_t>> out;
    const Slot &s = *m_slots[std::size_t(slot)];
    const std::size_t end = s.published.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < end; i += chunkSize)
        out.emplace_back(s.chunks[i >> chunkBits], std::min(end - i, chunkSize));
    return out;
}

std::vector<Event> Recorder::all() const
{
    std::vector<Event> out;
    out.reserve(size());
    visit([&](const Event *events, std::size_t n) { out.insert(out.end(), events, events + n); });
    return out;
}

std::uint64_t Recorder::dropped(int slot) const
{
    Q_ASSERT(slot >= 0 && slot < slotCount());
    return m_slots[std::size_t(slot)]->dropped.load(std::memory_order_relaxed);
}

std::int64_t Recorder::firstDropNs(int slot) const
{
    Q_ASSERT(slot >= 0 && slot < slotCount());
    return m_slots[std::size_t(slot)]->firstDropNs.load(std::memory_order_relaxed);
}

std::uint64_t Recorder::droppedTotal() const
{
    std::uint64_t n = 0;
    for (int s = 0; s < slotCount(); ++s)
        n += dropped(s);
    return n;
}

std::size_t Recorder::size() const
{
    std::size_t n = 0;
    for (const auto &sp : m_slots)
        n += sp->published.load(std::memory_order_acquire);
    return n;
}

} // namespace il
