#include "core/modes/processes/protocol.h"

#include <QTest>

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
};

static il::Task twoPhaseTask()
{
    il::Task t;
    t.phases = {{il::PhaseKind::Io, 12.5}, {il::PhaseKind::Cpu, 0.25}};
    return t;
}

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
    d.feed(encodeHello(4242) + encodeTask(9, twoPhaseTask()) + encodeEvent(e) + encodeError("boom") + encodeQuit());
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QVERIFY(d.helloSeen());
    QCOMPARE(d.peerPid(), 4242u);
    QCOMPARE(f.type, FrameType::Task);
    QCOMPARE(f.taskIndex, 9u);
    QCOMPARE(int(f.task.phases.size()), 2);
    QCOMPARE(f.task.phases[0].ms, 12.5);
    QCOMPARE(f.task.phases[1].kind, il::PhaseKind::Cpu);
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
    QCOMPARE(f.message, QStringLiteral("boom"));
    QCOMPARE(d.next(&f), Decoder::Status::Frame);
    QCOMPARE(f.type, FrameType::Quit);
    QCOMPARE(d.next(&f), Decoder::Status::NeedMore);
}

// A task with lock and counter phases, and the frames of the lock server.
void TestProtocol::roundTripsLockFrames()
{
    il::Task t;
    const std::vector<il::Increment> setIncrements = {{5, 1000, -1}, {2, 7, 0.5}};
    t.phases = {{il::PhaseKind::Acquire, 3u, 0}, {il::PhaseKind::Increment, 1u, 0}, {il::PhaseKind::Cpu, 2.0},
                {il::PhaseKind::Increment, 0u, 0}, {il::PhaseKind::Release, 3u, 0}};
    Decoder d;
    d.feed(encodeHello(1) + encodeShared(17, 6) + encodeTask(4, t, setIncrements)
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
    QCOMPARE(int(f.task.phases.size()), 5);
    QCOMPARE(f.task.phases[0].kind, il::PhaseKind::Acquire);
    QCOMPARE(f.task.phases[0].ref, 3u);
    QCOMPARE(f.task.phases[2].ms, 2.0);
    QCOMPARE(f.task.phases[4].kind, il::PhaseKind::Release);
    // Each increment carries its own parameters, renumbered in phase order.
    QCOMPARE(f.task.phases[1].ref, 0u);
    QCOMPARE(f.task.phases[3].ref, 1u);
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
    const QByteArray bytes = encodeHello(1) + encodeTask(1, twoPhaseTask()) + encodeQuit();
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
    d.feed(QByteArray("hello world\n"));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    QVERIFY(d.error().startsWith("bad handshake: expected the magic \"ILVW\""));
    QCOMPARE(d.next(&f), Decoder::Status::Error); // stays broken
}

void TestProtocol::rejectsOtherVersion()
{
    Decoder d;
    d.feed(encodeHello(1, 1));
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    QCOMPARE(d.error(), QStringLiteral("incompatible protocol version 1 (this build speaks version 2)"));
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
    d.feed(encodeHello(1) + frame);
    Frame f;
    QCOMPARE(d.next(&f), Decoder::Status::Error);
    QVERIFY2(d.error().contains(message), qPrintable(d.error()));
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
