// Stop is observed one way, without polling: the cancel token's eventfd
// wakes an event loop (QSocketNotifier) or a thread blocked in poll(), its
// callbacks wake what cannot watch a descriptor (GIL waiters), and the two
// modes that run an event loop (eventloop, processes) end through it. The
// "no polling" part is structural: an idle run thread does not wake up at
// all, where a 10 ms poll would wake it 50 times in half a second.
#include "testsupport.h"

#include "core/base/clock.h"
#include "core/exec/cancelnotifier.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/recorder.h"
#include "core/modes/modes.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

bool readable(int fd)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

// How often thread `tid` of this process went to sleep and was woken.
qint64 voluntarySwitches(qint64 tid)
{
    QFile f(QStringLiteral("/proc/self/task/%1/status").arg(tid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("voluntary_ctxt_switches:"))
            return line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
    return -1;
}

} // namespace

class TestCancelToken : public QObject
{
    Q_OBJECT

private slots:
    void descriptorBecomesReadable()
    {
        il::CancelToken token;
        QVERIFY(token.wakeFd() >= 0);
        QVERIFY(!readable(token.wakeFd()));
        QCOMPARE(token.cancelledAtNs(), 0);
        const std::int64_t before = il::monoNs();
        token.cancel();
        QVERIFY(token.isCancelled());
        QVERIFY(readable(token.wakeFd()));
        QVERIFY(token.cancelledAtNs() >= before && token.cancelledAtNs() <= il::monoNs());
        // Level-triggered, never drained: every watcher sees it, and again.
        QVERIFY(readable(token.wakeFd()));
        const std::int64_t first = token.cancelledAtNs();
        token.cancel();
        QCOMPARE(token.cancelledAtNs(), first);
    }

    // A thread blocked in poll() with no timeout of its own wakes on cancel.
    void blockedPollWakes()
    {
        il::CancelToken token;
        std::atomic<bool> woke{false};
        short revents = 0;
        std::thread waiter([&] {
            pollfd p{token.wakeFd(), POLLIN, 0};
            // The 20 s limit is only there so a broken token fails the test
            // (no POLLIN) instead of hanging it.
            ::poll(&p, 1, 20000);
            revents = p.revents;
            woke = true;
        });
        QTest::qWait(50); // let it block (not needed for correctness)
        const bool early = woke;
        QElapsedTimer clock;
        clock.start();
        token.cancel();
        waiter.join();
        QVERIFY(!early);
        QVERIFY(revents & POLLIN);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    }

    // The notifier fires in this thread's event loop when another thread
    // cancels, and once only; one made after the fact fires too.
    void notifierFires()
    {
        il::CancelToken token;
        int fired = 0;
        const auto notifier = il::cancelNotifier(token, [&] { ++fired; });
        QVERIFY(notifier);
        QCoreApplication::processEvents();
        QCOMPARE(fired, 0);
        std::thread canceller([&] { token.cancel(); });
        canceller.join();
        QTRY_COMPARE(fired, 1);
        for (int i = 0; i < 10; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(fired, 1);
        int late = 0;
        const auto lateNotifier = il::cancelNotifier(token, [&] { ++late; });
        QTRY_COMPARE(late, 1);
    }

    void callbacks()
    {
        il::CancelToken token;
        int called = 0;
        std::thread::id on;
        auto kept = token.onCancel([&] {
            ++called;
            on = std::this_thread::get_id();
        });
        int dropped = 0;
        {
            auto gone = token.onCancel([&] { ++dropped; });
        }
        std::thread canceller([&] { token.cancel(); });
        const std::thread::id cancellerId = canceller.get_id();
        canceller.join();
        QCOMPARE(called, 1);
        QCOMPARE(on, cancellerId);
        QCOMPARE(dropped, 0);
        token.cancel();
        QCOMPARE(called, 1);
        int late = 0;
        auto after = token.onCancel([&] { ++late; }); // already cancelled: at once
        QCOMPARE(late, 1);
    }

    // The eventloop and processes modes, idle in 20 s io waits: their run
    // thread sleeps (no wake-up while nothing happens) and Stop ends the run
    // at once through the token.
    void idleRunEndsByToken_data()
    {
        QTest::addColumn<il::Mode>("mode");
        QTest::newRow("eventloop") << il::Mode::EventLoop;
        QTest::newRow("processes") << il::Mode::Processes;
    }

    void idleRunEndsByToken()
    {
        QFETCH(il::Mode, mode);
        const il::TaskSet set = testsupport::makeSet({"i20000", "i20000"});
        il::RunConfig config = testsupport::config(mode, 2);
        config.workerPath = QCoreApplication::applicationDirPath() + QStringLiteral("/interleave-worker");
        std::unique_ptr<il::Executor> executor = il::makeExecutor(config);
        il::Recorder recorder(executor->slotCount());
        il::CancelToken token;
        std::atomic<qint64> tid{0};
        std::atomic<bool> done{false};
        std::unique_ptr<QThread> thread(QThread::create([&] {
            tid = qint64(::syscall(SYS_gettid));
            il::ExecContext ctx{set, recorder, token, config};
            executor->run(ctx);
            // Its Qt objects (timers, processes) belong to this thread: they
            // go here, as the engine's do, before `done` publishes it all.
            executor.reset();
            done = true;
        }));
        thread->start();
        // Both tasks inside their io phase: from now on nothing happens.
        const auto ioBegun = [&] {
            const std::vector<il::Event> events = recorder.all();
            return std::count_if(events.begin(), events.end(), [](const il::Event &e) {
                       return e.kind == il::EventKind::SpanBegin && e.span == il::SpanKind::Io;
                   }) == 2;
        };
        QTRY_VERIFY_WITH_TIMEOUT(ioBegun(), 15000);
        QTest::qWait(50); // the last events' batch handling settles

        const qint64 before = voluntarySwitches(tid);
        QVERIFY(before >= 0);
        QElapsedTimer idle;
        idle.start();
        QTest::qWait(500);
        const qint64 wakeUps = voluntarySwitches(tid) - before;
        // A 10 ms poll would wake it about 50 times here.
        QVERIFY2(wakeUps <= 5, qPrintable(QStringLiteral("the idle run thread woke %1 times in %2 ms")
                                              .arg(wakeUps).arg(idle.elapsed())));
        QVERIFY(!done);

        token.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000); // half the 20 s phase
        QVERIFY(thread->wait(10000));
        const auto events = recorder.all();
        QCOMPARE(std::count_if(events.begin(), events.end(),
                               [](const il::Event &e) { return e.kind == il::EventKind::TaskCancelled; }),
                 2);
    }
};

QTEST_GUILESS_MAIN(TestCancelToken)
#include "tst_canceltoken.moc"
