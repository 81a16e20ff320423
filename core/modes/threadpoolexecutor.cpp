#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/gil.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/exec/sharedrun.h"
#include "core/model/taskset.h"

#include <QRunnable>
#include <QThreadPool>

#include <atomic>
#include <optional>

namespace il {

// threads / threads-gil: the project's own QThreadPool (never the global
// one). Each pool thread is a lane; it learns its lane number the first time
// it runs one of this run's tasks.
class ThreadPoolExecutor final : public Executor
{
public:
    ThreadPoolExecutor(int workers, std::optional<double> gilSwitchMs)
        : m_workers(workers), m_gilSwitchMs(gilSwitchMs)
    {
    }

    int laneCount() const override { return m_workers; }
    QStringList laneNames() const override
    {
        QStringList names;
        for (int i = 0; i < m_workers; ++i)
            names << QStringLiteral("thread %1").arg(i + 1);
        return names;
    }

    void run(ExecContext &ctx) override
    {
        std::optional<Gil> gil;
        if (m_gilSwitchMs)
            gil.emplace(*m_gilSwitchMs);
        QThreadPool pool;
        pool.setMaxThreadCount(m_workers);
        pool.setExpiryTimeout(-1); // a lane keeps its thread for the whole run

        std::atomic<int> nextLane{0};
        const int controlSlot = m_workers;
        RecorderSink control(ctx.recorder, controlSlot);
        Gil *gilPtr = gil ? &*gil : nullptr;
        // Stop wakes the threads queued on the GIL (their own condition
        // variables do not know the token); sleeping and computing lanes see
        // the token themselves. Ends before the GIL does.
        const CancelToken::Subscription wakeGil =
            gilPtr ? ctx.cancel.onCancel([gilPtr] { gilPtr->cancelAll(); }) : CancelToken::Subscription();
        // Locks and counters, if the set has them: shared by every lane.
        SharedRun shared(ctx);
        SharedRun *sharedPtr = &shared;

        const auto n = std::uint32_t(ctx.set.tasks.size());
        for (std::uint32_t i = 0; i < n; ++i) {
            if (ctx.cancel.isCancelled())
                break;
            control.record(makeEvent(EventKind::Queued, i, noLane));
            pool.start([&ctx, &nextLane, gilPtr, sharedPtr, i, this] {
                // One lane per pool thread: the thread_local is keyed by this
                // executor, not by the pool. The pool lives only in this
                // run(), so its threads are new and serve no other executor;
                // the key only guards against that changing (an executor at
                // a reused address would still be wrong then).
                thread_local const void *owner = nullptr;
                thread_local int lane = -1;
                if (owner != this) {
                    owner = this;
                    lane = nextLane.fetch_add(1);
                }
                if (ctx.cancel.isCancelled())
                    return;
                RecorderSink sink(ctx.recorder, lane);
                LaneContext lc{sink, std::uint16_t(lane), ctx.cancel, gilPtr};
                sharedPtr->attach(lc);
                runTaskBlocking(ctx.set.phasesOf(i), i, lc);
            });
        }
        pool.waitForDone();
        for (Incident &deadlock : shared.deadlocks())
            report(std::move(deadlock));
        setSharedResults(shared.results());
    }

private:
    int m_workers;
    std::optional<double> m_gilSwitchMs;
};

std::unique_ptr<Executor> makeThreadPoolExecutor(int workers, std::optional<double> gilSwitchMs)
{
    return std::make_unique<ThreadPoolExecutor>(workers, gilSwitchMs);
}

} // namespace il
