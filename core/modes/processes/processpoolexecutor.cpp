#include "core/base/clock.h"
#include "core/exec/cancelnotifier.h"
#include "core/exec/canceltoken.h"
#include "core/exec/counters.h"
#include "core/exec/executor.h"
#include "core/exec/lockbook.h"
#include "core/exec/phaserunner.h"
#include "core/exec/recorder.h"
#include "core/exec/runloop.h"
#include "core/model/taskset.h"
#include "core/modes/processes/livenesslimit.h"
#include "core/modes/processes/protocol.h"
#include "core/modes/processes/sharedcells.h"
#include "core/modes/processes/workerprocess.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>

Q_LOGGING_CATEGORY(lcPool, "interleave.processes")

namespace il {

QString defaultWorkerPath()
{
    const QString dir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    return dir + QStringLiteral("/interleave-worker");
}

// processes: real interleave-worker children started by QProcess when the
// run starts (their start-up is recorded as spawn), each sent one task at a
// time. Everything runs on the run thread's own event loop; the run thread is
// the only writer of the recorder (slot 0), translating worker events to
// their lane.
//
// No worker can hang a run or outlive it: each is its own process group,
// killed whole wherever the worker is dropped or the run ends; every task in
// flight has a liveness limit (livenesslimit.h); and respawning is bounded —
// a lane gives up after maxFailedStarts failed starts in a row, the whole
// pool after maxFailuresInARow workers that started but failed with no task
// completed in between (a program that is not a worker, a worker that dies
// on every task): that run then ends with an error, every unfinished task
// failed.
//
// Locks and counters: the run thread is the lock server. A worker's acquire
// is an Acquire frame; the parent's LockBook (the one every mode shares)
// grants it at once, puts the task in line (its lock-wait span begins here,
// its worker ends it when it runs on) or finds the cycle it would close; a
// release is a Release frame that hands the lock to the oldest waiter. The
// counters live in a memfd every worker maps, so their loads and stores
// race across processes as across threads.
class ProcessPoolExecutor final : public Executor
{
public:
    explicit ProcessPoolExecutor(int workers) : m_workers(workers) {}

    static constexpr int maxFailedStarts = 3;   // per lane, in a row
    static constexpr int maxFailuresInARow = 5; // whole pool, no task completed in between
    static constexpr double aheadBehindMs = 1.0; // --prefetch queues only behind tasks this short
    static constexpr std::int64_t spinNs = 50'000; // a worker's look before sleeping (see WorkerChannel)

    int laneCount() const override { return m_workers; }
    int slotCount() const override { return 1; }
    std::uint16_t slotLane(int) const override { return noLane; } // the controller writes for every lane
    QStringList laneNames() const override
    {
        QStringList names;
        for (int i = 0; i < m_workers; ++i) {
            // A replaced worker's lane names every pid it had, oldest first.
            QStringList pids;
            if (i < int(m_lanes.size())) {
                for (qint64 pid : m_lanes[i]->formerPids)
                    pids << QString::number(pid);
                if (m_lanes[i]->pid)
                    pids << QString::number(m_lanes[i]->pid);
            }
            if (pids.size() > 3)
                pids = QStringList{pids.first(), QStringLiteral("…"), pids.last()};
            names << (pids.isEmpty() ? QStringLiteral("worker %1").arg(i + 1)
                                     : QStringLiteral("worker %1 (pid %2)").arg(i + 1).arg(pids.join(QStringLiteral(" → "))));
        }
        return names;
    }
    std::vector<qint64> lanePids() const override
    {
        std::vector<qint64> pids;
        for (const auto &l : m_lanes)
            pids.push_back(l->pid);
        return pids;
    }

    void run(ExecContext &ctx) override
    {
        const SigpipeBlocked writesToLostWorkers; // fail with EPIPE (WorkerPipes)
        m_ctx = &ctx;
        m_prefetch = ctx.config.effectivePrefetch();
        // Workers look for the parent's answer a moment before sleeping only
        // while each can have a core: more, and their looking takes the
        // cores the parent and the others need.
        m_spinNs = m_workers <= m_cores ? spinNs : 0;
        m_sink = std::make_unique<RecorderSink>(ctx.recorder, 0);
        const auto n = std::uint32_t(ctx.set.tasks.size());
        m_workerPath = ctx.config.workerPath.isEmpty() ? defaultWorkerPath() : ctx.config.workerPath;

        const QFileInfo info(m_workerPath);
        if (!info.isFile() || !info.isExecutable()) {
            Incident missing;
            missing.kind = info.exists() ? IncidentKind::WorkerNotExecutable : IncidentKind::WorkerMissing;
            missing.tNs = monoNs();
            missing.detail = m_workerPath;
            return failBeforeStart(missing);
        }
        if (ctx.set.usesSharedState()) {
            std::string error;
            m_shared = SharedCells::create(std::uint32_t(ctx.set.names.size()), &error);
            if (!m_shared) {
                Incident none;
                none.kind = IncidentKind::InternalError;
                none.tNs = monoNs();
                none.detail = QStringLiteral("cannot share the counters between processes (%1)").arg(QString::fromStdString(error));
                return failBeforeStart(none);
            }
            m_counters.emplace(ctx.set, m_shared->cells());
            m_book.emplace(ctx.set);
        }

        for (std::uint32_t i = 0; i < n; ++i) {
            m_sink->record(makeEvent(EventKind::Queued, i, noLane));
            m_pending.push_back(i);
        }
        RunLoop loop(n);
        m_loop.attach(&loop);
        for (int i = 0; i < m_workers; ++i) {
            m_lanes.push_back(std::make_unique<Lane>());
            m_lanes.back()->index = i;
        }
        m_startedLanes = int(std::min<std::uint32_t>(std::uint32_t(m_workers), n));
        for (int i = 0; i < m_startedLanes; ++i)
            spawn(*m_lanes[i]);

        // Stop wakes this loop through the token's descriptor: no polling.
        const auto onStop = cancelNotifier(ctx.cancel, [this] { cancelAll(); });
        loop.exec();
        m_loop.attach(nullptr);
        shutdown();
        if (m_book) // every worker is gone: the counters are final
            setSharedResults({m_counters->results(), m_book->results(), m_book->handoffs()});
    }

private:
    struct Lane
    {
        int index = 0;
        std::unique_ptr<QProcess> proc;
        WorkerPipes pipes; // its stdin and stdout
        // The liveness limit of the task in flight: its deadline, checked by
        // a timer that is not restarted for every task (see watch()).
        std::unique_ptr<QTimer> timeout;
        int limitMs = 0;
        std::int64_t deadlineNs = 0;
        std::int64_t timerDueNs = 0; // when `timeout` fires, while active
        bool watched = false;        // off while the task waits for another's lock
        std::unique_ptr<QTimer> helloTimeout; // a worker that never says hello
        protocol::Decoder decoder;
        qint64 pid = 0;  // the worker's own pid, once its hello confirmed it
        qint64 pgid = 0; // the child we started = its process group
        std::vector<qint64> formerPids; // workers this lane had before a replacement
        bool ready = false;
        bool retiring = false;
        std::int64_t task = -1;  // in flight: the one the worker runs (or begins next)
        bool started = false;    // its TaskStart arrived
        bool ipcOpen = false;    // its ipc span (from sent to begun) has its begin recorded
        std::int64_t sentNs = 0; // when it was sent, or became the worker's next
        // Asked back before it began (it was sent ahead, and became the next
        // while asked): its queued-at span is still open.
        bool headRevoking = false;
        // Sent ahead (--prefetch), queued in the worker behind `task`, in order.
        struct Ahead
        {
            std::uint32_t task;
            bool revoking = false;
        };
        std::deque<Ahead> ahead;
        // The task in flight and a lock: waiting in line (its lock-wait span
        // begun here), answered (its worker ends the span), or neither.
        enum class LockWait { None, Waiting, Answered } lockWait = LockWait::None;
        protocol::Grant answer = protocol::Grant::AtOnce; // once Answered
        std::uint32_t waitLock = 0;
        std::uint16_t waitPhase = 0;
        std::int64_t waitSinceNs = 0;
        int failedStarts = 0;    // in a row
        QByteArray stderrTail;
    };

    std::uint16_t laneId(const Lane &l) const { return std::uint16_t(l.index); }

    // Frames for the workers wait while the run thread handles one thing (a
    // worker's output, its end, a timer) and go out together after it: a
    // worker whose two task ends arrived in one read is sent its next two
    // tasks in one write, and wakes once.
    class Batch
    {
    public:
        explicit Batch(ProcessPoolExecutor &pool) : m_pool(pool)
        {
            if (m_pool.m_batchDepth++ == 0)
                for (auto &l : m_pool.m_lanes)
                    l->pipes.hold();
        }
        ~Batch()
        {
            if (--m_pool.m_batchDepth == 0)
                for (auto &l : m_pool.m_lanes)
                    l->pipes.release();
        }
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

    private:
        ProcessPoolExecutor &m_pool;
    };

    // Why a worker is dropped: the incident's kind, its value and detail
    // (see IncidentKind); lane, pid, task and time are filled in by
    // onWorkerLost().
    struct Loss
    {
        IncidentKind kind;
        std::int64_t value = 0;
        QString detail;
    };

    void spawn(Lane &l)
    {
        if (l.pid)
            l.formerPids.push_back(l.pid);
        l.decoder = protocol::Decoder();
        l.ready = false;
        l.pid = 0;
        l.pgid = 0;
        l.task = -1;
        l.started = false;
        l.ipcOpen = false;
        l.headRevoking = false;
        l.ahead.clear();
        l.lockWait = Lane::LockWait::None;
        l.stderrTail.clear();
        m_sink->record(makeEvent(EventKind::SpanBegin, noTask, laneId(l), SpanKind::Spawn));
        l.proc = std::make_unique<QProcess>();
        QProcess *proc = l.proc.get();
        if (m_spinNs > 0) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QLatin1String(protocol::spinEnvironment), QString::number(m_spinNs));
            proc->setProcessEnvironment(env);
        }
        QString pipeError;
        if (!l.pipes.open(&pipeError))
            return onWorkerLost(l, {IncidentKind::SpawnFailed, 0, QStringLiteral("no pipes for it: %1").arg(pipeError)});
        l.pipes.watch([this, &l] {
            const Batch batch(*this);
            onOutput(l);
        });
        QObject::connect(proc, &QProcess::readyReadStandardError, proc, [&l] {
            l.stderrTail = (l.stderrTail + l.proc->readAllStandardError()).right(2000);
        });
        QObject::connect(proc, &QProcess::finished, proc, [this, &l, proc](int code, QProcess::ExitStatus status) {
            if (l.retiring)
                return;
            const Batch batch(*this);
            // What it wrote before it ended comes first (its error frame,
            // the end of a task), if that did not cost it the lane already.
            onOutput(l);
            if (l.proc.get() != proc || l.retiring)
                return;
            onWorkerLost(l, status == QProcess::CrashExit ? Loss{IncidentKind::WorkerCrashed, 0, {}}
                                                          : Loss{IncidentKind::WorkerExited, code, {}});
        });
        QObject::connect(proc, &QProcess::errorOccurred, proc, [this, &l](QProcess::ProcessError error) {
            const Batch batch(*this);
            if (error == QProcess::FailedToStart && !l.retiring)
                onWorkerLost(l, {IncidentKind::SpawnFailed, 0, l.proc->errorString()});
        });
        if (!l.helloTimeout) {
            l.helloTimeout = std::make_unique<QTimer>();
            l.helloTimeout->setSingleShot(true);
            QObject::connect(l.helloTimeout.get(), &QTimer::timeout, l.helloTimeout.get(), [this, &l] {
                const Batch batch(*this);
                onWorkerLost(l, {IncidentKind::NoHello, helloTimeoutMs(), {}});
            });
        }
        l.helloTimeout->start(helloTimeoutMs());
        l.pgid = startWorkerProcess(*proc, m_workerPath, m_shared ? m_shared->fd() : -1, &l.pipes);
        l.pipes.closeChildEnds();
        l.pipes.write(protocol::encodeHello(quint32(QCoreApplication::applicationPid())));
    }

    void onOutput(Lane &l)
    {
        if (!l.proc)
            return;
        l.pipes.read(l.decoder);
        protocol::Frame frame;
        for (;;) {
            const bool wasReady = l.decoder.helloSeen();
            const auto status = l.decoder.next(&frame);
            if (!wasReady && l.decoder.helloSeen() && !onHello(l))
                return;
            if (status == protocol::Decoder::Status::NeedMore)
                return;
            if (status == protocol::Decoder::Status::Error)
                return onWorkerLost(l, {IncidentKind::ProtocolError, 0, QString::fromStdString(l.decoder.error())});
            if (frame.type == protocol::FrameType::Error)
                return onWorkerLost(l, {IncidentKind::ProtocolError, 0, QStringLiteral("its error frame: %1").arg(QString::fromStdString(frame.message))});
            bool kept = false;
            switch (frame.type) {
            case protocol::FrameType::Event: kept = onWorkerEvent(l, frame.event); break;
            case protocol::FrameType::Acquire: kept = onAcquire(l, frame); break;
            case protocol::FrameType::Release: kept = onRelease(l, frame); break;
            case protocol::FrameType::Revoked: kept = onRevoked(l, frame); break;
            default: onWorkerLost(l, {IncidentKind::ProtocolError, 0, QStringLiteral("an unexpected frame")}); break;
            }
            if (!kept)
                return;
        }
    }

    // Generous: a loaded machine or a sanitizer build starts slowly. The
    // environment override exists for the fault tests.
    static int helloTimeoutMs()
    {
        bool ok = false;
        const int ms = qEnvironmentVariableIntValue("INTERLEAVE_HELLO_TIMEOUT_MS", &ok);
        return ok && ms > 0 ? ms : 10000;
    }

    // Returns false if the worker was dropped.
    bool onHello(Lane &l)
    {
        l.helloTimeout->stop();
        // A program that merely echoes (cat) sends our own hello back: well
        // formed, but naming our pid. A worker names itself, so a wrapper
        // script must exec it rather than run it as a child.
        if (qint64(l.decoder.peerPid()) != l.pgid) {
            onWorkerLost(l, {IncidentKind::ForeignHello, qint64(l.decoder.peerPid()), {}});
            return false;
        }
        l.pid = l.decoder.peerPid();
        l.ready = true;
        l.failedStarts = 0;
        if (m_shared)
            l.pipes.write(protocol::encodeShared(m_shared->fd(), m_shared->count()));
        m_sink->record(makeEvent(EventKind::SpanEnd, noTask, laneId(l), SpanKind::Spawn));
        dispatch();
        return true;
    }

    // Returns false if the worker was dropped.
    bool onWorkerEvent(Lane &l, Event e)
    {
        QString bad;
        const bool spanEdge = e.kind == EventKind::SpanBegin || e.kind == EventKind::SpanEnd;
        if (l.task < 0 || e.task != std::uint32_t(l.task))
            bad = QStringLiteral("an event for task %1 it was not given").arg(e.task);
        else if (e.tNs < l.sentNs - 1'000'000'000LL || e.tNs > monoNs() + 1'000'000'000LL)
            bad = QStringLiteral("a timestamp off the shared clock");
        else if (!l.started && e.kind != EventKind::TaskStart)
            bad = QStringLiteral("events out of order (kind %1 for task %2 before its start)").arg(int(e.kind)).arg(e.task);
        else if (l.started && e.kind == EventKind::TaskStart)
            bad = QStringLiteral("events out of order (task %1 started twice)").arg(e.task);
        else if (e.kind == EventKind::Queued || (e.kind == EventKind::TaskFailed && !m_book)
                 || (spanEdge && !spanMakesSense(l, e)))
            bad = QStringLiteral("an event that makes no sense (kind %1, span %2, phase %3)")
                      .arg(int(e.kind)).arg(int(e.span)).arg(e.phase);
        if (!bad.isEmpty()) {
            onWorkerLost(l, {IncidentKind::ProtocolError, 0, bad});
            return false;
        }
        // Past the checks above: the event names the lane's own task.
        Q_ASSERT(e.task < m_ctx->set.tasks.size());
        e.lane = laneId(l);
        if (e.kind == EventKind::TaskStart) {
            // IPC: from handing the task to the pipe (or, sent ahead, from the
            // end of the task before it) until the worker began it.
            if (l.headRevoking) { // asked back too late: it was queued here until it became the next
                endQueuedAt(l, e.task, l.sentNs);
                l.headRevoking = false;
                --m_revoking;
            }
            if (!l.ipcOpen)
                m_sink->record(Event{l.sentNs, e.task, e.lane, noPhase, EventKind::SpanBegin, SpanKind::Ipc});
            m_sink->record(Event{e.tNs, e.task, e.lane, noPhase, EventKind::SpanEnd, SpanKind::Ipc});
            l.ipcOpen = false;
            l.started = true;
        }
        if (e.span == SpanKind::LockWait) {
            // The worker runs on: the moment its wait ended, in the book too.
            if (l.answer == protocol::Grant::AfterWait)
                m_book->acquired(l.waitLock, e.task, true, e.tNs - l.waitSinceNs, e.tNs);
            l.lockWait = Lane::LockWait::None;
        }
        m_sink->record(e);
        if (e.kind == EventKind::TaskFailed && m_book) // a deadlock's member: it gave its locks up already
            handOver(m_book->abandon({e.task}, e.tNs));
        if (e.kind == EventKind::TaskEnd || e.kind == EventKind::TaskCancelled || e.kind == EventKind::TaskFailed) {
            // The result's trip back, unless the worker went straight on to
            // a task sent ahead: then the lane is that task's from here.
            if (l.ahead.empty()) {
                m_sink->record(Event{e.tNs, e.task, e.lane, noPhase, EventKind::SpanBegin, SpanKind::Ipc});
                m_sink->record(makeEvent(EventKind::SpanEnd, e.task, e.lane, SpanKind::Ipc));
            }
            l.task = -1;
            l.started = false;
            l.watched = false;
            m_failuresInARow = 0;
            finishOne();
            promote(l, e.tNs);
            dispatch();
        }
        return true;
    }

    // A span edge from a worker: cpu or io of a phase of its task (an
    // increment has either); the round trip of an acquire answered at once
    // (ipc); the end of a wait in line the parent answered.
    bool spanMakesSense(const Lane &l, const Event &e) const
    {
        const auto &phases = m_ctx->set.tasks[e.task].phases;
        if (e.phase >= phases.size())
            return false;
        const PhaseKind kind = phases[e.phase].kind;
        switch (e.span) {
        case SpanKind::Cpu:
        case SpanKind::Io: return true;
        case SpanKind::Ipc: return kind == PhaseKind::Acquire;
        case SpanKind::LockWait:
            return e.kind == EventKind::SpanEnd && l.lockWait == Lane::LockWait::Answered && e.phase == l.waitPhase;
        default: return false;
        }
    }

    // Returns false if the worker was dropped.
    bool lockFrameMakesSense(Lane &l, const protocol::Frame &f, const char *what)
    {
        if (m_book && l.started && l.task == std::int64_t(f.taskIndex) && l.lockWait == Lane::LockWait::None
            && f.lock < m_ctx->set.names.size())
            return true;
        onWorkerLost(l, {IncidentKind::ProtocolError, 0,
                         QStringLiteral("a %1 that makes no sense (task %2, lock %3)").arg(QLatin1String(what)).arg(f.taskIndex).arg(f.lock)});
        return false;
    }

    // A worker's task asks for a lock. Returns false if the worker was dropped.
    bool onAcquire(Lane &l, const protocol::Frame &f)
    {
        if (!lockFrameMakesSense(l, f, "lock request"))
            return false;
        const auto &phases = m_ctx->set.tasks[f.taskIndex].phases;
        if (f.phase >= phases.size() || phases[f.phase].kind != PhaseKind::Acquire || phases[f.phase].ref != f.lock) {
            onWorkerLost(l, {IncidentKind::ProtocolError, 0,
                             QStringLiteral("a lock request for phase %1 of task %2, which is no acquire of lock %3").arg(f.phase).arg(f.taskIndex).arg(f.lock)});
            return false;
        }
        const std::int64_t now = monoNs();
        const LockBook::Outcome outcome = m_book->request(f.lock, f.taskIndex);
        if (outcome == LockBook::Outcome::Granted) {
            m_book->acquired(f.lock, f.taskIndex, false, 0, now);
            l.pipes.write(protocol::encodeGrant(f.taskIndex, f.lock, protocol::Grant::AtOnce));
            return true;
        }
        // In line: the wait is drawn from the worker's request on; waiting
        // for another task is not this worker hanging.
        m_sink->record(Event{f.tNs, f.taskIndex, laneId(l), f.phase, EventKind::SpanBegin, SpanKind::LockWait});
        l.lockWait = Lane::LockWait::Waiting;
        l.waitLock = f.lock;
        l.waitPhase = f.phase;
        l.waitSinceNs = f.tNs;
        l.watched = false;
        if (outcome == LockBook::Outcome::Deadlock) {
            std::vector<std::uint32_t> members;
            report(m_book->deadlockIncident(f.taskIndex, now, &members));
            for (std::uint32_t t : members)
                if (Lane *waiter = laneOf(t))
                    answer(*waiter, protocol::Grant::Deadlocked);
            handOver(m_book->abandon(members, now));
        }
        return true;
    }

    // Returns false if the worker was dropped.
    bool onRelease(Lane &l, const protocol::Frame &f)
    {
        if (!lockFrameMakesSense(l, f, "lock release"))
            return false;
        if (!m_book->holds(f.lock, f.taskIndex)) {
            onWorkerLost(l, {IncidentKind::ProtocolError, 0,
                             QStringLiteral("a release of lock %1 by task %2, which does not hold it").arg(f.lock).arg(f.taskIndex)});
            return false;
        }
        // Released when the server hears of it, not when the worker said so:
        // another worker's request may arrive first, and it waits until then.
        const std::uint32_t next = m_book->release(f.lock, f.taskIndex, monoNs());
        if (next != noTask)
            handOver({next});
        return true;
    }

    // The lane whose task in flight is `task`, if any.
    Lane *laneOf(std::uint32_t task)
    {
        for (auto &lp : m_lanes)
            if (lp->task == std::int64_t(task))
                return lp.get();
        return nullptr;
    }

    // Each of `tasks` waited in line and was handed its lock: it runs on
    // once its worker hears (the book counts its wait until then).
    void handOver(const std::vector<std::uint32_t> &tasks)
    {
        for (std::uint32_t t : tasks)
            if (Lane *waiter = laneOf(t); waiter && waiter->lockWait == Lane::LockWait::Waiting)
                answer(*waiter, protocol::Grant::AfterWait);
    }

    // Tells a waiting lane's worker how its wait ended; its liveness limit
    // runs again.
    void answer(Lane &l, protocol::Grant how)
    {
        l.lockWait = Lane::LockWait::Answered;
        l.answer = how;
        if (!l.proc || !l.ready)
            return;
        l.pipes.write(protocol::encodeGrant(std::uint32_t(l.task), l.waitLock, how));
        arm(l);
    }

    // A lane's task that will not run on: its lock-wait span (if any) ends
    // now, and its locks go to the next in line.
    void leaveLocks(Lane &l)
    {
        if (l.lockWait != Lane::LockWait::None)
            m_sink->record(makeEvent(EventKind::SpanEnd, std::uint32_t(l.task), laneId(l), SpanKind::LockWait, l.waitPhase));
        l.lockWait = Lane::LockWait::None;
        if (m_book && !m_ctx->cancel.isCancelled())
            handOver(m_book->abandon({std::uint32_t(l.task)}, monoNs()));
    }

    // First come, first served: the next pending task goes to the first idle
    // worker (lowest lane). Then, with --prefetch, each busy worker gets up
    // to that many more queued behind its task, so it never waits for the
    // parent between two (one task stays pending for each worker still
    // starting) — but only behind tasks declared at most aheadBehindMs
    // long: behind a longer one the round trip saved is nothing beside it,
    // and a task queued there could wait for it while another worker is
    // idle. A worker idle with nothing pending asks back a task queued
    // behind another worker's (which answers between tasks or while it
    // waits for a lock), as CPython's shared call queue would have given it
    // to whoever was free.
    void dispatch()
    {
        if (m_ctx->cancel.isCancelled())
            return;
        for (auto &lp : m_lanes) {
            Lane &l = *lp;
            if (m_pending.empty())
                break;
            if (!l.ready || l.task >= 0)
                continue;
            const std::uint32_t i = m_pending.front();
            m_pending.pop_front();
            send(l, i);
        }
        if (m_prefetch > 0 && !m_pending.empty()) {
            const auto starting = std::size_t(std::count_if(m_lanes.begin(), m_lanes.begin() + m_startedLanes,
                                                            [](const auto &x) { return x->proc && !x->ready; }));
            for (auto &lp : m_lanes) {
                Lane &l = *lp;
                while (l.ready && l.task >= 0 && int(l.ahead.size()) < m_prefetch && m_pending.size() > starting
                       && m_ctx->set.tasks[l.ahead.empty() ? std::size_t(l.task) : l.ahead.back().task].lengthMs()
                              <= aheadBehindMs) {
                    const std::uint32_t i = m_pending.front();
                    m_pending.pop_front();
                    l.ahead.push_back({i});
                    // Queued at this worker from now: a span on its lane
                    // that Trace keeps apart from the lane's work.
                    m_sink->record(makeEvent(EventKind::SpanBegin, i, laneId(l), SpanKind::QueuedAt));
                    l.pipes.write(protocol::encodeTask(i, m_ctx->set.phasesOf(i)));
                }
            }
        }
        if (m_pending.empty())
            revokeForIdle();
    }

    // Task i, sent ahead to the lane's worker, is no longer queued there:
    // it became the worker's next, was given back, or was lost with it.
    void endQueuedAt(Lane &l, std::uint32_t i, std::int64_t tNs)
    {
        m_sink->record(Event{tNs, i, laneId(l), noPhase, EventKind::SpanEnd, SpanKind::QueuedAt});
    }

    // Hands task i to the lane's idle worker.
    void send(Lane &l, std::uint32_t i)
    {
        l.task = i;
        l.started = false;
        const Event sent = makeEvent(EventKind::SpanBegin, i, laneId(l), SpanKind::Ipc);
        l.sentNs = sent.tNs;
        l.ipcOpen = true;
        m_sink->record(sent);
        l.pipes.write(protocol::encodeTask(i, m_ctx->set.phasesOf(i)));
        watch(l);
    }

    // The lane's task ended at `endNs`: the first task sent ahead (if any)
    // is the one its worker begins next, from then on.
    void promote(Lane &l, std::int64_t endNs)
    {
        if (l.ahead.empty() || !l.ready)
            return;
        const Lane::Ahead next = l.ahead.front();
        l.ahead.pop_front();
        l.task = next.task;
        l.started = false;
        l.headRevoking = next.revoking;
        l.sentNs = endNs;
        // A task being asked back may never begin here: its spans wait for
        // its start (or its return). Else it was queued here until now.
        l.ipcOpen = !next.revoking;
        if (l.ipcOpen) {
            endQueuedAt(l, next.task, endNs);
            m_sink->record(Event{endNs, next.task, laneId(l), noPhase, EventKind::SpanBegin, SpanKind::Ipc});
        }
        watch(l);
    }

    // As many tasks asked back as there are idle workers (beyond those
    // asked already), the last queued first.
    void revokeForIdle()
    {
        const auto idle = std::count_if(m_lanes.begin(), m_lanes.end(), [](const auto &x) {
            return x->ready && x->task < 0;
        });
        while (idle > m_revoking) {
            Lane *from = nullptr;
            for (auto &lp : m_lanes)
                if (lp->ready && !lp->ahead.empty() && !lp->ahead.back().revoking)
                    from = lp.get();
            if (!from)
                return;
            from->ahead.back().revoking = true;
            ++m_revoking;
            from->pipes.write(protocol::encodeRevoke(from->ahead.back().task));
        }
    }

    // The worker gave back a task it never began. Returns false if the
    // worker was dropped.
    bool onRevoked(Lane &l, const protocol::Frame &f)
    {
        const auto it = std::find_if(l.ahead.begin(), l.ahead.end(), [&](const Lane::Ahead &a) {
            return a.task == f.taskIndex && a.revoking;
        });
        if (it != l.ahead.end()) {
            endQueuedAt(l, f.taskIndex, f.tNs);
            l.ahead.erase(it);
        } else if (l.task == std::int64_t(f.taskIndex) && l.headRevoking && !l.started) {
            // It was to be its next: the one after it is now.
            endQueuedAt(l, f.taskIndex, f.tNs);
            l.task = -1;
            l.headRevoking = false;
            l.watched = false;
            promote(l, f.tNs);
        } else {
            onWorkerLost(l, {IncidentKind::ProtocolError, 0,
                             QStringLiteral("it gave back task %1, which it was not asked for").arg(f.taskIndex)});
            return false;
        }
        --m_revoking;
        m_pending.push_front(f.taskIndex);
        dispatch();
        return true;
    }

    // Every task the worker runs is watched: a stopped or stalled worker
    // makes no progress, and nothing else would ever end its task.
    void watch(Lane &l)
    {
        l.limitMs = livenessLimitMs(m_ctx->set.tasks[std::size_t(l.task)], m_ctx->config, m_cores);
        arm(l);
    }

    // The task's limit runs from now. The timer is restarted only when it
    // would fire after the new deadline: a task of a few microseconds must
    // not cost a timer's stop and start (the same limit for the next task
    // leaves it as it is, and its firing finds the later deadline).
    void arm(Lane &l)
    {
        const std::int64_t now = monoNs();
        l.deadlineNs = now + std::int64_t(l.limitMs) * 1'000'000;
        l.watched = true;
        if (!l.timeout) {
            l.timeout = std::make_unique<QTimer>();
            l.timeout->setSingleShot(true);
            l.timeout->setTimerType(Qt::PreciseTimer);
            QObject::connect(l.timeout.get(), &QTimer::timeout, l.timeout.get(), [this, &l] {
                const Batch batch(*this);
                onTimeout(l);
            });
        }
        if (!l.timeout->isActive() || l.timerDueNs > l.deadlineNs)
            startTimer(l, now, l.limitMs);
    }

    void startTimer(Lane &l, std::int64_t now, int ms)
    {
        l.timerDueNs = now + std::int64_t(ms) * 1'000'000;
        l.timeout->start(ms);
    }

    void onTimeout(Lane &l)
    {
        if (!l.watched || l.task < 0)
            return; // nothing in flight is watched: the next task arms it again
        const std::int64_t now = monoNs();
        if (now < l.deadlineNs) // a later task's deadline (or a timer a little early)
            return startTimer(l, now, int((l.deadlineNs - now + 999'999) / 1'000'000));
        const bool asked = m_ctx->config.taskTimeoutMs > 0;
        onWorkerLost(l, {asked ? IncidentKind::TaskTimeout : IncidentKind::WorkerHung, l.limitMs,
                         asked ? QString() : livenessLimit(m_ctx->set.tasks[std::size_t(l.task)], m_ctx->config, m_cores).description});
    }

    // Tasks sent ahead to a worker that will not run them go back to the
    // front of the queue, in order: they never began.
    void takeBackAhead(Lane &l)
    {
        const std::int64_t now = monoNs();
        if (l.headRevoking) {
            endQueuedAt(l, std::uint32_t(l.task), now);
            l.headRevoking = false;
            --m_revoking;
        }
        for (auto it = l.ahead.rbegin(); it != l.ahead.rend(); ++it) {
            endQueuedAt(l, it->task, now);
            m_revoking -= it->revoking;
            m_pending.push_front(it->task);
        }
        l.ahead.clear();
    }

    // A worker died, hung or spoke nonsense: fail its task visibly, replace it
    // (within bounds). Each step is an incident: the loss itself (with the
    // task it cost), a lane given up, the pool given up.
    void onWorkerLost(Lane &l, Loss loss)
    {
        Incident incident;
        incident.kind = loss.kind;
        incident.lane = laneId(l);
        incident.pid = l.pid ? l.pid : l.pgid;
        incident.task = l.task >= 0 ? std::uint32_t(l.task) : noTask;
        incident.tNs = monoNs();
        incident.value = loss.value;
        incident.detail = loss.detail;
        const QString tail = QString::fromLocal8Bit(l.stderrTail).trimmed().section(QLatin1Char('\n'), -1);
        if (!tail.isEmpty())
            incident.detail += (incident.detail.isEmpty() ? QString() : QStringLiteral(" — ")) + QStringLiteral("stderr: ") + tail;
        qCWarning(lcPool).noquote() << incidentKindName(incident.kind) << "lane" << incident.lane + 1 << "pid"
                                    << incident.pid << incident.detail;
        const bool wasReady = l.ready;
        retire(l);
        if (!wasReady)
            m_sink->record(makeEvent(EventKind::SpanEnd, noTask, laneId(l), SpanKind::Spawn));
        failInFlight(l);
        l.ready = false;
        if (m_ctx->cancel.isCancelled() || !running()) {
            report(incident);
            return;
        }
        if (!wasReady && ++l.failedStarts >= maxFailedStarts) {
            report(incident);
            Incident lane;
            lane.kind = IncidentKind::LaneGivenUp;
            lane.lane = laneId(l);
            lane.pid = incident.pid;
            lane.tNs = incident.tNs;
            lane.value = maxFailedStarts;
            report(lane);
            // Only lanes that were ever started count: with more workers than
            // tasks the rest never run, and waiting on them would hang.
            const auto used = m_lanes.begin() + m_startedLanes;
            if (std::all_of(m_lanes.begin(), used, [](const auto &x) { return x->failedStarts >= maxFailedStarts; })) {
                // Nothing can run: a run-level failure, like a missing executable.
                Incident none;
                none.kind = IncidentKind::NoWorkerStarted;
                none.tNs = incident.tNs;
                none.detail = m_workerPath;
                giveUp(none);
            }
            return;
        }
        if (wasReady && ++m_failuresInARow >= maxFailuresInARow) {
            report(incident);
            Incident row;
            row.kind = IncidentKind::FailuresInARow;
            row.tNs = incident.tNs;
            row.value = maxFailuresInARow;
            giveUp(row);
            return;
        }
        if (!m_pending.empty()) {
            incident.replaced = true;
            report(incident);
            // Respawn from the event loop, not from inside the dying QProcess's signal.
            QTimer::singleShot(0, m_loop.context(), [this, &l] {
                const Batch batch(*this);
                if (running() && !m_ctx->cancel.isCancelled() && !m_pending.empty())
                    spawn(l);
            });
            dispatch(); // what it had queued ahead may go to an idle worker meanwhile
        } else {
            report(incident);
        }
    }

    // The lane's task in flight (if any) failed, drawn on this lane; those
    // sent ahead go back to the queue.
    void failInFlight(Lane &l)
    {
        if (l.headRevoking) {
            // Asked back as it became the next: queued here until then, and
            // drawn as sent from then on (below), not both at once.
            endQueuedAt(l, std::uint32_t(l.task), l.sentNs);
            l.headRevoking = false;
            --m_revoking;
        }
        takeBackAhead(l);
        if (l.task < 0)
            return;
        const auto task = std::uint32_t(l.task);
        leaveLocks(l);
        if (!l.started) {
            // It died before saying TaskStart: the task still held this
            // lane from the moment it was sent, so show it there (else
            // the timeline and the trace would have nowhere to draw it).
            if (!l.ipcOpen)
                m_sink->record(Event{l.sentNs, task, laneId(l), noPhase, EventKind::SpanBegin, SpanKind::Ipc});
            m_sink->record(Event{l.sentNs, task, laneId(l), noPhase, EventKind::TaskStart});
            m_sink->record(makeEvent(EventKind::SpanEnd, task, laneId(l), SpanKind::Ipc));
            l.ipcOpen = false;
        }
        m_sink->record(makeEvent(EventKind::TaskFailed, task, laneId(l)));
        l.task = -1;
        l.started = false;
        finishOne();
    }

    // The pool cannot go on: a fatal incident; every worker is killed, every
    // unfinished task failed (visibly, on its lane if it had one), the run ends.
    void giveUp(const Incident &fatal)
    {
        Q_ASSERT(fatal.fatal());
        report(fatal);
        std::uint32_t lost = 0;
        for (auto &lp : m_lanes) {
            Lane &l = *lp;
            if (l.proc && !l.ready)
                m_sink->record(makeEvent(EventKind::SpanEnd, noTask, laneId(l), SpanKind::Spawn));
            retire(l);
            l.ready = false;
            lost += l.task >= 0;
            failInFlight(l);
        }
        while (!m_pending.empty()) {
            m_sink->record(makeEvent(EventKind::TaskFailed, m_pending.front(), noLane));
            m_pending.pop_front();
            finishOne();
            ++lost;
        }
        reportTasksLost(lost);
    }

    // Nothing can start (no worker program, no shared memory): a fatal
    // incident, every task queued and failed at once.
    void failBeforeStart(const Incident &fatal)
    {
        report(fatal);
        const auto n = std::uint32_t(m_ctx->set.tasks.size());
        for (std::uint32_t i = 0; i < n; ++i) {
            m_sink->record(makeEvent(EventKind::Queued, i, noLane));
            m_sink->record(makeEvent(EventKind::TaskFailed, i, noLane));
        }
        reportTasksLost(n);
    }

    void reportTasksLost(std::uint32_t count)
    {
        if (count == 0)
            return;
        Incident lost;
        lost.kind = IncidentKind::TasksLost;
        lost.tNs = monoNs();
        lost.value = count;
        report(lost);
    }

    // Stops a worker for good: no more signals from it, its whole process
    // group killed (even if it exited by itself: a script's children may
    // live on), the worker reaped.
    void retire(Lane &l)
    {
        if (!l.proc)
            return;
        l.retiring = true;
        l.proc->disconnect();
        if (l.timeout)
            l.timeout->stop();
        if (l.helloTimeout)
            l.helloTimeout->stop();
        killWorkerGroup(l.pgid);
        if (l.proc->state() != QProcess::NotRunning) {
            l.proc->kill(); // in case it left the group
            l.proc->waitForFinished(1000);
        }
        // Delete later: we may be inside one of its signals.
        l.proc.release()->deleteLater();
        l.pipes.close();
        l.retiring = false;
    }

    bool running() const { return m_loop.running(); }
    void finishOne() { m_loop.finishOne(); }

    void cancelAll()
    {
        if (!running())
            return;
        for (auto &lp : m_lanes) {
            Lane &l = *lp;
            if (l.proc && !l.ready)
                m_sink->record(makeEvent(EventKind::SpanEnd, noTask, laneId(l), SpanKind::Spawn));
            retire(l);
            takeBackAhead(l);
            if (l.task >= 0) {
                if (!l.started && l.ipcOpen)
                    m_sink->record(makeEvent(EventKind::SpanEnd, std::uint32_t(l.task), laneId(l), SpanKind::Ipc));
                leaveLocks(l);
                m_sink->record(makeEvent(EventKind::TaskCancelled, std::uint32_t(l.task), laneId(l)));
                l.task = -1;
            }
        }
        m_loop.stop();
    }

    // Normal end: ask each worker to quit, then make sure it is gone.
    void shutdown()
    {
        // Tell every worker first, then wait: they exit in parallel.
        for (auto &lp : m_lanes) {
            Lane &l = *lp;
            if (!l.proc)
                continue;
            l.retiring = true;
            l.proc->disconnect();
            if (l.proc->state() != QProcess::NotRunning) {
                l.pipes.write(protocol::encodeQuit());
                l.pipes.closeInput();
            }
        }
        for (auto &lp : m_lanes) {
            Lane &l = *lp;
            if (!l.proc)
                continue;
            if (l.proc->state() != QProcess::NotRunning) {
                if (!l.proc->waitForFinished(1000)) {
                    l.proc->kill();
                    l.proc->waitForFinished(1000);
                }
            }
            // Whatever the worker started goes with it.
            killWorkerGroup(l.pgid);
            l.proc.reset();
            l.pipes.close();
            l.timeout.reset();
            l.helloTimeout.reset();
        }
        // Deliver the deleteLater()s of retired workers before we return.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }

    int m_workers;
    int m_prefetch = 0;      // tasks queued ahead per busy worker
    std::int64_t m_spinNs = 0; // told to each worker
    std::int64_t m_revoking = 0; // tasks asked back, not yet answered
    int m_startedLanes = 0; // min(workers, tasks): the lanes that ever get a worker
    int m_failuresInARow = 0; // workers lost after their hello since a task last completed
    int m_batchDepth = 0;     // Batch
    const int m_cores = detectedCores();
    QString m_workerPath;
    ExecContext *m_ctx = nullptr;
    std::unique_ptr<RecorderSink> m_sink;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    std::deque<std::uint32_t> m_pending;
    RunLoopHandle m_loop;
    // A set with locks and counters: the counters every worker maps, their
    // figures, and the run's locks, kept here.
    std::unique_ptr<SharedCells> m_shared;
    std::optional<Counters> m_counters;
    std::optional<LockBook> m_book;
};

std::unique_ptr<Executor> makeProcessPoolExecutor(int workers) { return std::make_unique<ProcessPoolExecutor>(workers); }

} // namespace il
