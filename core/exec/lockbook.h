#pragma once

#include "core/trace/event.h"
#include "core/trace/incident.h"
#include "core/trace/sharedstate.h"

#include <QString>

#include <cstdint>
#include <deque>
#include <vector>

namespace il {

struct TaskSet;

// Who holds which lock of a run, who waits for it, and what each cost: the
// bookkeeping every mode's locks share, with no threads of its own (the
// threads' LockTable calls it under its mutex, the event loop from its one
// thread). Locks are handed over first come, first served: a release gives
// the lock straight to the oldest waiter, so nobody barges in between.
//
// Deadlock: a request that would close a cycle of waits (task 3 holds A and
// waits for B, task 5 holds B and waits for A) is found at once, by
// following the chain holder -> the lock it waits for -> its holder, which
// is never longer than the tasks waiting. Since every cycle is broken the
// moment it would close, no other cycle can exist.
class LockBook
{
public:
    static constexpr std::uint32_t noLock = 0xffffffffu;

    explicit LockBook(const TaskSet &set);

    enum class Outcome { Granted, Queued, Deadlock };
    // `task` asks for `lock`: free, it holds it now; else it waits in line,
    // unless its waiting would close a cycle (then it waits in line too, and
    // cycle(task) tells the cycle, to be broken with abandon()).
    Outcome request(std::uint32_t lock, std::uint32_t task);
    // Whether `task` holds `lock` (handed over while it slept, say).
    bool holds(std::uint32_t lock, std::uint32_t task) const { return m_locks[lock].owner == task; }
    // `task` holds `lock` and runs on, after waiting `waitedNs` in line if
    // `waited` (else it was free): counted, and its hold starts at `nowNs`.
    void acquired(std::uint32_t lock, std::uint32_t task, bool waited, std::int64_t waitedNs, std::int64_t nowNs);
    // `task` releases `lock` at `nowNs`. Returns the task it was handed to
    // (the oldest waiter), or noTask when none waited.
    std::uint32_t release(std::uint32_t lock, std::uint32_t task, std::int64_t nowNs);

    struct CycleStep
    {
        std::uint32_t task;
        std::uint32_t holds;    // the lock the previous task of the cycle waits for
        std::uint32_t waitsFor; // held by the next task of the cycle
    };
    // The cycle of waits through `task` (which waits), starting with its
    // lowest task index; empty if there is none.
    std::vector<CycleStep> cycle(std::uint32_t task) const;
    // "task 3 holds A, waits for B; task 5 holds B, waits for A"
    QString cycleText(const std::vector<CycleStep> &cycle) const;
    // The cycle through `task` as the run reports it: a Deadlock incident at
    // `nowNs` naming it (task: its lowest task; value: how many), and the
    // cycle's tasks in *members.
    Incident deadlockIncident(std::uint32_t task, std::int64_t nowNs, std::vector<std::uint32_t> *members) const;

    // These tasks will not run on (a deadlock's cycle, Stop): each leaves
    // the line it waits in, then every lock they hold is released at
    // `nowNs` and handed to the oldest waiter that is not one of them.
    // Returns the tasks that were handed a lock.
    std::vector<std::uint32_t> abandon(const std::vector<std::uint32_t> &tasks, std::int64_t nowNs);

    // The locks' figures, named, in the order of the set's names; locks
    // never acquired by any task's phases are left out.
    std::vector<LockResult> results() const;
    // Every lock handed from a releasing task to a waiting one that then ran
    // on with it, in the order they ran on (a waiter that was handed a lock
    // but never ran on, Stop say, is left out).
    std::vector<LockHandoff> handoffs() const;

private:
    struct Lock
    {
        std::uint32_t owner = noTask;
        std::deque<std::uint32_t> waiters; // oldest first
        std::int64_t heldSinceNs = -1;     // -1: handed over, not yet running on
        bool used = false;                 // named by an acquire phase
        LockResult stats;
    };
    std::uint32_t handOver(Lock &lock, const std::vector<std::uint32_t> &skip, std::int64_t nowNs);

    struct Pending
    {
        std::uint32_t lock, from, to;
        std::int64_t releaseNs;
    };

    const TaskSet &m_set;
    std::vector<Lock> m_locks;             // by name index
    std::vector<Pending> m_handedOver;     // handed over, not yet running on
    std::vector<LockHandoff> m_handoffs;
    std::vector<std::uint32_t> m_waitsFor; // by task: the lock it waits for, or noLock
};

} // namespace il
