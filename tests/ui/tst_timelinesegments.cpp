// The painter's segment builder: how rows of items become rectangles per
// pixel column (merging sub-pixel items, never dropping coverage).
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/rowgeometry.h"
#include "ui/timeline/timelinepainter.h"

#include <QTest>

using il::ItemKind;

namespace {
constexpr std::int64_t ms = 1'000'000;
}

class TestTimelineSegments : public QObject
{
    Q_OBJECT
private slots:
    void segmentsMergeSubPixel();
    void segmentsCoverMillionItems();
    void namesOnlyWhereTheyFit();
};

void TestTimelineSegments::segmentsMergeSubPixel()
{
    il::TimelineRow row;
    // 1000 items of 1 µs every 2 µs (2 ms), then one wide item.
    for (int i = 0; i < 1000; ++i)
        row.append(i * 2000, i * 2000 + 1000, i, 0, ItemKind::Cpu);
    row.append(3 * ms, 5 * ms, 1000, 0, ItemKind::Io);
    ui::TimeMapping m{0, 10'000, 0}; // 10 µs per pixel
    std::vector<ui::TimelinePainter::Segment> segs;
    ui::TimelinePainter::buildSegments(row, m, 1000, segs);
    QCOMPARE(segs.size(), 2u);
    QCOMPARE(segs[0].kind, ItemKind::Cpu);
    QCOMPARE(segs[0].x0, 0);
    QCOMPARE(segs[0].x1, 200);
    QCOMPARE(segs[1].kind, ItemKind::Io);
    QCOMPARE(segs[1].x0, 300);
    QCOMPARE(segs[1].x1, 500);
    // Zoomed in (100 ns per pixel), the first items stand apart.
    ui::TimeMapping zoomed{0, 100, 0};
    ui::TimelinePainter::buildSegments(row, zoomed, 1000, segs);
    QCOMPARE(segs.size(), 51u); // 0, 2, ... 100 µs: the last starts on the right edge
    QCOMPARE(segs[1].x0, 20);
    QCOMPARE(segs[1].x1, 30);
}

// Only items wide enough for a name are offered one: a million narrow items
// offer none (and cost no more), a wide one is offered with its task, phase,
// kind and length.
void TestTimelineSegments::namesOnlyWhereTheyFit()
{
    il::TimelineRow row;
    for (int i = 0; i < 1000; ++i)
        row.append(i * 2000, i * 2000 + 1000, i, 0, ItemKind::Cpu);
    row.append(3 * ms, 5 * ms, 1000, 2, ItemKind::Io);      // 200 px
    row.append(6 * ms, 6 * ms + 270'000, 1001, 0, ItemKind::Cpu); // 27 px: too narrow
    ui::TimeMapping m{0, 10'000, 0}; // 10 µs per pixel
    std::vector<ui::Segment> segs;
    std::vector<ui::NamedItem> named;
    ui::buildSegments(row, m, 1000, segs, &named);
    QCOMPARE(named.size(), 1u);
    QCOMPARE(named[0].task, 1000u);
    QCOMPARE(int(named[0].phase), 2);
    QCOMPARE(named[0].kind, ItemKind::Io);
    QCOMPARE(named[0].x0, 300);
    QCOMPARE(named[0].x1, 500);
    QCOMPARE(named[0].durationNs, 2 * ms);
    // Zoomed in 100×, the 1 µs items are 10 px: still none of them.
    ui::buildSegments(row, ui::TimeMapping{0, 100, 0}, 1000, segs, &named);
    QVERIFY(named.empty());
}

void TestTimelineSegments::segmentsCoverMillionItems()
{
    il::TimelineRow row;
    row.reserve(1'000'000);
    for (std::int64_t i = 0; i < 1'000'000; ++i)
        row.append(i * 1000, i * 1000 + 500, std::uint32_t(i), 0, i % 2 ? ItemKind::Cpu : ItemKind::Io);
    ui::TimeMapping m;
    m.left = 0;
    m.fit(0, 1e9, 1600);
    std::vector<ui::TimelinePainter::Segment> segs;
    ui::TimelinePainter::buildSegments(row, m, 1600, segs);
    QVERIFY(!segs.empty());
    QVERIFY(segs.size() <= 1600u);
    // Contiguous coverage from the first to the last item: nothing dropped.
    for (std::size_t i = 1; i < segs.size(); ++i)
        QVERIFY(segs[i].x0 <= segs[i - 1].x1 + 1);
    QVERIFY(segs.back().x1 >= int(m.toX(1e9)) - 1);
}

QTEST_GUILESS_MAIN(TestTimelineSegments)
#include "tst_timelinesegments.moc"
