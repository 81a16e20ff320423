#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace il {

// What a run's shared counters came to: how many increments its tasks did
// (expected) and the value the counter holds at the end (final). The
// difference is the updates lost to interleaving: a write that overwrote
// another task's write made between its own read and write.
struct CounterResult
{
    QString name;
    std::int64_t expected = 0;
    std::int64_t finalValue = 0;
    std::int64_t lost() const { return expected - finalValue; }
};

// What a run's locks cost: how often each was taken (and how often its
// taker had to wait because another task held it), the time spent waiting
// for it in all and at most once, and the longest time one task held it.
struct LockResult
{
    QString name;
    std::uint64_t acquisitions = 0;
    std::uint64_t contended = 0;
    std::int64_t waitNs = 0;
    std::int64_t longestWaitNs = 0;
    std::int64_t longestHoldNs = 0;
};

// A lock passed from the task that released it to a task that had been
// waiting for it (the "unblocked by" of concurrency visualisers): `from`
// released it at releaseNs, `to` stopped waiting and ran on at acquiredNs
// (the end of its lock-wait span). A lock taken free has no handoff.
struct LockHandoff
{
    QString lock;
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::int64_t releaseNs = 0;
    std::int64_t acquiredNs = 0;
};

struct SharedStateResults
{
    std::vector<CounterResult> counters; // in the order of the task set's names
    std::vector<LockResult> locks;
    std::vector<LockHandoff> handoffs; // in acquiredNs order
};

} // namespace il
