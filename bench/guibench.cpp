#include "guibench.h"

#include "corebench.h"

#include "core/base/clock.h"
#include "core/engine/engine.h"
#include "core/timeline/liverunbuilder.h"
#include "core/timeline/taskfind.h"
#include "core/timeline/timelinemodel.h"
#include "core/analysis/metrics.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/chart/pngencoder.h"
#include "ui/timeline/rowgeometry.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"

#include <QApplication>
#include <QBuffer>
#include <QEventLoop>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

namespace bench {

namespace {

constexpr QSize viewSize{1600, 900};

struct PaintSetup
{
    const il::TimelineModel *model = nullptr;
    ui::TimelineLayout layout;
    ui::SpanStyle style;
    double extentNs = 0;
    double axisWidth = 0;
};

// One repaint of the window that shows `fraction` of the run, starting at
// `offset` (0..1 of what is left); a full one (geometry cache emptied
// first) unless `keepCache`. Returns milliseconds of wall time, and of the
// thread's CPU time in *cpuMs if given (what a busy machine cannot inflate).
double paintOnce(ui::TimelinePainter &painter, QImage &image, const PaintSetup &setup, double fraction,
                 double offset, int scrollY, bool keepCache, bool names = true, double *cpuMs = nullptr)
{
    ui::TimelineScene scene;
    scene.spanNames = names;
    scene.model = setup.model;
    scene.layout = &setup.layout;
    scene.scrollY = scrollY;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    const double span = setup.extentNs * fraction;
    const double from = (setup.extentNs - span) * offset;
    scene.mapping.fit(from, from + span, setup.axisWidth);
    if (!keepCache)
        painter.invalidate();
    const std::int64_t c0 = il::threadCpuNs();
    const std::int64_t t0 = il::monoNs();
    QPainter p(&image);
    painter.paint(p, QRect(QPoint(0, 0), viewSize), scene, setup.style);
    p.end();
    const std::int64_t t1 = il::monoNs();
    if (cpuMs)
        *cpuMs = il::nsToMs(il::threadCpuNs() - c0);
    return il::nsToMs(t1 - t0);
}

struct Zoom
{
    double fraction;
    QString name;
};

// Where a repaint looks: `fraction` of the run from `offset` (as paintOnce
// takes them), scrolled down to `scrollY`.
struct Frame
{
    double fraction;
    double offset;
    int scrollY;
};

// What the names in the bars and the overview strip add to a full repaint
// (aim: 25 % at most), over `frames` after a warm-up at `warmUp`: each
// frame painted with names and without, the geometry cache emptied before
// each. The strip's work is what OverviewStrip::paintEvent does: every
// lane folded at the strip's width once per model change, then blitted
// into a 34 px band and framed. Shares in the painting thread's CPU time:
// on a shared machine the wall clock of a 1 ms repaint mostly measures who
// else ran.
Figure namesShare(const PaintSetup &setup, QImage &image, const Frame &warmUp, const std::vector<Frame> &frames)
{
    ui::TimelinePainter painter;
    std::vector<double> with, without, strip, withCpu, withoutCpu, names;
    QImage band(viewSize.width(), 34, QImage::Format_ARGB32_Premultiplied);
    QImage stripBands(band.size(), QImage::Format_ARGB32_Premultiplied);
    const std::int64_t b0 = il::monoNs();
    {
        ui::TimeMapping whole;
        whole.left = ui::TimelineLayout::labelWidth;
        whole.fit(0, setup.extentNs, setup.axisWidth);
        stripBands.fill(Qt::transparent);
        QPainter bp(&stripBands);
        std::vector<ui::Segment> segs;
        for (int r = 0; r < setup.model->runCount(); ++r)
            for (const il::TimelineRow &row : setup.model->run(r).laneRows()) {
                ui::buildSegments(row, whole, int(setup.axisWidth), segs);
                for (const ui::Segment &sg : segs)
                    bp.fillRect(QRect(sg.x0, 2, std::max(1, sg.x1 - sg.x0), 30), setup.style.kind(sg.kind).fill);
            }
    }
    const double stripBuildMs = il::nsToMs(il::monoNs() - b0);
    paintOnce(painter, image, setup, warmUp.fraction, warmUp.offset, warmUp.scrollY, false, true);
    for (const Frame &f : frames) {
        double cpu = 0;
        with.push_back(paintOnce(painter, image, setup, f.fraction, f.offset, f.scrollY, false, true, &cpu));
        withCpu.push_back(cpu);
        names.push_back(painter.lastSpanNameCount());
        without.push_back(paintOnce(painter, image, setup, f.fraction, f.offset, f.scrollY, false, false, &cpu));
        withoutCpu.push_back(cpu);
        const std::int64_t t0 = il::monoNs();
        QPainter p(&band);
        p.fillRect(band.rect(), setup.style.background);
        p.drawImage(0, 0, stripBands);
        p.setPen(setup.style.text);
        p.drawRect(QRectF(400.5, 0.5, 300, 32));
        p.end();
        strip.push_back(il::nsToMs(il::monoNs() - t0));
    }
    Figure share;
    share.unit = QStringLiteral("%");
    share.aim = Aim::below(25, QStringLiteral("<= 25"));
    for (std::size_t i = 0; i < with.size(); ++i)
        share.samples.push_back((withCpu[i] - withoutCpu[i] + strip[i]) / withoutCpu[i] * 100.0);
    share.note = QStringLiteral("thread CPU time of a repaint: %1 ms with names, %2 ms without (wall %3 / %4 ms); "
                                "%5 names a frame; overview strip %6 ms (medians; folding every lane for it once per "
                                "model change: %7 ms)")
                     .arg(medianOf(withCpu), 0, 'f', 2).arg(medianOf(withoutCpu), 0, 'f', 2)
                     .arg(medianOf(with), 0, 'f', 2).arg(medianOf(without), 0, 'f', 2)
                     .arg(medianOf(names), 0, 'f', 0)
                     .arg(medianOf(strip), 0, 'f', 2).arg(stripBuildMs, 0, 'f', 1);
    return share;
}

void benchShape(const Options &options, Report &report, SyntheticShape shape)
{
    const bool loopShape = shape == SyntheticShape::EventLoop;
    const QString tag = loopShape ? QStringLiteral("eventloop") : QStringLiteral("threads");
    const std::size_t events = options.quick ? 100'000 : 1'000'000;

    auto set = std::make_shared<il::TaskSet>();
    const il::TracePtr trace = buildSyntheticTrace(events, shape, 7, *set);
    const double eventCount = double(trace->eventCount);
    const QString size = QStringLiteral("%1-event").arg(trace->eventCount);

    // Model build, repeated on fresh models; the last one is kept to paint.
    std::unique_ptr<il::TimelineModel> model;
    std::vector<double> heapPerEvent;
    Figure build;
    build.id = QStringLiteral("gui.%1.model-build").arg(tag);
    build.label = QStringLiteral("TimelineModel build, %1 trace").arg(tag);
    build.unit = QStringLiteral("ms");
    build.aim = Aim::below(1000, QStringLiteral("<= 1000"));
    build.samples = repeat(options.reps, [&] {
        model.reset();
        trimHeap();
        const std::int64_t heap0 = heapInUseBytes();
        auto fresh = std::make_unique<il::TimelineModel>();
        fresh->setTaskSet(set);
        const std::int64_t t0 = il::monoNs();
        fresh->setTrace(trace);
        const double ms = il::nsToMs(il::monoNs() - t0);
        if (heap0 >= 0)
            heapPerEvent.push_back(double(heapInUseBytes() - heap0) / eventCount);
        model = std::move(fresh);
        return ms;
    });
    build.note = QStringLiteral("TimelineModel::setTrace of a synthetic %1 %2 trace (%3 tasks, %4 timeline items, "
                                "both views)")
                     .arg(size, tag).arg(set->tasks.size()).arg(model->itemCount());
    report.add(std::move(build));

    Figure mem;
    mem.id = QStringLiteral("gui.%1.model-memory").arg(tag);
    mem.label = QStringLiteral("TimelineModel bytes/event, %1 (memoryBytes)").arg(tag);
    mem.unit = QStringLiteral("B");
    mem.aim = Aim::below(64, QStringLiteral("<= 64"));
    mem.samples = {double(model->memoryBytes()) / eventCount};
    mem.note = QStringLiteral("TimelineModel::memoryBytes() / events; the shared Trace is not counted");
    report.add(std::move(mem));
    if (!heapPerEvent.empty()) {
        Figure heap;
        heap.id = QStringLiteral("gui.%1.model-heap").arg(tag);
        heap.label = QStringLiteral("TimelineModel bytes/event, %1 (heap growth)").arg(tag);
        heap.unit = QStringLiteral("B");
        heap.aim = Aim::below(64, QStringLiteral("<= 64"));
        heap.samples = heapPerEvent;
        heap.note = QStringLiteral("malloc'd bytes across setTaskSet + setTrace (cross-check of memoryBytes)");
        report.add(std::move(heap));
    }

    // Repaints.
    PaintSetup setup;
    setup.model = model.get();
    setup.style = ui::SpanStyle::forPalette(QGuiApplication::palette());
    setup.extentNs = double(model->extentNs());
    setup.axisWidth = viewSize.width() - ui::TimelineLayout::labelWidth;
    QImage image(viewSize, QImage::Format_ARGB32_Premultiplied);
    const int repaints = options.quick ? 5 : 15;

    const auto paintFigure = [&](il::TimelineViewKind view, const Zoom &zoom, bool keepCache) {
        const bool byTask = view == il::TimelineViewKind::ByTask;
        setup.layout = ui::TimelineLayout::compute(*model, view);
        // The task view has one row per task: scroll to the middle of the run.
        const int scrollY = byTask ? std::max(0, setup.layout.contentHeight / 2 - viewSize.height() / 2) : 0;
        ui::TimelinePainter painter;
        Figure f;
        f.id = QStringLiteral("gui.%1.paint-%2-%3")
                   .arg(tag, byTask ? QStringLiteral("task") : QStringLiteral("lane"),
                        keepCache ? QStringLiteral("cached") : zoom.name);
        f.label = QStringLiteral("%1 repaint %2, by %3, zoom %4")
                      .arg(keepCache ? QStringLiteral("cached") : QStringLiteral("full"), tag,
                           byTask ? QStringLiteral("task") : QStringLiteral("lane"), zoom.name);
        f.unit = QStringLiteral("ms");
        f.aim = Aim::below(16, QStringLiteral("<= 16"));
        // Warm-up (fonts, glyph cache, first touch of the image), not counted.
        paintOnce(painter, image, setup, zoom.fraction, 0.5, scrollY, false);
        // A different window each time, so no repaint reuses the last one's work.
        for (int i = 0; i < repaints; ++i) {
            const double offset = keepCache ? 0.5 : repaints > 1 ? double(i) / (repaints - 1) : 0.5;
            f.samples.push_back(paintOnce(painter, image, setup, zoom.fraction, offset, scrollY, keepCache));
        }
        f.note = QStringLiteral("%1x%2 QImage, %3 visible, %4 repaints%5")
                     .arg(viewSize.width()).arg(viewSize.height())
                     .arg(zoom.fraction == 1.0 ? QStringLiteral("whole run")
                                               : QStringLiteral("%1 of the run").arg(zoom.name))
                     .arg(repaints)
                     .arg(keepCache ? QStringLiteral(", geometry cached (a hover repaint)")
                                    : QStringLiteral(", geometry cache emptied before each"));
        report.add(std::move(f));
    };
    const Zoom fit{1.0, QStringLiteral("fit")};
    const Zoom laneZooms[] = {fit,
                              {1e-1, QStringLiteral("1/10")},
                              {1e-2, QStringLiteral("1/100")},
                              {1e-3, QStringLiteral("1/1000")},
                              {1e-5, QStringLiteral("1/100000")}};
    if (loopShape) {
        paintFigure(il::TimelineViewKind::ByLane, fit, false);
        paintFigure(il::TimelineViewKind::ByLane, laneZooms[3], false);
    } else {
        for (const Zoom &z : laneZooms)
            paintFigure(il::TimelineViewKind::ByLane, z, false);
    }
    paintFigure(il::TimelineViewKind::ByTask, fit, false);
    paintFigure(il::TimelineViewKind::ByTask, laneZooms[3], false);
    if (!loopShape)
        paintFigure(il::TimelineViewKind::ByLane, fit, true);

    // What the names in the bars and the overview strip add to a full
    // repaint, by lane zoomed to 1/1000 (most bars wide enough for a
    // name), each task's name its own: dragging 40 px a frame, panning a
    // fifth of the view a frame (the arrow keys' step), and jumping to
    // another place each frame.
    if (!loopShape) {
        setup.layout = ui::TimelineLayout::compute(*model, il::TimelineViewKind::ByLane);
        const double zoom = 1e-3;
        const double panStep = zoom / 5 / (1 - zoom); // a fifth of the view, in paintOnce's offsets
        const double dragStep = zoom * 40 / setup.axisWidth / (1 - zoom);
        std::vector<Frame> drag, pan, jump;
        for (int i = 0; i < repaints; ++i) {
            drag.push_back({zoom, 0.5 + i * dragStep, 0});
            pan.push_back({zoom, 0.5 + i * panStep, 0});
            jump.push_back({zoom, repaints > 1 ? double(i) / (repaints - 1) : 0.5, 0});
        }
        Figure dragging = namesShare(setup, image, {zoom, 0.5 - dragStep, 0}, drag);
        dragging.id = QStringLiteral("gui.%1.names-and-overview-share-dragging").arg(tag);
        dragging.label = QStringLiteral("names + overview strip, share of a full repaint (%1, lane, 1/1000, dragging 40 px a frame)").arg(tag);
        report.add(std::move(dragging));
        Figure panning = namesShare(setup, image, {zoom, 0.5 - panStep, 0}, pan);
        panning.id = QStringLiteral("gui.%1.names-and-overview-share-panning").arg(tag);
        panning.label = QStringLiteral("names + overview strip, share of a full repaint (%1, lane, 1/1000, panning a fifth of the view a frame)").arg(tag);
        report.add(std::move(panning));
        Figure jumping = namesShare(setup, image, {zoom, 0.5, 0}, jump);
        jumping.id = QStringLiteral("gui.%1.names-and-overview-share").arg(tag);
        jumping.label = QStringLiteral("names + overview strip, share of a full repaint (%1, lane, 1/1000, a jump each frame, every name new)").arg(tag);
        report.add(std::move(jumping));
    }
}

// The live path of issue 3: a real Engine run streams batches; on each the
// GUI thread feeds a TraceBuilder, updates the TimelineModel and repaints
// the task view offscreen, as the window does. A 1 ms heartbeat on the same
// thread measures the longest time it was blocked.
// `spreadMs` > 0 varies each task's phase over [ms, ms + spreadMs) (a fixed
// scramble, no randomness), so spans finish in a different order than they
// started.
void benchLiveStream(const Options &options, Report &report, il::Mode mode, il::Phase phase, double spreadMs,
                     const QString &tag)
{
    const int count = options.quick ? 2000 : 20'000;
    auto set = std::make_shared<il::TaskSet>();
    set->name = QStringLiteral("live");
    set->tasks.resize(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        il::Phase p = phase;
        if (spreadMs > 0)
            p.ms += spreadMs * double((std::uint64_t(i) * 7919u) % 1000u) / 1000.0;
        set->tasks[std::size_t(i)].name = QStringLiteral("task %1").arg(i + 1);
        set->tasks[std::size_t(i)].phases = {p};
    }
    il::RunConfig config;
    config.mode = mode;
    const QString modeName = il::modeName(mode);
    const QString kindText = phase.kind == il::PhaseKind::Io ? QStringLiteral("io") : QStringLiteral("cpu");
    const QString phaseText = spreadMs > 0 ? QStringLiteral("%1-%2 ms %3").arg(phase.ms).arg(phase.ms + spreadMs).arg(kindText)
                                           : QStringLiteral("%1 ms %2").arg(phase.ms).arg(kindText);

    Figure stall;
    stall.id = QStringLiteral("gui.live-stall-%1").arg(tag);
    stall.label = QStringLiteral("GUI thread longest block, live %1, %2").arg(modeName, phaseText);
    stall.unit = QStringLiteral("ms");
    stall.aim = Aim::below(50, QStringLiteral("<= 50"));
    std::vector<double> paintMax, updateMax, finalMs;
    std::size_t events = 0, batches = 0;
    bool complete = true;
    QImage image(viewSize, QImage::Format_ARGB32_Premultiplied);
    const ui::SpanStyle style = ui::SpanStyle::forPalette(QGuiApplication::palette());
    stall.samples = repeat(options.reps, [&] {
        il::Engine engine;
        il::TimelineModel model;
        model.setTaskSet(set);
        std::unique_ptr<il::LiveRunBuilder> live;
        ui::TimelinePainter painter;
        double worstPaint = 0, worstUpdate = 0, lastFinal = 0;
        events = batches = 0;
        const auto repaint = [&] {
            PaintSetup setup;
            setup.model = &model;
            setup.style = style;
            setup.layout = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByTask);
            setup.extentNs = double(std::max<std::int64_t>(1, model.extentNs()));
            setup.axisWidth = viewSize.width() - ui::TimelineLayout::labelWidth;
            const int scrollY = std::max(0, setup.layout.contentHeight / 2 - viewSize.height() / 2);
            worstPaint = std::max(worstPaint, paintOnce(painter, image, setup, 1.0, 0, scrollY, false));
        };
        QEventLoop loop;
        QObject::connect(&engine, &il::Engine::runStarted, &loop, [&](const il::RunInfo &info) {
            live = std::make_unique<il::LiveRunBuilder>(model, info, set->tasks.size());
        });
        QObject::connect(&engine, &il::Engine::eventsReady, &loop, [&](int run, const il::EventBatch &batch) {
            ++batches;
            events += batch->size();
            const std::int64_t t0 = il::monoNs();
            Q_ASSERT(live->runIndex() == run);
            live->add(*batch, il::monoNs());
            worstUpdate = std::max(worstUpdate, il::nsToMs(il::monoNs() - t0));
            repaint();
        });
        QObject::connect(&engine, &il::Engine::runFinished, &loop, [&](const il::RunResultPtr &result) {
            complete = complete && result->metrics.completed == count;
            const std::int64_t t0 = il::monoNs();
            model.setTrace(result->trace, result->metrics);
            lastFinal = il::nsToMs(il::monoNs() - t0);
            repaint();
        });
        QObject::connect(&engine, &il::Engine::finished, &loop, &QEventLoop::quit);
        const bench::StallMeter stalls;
        engine.start(set, {config});
        loop.exec();
        paintMax.push_back(worstPaint);
        updateMax.push_back(worstUpdate);
        finalMs.push_back(lastFinal);
        return stalls.maxGapMs();
    });
    const auto med = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    stall.note = QStringLiteral("Engine %1 run of %2 x %3 (%4 events in %5 batches); per batch "
                                "LiveRunBuilder::add into the TimelineModel (worst %6 ms) + full repaint of the task view (worst %7 ms); "
                                "final setTrace %8 ms; medians over runs")
                     .arg(modeName).arg(count).arg(phaseText).arg(events).arg(batches)
                     .arg(med(updateMax), 0, 'f', 2)
                     .arg(med(paintMax), 0, 'f', 2)
                     .arg(med(finalMs), 0, 'f', 2);
    if (!complete)
        stall.note += QStringLiteral("; ERROR: not every task completed");
    report.add(std::move(stall));
}

// Issue 13's scale: 200,000 tasks in the task view (one row each); and
// issue 14's, a 15 M-event event-loop run (about 1.7 M tasks). Per frame, as
// the window does it: a scroll by a screenful (rows never drawn
// before, the geometry cache kept), a zoom step of 1.25x around the middle
// (the cache emptied by the new mapping), and a find keystroke (the names
// searched, the matches marked, the view scrolled to the first, repainted).
// Wall and the thread's CPU time; the CPU time is what the aim is held to
// on a shared machine.
void benchLargeTaskView(const Options &options, Report &report, std::size_t events, SyntheticShape shape,
                        const QString &idPrefix)
{
    if (options.quick)
        events /= 10;
    auto set = std::make_shared<il::TaskSet>();
    const il::TracePtr trace = buildSyntheticTrace(events, shape, 11, *set);
    const std::size_t taskCount = set->tasks.size();
    il::TimelineModel model;
    model.setTaskSet(set);
    model.setTrace(trace);
    PaintSetup setup;
    setup.model = &model;
    setup.style = ui::SpanStyle::forPalette(QGuiApplication::palette());
    setup.extentNs = double(model.extentNs());
    setup.axisWidth = viewSize.width() - ui::TimelineLayout::labelWidth;
    setup.layout = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByTask);
    QImage image(viewSize, QImage::Format_ARGB32_Premultiplied);
    const int frames = options.quick ? 10 : 40;
    const QString size = QStringLiteral("%1 tasks (%2 events)").arg(countText(int(set->tasks.size())), countText(int(trace->eventCount)));
    const auto frameFigure = [&](const QString &id, const QString &label, const QString &note) {
        Figure f;
        f.id = QStringLiteral("gui.%1.%2").arg(idPrefix, id);
        f.label = label;
        f.unit = QStringLiteral("ms");
        f.aim = Aim::below(16, QStringLiteral("<= 16"));
        f.note = note;
        return f;
    };
    const auto noteOf = [](const std::vector<double> &wall, const std::vector<double> &cpu, const QString &what) {
        return QStringLiteral("%1; thread CPU time per frame, median %2 ms, worst %3 ms (wall median %4, worst %5 ms)")
            .arg(what)
            .arg(medianOf(cpu), 0, 'f', 2).arg(*std::max_element(cpu.begin(), cpu.end()), 0, 'f', 2)
            .arg(medianOf(wall), 0, 'f', 2).arg(*std::max_element(wall.begin(), wall.end()), 0, 'f', 2);
    };
    const int pageRows = (viewSize.height() - ui::TimelineLayout::rulerHeight);

    // Scroll: a screenful at a time from the middle, at fit and at 1/1000.
    for (const double fraction : {1.0, 1e-3}) {
        ui::TimelinePainter painter;
        std::vector<double> wall, cpu;
        int scrollY = setup.layout.contentHeight / 2;
        paintOnce(painter, image, setup, fraction, 0.5, scrollY, false); // warm-up
        for (int i = 0; i < frames; ++i) {
            scrollY += pageRows;
            double c = 0;
            wall.push_back(paintOnce(painter, image, setup, fraction, 0.5, scrollY, true, true, &c));
            cpu.push_back(c);
        }
        const QString zoom = fraction == 1.0 ? QStringLiteral("fit") : QStringLiteral("1/1000");
        Figure f = frameFigure(QStringLiteral("scroll-%1").arg(fraction == 1.0 ? QStringLiteral("fit") : QStringLiteral("1000")),
                               QStringLiteral("%1 by task: scroll a screenful, zoom %2 (CPU)").arg(size, zoom),
                               noteOf(wall, cpu, QStringLiteral("%1 frames, each a screenful further down, rows never drawn before").arg(frames)));
        f.samples = cpu;
        report.add(std::move(f));
    }

    // Zoom: 1.25x steps in around the middle of the run, from fit.
    {
        ui::TimelinePainter painter;
        std::vector<double> wall, cpu;
        const int scrollY = setup.layout.contentHeight / 2;
        double fraction = 1.0;
        paintOnce(painter, image, setup, fraction, 0.5, scrollY, false);
        for (int i = 0; i < frames; ++i) {
            fraction /= 1.25;
            double c = 0;
            wall.push_back(paintOnce(painter, image, setup, fraction, 0.5, scrollY, true, true, &c));
            cpu.push_back(c);
        }
        Figure f = frameFigure(QStringLiteral("zoom"), QStringLiteral("%1 by task: a zoom step (CPU)").arg(size),
                               noteOf(wall, cpu, QStringLiteral("%1 steps of 1.25x from fit to 1/%2 of the run")
                                                     .arg(frames).arg(std::pow(1.25, frames), 0, 'f', 0)));
        f.samples = cpu;
        report.add(std::move(f));
    }

    // Names in the bars by task (each phase's kind and length) and the
    // overview strip, the share of a full repaint: rows in the middle of
    // the run, zoomed to 8 ms around the tasks shown, where most phases
    // are wide enough for a name. Scrolling down a wheel step (three rows)
    // a frame and back, the time window where it was; zooming in and out
    // by wheel notches (1.25x), four in and four out; and jumping to other
    // rows each frame (as a find does), the time window following them.
    if (shape == SyntheticShape::Threads) {
        const il::TimelineRun &run = model.run(0);
        const std::vector<il::TimelineRow> &rows = run.taskRows();
        const int rowHeight = setup.layout.bands.front().rowHeight;
        const int rowsShown = pageRows / rowHeight;
        // The frame that shows `span` ns around the tasks of the screenful from row `top`.
        const auto frameAt = [&](int top, double span) {
            const il::TimelineRow &middle = rows[std::size_t(std::min<int>(int(rows.size()) - 1, top + rowsShown / 2))];
            // Where it ran: its first item that is not the wait in the queue.
            const auto ran = std::find_if(middle.begin(), middle.end(),
                                          [](const il::TimelineItem &item) { return item.kind != il::ItemKind::Queued; });
            const double centre = ran == middle.end() ? setup.extentNs / 2 : double(ran->start);
            const double from = std::clamp(centre - span / 2, 0.0, setup.extentNs - span);
            return Frame{span / setup.extentNs, from / (setup.extentNs - span),
                         setup.layout.bands.front().rowsTop() + top * rowHeight};
        };
        const int middleRow = int(rows.size()) / 2;
        const double span = 8e6;
        std::vector<Frame> scrollSteps, zoomSteps, jumps;
        const Frame still = frameAt(middleRow, span);
        double zoomed = span;
        for (int i = 0; i < frames; ++i) {
            const int step = i < frames / 2 ? i + 1 : frames - i - 1; // down, then back up
            scrollSteps.push_back({still.fraction, still.offset, still.scrollY + step * 3 * rowHeight});
            zoomed = (i / 4) % 2 == 0 ? zoomed / 1.25 : zoomed * 1.25; // four notches in, four out
            zoomSteps.push_back(frameAt(middleRow, zoomed));
            jumps.push_back(frameAt(int((std::uint64_t(i + 1) * 7919u * 13u) % (rows.size() - std::size_t(rowsShown))), span));
        }
        Figure scrolling = namesShare(setup, image, still, scrollSteps);
        scrolling.id = QStringLiteral("gui.%1.names-and-overview-share-scrolling").arg(idPrefix);
        scrolling.label = QStringLiteral("%1 by task: names + overview strip, share of a full repaint (scrolling a wheel step a frame)").arg(size);
        report.add(std::move(scrolling));
        Figure zooming = namesShare(setup, image, still, zoomSteps);
        zooming.id = QStringLiteral("gui.%1.names-and-overview-share-zooming").arg(idPrefix);
        zooming.label = QStringLiteral("%1 by task: names + overview strip, share of a full repaint (zooming a notch a frame)").arg(size);
        report.add(std::move(zooming));
        Figure jumping = namesShare(setup, image, still, jumps);
        jumping.id = QStringLiteral("gui.%1.names-and-overview-share-jumping").arg(idPrefix);
        jumping.label = QStringLiteral("%1 by task: names + overview strip, share of a full repaint (other rows each frame)").arg(size);
        report.add(std::move(jumping));
    }

    // Find: "task 123456" typed a key at a time (the first keys match
    // every task).
    {
        ui::TimelinePainter painter;
        std::vector<double> wall, cpu;
        std::vector<std::vector<std::uint8_t>> matches; // per group of runs, as TimelineView::setMatches
        il::TaskFinder finder; // as the find bar keeps it, its names folded when it opens
        const std::int64_t i0 = il::monoNs();
        finder.prepare(model);
        const double indexMs = il::nsToMs(il::monoNs() - i0);
        const QString query = QStringLiteral("task %1").arg(taskCount * 5 / 7);
        std::size_t lastCount = 0;
        for (int reps = 0; reps < std::max(1, frames / int(query.size())); ++reps) {
            for (int n = 1; n <= query.size(); ++n) {
                const std::int64_t c0 = il::threadCpuNs();
                const std::int64_t t0 = il::monoNs();
                QString error;
                const std::vector<il::TaskMatch> found = finder.find(model, query.left(n), false, &error);
                for (auto &group : matches) // as TimelineView::setMatches
                    group.assign(group.size(), 0);
                for (const il::TaskMatch &m : found) {
                    if (matches.size() <= std::size_t(m.group))
                        matches.resize(std::size_t(m.group) + 1);
                    auto &tasks = matches[std::size_t(m.group)];
                    if (tasks.size() <= m.task)
                        tasks.resize(std::size_t(m.task) + 1, 0);
                    tasks[m.task] = 1;
                }
                lastCount = found.size();
                ui::TimelineScene scene;
                scene.model = &model;
                scene.layout = &setup.layout;
                scene.matches = &matches;
                scene.highlightTask = found.empty() ? il::noTask : found.front().task;
                scene.highlightGroup = found.empty() ? -1 : found.front().group;
                const auto [top, bottom] = setup.layout.rowSpan(0, found.empty() ? 0 : int(found.front().task));
                scene.scrollY = std::max(0, top - viewSize.height() / 2);
                scene.mapping.left = ui::TimelineLayout::labelWidth;
                scene.mapping.fit(0, setup.extentNs, setup.axisWidth);
                QPainter p(&image);
                painter.paint(p, QRect(QPoint(0, 0), viewSize), scene, setup.style);
                p.end();
                wall.push_back(il::nsToMs(il::monoNs() - t0));
                cpu.push_back(il::nsToMs(il::threadCpuNs() - c0));
            }
        }
        Figure f = frameFigure(QStringLiteral("find"), QStringLiteral("%1 by task: a find keystroke (CPU)").arg(size),
                               noteOf(wall, cpu, QStringLiteral("\"%1\" typed a key at a time (%2 frames; the last matches %3): "
                                                                "TaskFinder::find, the matches marked, scrolled to the first, repainted; "
                                                                "the names folded once when the bar opens: %4 ms")
                                                     .arg(query).arg(wall.size()).arg(lastCount).arg(indexMs, 0, 'f', 1)));
        f.samples = cpu;
        report.add(std::move(f));
    }
}

// A saved picture (File > Save picture, --screenshot) of a 20,000-task run
// by task, PNG, chart included: every row, over as many pages as it takes.
void benchTallPicture(const Options &options, Report &report)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return;
    const std::size_t taskCount = options.quick ? 2'000 : 20'000;
    auto set = std::make_shared<il::TaskSet>();
    const il::TracePtr trace = buildSyntheticTrace(taskCount * 7, SyntheticShape::Threads, 5, *set);
    const il::Metrics metrics = il::computeMetrics(*trace, *set);
    il::TimelineModel model;
    model.setTaskSet(set);
    model.setTrace(trace, metrics);
    const std::vector<il::RunResultPtr> results{std::make_shared<il::RunResult>(il::RunResult{trace, metrics})};
    ui::PictureOptions pictureOptions;
    pictureOptions.view = il::TimelineViewKind::ByTask;
    pictureOptions.palette = QGuiApplication::palette();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tall.png"));
    QString error;
    Figure f;
    f.id = QStringLiteral("gui.picture-20k-by-task");
    f.label = QStringLiteral("saved picture, %1 tasks by task (PNG, every row)").arg(set->tasks.size());
    f.unit = QStringLiteral("ms");
    f.aim = Aim::below(2000, QStringLiteral("<= 2000"));
    ui::PictureStats stats;
    std::vector<double> paintMs, encodeMs;
    f.samples = repeat(options.reps, [&] {
        const std::int64_t t0 = il::monoNs();
        error = ui::savePicture(path, model, results, pictureOptions, &stats);
        const double ms = il::nsToMs(il::monoNs() - t0);
        paintMs.push_back(stats.paintMs);
        encodeMs.push_back(stats.encodeMs);
        return ms;
    });
    const ui::PictureInfo info = ui::pictureInfo(model, results, pictureOptions);
    const QSize first = info.sizes.front() * info.scale;
    // The first page encoded by Qt's PNG writer at zlib's fastest level (as
    // pictures were written before) and by ours, one after the other.
    double qtMs = 0, oursMs = 0;
    {
        QImage image(first, QImage::Format_RGB32);
        image.setDevicePixelRatio(info.scale);
        QPainter painter(&image);
        ui::paintPicture(painter, model, results, pictureOptions, 0);
        painter.end();
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        const std::int64_t t0 = il::monoNs();
        image.save(&buffer, "PNG", 80);
        const std::int64_t t1 = il::monoNs();
        const QByteArray ours = ui::encodeOpaquePng(image);
        qtMs = il::nsToMs(t1 - t0);
        oursMs = il::nsToMs(il::monoNs() - t1);
    }
    f.note = QStringLiteral("ui::savePicture: %1 rows in %2 page(s) (%3, %4x, first %5x%6 px), %7 Mpx, %8 KB; "
                            "drawing %9 ms, encoding %10 ms (medians, summed over the threads); the first page alone encoded "
                            "by Qt's writer (quality 80) %12 ms, by ours %13 ms%11")
                 .arg(info.rows).arg(info.pages)
                 .arg(info.compact ? QStringLiteral("compact rows") : QStringLiteral("normal rows"))
                 .arg(info.scale).arg(first.width()).arg(first.height())
                 .arg(stats.megapixels, 0, 'f', 0).arg(stats.bytes / 1024)
                 .arg(medianOf(paintMs), 0, 'f', 0).arg(medianOf(encodeMs), 0, 'f', 0)
                 .arg(error.isEmpty() ? QString() : QStringLiteral("; ERROR: ") + error)
                 .arg(qtMs, 0, 'f', 0).arg(oursMs, 0, 'f', 0);
    report.add(std::move(f));
}

} // namespace

void benchGui(const Options &options, Report &report)
{
    benchLargeTaskView(options, report, 200'000 * 7, SyntheticShape::Threads, QStringLiteral("tasks200k"));
    benchLargeTaskView(options, report, 15'000'000, SyntheticShape::EventLoop, QStringLiteral("events15m"));
    benchTallPicture(options, report);
    benchShape(options, report, SyntheticShape::Threads);
    benchShape(options, report, SyntheticShape::EventLoop);
    // Steady stream: one lane, spans arrive in start order.
    benchLiveStream(options, report, il::Mode::Sequential, il::Phase{il::PhaseKind::Cpu, 0.05}, 0,
                    QStringLiteral("sequential"));
    // Every task waiting at once, all for the same time: io spans end in
    // the order they began.
    benchLiveStream(options, report, il::Mode::EventLoop, il::Phase{il::PhaseKind::Io, 200.0}, 0,
                    QStringLiteral("eventloop"));
    // Every task waiting at once for different times: io spans end in a
    // different order than they began (the downloads case at scale).
    benchLiveStream(options, report, il::Mode::EventLoop, il::Phase{il::PhaseKind::Io, 50.0}, 350.0,
                    QStringLiteral("eventloop-mixed"));
}

} // namespace bench
