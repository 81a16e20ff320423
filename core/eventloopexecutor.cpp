#include "canceltoken.h"
#include "clock.h"
#include "executor.h"
#include "phaserunner.h"
#include "recorder.h"
#include "taskset.h"

#include <QEventLoop>
#include <QObject>
#include <QTimer>

#include <cmath>

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
        QObject context; // owns the timers: they die with it
        m_context = &context;

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

    // Qt timers have millisecond resolution: wait the whole milliseconds,
    // then re-arm for what is left, so a fractional io phase is not cut short.
    void armTimer(std::uint32_t i, std::int64_t deadlineNs)
    {
        const std::int64_t left = deadlineNs - monoNs();
        const int ms = left <= 0 ? 0 : int(std::ceil(double(left) / 1e6));
        QTimer::singleShot(ms, Qt::PreciseTimer, m_context, [this, i, deadlineNs] {
            if (monoNs() < deadlineNs - 200'000) // woke early by more than 0.2 ms
                return armTimer(i, deadlineNs);
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
        });
    }

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
        m_loop->quit();
        m_loop = nullptr;
    }

    ExecContext *m_ctx = nullptr;
    std::unique_ptr<RecorderSink> m_sink;
    std::vector<std::size_t> m_nextPhase;
    std::vector<bool> m_inIo;
    std::uint32_t m_remaining = 0;
    QEventLoop *m_loop = nullptr;
    QObject *m_context = nullptr;
};

std::unique_ptr<Executor> makeEventLoopExecutor() { return std::make_unique<EventLoopExecutor>(); }

} // namespace il
