#pragma once

#include "core/exec/eventsink.h"
#include "core/trace/event.h"

#include <atomic>
#include <memory>
#include <vector>

namespace il {

// Events are appended by their writer (one per slot: a pool thread, the loop
// thread, the process-pool controller) without any lock: each slot is a
// chunked append-only buffer whose published size is an atomic, so a reader
// on another thread can copy what is new while writers go on. Chunks never
// move, so a published event stays where it is.
//
// Each slot holds at most `capacityPerSlot` events (67 M by default, 1.6 GB):
// past that an event is dropped rather than the memory grown without bound,
// and counted, so the trace says so (an EventsDropped incident) instead of
// losing it silently.
class Recorder
{
public:
    static constexpr std::size_t defaultCapacityPerSlot = std::size_t(4096) << 14;

    explicit Recorder(int slots, std::size_t capacityPerSlot = defaultCapacityPerSlot);
    ~Recorder();
    Recorder(const Recorder &) = delete;
    Recorder &operator=(const Recorder &) = delete;

    int slotCount() const { return static_cast<int>(m_slots.size()); }

    std::size_t capacityPerSlot() const { return m_capacity; }

    // Only the slot's single writer may call this.
    void append(int slot, const Event &event);

    // Events slot `slot` had no room for, and the time of the first of them
    // (0 if none). Exact once the writers stopped; safe to read any time.
    std::uint64_t dropped(int slot) const;
    std::int64_t firstDropNs(int slot) const;
    std::uint64_t droppedTotal() const;

    // Copies events published since the previous call into `out`. Single
    // reader; safe while writers run.
    void drainNew(std::vector<Event> &out);

    // All events of every slot (call after the writers stopped).
    std::vector<Event> all() const;
    // The same without a copy: calls fn(events, count) per contiguous run.
    template<typename Fn>
    void visit(Fn &&fn) const;
    std::size_t size() const;

private:
    struct Slot;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::size_t m_capacity;
    // Contiguous runs of slot `slot`, in order: {pointer, count}.
    std::vector<std::pair<const Event *, std::size_t>> runs(int slot) const;
};

template<typename Fn>
void Recorder::visit(Fn &&fn) const
{
    for (int s = 0; s < slotCount(); ++s)
        for (const auto &[events, count] : runs(s))
            fn(events, count);
}

// A lane's events into its slot of the recorder.
class RecorderSink final : public EventSink
{
public:
    RecorderSink(Recorder &recorder, int slot) : m_recorder(recorder), m_slot(slot) {}
    void record(const Event &event) override { m_recorder.append(m_slot, event); }

private:
    Recorder &m_recorder;
    int m_slot;
};

} // namespace il
