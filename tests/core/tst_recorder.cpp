// The recorder never drops an event silently: past its capacity a writer's
// events are counted, and the count reaches the trace (eventsDropped and an
// EventsDropped incident on the writer's lane) and the summary JSON.
#include "testsupport.h"

#include "core/base/clock.h"
#include "core/exec/canceltoken.h"
#include "core/exec/executor.h"
#include "core/exec/recorder.h"
#include "core/io/exporters.h"
#include "core/modes/modes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestRecorder : public QObject
{
    Q_OBJECT

private slots:
    void countsWhatItDrops()
    {
        il::Recorder recorder(2, 10);
        QCOMPARE(recorder.capacityPerSlot(), std::size_t(10));
        for (int i = 0; i < 15; ++i) {
            il::Event e;
            e.tNs = 1000 + i;
            e.task = std::uint32_t(i);
            recorder.append(0, e);
        }
        for (int i = 0; i < 3; ++i)
            recorder.append(1, il::Event{});
        QCOMPARE(recorder.size(), std::size_t(13));
        QCOMPARE(recorder.dropped(0), 5u);
        QCOMPARE(recorder.dropped(1), 0u);
        QCOMPARE(recorder.droppedTotal(), 5u);
        QCOMPARE(recorder.firstDropNs(0), 1010); // the 11th event was the first without room
        QCOMPARE(recorder.firstDropNs(1), 0);
        // What was kept is the first ten, in order.
        std::vector<il::Event> drained;
        recorder.drainNew(drained);
        QCOMPARE(drained.size(), std::size_t(13));
        for (std::uint32_t i = 0; i < 10; ++i)
            QCOMPARE(drained[i].task, i);
    }

    void capacityAcrossChunks()
    {
        // Not a multiple of the 16384-event chunk: the last chunk is partial.
        const std::size_t capacity = 16384 + 7;
        il::Recorder recorder(1, capacity);
        for (std::size_t i = 0; i < capacity + 100; ++i)
            recorder.append(0, il::Event{});
        QCOMPARE(recorder.size(), capacity);
        QCOMPARE(recorder.dropped(0), 100u);
        QCOMPARE(recorder.all().size(), capacity);
    }

    // A sequential run of 5 tasks (one io phase each) writes 5 queued + 5 ×
    // (start, io begin, io end, end) = 25 events into its lane's slot; with
    // room for 8, 17 are dropped, and everybody downstream is told.
    void tinyRecorderRunReportsDrops()
    {
        const il::TaskSet set = testsupport::makeSet({"i0", "i0", "i0", "i0", "i0"});
        const il::RunConfig config = testsupport::config(il::Mode::Sequential);
        std::unique_ptr<il::Executor> executor = il::makeExecutor(config);
        il::Recorder recorder(executor->slotCount(), 8);
        il::CancelToken cancel;
        il::RunInfo info;
        info.mode = config.mode;
        info.lanes = executor->laneCount();
        info.laneNames = executor->laneNames();
        info.originNs = il::monoNs();
        il::ExecContext ctx{set, recorder, cancel, config};
        executor->run(ctx);
        const il::RunResultPtr result = il::buildRunResult(info, recorder, *executor, set, il::monoNs(), cancel);
        const il::Trace &t = *result->trace;

        QCOMPARE(t.eventCount, std::size_t(8));
        QCOMPARE(t.eventsDropped, 17u);
        QCOMPARE(t.incidents.size(), std::size_t(1));
        const il::Incident &full = t.incidents.front();
        QCOMPARE(full.kind, il::IncidentKind::EventsDropped);
        QCOMPARE(full.value, 17);
        QCOMPARE(full.lane, std::uint16_t(0)); // slot 0 is the sequential lane
        QVERIFY(full.tNs >= info.originNs);
        QVERIFY(!t.failed()); // lost detail, not a failed run

        const QJsonDocument doc = QJsonDocument::fromJson(il::summaryJson(set, {result}));
        const QJsonObject run = doc[QLatin1String("runs")][0].toObject();
        QCOMPARE(run[QLatin1String("events_dropped")].toInteger(), 17);
        const QJsonArray incidents = run[QLatin1String("incidents")].toArray();
        QCOMPARE(incidents.size(), qsizetype(1));
        QCOMPARE(incidents[0][QLatin1String("kind")].toString(), QStringLiteral("events-dropped"));
        QCOMPARE(incidents[0][QLatin1String("value")].toInteger(), 17);
        QCOMPARE(incidents[0][QLatin1String("lane")].toInt(-1), 0);
        QVERIFY(incidents[0][QLatin1String("task")].isNull());
        QVERIFY(incidents[0][QLatin1String("pid")].isNull());
    }

    void noDropsNoIncident()
    {
        const il::TaskSet set = testsupport::makeSet({"i0"});
        const il::RunResultPtr r = testsupport::runOne(set, il::Mode::Sequential);
        QCOMPARE(r->trace->eventsDropped, 0u);
        QVERIFY(r->trace->incidents.empty());
    }
};

QTEST_GUILESS_MAIN(TestRecorder)
#include "tst_recorder.moc"
