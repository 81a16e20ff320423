#include "canceltoken.h"
#include "clock.h"
#include "executor.h"
#include "phaserunner.h"
#include "recorder.h"
#include "taskset.h"

#include <QEventLoop>
#include <QObject>
#include <QTimer>

#include <functional>
#include <queue>
#include <vector>

namespace il {

// eventloop: one thread running a Qt event loop, like asyncio. Every task
// starts at once as a chain of callbacks: an io phase is a timer that frees
// the loop; a cpu phase runs on the loop and stalls every other task.
// io spans carry lane == noLane: the task waits, but the loop is free.
class EventLoopExecutor final : public Executor
{
public:
    int laneCount() const override { return 1; }
    int slotCount() const override { return 1; } // the loop thread is the only writer
    QStringList laneNames() const override { return {QStringLiteral("event loop")}; }

    void run(ExecContext &ctx) override
    {
        const auto n = std::uint32_t(ctx.set.tasks.size());
        m_ctx = &ctx;
        m_sink = std::make_unique<RecorderSink>(ctx.recorder, 0);
        m_nextPhase.assign(n, 0);
        m_inIo.assign(n, false);
        m_remaining = n;

        QEventLoop loop;
        m_loop = &loop;
        QObject context; // owns the queued starts: they die with it
        QTimer ioTimer;
        ioTimer.setSingleShot(true);
        ioTimer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&ioTimer, &QTimer::timeout, &context, [this] { onTimer(); });
        m_timer = &ioTimer;
        m_deadlines = {};

        for (std::uint32_t i = 0; i < n; ++i) {
            m_sink->record(makeEvent(EventKind::Queued, i, noLane));
            QMetaObject::invokeMethod(&context, [this, i] { start(i); }, Qt::QueuedConnection);
        }
        QTimer cancelPoll;
        QObject::connect(&cancelPoll, &QTimer::timeout, &context, [this] {
            if (m_ctx->cancel.isCancelled())
                cancelAll();
        });
        cancelPoll.start(10);
        if (m_remaining > 0)
            loop.exec();
        m_loop = nullptr;
    }

private:
    void start(std::uint32_t i)
    {
        if (m_ctx->cancel.isCancelled())
            return cancelAll();
        m_sink->record(makeEvent(EventKind::TaskStart, i, 0));
        advance(i);
    }

    // Runs phases until the task awaits io or ends.
    void advance(std::uint32_t i)
    {
        const Task &task = m_ctx->set.tasks[i];
        while (m_nextPhase[i] < task.phases.size()) {
            const auto phase = std::uint16_t(m_nextPhase[i]);
            const Phase &p = task.phases[phase];
            if (p.kind == PhaseKind::Cpu) {
                m_sink->record(makeEvent(EventKind::SpanBegin, i, 0, SpanKind::Cpu, phase));
                std::int64_t used = 0;
                const bool ok = burnCpu(p.ms, m_ctx->cancel, &used);
                m_sink->record(cpuSpanEnd(i, 0, phase, used));
                if (!ok) {
                    m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
                    return cancelAll();
                }
                ++m_nextPhase[i];
                continue;
            }
            const Event begin = makeEvent(EventKind::SpanBegin, i, noLane, SpanKind::Io, phase);
            m_sink->record(begin);
            m_inIo[i] = true;
            armTimer(i, begin.tNs + msToNs(p.ms));
            return;
        }
        m_sink->record(makeEvent(EventKind::TaskEnd, i, 0));
        finishOne();
    }

    // Io completions: our own min-heap of deadlines behind one QTimer, as
    // asyncio keeps its own heap. (One QTimer per io phase costs Qt a linear
    // search per timer: 10,000 concurrent waits would turn quadratic.)
    void armTimer(std::uint32_t i, std::int64_t deadlineNs)
    {
        m_deadlines.push({deadlineNs, i});
        if (m_deadlines.top().task == i && m_deadlines.top().deadlineNs == deadlineNs)
            rearm();
    }

    void rearm()
    {
        if (m_deadlines.empty()) {
            m_timer->stop();
            return;
        }
        // Qt timers have millisecond resolution: wake at the whole millisecond
        // at or after the deadline; onTimer() re-arms if woken early.
        const std::int64_t left = m_deadlines.top().deadlineNs - monoNs();
        m_timer->start(left <= 0 ? 0 : int((left + 999'999) / 1'000'000));
    }

    // Every wait whose deadline has passed completes, earliest first. A task
    // that computes here delays the ones after it: they were ready at their
    // deadline but the loop was busy, which is recorded as ready-wait.
    void onTimer()
    {
        const std::int64_t now = monoNs();
        std::vector<Deadline> due;
        while (!m_deadlines.empty() && m_deadlines.top().deadlineNs <= now + earlyToleranceNs) {
            due.push_back(m_deadlines.top());
            m_deadlines.pop();
        }
        for (const Deadline &d : due) {
            if (!m_loop)
                return; // cancelled by a cpu phase of an earlier one
            completeIo(d.task, d.deadlineNs);
        }
        if (m_loop)
            rearm();
    }

    void completeIo(std::uint32_t i, std::int64_t deadlineNs)
    {
        m_inIo[i] = false;
        const auto phase = std::uint16_t(m_nextPhase[i]);
        Event end = makeEvent(EventKind::SpanEnd, i, noLane, SpanKind::Io, phase);
        if (end.tNs - deadlineNs > readyThresholdNs) {
            // The wait was over at the deadline; since then the task was
            // ready but the loop was busy with somebody else's cpu.
            const std::int64_t now = end.tNs;
            end.tNs = deadlineNs;
            m_sink->record(end);
            m_sink->record(Event{deadlineNs, i, noLane, phase, EventKind::SpanBegin, SpanKind::Ready});
            m_sink->record(Event{now, i, noLane, phase, EventKind::SpanEnd, SpanKind::Ready});
        } else {
            m_sink->record(end);
        }
        ++m_nextPhase[i];
        advance(i);
    }

    struct Deadline
    {
        std::int64_t deadlineNs;
        std::uint32_t task;
        bool operator>(const Deadline &o) const
        {
            return deadlineNs != o.deadlineNs ? deadlineNs > o.deadlineNs : task > o.task;
        }
    };

    static constexpr std::int64_t earlyToleranceNs = 200'000; // a wake 0.2 ms early counts as on time
    static constexpr std::int64_t readyThresholdNs = 1'000'000; // timer slack below 1 ms is not a stall

    void finishOne()
    {
        if (--m_remaining == 0 && m_loop)
            m_loop->quit();
    }

    // Stop: close open io spans, mark unfinished tasks cancelled, leave.
    void cancelAll()
    {
        if (!m_loop)
            return;
        for (std::uint32_t i = 0; i < m_nextPhase.size(); ++i) {
            if (m_inIo[i]) {
                m_sink->record(makeEvent(EventKind::SpanEnd, i, noLane, SpanKind::Io, std::uint16_t(m_nextPhase[i])));
                m_inIo[i] = false;
                m_sink->record(makeEvent(EventKind::TaskCancelled, i, 0));
            }
        }
        m_timer->stop();
        m_loop->quit();
        m_loop = nullptr;
    }

    ExecContext *m_ctx = nullptr;
    std::unique_ptr<RecorderSink> m_sink;
    std::vector<std::size_t> m_nextPhase;
    std::vector<bool> m_inIo;
    std::uint32_t m_remaining = 0;
    QEventLoop *m_loop = nullptr;
    QTimer *m_timer = nullptr;
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<Deadline>> m_deadlines;
};

std::unique_ptr<Executor> makeEventLoopExecutor() { return std::make_unique<EventLoopExecutor>(); }

} // namespace il
