#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/exec/sharedrun.h"
#include "core/model/taskset.h"

namespace il {

// The baseline: the run thread itself does every task, one after another.
class SequentialExecutor final : public Executor
{
public:
    int laneCount() const override { return 1; }
    QStringList laneNames() const override { return {QStringLiteral("main thread")}; }

    void run(ExecContext &ctx) override
    {
        RecorderSink sink(ctx.recorder, 0);
        const auto n = std::uint32_t(ctx.set.tasks.size());
        for (std::uint32_t i = 0; i < n; ++i)
            sink.record(makeEvent(EventKind::Queued, i, noLane));
        LaneContext lane{sink, 0, ctx.cancel};
        // One task at a time, each releasing what it took: its locks are
        // always free and its increments never interleave (the baseline).
        SharedRun shared(ctx);
        shared.attach(lane);
        // Tasks never started when Stop comes are marked cancelled by the trace.
        for (std::uint32_t i = 0; i < n && !ctx.cancel.isCancelled(); ++i)
            runTaskBlocking(ctx.set.phasesOf(i), i, lane);
        for (Incident &deadlock : shared.deadlocks())
            report(std::move(deadlock));
        setSharedResults(shared.results());
    }
};

std::unique_ptr<Executor> makeSequentialExecutor() { return std::make_unique<SequentialExecutor>(); }

} // namespace il
