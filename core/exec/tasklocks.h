#pragma once

#include <cstdint>

namespace il {

class CancelToken;
class EventSink;

// The locks as a lane that runs a task's phases sees them: acquire blocks
// until the lock is the task's. The threads' LockTable keeps them in this
// process; a worker process asks its parent, which keeps the run's locks
// for every worker (the processes mode).
class TaskLocks
{
public:
    enum class Result { Acquired, Cancelled, Deadlocked };

    virtual ~TaskLocks() = default;
    // Blocks until `task` holds `lock`; a wait is recorded through `sink`
    // as a lock-wait span of `phase` on `lane`. Deadlocked: the wait closed
    // a cycle of waits or was part of one; the task holds nothing any more
    // and must fail. Cancelled: Stop came; its locks are handed on too.
    virtual Result acquire(std::uint32_t lock, std::uint32_t task, std::uint16_t phase, std::uint16_t lane,
                           EventSink &sink, const CancelToken &cancel) = 0;
    virtual void release(std::uint32_t lock, std::uint32_t task) = 0;
    // A task that stops half-way hands on whatever it holds.
    virtual void abandon(std::uint32_t task) = 0;
};

} // namespace il
