// The timeline painter's pictures of fixed inputs, pixel for pixel against
// golden files (tests/data/timeline/). The inputs cover every element the
// painter draws: bars of every kind, task separators, wait rows, failed and
// cancelled marks with their flags, open items and queue waits of live runs,
// the highlighted task, the range selection with header notes, a pinned run
// header, a band cut to fit a picture, the ruler, light and dark, raster and
// SVG. A refactoring of the painter must leave every one of them identical.
//
// INTERLEAVE_UPDATE_GOLDEN=1 rewrites the golden files instead (only when a
// picture is meant to change; look at every one of them before committing).
#include "synthetictrace.h"
#include "core/analysis/metrics.h"
#include "core/timeline/liverunbuilder.h"
#include "core/timeline/timelinemodel.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFontInfo>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QTest>

using il::EventKind;
using il::SpanKind;
using il::TimelineViewKind;

namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t origin = 2'000'000'000;
const QSize pictureSize(1000, 560);

QString goldenDir()
{
    return QStringLiteral(INTERLEAVE_GOLDEN_DIR);
}

bool updating()
{
    return qEnvironmentVariableIntValue("INTERLEAVE_UPDATE_GOLDEN") == 1;
}

std::shared_ptr<const il::TaskSet> namedSet(int tasks)
{
    auto set = std::make_shared<il::TaskSet>();
    set->name = QStringLiteral("golden");
    for (int i = 0; i < tasks; ++i)
        set->tasks.push_back({QStringLiteral("job-%1").arg(i), {{il::PhaseKind::Cpu, 1}}, {}});
    return set;
}

il::TracePtr syntheticRun(int runIndex, int tasks, int lanes, unsigned seed)
{
    auto trace = std::make_shared<il::Trace>(*testdata::makeSyntheticTrace(std::size_t(tasks) * 7, lanes, seed));
    trace->info.runIndex = runIndex;
    return trace;
}

il::Event ev(double tMs, std::uint32_t task, std::uint16_t lane, EventKind kind, SpanKind span = SpanKind::None,
             std::uint16_t phase = il::noPhase)
{
    il::Event e;
    e.tNs = origin + static_cast<std::int64_t>(tMs * ms);
    e.task = task;
    e.lane = lane;
    e.kind = kind;
    e.span = span;
    e.phase = phase;
    return e;
}

// A span of `task` on `lane` from `from` to `to` ms (to < 0: still open).
void span(std::vector<il::Event> &out, std::uint32_t task, std::uint16_t lane, SpanKind kind, std::uint16_t phase,
          double from, double to)
{
    out.push_back(ev(from, task, lane, EventKind::SpanBegin, kind, phase));
    if (to >= 0)
        out.push_back(ev(to, task, lane, EventKind::SpanEnd, kind, phase));
}

il::RunInfo runInfo(int index, il::Mode mode, int lanes, const QString &laneName)
{
    il::RunInfo info;
    info.runIndex = index;
    info.mode = mode;
    info.lanes = lanes;
    info.workers = lanes;
    info.cores = 2;
    info.originNs = origin;
    for (int l = 0; l < lanes; ++l)
        info.laneNames << laneName.arg(l + 1);
    return info;
}

// Processes, two workers: spawn, ipc, a task failed mid-io, one cancelled
// mid-cpu, one cancelled before it started.
std::vector<il::Event> processesEvents()
{
    std::vector<il::Event> e;
    for (std::uint32_t t = 0; t < 6; ++t)
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
    span(e, il::noTask, 0, SpanKind::Spawn, il::noPhase, 0, 3);
    span(e, il::noTask, 1, SpanKind::Spawn, il::noPhase, 0, 4);
    const auto task = [&](std::uint32_t t, std::uint16_t lane, double start, double ioMs, double cpuMs) {
        e.push_back(ev(start, t, lane, EventKind::TaskStart));
        span(e, t, lane, SpanKind::Ipc, il::noPhase, start, start + 0.5);
        span(e, t, lane, SpanKind::Io, 0, start + 0.5, start + 0.5 + ioMs);
        span(e, t, lane, SpanKind::Cpu, 1, start + 0.5 + ioMs, start + 0.5 + ioMs + cpuMs);
        e.push_back(ev(start + 0.5 + ioMs + cpuMs, t, lane, EventKind::TaskEnd));
    };
    task(0, 0, 3, 6, 4);
    e.push_back(ev(4, 1, 1, EventKind::TaskStart));
    span(e, 1, 1, SpanKind::Io, 0, 4, -1);
    e.push_back(ev(9, 1, 1, EventKind::TaskFailed)); // its worker died mid-io
    span(e, il::noTask, 1, SpanKind::Spawn, il::noPhase, 9, 12);
    task(2, 0, 13.5, 3, 5);
    task(3, 1, 12, 2, 7);
    e.push_back(ev(22, 4, 0, EventKind::TaskStart));
    span(e, 4, 0, SpanKind::Cpu, 0, 22, -1);
    e.push_back(ev(25, 4, 0, EventKind::TaskCancelled));
    e.push_back(ev(25, 5, il::noLane, EventKind::TaskCancelled));
    return e;
}

// The event loop, stopped: waits on no lane, ready waits, a failed wait.
std::vector<il::Event> eventLoopEvents(bool live)
{
    std::vector<il::Event> e;
    for (std::uint32_t t = 0; t < 6; ++t) {
        e.push_back(ev(0, t, il::noLane, EventKind::Queued));
        e.push_back(ev(0.2 * t, t, 0, EventKind::TaskStart));
    }
    span(e, 0, il::noLane, SpanKind::Io, 0, 0, 10);
    span(e, 0, il::noLane, SpanKind::Ready, il::noPhase, 10, 12);
    span(e, 0, 0, SpanKind::Cpu, 1, 12, 20);
    e.push_back(ev(20, 0, 0, EventKind::TaskEnd));
    span(e, 1, il::noLane, SpanKind::Io, 0, 0.2, 15);
    span(e, 1, il::noLane, SpanKind::Ready, il::noPhase, 15, 20);
    span(e, 1, 0, SpanKind::Cpu, 1, 20, live ? -1 : 26);
    span(e, 2, il::noLane, SpanKind::Io, 0, 0.4, live ? -1 : 24);
    span(e, 3, il::noLane, SpanKind::Io, 0, 0.6, 5);
    e.push_back(ev(8, 3, 0, EventKind::TaskFailed));
    span(e, 4, il::noLane, SpanKind::Io, 0, 2, live ? -1 : 29);
    span(e, 5, il::noLane, SpanKind::Io, 0, 1, 7);
    e.push_back(ev(7, 5, 0, EventKind::TaskCancelled));
    return e;
}

// Threads, live: tasks still queued, open spans, one cancelled in the queue.
std::vector<il::Event> threadsLiveEvents()
{
    std::vector<il::Event> e;
    for (std::uint32_t t = 0; t < 6; ++t)
        e.push_back(ev(0.5 * t, t, il::noLane, EventKind::Queued));
    e.push_back(ev(1, 0, 0, EventKind::TaskStart));
    span(e, 0, 0, SpanKind::Cpu, 0, 1, 6);
    span(e, 0, 0, SpanKind::GilWait, 1, 6, 8);
    span(e, 0, 0, SpanKind::Io, 2, 8, -1);
    e.push_back(ev(1, 1, 1, EventKind::TaskStart));
    span(e, 1, 1, SpanKind::Io, 0, 1, 4);
    span(e, 1, 1, SpanKind::Cpu, 1, 4, 9);
    e.push_back(ev(9, 1, 1, EventKind::TaskEnd));
    e.push_back(ev(9, 2, 1, EventKind::TaskStart));
    span(e, 2, 1, SpanKind::Cpu, 0, 9, -1);
    e.push_back(ev(12, 4, il::noLane, EventKind::TaskCancelled));
    return e;
}

il::TracePtr traceOf(const il::RunInfo &info, const std::vector<il::Event> &events, std::size_t tasks, bool cancelled)
{
    il::TraceBuilder b(info, tasks);
    b.add(events);
    const std::int64_t end = b.lastNs();
    return std::make_shared<il::Trace>(il::Trace::fromBuilder(std::move(b), end, cancelled));
}

// Feeds `events` to the model as a live run, in batches of three.
std::unique_ptr<il::LiveRunBuilder> feedLive(il::TimelineModel &model, const il::RunInfo &info,
                                             const std::vector<il::Event> &events, double nowMs)
{
    const std::int64_t now = origin + static_cast<std::int64_t>(nowMs * ms);
    auto builder = std::make_unique<il::LiveRunBuilder>(model, info, 6);
    for (std::size_t at = 0; at < events.size(); at += 3)
        builder->add(events.data() + at, std::min<std::size_t>(3, events.size() - at), now);
    return builder;
}

struct Picture
{
    QString name;
    TimelineViewKind view = TimelineViewKind::ByLane;
    bool dark = false;
    bool svg = false;
    int maxContentHeight = 0; // > 0: the layout of a saved picture, bands cut to fit
    double fromFraction = 0;  // of the model's extent; to <= from: fit everything
    double toFraction = 0;
    int scrollY = 0;
    std::uint32_t highlight = il::noTask;
    bool selection = false;
};

QPalette palette(bool dark)
{
    QPalette p;
    if (dark) {
        p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
        p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    } else {
        p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
        p.setColor(QPalette::Text, QColor(0x10, 0x10, 0x10));
        p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
    }
    return p;
}

// DejaVu Sans, from fonts-dejavu-core (interleave.sh installs it), at a
// fixed pixel size. Everything else that shapes text is pinned too, so that
// the machine's font settings cannot change a pixel: hinting (fontconfig's
// hintstyle, which a user's fonts.conf may set), subpixel text (rgba) and
// glyphs borrowed from other installed fonts. These are the settings a fresh
// Debian 12 has by default (hintslight, no subpixel order).
QFont pictureFont()
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(12);
    font.setHintingPreference(QFont::PreferVerticalHinting);
    font.setStyleStrategy(QFont::StyleStrategy(QFont::NoFontMerging | QFont::NoSubpixelAntialias));
    return font;
}

void paintInto(QPainter &p, const il::TimelineModel &model, const Picture &pic, const std::vector<QString> &notes)
{
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, pic.view, pic.maxContentHeight);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    const double width = pictureSize.width() - ui::TimelineLayout::labelWidth;
    const double extent = static_cast<double>(model.extentNs());
    if (pic.toFraction > pic.fromFraction)
        scene.mapping.fit(extent * pic.fromFraction, extent * pic.toFraction, width);
    else
        scene.mapping.fit(0, extent, width);
    scene.scrollY = pic.scrollY;
    scene.highlightTask = pic.highlight;
    if (pic.selection) {
        scene.hasSelection = true;
        // Reversed on purpose: the painter orders them.
        scene.selectionFromNs = scene.mapping.toNs(ui::TimelineLayout::labelWidth + width * 0.55);
        scene.selectionToNs = scene.mapping.toNs(ui::TimelineLayout::labelWidth + width * 0.3);
        scene.headerNotes = &notes;
    }
    p.setFont(pictureFont());
    ui::TimelinePainter().paint(p, QRect(QPoint(0, 0), pictureSize), scene, ui::SpanStyle::forPalette(palette(pic.dark)));
}

} // namespace

Q_DECLARE_METATYPE(Picture)

class TestTimelineGolden : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pictures_data();
    void pictures();

private:
    // The model a picture is drawn from, by the name's first word.
    const il::TimelineModel &model(const QString &name);

    il::TimelineModel m_threads;  // three finished runs of a synthetic threads trace
    il::TimelineModel m_faults;   // processes with a failure, an event loop stopped
    il::TimelineModel m_live;     // a finished run, then two live ones
    std::unique_ptr<il::LiveRunBuilder> m_loopBuilder;    // the live runs' builders
    std::unique_ptr<il::LiveRunBuilder> m_threadsBuilder;
};

void TestTimelineGolden::initTestCase()
{
    // Not a skip: a missing font is a broken test machine, and a skipped
    // golden test would let every picture change unseen.
    QFont bold = pictureFont();
    bold.setBold(true);
    for (const QFont &font : {pictureFont(), bold}) {
        const QFontInfo info(font);
        QVERIFY2(info.family() == QLatin1String("DejaVu Sans") && info.bold() == font.bold(),
                 qPrintable(QStringLiteral("the golden pictures are drawn in DejaVu Sans%1 (Debian package "
                                           "fonts-dejavu-core, which interleave.sh installs); got %2")
                                .arg(font.bold() ? QStringLiteral(" Bold") : QString(), info.family())));
    }
    // Every character the pictures draw beyond ASCII must be in the font
    // itself (merging from other fonts is off): else it would draw as a box.
    const QFontMetrics fm(pictureFont());
    for (const char32_t c : {U'·', U'…', U'⚠', U'✕', U'µ', U'–'})
        QVERIFY2(fm.inFontUcs4(c), qPrintable(QStringLiteral("U+%1 is not in DejaVu Sans").arg(unsigned(c), 4, 16)));
    const auto threadsSet = namedSet(300);
    m_threads.setTaskSet(threadsSet);
    // Runs 0 and 2 with their figures in the header, run 1 without.
    for (int r = 0; r < 3; ++r) {
        const il::TracePtr trace = syntheticRun(r, 300, 4 - r % 2 + r, unsigned(r + 1));
        if (r == 1)
            m_threads.setTrace(trace);
        else
            m_threads.setTrace(trace, il::computeMetrics(*trace, *threadsSet));
    }

    m_faults.setTaskSet(namedSet(6));
    m_faults.setTrace(traceOf(runInfo(0, il::Mode::Processes, 2, QStringLiteral("worker %1")), processesEvents(), 6,
                              false));
    m_faults.setTrace(traceOf(runInfo(1, il::Mode::EventLoop, 1, QStringLiteral("event loop")), eventLoopEvents(false),
                              6, true));

    m_live.setTaskSet(namedSet(6));
    m_live.setTrace(syntheticRun(0, 6, 2, 4));
    m_loopBuilder = feedLive(m_live, runInfo(1, il::Mode::EventLoop, 1, QStringLiteral("event loop")),
                             eventLoopEvents(true), 30);
    m_threadsBuilder = feedLive(m_live, runInfo(2, il::Mode::Threads, 2, QStringLiteral("thread %1")),
                                threadsLiveEvents(), 16);
}

const il::TimelineModel &TestTimelineGolden::model(const QString &name)
{
    if (name.startsWith(QLatin1String("faults")))
        return m_faults;
    if (name.startsWith(QLatin1String("live")))
        return m_live;
    return m_threads;
}

void TestTimelineGolden::pictures_data()
{
    QTest::addColumn<Picture>("picture");
    const auto add = [](Picture p) { QTest::newRow(qPrintable(p.name)) << p; };
    add({QStringLiteral("threads-lane-fit")});
    add({QStringLiteral("threads-lane-dark"), TimelineViewKind::ByLane, true});
    add({QStringLiteral("threads-lane-zoom"), TimelineViewKind::ByLane, false, false, 0, 0.2, 0.23, 0, 37, true});
    add({QStringLiteral("threads-lane-deep"), TimelineViewKind::ByLane, false, false, 0, 0.5, 0.5002});
    add({QStringLiteral("threads-task-fit"), TimelineViewKind::ByTask, false, false, 0, 0, 0, 0, 12});
    // Run 1's header scrolled away: pinned under the ruler.
    add({QStringLiteral("threads-task-pinned"), TimelineViewKind::ByTask, false, false, 0, 0.1, 0.4, 4600, 150, true});
    add({QStringLiteral("threads-task-cut"), TimelineViewKind::ByTask, true, false, 420});
    add({QStringLiteral("threads-lane-svg"), TimelineViewKind::ByLane, false, true, 0, 0.2, 0.23, 0, 37, true});
    add({QStringLiteral("faults-lane"), TimelineViewKind::ByLane, false, false, 0, 0, 0, 0, 3});
    add({QStringLiteral("faults-task"), TimelineViewKind::ByTask});
    add({QStringLiteral("faults-task-dark"), TimelineViewKind::ByTask, true});
    add({QStringLiteral("faults-task-svg"), TimelineViewKind::ByTask, false, true});
    add({QStringLiteral("live-lane"), TimelineViewKind::ByLane, false, false, 0, 0, 0, 0, 2, true});
    add({QStringLiteral("live-task"), TimelineViewKind::ByTask});
    add({QStringLiteral("live-task-dark"), TimelineViewKind::ByTask, true, false, 0, 0, 0, 0, 1});
}

void TestTimelineGolden::pictures()
{
    QFETCH(Picture, picture);
    const il::TimelineModel &m = model(picture.name);
    std::vector<QString> notes;
    for (int r = 0; r < m.runCount(); ++r)
        notes.push_back(QStringLiteral("selection: busy %1 %, cpu 1.2%1 ms, io 3.4 ms").arg(40 + r));
    const QString golden = QDir(goldenDir()).filePath(picture.name + (picture.svg ? QStringLiteral(".svg")
                                                                                  : QStringLiteral(".png")));
    if (picture.svg) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(pictureSize);
        svg.setViewBox(QRect(QPoint(0, 0), pictureSize));
        QPainter p(&svg);
        paintInto(p, m, picture, notes);
        p.end();
        if (updating()) {
            QFile out(golden);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(bytes);
            QSKIP("golden file written");
        }
        QFile in(golden);
        QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable(golden));
        const QByteArray expected = in.readAll();
        if (bytes != expected) {
            const QString actual = QDir::temp().filePath(QStringLiteral("golden-%1-actual.svg").arg(picture.name));
            QFile out(actual);
            if (out.open(QIODevice::WriteOnly))
                out.write(bytes);
            QFAIL(qPrintable(QStringLiteral("%1 differs from %2 (%3 bytes, expected %4); written to %5")
                                 .arg(picture.name, golden).arg(bytes.size()).arg(expected.size()).arg(actual)));
        }
        return;
    }
    QImage image(pictureSize, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::magenta); // the painter must cover every pixel
    QPainter p(&image);
    paintInto(p, m, picture, notes);
    p.end();
    if (updating()) {
        QVERIFY(image.save(golden));
        QSKIP("golden file written");
    }
    const QImage expected = QImage(golden).convertToFormat(QImage::Format_ARGB32);
    QVERIFY2(!expected.isNull(), qPrintable(golden));
    const QImage actual = image.convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(actual.size(), expected.size());
    int differing = 0;
    QPoint first(-1, -1);
    for (int y = 0; y < actual.height(); ++y) {
        const auto *a = reinterpret_cast<const QRgb *>(actual.constScanLine(y));
        const auto *e = reinterpret_cast<const QRgb *>(expected.constScanLine(y));
        for (int x = 0; x < actual.width(); ++x) {
            if (a[x] != e[x] && differing++ == 0)
                first = QPoint(x, y);
        }
    }
    if (differing > 0) {
        const QString path = QDir::temp().filePath(QStringLiteral("golden-%1-actual.png").arg(picture.name));
        actual.save(path);
        QFAIL(qPrintable(QStringLiteral("%1: %2 pixels differ from %3, the first at (%4, %5); the picture drawn is %6")
                             .arg(picture.name).arg(differing).arg(golden).arg(first.x()).arg(first.y()).arg(path)));
    }
}

QTEST_MAIN(TestTimelineGolden)
#include "tst_timelinegolden.moc"
