#include "core/base/clock.h"
#include "core/exec/cancelnotifier.h"
#include "core/exec/canceltoken.h"
#include "core/exec/counters.h"
#include "core/exec/deadlinetimer.h"
#include "core/exec/executor.h"
#include "core/exec/lockbook.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/exec/runloop.h"
#include "core/model/taskset.h"

#include <QEventLoop>
#include <QObject>

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

namespace il {

// eventloop: one thread running a Qt event loop, like asyncio. Every task
// starts at once as a chain of callbacks: an io phase is a timer that frees
// the loop; a cpu phase runs on the loop and stalls every other task.
// io spans carry lane == noLane: the task waits, but the loop is free.
//
// Locks and counters, as asyncio has them:
// - acquire is an asyncio.Lock: free, the task goes on at once; held, the
//   task awaits it (a lock-wait span with lane == noLane: the loop is free)
//   and release hands it to the oldest waiter, which resumes on a later turn
//   of the loop, as a woken future's callback does.
// - increment runs its steps on the loop with nothing between read and write
//   that yields: no other task can run in between, so no update is lost,
//   however many tasks increment at once. With "io" each step awaits that
//   io between its read and its write: other tasks run in between and their
//   updates are overwritten by the stale write (the classic await race).
class EventLoopExecutor final : public Executor
{
public:
    int laneCount() const override { return 1; }
    int slotCount() const override { return 1; } // the loop thread is the only writer
    QStringList laneNames() const override { return {QStringLiteral("event loop")}; }

    void run(ExecContext &ctx) override
    {
        const auto n = std::uint32_t(ctx.set.tasks.size());
        QObject context; // owns the queued starts: they die with it
        DeadlineTimer ioTimer([this] { onTimer(); });
        if (!ioTimer.error().isEmpty()) {
            Incident noTimer;
            noTimer.kind = IncidentKind::InternalError;
            noTimer.tNs = monoNs();
            noTimer.detail = ioTimer.error();
            report(noTimer);
            return;
        }
        m_ctx = &ctx;
        m_sink = std::make_unique<RecorderSink>(ctx.recorder, 0);
        m_nextPhase.assign(n, 0);
        m_inIo.assign(n, false);
        m_timer = &ioTimer;
        m_deadlines = {};
        if (ctx.set.usesSharedState()) {
            m_book.emplace(ctx.set);
            m_counters.emplace(ctx.set);
            m_lockWaitSince.assign(n, -1);
            m_incStep.assign(n, 0);
            m_incRead.assign(n, 0);
        }

        RunLoop loop(n);
        m_loop.attach(&loop);
        for (std::uint32_t i = 0; i < n; ++i) {
            m_sink->record(makeEvent(EventKind::Queued, i, noLane));
            QMetaObject::invokeMethod(&context, [this, i] { start(i); }, Qt::QueuedConnection);
        }
        // Stop wakes this loop through the token's descriptor: no polling.
        const auto onStop = cancelNotifier(ctx.cancel, [this] { cancelAll(); });
        loop.exec();
        m_loop.attach(nullptr);
        m_timer = nullptr;
        if (m_book)
            setSharedResults({m_counters->results(), m_book->results(), m_book->handoffs()});
    }

private:
    void start(std::uint32_t i)
    {
        if (m_ctx->cancel.isCancelled())
            return cancelAll();
        m_sink->record(makeEvent(EventKind::TaskStart, i, 0));
        advance(i);
        m_idleSinceNs = monoNs();
        noteWork(i, m_idleSinceNs);
    }

    enum class Step { Next, Suspended, Ended };

    // Runs phases until the task awaits io or a lock, or ends.
    void advance(std::uint32_t i)
    {
        const Task &task = m_ctx->set.tasks[i];
        while (m_nextPhase[i] < task.phases.size()) {
            const auto phase = std::uint16_t(m_nextPhase[i]);
            const Phase &p = task.phases[phase];
            Step step = Step::Next;
            switch (p.kind) {
            case PhaseKind::Cpu: {
                m_sink->record(makeEvent(EventKind::SpanBegin, i, 0, SpanKind::Cpu, phase));
                std::int64_t used = 0;
                const bool ok = burnCpu(p.ms, m_ctx->cancel, &used);
                m_sink->record(cpuSpanEnd(i, 0, phase, used));
                if (!ok) {
                    m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
                    return cancelAll();
                }
                break;
            }
            case PhaseKind::Io: {
                const Event begin = makeEvent(EventKind::SpanBegin, i, noLane, SpanKind::Io, phase);
                m_sink->record(begin);
                m_inIo[i] = true;
                armTimer(i, begin.tNs + msToNs(p.ms));
                return;
            }
            case PhaseKind::Acquire: step = acquire(i, phase, p); break;
            case PhaseKind::Release: {
                const std::uint32_t next = m_book->release(p.ref, i, monoNs());
                if (next != noTask)
                    resumeLater(next);
                break;
            }
            case PhaseKind::Increment: step = increment(i, phase, m_ctx->set.incrementOf(p)); break;
            }
            if (step != Step::Next)
                return;
            ++m_nextPhase[i];
        }
        m_sink->record(makeEvent(EventKind::TaskEnd, i, 0));
        finishOne();
    }

    Step acquire(std::uint32_t i, std::uint16_t phase, const Phase &p)
    {
        const std::int64_t now = monoNs();
        switch (m_book->request(p.ref, i)) {
        case LockBook::Outcome::Granted: m_book->acquired(p.ref, i, false, 0, now); return Step::Next;
        case LockBook::Outcome::Queued:
            m_sink->record(Event{now, i, noLane, phase, EventKind::SpanBegin, SpanKind::LockWait});
            m_lockWaitSince[i] = now;
            return Step::Suspended;
        case LockBook::Outcome::Deadlock:
            m_sink->record(Event{now, i, noLane, phase, EventKind::SpanBegin, SpanKind::LockWait});
            m_lockWaitSince[i] = now;
            breakDeadlock(i, now);
            return Step::Ended;
        }
        return Step::Ended;
    }

    // Task i's wait closed a cycle: every task of it fails (each was
    // awaiting a lock, i from now) and their locks go to the next waiters.
    void breakDeadlock(std::uint32_t i, std::int64_t now)
    {
        std::vector<std::uint32_t> members;
        const Incident deadlock = m_book->deadlockIncident(i, now, &members);
        report(deadlock); // the loop runs on the run thread
        for (std::uint32_t t : m_book->abandon(members, now))
            resumeLater(t);
        for (std::uint32_t t : members) {
            m_sink->record(Event{now, t, noLane, std::uint16_t(m_nextPhase[t]), EventKind::SpanEnd, SpanKind::LockWait});
            m_sink->record(Event{now, t, 0, noPhase, EventKind::TaskFailed, SpanKind::None});
            m_lockWaitSince[t] = -1;
        }
        for (std::size_t k = 0; k < members.size(); ++k)
            finishOne();
    }

    // The lock task i awaited was handed to it: it runs on at the loop's
    // next turn, as a woken future's callback does.
    void resumeLater(std::uint32_t i)
    {
        QMetaObject::invokeMethod(m_loop.context(), [this, i] { lockHandedOver(i); }, Qt::QueuedConnection);
    }

    void lockHandedOver(std::uint32_t i)
    {
        if (!running() || m_lockWaitSince[i] < 0)
            return;
        if (m_ctx->cancel.isCancelled())
            return cancelAll();
        const auto phase = std::uint16_t(m_nextPhase[i]);
        const Phase &p = m_ctx->set.tasks[i].phases[phase];
        const std::int64_t now = monoNs();
        m_sink->record(Event{now, i, noLane, phase, EventKind::SpanEnd, SpanKind::LockWait});
        m_book->acquired(p.ref, i, true, now - m_lockWaitSince[i], now);
        m_lockWaitSince[i] = -1;
        ++m_nextPhase[i];
        advance(i);
        noteWork(i, monoNs());
        m_idleSinceNs = monoNs();
    }

    Step increment(std::uint32_t i, std::uint16_t phase, const Increment &inc)
    {
        Counters::Cell &cell = m_counters->cell(inc.counter);
        if (inc.hasIo()) {
            m_incStep[i] = 0;
            awaitInIncrement(i, phase, inc);
            return Step::Suspended;
        }
        // Nothing in a step awaits: the steps run back to back on the loop,
        // one cpu span, and no other task can come between a read and its write.
        m_sink->record(makeEvent(EventKind::SpanBegin, i, 0, SpanKind::Cpu, phase));
        const std::int64_t cpuStart = threadCpuNs();
        std::int64_t done = 0;
        bool ok = true;
        while (done < inc.times && ok) {
            const std::int64_t until = std::min(inc.times, done + 4096);
            for (; done < until; ++done) {
                const std::int64_t read = cell.value.load(std::memory_order_relaxed);
                incrementWork(read);
                cell.value.store(read + 1, std::memory_order_relaxed);
            }
            ok = !m_ctx->cancel.isCancelled();
        }
        cell.steps.fetch_add(done, std::memory_order_relaxed);
        m_sink->record(cpuSpanEnd(i, 0, phase, threadCpuNs() - cpuStart));
        if (!ok) {
            m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
            cancelAll();
            return Step::Ended;
        }
        return Step::Next;
    }

    // A step of an increment with io: the read, then the await; the write
    // comes when the io is over (completeIo), with the value read here.
    void awaitInIncrement(std::uint32_t i, std::uint16_t phase, const Increment &inc)
    {
        m_incRead[i] = m_counters->cell(inc.counter).value.load(std::memory_order_relaxed);
        const Event begin = makeEvent(EventKind::SpanBegin, i, noLane, SpanKind::Io, phase);
        m_sink->record(begin);
        m_inIo[i] = true;
        armTimer(i, begin.tNs + msToNs(inc.ioMs));
    }

    // After an io: the next phase, or the write of an increment's step and
    // its next step.
    void afterIo(std::uint32_t i)
    {
        const auto phase = std::uint16_t(m_nextPhase[i]);
        const Phase &p = m_ctx->set.tasks[i].phases[phase];
        if (p.kind == PhaseKind::Increment) {
            const Increment &inc = m_ctx->set.incrementOf(p);
            Counters::Cell &cell = m_counters->cell(inc.counter);
            incrementWork(m_incRead[i]);
            cell.value.store(m_incRead[i] + 1, std::memory_order_relaxed);
            cell.steps.fetch_add(1, std::memory_order_relaxed);
            if (++m_incStep[i] < inc.times)
                return awaitInIncrement(i, phase, inc);
        }
        ++m_nextPhase[i];
        advance(i);
    }

    // Io completions: our own min-heap of deadlines behind one timer, as
    // asyncio keeps its own heap. (One QTimer per io phase costs Qt a linear
    // search per timer: 10,000 concurrent waits would turn quadratic.)
    void armTimer(std::uint32_t i, std::int64_t deadlineNs)
    {
        m_deadlines.push({deadlineNs, i});
        // While dispatching, onTimer() looks at the heap again before it
        // sleeps; arming now would be a wasted system call.
        if (!m_dispatching && deadlineNs < m_timer->armedNs())
            m_timer->arm(deadlineNs);
    }

    void rearm()
    {
        if (m_deadlines.empty())
            m_timer->disarm();
        else
            m_timer->arm(m_deadlines.top().deadlineNs);
    }

    // Every wait whose deadline has passed completes, earliest first, until
    // the earliest left is in the future. The timer never fires early, so
    // no wait ends before its time. A task that computes here delays the
    // ones after it: they were ready at their deadline but the loop was
    // busy, which completeIo() records as ready-wait.
    void onTimer()
    {
        if (!running())
            return;
        const std::int64_t wake = monoNs();
        m_dispatching = true;
        while (!m_deadlines.empty()) {
            // Stop is seen between two completions too, not only when the
            // loop next turns to the token's notifier.
            if (m_ctx->cancel.isCancelled())
                return cancelAll();
            const Deadline d = m_deadlines.top();
            if (d.deadlineNs > monoNs())
                break;
            m_deadlines.pop();
            completeIo(d.task, d.deadlineNs, wake);
            if (!running())
                return; // cancelled by a cpu phase
            noteWork(d.task, monoNs());
        }
        m_dispatching = false;
        rearm();
        m_idleSinceNs = monoNs();
    }

    // Ends the io phase of task i, whose deadline was `deadlineNs`, in the
    // dispatch that woke at `wake`. The task was ready from its deadline;
    // it was *stalled* (ready-wait) only if the loop ran other tasks' code
    // after that. The stall begins at the deadline if the loop was busy
    // then, else when the loop woke: the timer's own wake-up latency stays
    // io, nobody stalled the task. Less than readyThresholdNs of other
    // tasks' work is the dispatch's bookkeeping, not a stall. (Asking "did
    // another task run?" rather than "was the loop late?" keeps a lone
    // chain of waits free of ready-wait however busy the machine is.)
    void completeIo(std::uint32_t i, std::int64_t deadlineNs, std::int64_t wake)
    {
        m_inIo[i] = false;
        const auto phase = std::uint16_t(m_nextPhase[i]);
        Event end = makeEvent(EventKind::SpanEnd, i, noLane, SpanKind::Io, phase);
        const std::int64_t now = end.tNs;
        const std::int64_t readyFrom = deadlineNs < m_idleSinceNs ? deadlineNs : std::max(deadlineNs, wake);
        if (othersBusyUntil(i) - readyFrom > readyThresholdNs) {
            end.tNs = readyFrom;
            m_sink->record(end);
            m_sink->record(Event{readyFrom, i, noLane, phase, EventKind::SpanBegin, SpanKind::Ready});
            m_sink->record(Event{now, i, noLane, phase, EventKind::SpanEnd, SpanKind::Ready});
        } else {
            m_sink->record(end);
        }
        afterIo(i);
    }

    // The loop finished running task i's code at `ns`. Keeps the last end of
    // work per task for the two most recent tasks, enough to answer "until
    // when did the loop run somebody other than i?".
    void noteWork(std::uint32_t i, std::int64_t ns)
    {
        if (m_lastWork.task != i)
            m_lastOtherWork = m_lastWork;
        m_lastWork = {i, ns};
    }

    std::int64_t othersBusyUntil(std::uint32_t i) const
    {
        return m_lastWork.task != i ? m_lastWork.ns : m_lastOtherWork.ns;
    }

    struct WorkEnd
    {
        std::uint32_t task = noTask;
        std::int64_t ns = 0;
    };

    struct Deadline
    {
        std::int64_t deadlineNs;
        std::uint32_t task;
        bool operator>(const Deadline &o) const
        {
            return deadlineNs != o.deadlineNs ? deadlineNs > o.deadlineNs : task > o.task;
        }
    };

    // The timer's aim: an io phase ends within 50 µs of its deadline. Less
    // of other tasks' work than that is the loop's own bookkeeping.
    static constexpr std::int64_t readyThresholdNs = 50'000;

    bool running() const { return m_loop.running(); }
    void finishOne() { m_loop.finishOne(); }

    // Stop: close open io spans, mark unfinished tasks cancelled, leave.
    void cancelAll()
    {
        if (!running())
            return;
        for (std::uint32_t i = 0; i < m_nextPhase.size(); ++i) {
            if (m_inIo[i]) {
                m_sink->record(makeEvent(EventKind::SpanEnd, i, noLane, SpanKind::Io, std::uint16_t(m_nextPhase[i])));
                m_inIo[i] = false;
                m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
            } else if (m_book && m_lockWaitSince[i] >= 0) {
                m_sink->record(makeEvent(EventKind::SpanEnd, i, noLane, SpanKind::LockWait, std::uint16_t(m_nextPhase[i])));
                m_lockWaitSince[i] = -1;
                m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
            }
        }
        m_timer->disarm();
        m_dispatching = false;
        m_loop.stop();
    }

    ExecContext *m_ctx = nullptr;
    std::unique_ptr<RecorderSink> m_sink;
    std::vector<std::size_t> m_nextPhase;
    std::vector<bool> m_inIo;
    RunLoopHandle m_loop;
    DeadlineTimer *m_timer = nullptr;
    bool m_dispatching = false;     // inside onTimer()
    std::int64_t m_idleSinceNs = 0; // when the loop last finished a callback
    WorkEnd m_lastWork;             // the task whose code the loop ran last
    WorkEnd m_lastOtherWork;        // the last one before it of another task
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<Deadline>> m_deadlines;
    // Locks and counters, when the set has them.
    std::optional<LockBook> m_book;
    std::optional<Counters> m_counters;
    std::vector<std::int64_t> m_lockWaitSince; // per task: when it began awaiting a lock, -1 if not
    std::vector<std::int64_t> m_incStep;       // per task: steps done of its increment with io
    std::vector<std::int64_t> m_incRead;       // per task: the value its step read before awaiting
};

std::unique_ptr<Executor> makeEventLoopExecutor() { return std::make_unique<EventLoopExecutor>(); }

} // namespace il
