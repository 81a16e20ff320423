#pragma once

// The events of a trace file in a compact form, as read (core/import's
// parser fills it; the run assembler turns it into runs). About 56 bytes per
// event, whatever the text: names, categories, pids and tids are interned.

#include "core/trace/incident.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace il::import {

inline constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

// Strings seen in the file, each kept once. An event names several (pid,
// tid, name, category): the lookup is an open-addressing table of ids with
// their hashes, so a known string costs a hash and one compare, no node.
class StringTable
{
public:
    std::uint32_t intern(std::string_view text);
    const std::string &at(std::uint32_t id) const { return m_strings[id]; }
    QString text(std::uint32_t id) const;
    std::size_t size() const { return m_strings.size(); }

private:
    struct Slot
    {
        std::uint32_t hash = 0;
        std::uint32_t id = std::numeric_limits<std::uint32_t>::max(); // free
    };
    void grow();
    std::vector<Slot> m_slots; // a power of two, at most half full
    std::vector<std::string> m_strings;
};

struct RawEvent
{
    double ts = 0;  // µs
    double dur = 0; // µs (X events)
    std::uint32_t index = 0;   // position in the file's event list, for messages
    std::uint32_t track = none; // (pid, tid), see RawTrace::tracks
    std::uint32_t name = none;
    std::uint32_t cat = none;
    std::uint32_t id = none;    // async id (b/e), Dask key
    std::int32_t task = -1;     // Interleave's args.task
    std::int32_t phase = -1;    // Interleave's args.phase
    std::uint32_t cpuUs = 0;    // Interleave's args.cpu_ms, in µs
    std::int64_t queuedNs = -1; // Interleave's args.queued_ms, in ns
    char ph = 0;
    std::uint8_t state = 0xff;  // Interleave's args.state (TaskState), 0xff = none
    std::uint32_t lock = none;  // Interleave's args.lock (a lock-wait's lock), interned; in the padding
};

struct RawTrack
{
    std::uint32_t pid = none; // interned text of the pid ("s:" + a string pid)
    std::uint32_t tid = none;
};

// What an Interleave export says about each run beyond its events.
struct RawRunInfo
{
    QString mode;
    int workers = 0, cores = 0, lanes = 0, tasks = 0;
    double idealMs = -1;
    std::int64_t events = -1;
    bool cancelled = false;
    // A run opened from another tool's file and exported again ("mode":
    // "opened"): where its spans were first read from, by what, and how many
    // did not nest.
    QString openedFrom, recordedBy;
    std::int64_t overflowSpans = 0;
};

// A task of such a run ("interleave_task" metadata): its tasks are not
// slices of their own, their spans need not nest inside them.
struct RawTaskInfo
{
    std::uint32_t pid = none;
    std::int32_t task = -1;
    std::int32_t lane = -1;
    bool ran = false;        // it has ts and dur
    double ts = 0, dur = 0;  // µs
    std::uint8_t state = 0xff;
    QString name;
};

// An Interleave export's incident (an instant event of category
// "incident"), kept apart from the events: it becomes an Incident again.
struct RawIncident
{
    std::uint32_t track = none;
    double ts = 0; // µs
    Incident incident; // tNs and lane set by the assembler
};

// An Interleave export's lock handoff: one end of its flow (ph 's' at the
// release, 'f' at the waiter's wait end), paired by id by the assembler.
struct RawHandoffEnd
{
    std::uint32_t track = none;
    std::uint32_t id = none;
    std::uint32_t lock = none; // interned
    double ts = 0; // µs
    std::int32_t from = -1, to = -1;
    char ph = 0;
};

struct RawTrace
{
    StringTable strings;
    std::vector<RawEvent> events;
    std::vector<RawTrack> tracks;
    std::unordered_map<std::uint64_t, std::uint32_t> trackIds; // pid << 32 | tid
    std::unordered_map<std::uint32_t, QString> processNames;   // by pid
    std::unordered_map<std::uint32_t, int> processSort;        // by pid
    std::unordered_map<std::uint32_t, QString> threadNames;    // by track
    // Tracks named after the file's first event: VizTracer's --log_async
    // writes its asyncio tasks' pseudo-threads so (real threads' names come
    // first), which makes them tasks when the file is VizTracer's.
    std::vector<std::uint32_t> lateNamedTracks;
    std::unordered_map<std::uint32_t, RawRunInfo> runInfos;    // by pid (Interleave's interleave_run)
    std::vector<RawIncident> incidents;
    std::vector<RawHandoffEnd> handoffs;
    std::vector<RawTaskInfo> taskInfos;                        // a re-exported run's tasks
    std::unordered_set<std::uint32_t> uncountedTracks;         // its lanes the measures leave out
    QString generator; // otherData.generator
    QString tasksetName;
    QString recordedBy;
    bool dask = false;
    std::size_t flows = 0, counters = 0, others = 0; // read, not drawn
    std::size_t skipped = 0;
    QStringList problems; // the first few skipped events, with why

    std::uint32_t track(std::uint32_t pid, std::uint32_t tid);
    void skip(std::uint32_t index, std::int64_t offset, const QString &why);
};

} // namespace il::import
