#pragma once

#include "core/exec/lockbook.h"
#include "core/exec/tasklocks.h"
#include "core/trace/incident.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace il {

// The locks of a run whose tasks run on threads (threads, threads-gil,
// sequential): a waiting thread really blocks, on a condition variable of
// its own, until the lock is handed to it. Not a std::mutex per lock,
// because a thread blocked in std::mutex::lock() can be woken by nothing
// else: here Stop and the deadlock detector wake it too. The uncontended
// path is one short critical section of the table's mutex.
class LockTable final : public TaskLocks
{
public:
    explicit LockTable(const TaskSet &set);

    // Blocks until `task` holds `lock`. When it has to wait, the wait is a
    // lock-wait span of `phase` on `lane`, recorded through `sink`: its
    // begin before sleeping (so a live view sees it), its end when the lock
    // is handed over. Deadlocked: its wait closed a cycle, or it was part
    // of one another thread closed; either way it has left the line and its
    // locks were handed on, and the task must fail. Cancelled: Stop came;
    // its locks are handed on too. Either way the span is ended.
    Result acquire(std::uint32_t lock, std::uint32_t task, std::uint16_t phase, std::uint16_t lane,
                   EventSink &sink, const CancelToken &cancel) override;
    void release(std::uint32_t lock, std::uint32_t task) override;
    // A task that stops half-way (Stop) hands on whatever it holds.
    void abandon(std::uint32_t task) override;
    // Stop: wakes every waiter (their condition variables do not know the token).
    void cancelAll();

    // After the run: one Deadlock incident per cycle broken, and the locks' figures.
    std::vector<Incident> deadlocks() const;
    std::vector<LockResult> results() const;
    std::vector<LockHandoff> handoffs() const;

private:
    struct Waiter
    {
        std::condition_variable cv;
        bool deadlocked = false;
    };
    void wake(const std::vector<std::uint32_t> &tasks); // with m_mutex held

    mutable std::mutex m_mutex;
    LockBook m_book;
    std::unordered_map<std::uint32_t, Waiter *> m_waiters; // tasks asleep in acquire()
    std::vector<Incident> m_deadlocks;
    bool m_cancelled = false;
};

} // namespace il
