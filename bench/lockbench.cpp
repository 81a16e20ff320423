#include "lockbench.h"

#include "corebench.h"

#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/lockbook.h"
#include "core/exec/locktable.h"
#include "core/exec/phaserunner.h"
#include "core/model/presets.h"
#include "core/modes/modes.h"

#include <algorithm>

namespace bench {

namespace {

// Records nothing: an uncontended acquire records nothing either, so the
// sink only has to exist.
class NullSink final : public il::EventSink
{
public:
    void record(const il::Event &) override {}
};

il::TaskSet oneLockSet()
{
    return *il::parseTaskSet(R"({"tasks":[{"phases":[{"acquire":"A"},{"release":"A"}]}]})").taskSet;
}

// ns per acquire + release, over `rounds`.
template <typename Body>
double nsPerRound(int rounds, Body body)
{
    const std::int64_t t0 = il::monoNs();
    for (int i = 0; i < rounds; ++i)
        body();
    return double(il::monoNs() - t0) / rounds;
}

} // namespace

void benchLocks(const Options &options, Report &report)
{
    const int rounds = options.quick ? 100'000 : 2'000'000;
    const il::TaskSet set = oneLockSet();

    // threads, threads-gil, sequential: the run's LockTable (its mutex, the
    // book, no wait).
    {
        Figure f;
        f.id = QStringLiteral("locks.threads-uncontended");
        f.label = QStringLiteral("threads: uncontended acquire + release");
        f.unit = QStringLiteral("ns");
        f.aim = Aim::below(100, QStringLiteral("< 100"));
        il::LockTable table(set);
        NullSink sink;
        il::CancelToken cancel;
        f.samples = repeat(options.reps, [&] {
            return nsPerRound(rounds, [&] {
                table.acquire(0, 0, 0, 0, sink, cancel);
                table.release(0, 0);
            });
        });
        f.note = QStringLiteral("LockTable on one thread, %1 rounds; what a task of threads, threads-gil or "
                                "sequential pays for a lock nobody else holds")
                     .arg(countText(rounds));
        report.add(std::move(f));
    }
    // eventloop: the cooperative lock is the bare book on the loop thread.
    {
        Figure f;
        f.id = QStringLiteral("locks.eventloop-uncontended");
        f.label = QStringLiteral("eventloop: uncontended acquire + release");
        f.unit = QStringLiteral("ns");
        f.aim = Aim::below(100, QStringLiteral("< 100"));
        il::LockBook book(set);
        f.samples = repeat(options.reps, [&] {
            return nsPerRound(rounds, [&] {
                const std::int64_t now = il::monoNs();
                book.request(0, 0);
                book.acquired(0, 0, false, 0, now);
                book.release(0, 0, now);
            });
        });
        f.note = QStringLiteral("LockBook as the loop uses it (request, acquired, release, two clock reads), "
                                "%1 rounds")
                     .arg(countText(rounds));
        report.add(std::move(f));
    }
    // processes: the lock server is the parent, so a lock nobody holds costs
    // a round trip over the pipes (and the ipc span it is drawn as). One
    // task of `pairs` acquire + release against one of as many zero cpu
    // phases, both on one worker, measured from its start to its end.
    {
        Figure f;
        f.id = QStringLiteral("locks.processes-uncontended");
        f.label = QStringLiteral("processes: uncontended acquire + release");
        f.unit = QStringLiteral("µs");
        f.aim = Aim::below(20, QStringLiteral("< 20"));
        const int pairs = options.quick ? 500 : 4'000;
        il::TaskSet locked, plain;
        locked.tasks.resize(1);
        plain.tasks.resize(1);
        const std::uint32_t lock = locked.nameId(QStringLiteral("A"));
        for (int i = 0; i < pairs; ++i) {
            locked.tasks[0].phases.push_back({il::PhaseKind::Acquire, lock, 0});
            locked.tasks[0].phases.push_back({il::PhaseKind::Release, lock, 0});
            plain.tasks[0].phases.push_back({il::PhaseKind::Cpu, 0.0});
            plain.tasks[0].phases.push_back({il::PhaseKind::Cpu, 0.0});
        }
        il::RunConfig config;
        config.mode = il::Mode::Processes;
        config.workers = 1;
        QString error;
        const auto taskUs = [&](const il::TaskSet &set) {
            const DirectRun r = runDirect(set, config);
            if (!r.error.isEmpty()) {
                error = r.error;
                return 0.0;
            }
            const il::TaskRecord &t = r.trace->tasks.front();
            return il::nsToMs(t.endNs - t.startNs) * 1000.0;
        };
        f.samples = repeat(options.reps, [&] { return (taskUs(locked) - taskUs(plain)) / pairs; });
        f.note = QStringLiteral("one worker, a task of %1 acquire + release pairs against one of as many zero "
                                "cpu phases: a round trip to the parent's lock book per acquire, a frame per release")
                     .arg(countText(pairs));
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        report.add(std::move(f));
    }

    // Deadlock: the preset's two transfers close the cycle after 50 ms; from
    // the request that closes it (the later lock-wait's start) to the last
    // failed task's end.
    const il::TaskSet deadlock = *il::loadPreset(QStringLiteral("deadlock")).taskSet;
    for (il::Mode mode : {il::Mode::Threads, il::Mode::ThreadsGil, il::Mode::Processes, il::Mode::EventLoop}) {
        Figure f;
        f.id = QStringLiteral("locks.deadlock-latency.%1").arg(il::modeName(mode));
        f.label = QStringLiteral("%1: deadlock detected and run ended").arg(il::modeName(mode));
        f.unit = QStringLiteral("ms");
        f.aim = Aim::below(100, QStringLiteral("< 100"));
        il::RunConfig config;
        config.mode = mode;
        config.workers = 2;
        QString error;
        f.samples = repeat(options.reps, [&] {
            const DirectRun r = runDirect(deadlock, config);
            std::int64_t closed = INT64_MIN, ended = INT64_MIN;
            for (const il::Span &s : r.trace->spans)
                if (s.kind == il::SpanKind::LockWait)
                    closed = std::max(closed, s.startNs);
            int failed = 0;
            for (const il::TaskRecord &t : r.trace->tasks)
                if (t.state == il::TaskState::Failed) {
                    ++failed;
                    ended = std::max(ended, t.endNs);
                }
            if (failed != 2 || closed == INT64_MIN) {
                error = QStringLiteral("no deadlock (%1 tasks failed)").arg(failed);
                return 0.0;
            }
            return il::nsToMs(ended - closed);
        });
        f.note = QStringLiteral("deadlock preset, 2 workers");
        if (!error.isEmpty())
            f.note += QStringLiteral("; ERROR: ") + error;
        report.add(std::move(f));
    }
}

} // namespace bench
