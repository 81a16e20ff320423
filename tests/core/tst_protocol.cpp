#include "core/modes/processes/protocol.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

#include <string>
#include <vector>

using namespace il::protocol;

class TestProtocol : public QObject
{
    Q_OBJECT
private slots:
    void roundTripsEveryFrame();
    void roundTripsLockFrames();
    void decodesByteByByte();
    void rejectsBadMagic();
    void rejectsOtherVersion();
    void rejectsOversizedAndMalformedFrames_data();
    void rejectsOversizedAndMalformedFrames();
    void cutsLongErrorsAtACharacter();
    void workerAnswersTheParentsFrames();
    void workerSaysWhatItCannotRun();
};

static const std::vector<il::Phase> twoPhases = {{il::PhaseKind::Io, 12.5}, {il::PhaseKind::Cpu, 0.25}};
static const il::TaskPhases twoPhaseTask{twoPhases, {}};

void TestProtocol::roundTripsEveryFrame()
{
    il::Event e;
    e.tNs = 123456789012345;
    e.task = 77;
    e.phase = 3;
    e.kind = il::EventKind::SpanEnd;
    e.span = il::SpanKind::Cpu;
    e.cpuUs = 99999;
    Decoder d;
    d.feed(encodeHello(4242) + encodeTask(9, twoPhaseTask) + encodeEvent(e) + encodeError("boom") + encodeQuit());
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QVERIFY(d.helloSeen());
    QCOMPARE(d.peerPid(), 4242u);
    QCOMPARE(f.type, FrameType::Task);
    QCOMPARE(f.taskIndex, 9u);
    QCOMPARE(int(f.phases.size()), 2);
    QCOMPARE(f.phases[0].ms, 12.5);
    QCOMPARE(f.phases[1].kind, il::PhaseKind::Cpu);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Event);
    QCOMPARE(f.event.tNs, e.tNs);
    QCOMPARE(f.event.task, 77u);
    QCOMPARE(f.event.phase, 3);
    QCOMPARE(f.event.kind, il::EventKind::SpanEnd);
    QCOMPARE(f.event.span, il::SpanKind::Cpu);
    QCOMPARE(f.event.cpuUs, 99999u);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Error);
    QCOMPARE(QString::fromStdString(f.message), QStringLiteral("boom"));
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Quit);
    QCOMPARE(d.next(&f), Decoder::Status::NeedMore);
}

// A task with lock and counter phases, and the frames of the lock server.
void TestProtocol::roundTripsLockFrames()
{
    const std::vector<il::Increment> setIncrements = {{5, 1000, -1}, {2, 7, 0.5}};
    const std::vector<il::Phase> phases = {{il::PhaseKind::Acquire, 3u, 0}, {il::PhaseKind::Increment, 1u, 0},
                                           {il::PhaseKind::Cpu, 2.0}, {il::PhaseKind::Increment, 0u, 0},
                                           {il::PhaseKind::Release, 3u, 0}};
    Decoder d;
    d.feed(encodeHello(1) + encodeShared(17, 6) + encodeTask(4, {phases, setIncrements})
           + encodeGrant(4, 3, Grant::AfterWait) + encodeAcquire(-5, 4, 3, 0) + encodeRelease(99, 4, 3)
           + encodeRevoke(12) + encodeRevoked(77, 12));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Shared);
    QCOMPARE(f.fd, 17);
    QCOMPARE(f.cells, 6u);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Task);
    QCOMPARE(f.taskIndex, 4u);
    QCOMPARE(int(f.phases.size()), 5);
    QCOMPARE(f.phases[0].kind, il::PhaseKind::Acquire);
    QCOMPARE(f.phases[0].ref, 3u);
    QCOMPARE(f.phases[2].ms, 2.0);
    QCOMPARE(f.phases[4].kind, il::PhaseKind::Release);
    // Each increment carries its own parameters, renumbered in phase order.
    QCOMPARE(f.phases[1].ref, 0u);
    QCOMPARE(f.phases[3].ref, 1u);
    QCOMPARE(int(f.increments.size()), 2);
    QCOMPARE(f.increments[0].counter, 2u);
    QCOMPARE(f.increments[0].times, std::int64_t(7));
    QCOMPARE(f.increments[0].ioMs, 0.5);
    QCOMPARE(f.increments[1].counter, 5u);
    QCOMPARE(f.increments[1].times, std::int64_t(1000));
    QVERIFY(!f.increments[1].hasIo());
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Grant);
    QCOMPARE(f.taskIndex, 4u);
    QCOMPARE(f.lock, 3u);
    QCOMPARE(f.grant, Grant::AfterWait);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Acquire);
    QCOMPARE(f.tNs, std::int64_t(-5));
    QCOMPARE(f.taskIndex, 4u);
    QCOMPARE(f.lock, 3u);
    QCOMPARE(f.phase, 0);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Release);
    QCOMPARE(f.tNs, std::int64_t(99));
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Revoke);
    QCOMPARE(f.taskIndex, 12u);
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Revoked);
    QCOMPARE(f.tNs, std::int64_t(77));
    QCOMPARE(f.taskIndex, 12u);
    QCOMPARE(d.next(&f), Decoder::Status::NeedMore);
}

void TestProtocol::decodesByteByByte()
{
    const std::string bytes = encodeHello(1) + encodeTask(1, twoPhaseTask) + encodeQuit();
    Decoder d;
    int frames = 0;
    Frame f;
    for (char c : bytes) {
        d.feed(&c, 1);
        Decoder::Status s;
        while ((s = d.next(&f)) == Decoder::Status::Frame)
            ++frames;
        QCOMPARE(s, Decoder::Status::NeedMore);
    }
    QCOMPARE(frames, 2);
}

void TestProtocol::rejectsBadMagic()
{
    Decoder d;
    d.feed("hello world\n");
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    QVERIFY(QString::fromStdString(d.error()).startsWith("bad handshake: expected the magic \"ILVW\", got bytes 68 65 6c 6c"));
    QCOMPARE(d.next(&f), Decoder::Status::Error); // stays broken
}

void TestProtocol::rejectsOtherVersion()
{
    Decoder d;
    d.feed(encodeHello(1, 1));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    QCOMPARE(QString::fromStdString(d.error()), QStringLiteral("incompatible protocol version 1 (this build speaks version 2)"));
}

void TestProtocol::rejectsOversizedAndMalformedFrames_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("message");
    auto raw = [](quint32 len, quint8 type, QByteArray payload) {
        QByteArray b(reinterpret_cast<const char *>(&len), 4); // little-endian host
        b.append(char(type));
        b.append(payload);
        return b;
    };
    QTest::newRow("huge") << raw(1u << 30, 16, {}) << "frame too large";
    QTest::newRow("unknown type") << raw(0, 99, {}) << "unknown frame type 99";
    QTest::newRow("short event") << raw(3, 16, "abc") << "event frame of 3 bytes";
    QTest::newRow("bad kind") << raw(20, 16, QByteArray(14, 0) + char(42) + QByteArray(5, 0)) << "unknown kind 42";
    QTest::newRow("bad span") << raw(20, 16, QByteArray(14, 0) + char(0) + char(77) + QByteArray(4, 0)) << "unknown span kind 77";
    QTest::newRow("quit with payload") << raw(1, 2, "x") << "quit frame with a 1-byte payload";
    QTest::newRow("task phase count") << raw(8, 1, QByteArray(4, 0) + QByteArray("\x05\0\0\0", 4)) << "task frame with 5 phases in 8 bytes";
    const QByteArray onePhase = QByteArray(4, 0) + QByteArray("\x01\0\0\0", 4);
    QTest::newRow("task phase kind") << raw(17, 1, onePhase + char(9) + QByteArray(8, 0)) << "phase 0 has unknown kind 9";
    QTest::newRow("task trailing bytes") << raw(14, 1, onePhase + char(2) + QByteArray(5, 0)) << "task frame with 1 phase in 14 bytes";
    QTest::newRow("task short increment") << raw(17, 1, onePhase + char(4) + QByteArray(8, 0)) << "task frame with 1 phase in 17 bytes";
    QTest::newRow("increment times") << raw(29, 1, onePhase + char(4) + QByteArray(4, 0) + QByteArray(8, '\xff') + QByteArray(8, 0))
                                     << "task frame: phase 0 is invalid";
    QTest::newRow("grant answer") << raw(9, 4, QByteArray(8, 0) + char(3)) << "grant frame with unknown answer 3";
    QTest::newRow("short acquire") << raw(16, 18, QByteArray(16, 0)) << "acquire frame of 16 bytes (expected 18)";
    QTest::newRow("short release") << raw(18, 19, QByteArray(18, 0)) << "release frame of 18 bytes (expected 16)";
    QTest::newRow("short shared") << raw(4, 3, QByteArray(4, 0)) << "shared frame of 4 bytes (expected 8)";
    QTest::newRow("long revoke") << raw(5, 5, QByteArray(5, 0)) << "revoke frame of 5 bytes (expected 4)";
    QTest::newRow("short revoked") << raw(8, 20, QByteArray(8, 0)) << "revoked frame of 8 bytes (expected 12)";
}

void TestProtocol::rejectsOversizedAndMalformedFrames()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, message);
    Decoder d;
    d.feed(encodeHello(1));
    d.feed(frame.constData(), std::size_t(frame.size()));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    const QString error = QString::fromStdString(d.error());
    QVERIFY2(error.contains(message), qPrintable(error));
}

// An error text over 4096 bytes is cut, never inside a UTF-8 character.
void TestProtocol::cutsLongErrorsAtACharacter()
{
    const std::string message = std::string(4095, 'a') + "\xc3\xa9 and more"; // 'é' across the limit
    Decoder d;
    d.feed(encodeHello(1) + encodeError(message));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Error);
    QCOMPARE(f.message, std::string(4095, 'a'));
    d = Decoder();
    d.feed(encodeHello(1) + encodeError("caf\xc3\xa9"));
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(QString::fromStdString(f.message), QStringLiteral("caf\u00e9"));
}

// Both sides of the pipe for real: the parent's frames (this process)
// decoded by interleave-worker, its hello and events decoded here.
void TestProtocol::workerAnswersTheParentsFrames()
{
    QProcess worker;
    worker.start(QCoreApplication::applicationDirPath() + QStringLiteral("/interleave-worker"), {});
    QVERIFY2(worker.waitForStarted(30000), qPrintable(worker.errorString()));
    const qint64 pid = worker.processId();
    const std::vector<il::Phase> phases = {{il::PhaseKind::Cpu, 0.0}, {il::PhaseKind::Io, 0.0}};
    const std::string out = encodeHello(1) + encodeTask(7, {phases, {}});
    worker.write(out.data(), qint64(out.size()));

    struct Seen
    {
        il::EventKind kind;
        il::SpanKind span;
        std::uint16_t phase;
    };
    std::vector<Seen> seen;
    Decoder d;
    Frame f;
    bool ended = false;
    while (!ended && worker.waitForReadyRead(30000)) {
        const QByteArray bytes = worker.readAllStandardOutput();
        d.feed(bytes.constData(), std::size_t(bytes.size()));
        Decoder::Status s;
        while ((s = d.next(&f)) == Decoder::Status::Frame) {
            QCOMPARE(f.type, FrameType::Event);
            QCOMPARE(f.event.task, 7u);
            seen.push_back({f.event.kind, f.event.span, f.event.phase});
            ended = f.event.kind == il::EventKind::TaskEnd;
        }
        QVERIFY2(s == Decoder::Status::NeedMore, d.error().c_str());
    }
    QVERIFY(ended);
    QVERIFY(d.helloSeen());
    QCOMPARE(qint64(d.peerPid()), pid);
    using K = il::EventKind;
    using S = il::SpanKind;
    const std::vector<Seen> want = {{K::TaskStart, S::None, il::noPhase}, {K::SpanBegin, S::Cpu, 0}, {K::SpanEnd, S::Cpu, 0},
                                    {K::SpanBegin, S::Io, 1},           {K::SpanEnd, S::Io, 1},   {K::TaskEnd, S::None, il::noPhase}};
    QCOMPARE(seen.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(seen[i].kind, want[i].kind);
        QCOMPARE(seen[i].span, want[i].span);
        QCOMPARE(seen[i].phase, want[i].phase);
    }
    const std::string quit = encodeQuit();
    worker.write(quit.data(), qint64(quit.size()));
    QVERIFY(worker.waitForFinished(30000));
    QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(worker.exitCode(), 0);
}

// The worker's error frame, decoded here: an increment phase sent before
// the counters were shared is refused in words, and the worker exits 2.
void TestProtocol::workerSaysWhatItCannotRun()
{
    QProcess worker;
    worker.start(QCoreApplication::applicationDirPath() + QStringLiteral("/interleave-worker"), {});
    QVERIFY2(worker.waitForStarted(30000), qPrintable(worker.errorString()));
    const std::vector<il::Phase> phases = {{il::PhaseKind::Increment, 0u, 0}};
    const std::vector<il::Increment> increments = {{0, 10, -1}};
    const std::string out = encodeHello(1) + encodeTask(3, {phases, increments});
    worker.write(out.data(), qint64(out.size()));
    QVERIFY(worker.waitForFinished(30000));
    QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(worker.exitCode(), 2);
    const QByteArray bytes = worker.readAllStandardOutput();
    Decoder d;
    d.feed(bytes.constData(), std::size_t(bytes.size()));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Error);
    QCOMPARE(QString::fromStdString(f.message), QStringLiteral("an increment phase before the counters were shared"));
    QCOMPARE(d.next(&f), Decoder::Status::NeedMore);
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
