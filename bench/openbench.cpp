#include "openbench.h"

#include "corebench.h"

#include "core/base/clock.h"
#include "core/import/traceopener.h"
#include "core/model/taskset.h"
#include "core/timeline/timelinemodel.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#ifdef INTERLEAVE_BENCH_GUI
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelinelayout.h"
#include "ui/timeline/timelinepainter.h"
#include "ui/timeline/timelinescene.h"
#include "ui/window/traceopenjob.h"

#include <QApplication>
#include <QEventLoop>
#include <QGuiApplication>
#include <QProgressDialog>
#include <QTimer>
#include <QWidget>
#include <QImage>
#include <QPainter>
#endif

#include <algorithm>
#include <cstdio>

namespace bench {

namespace {

// Peak resident size since the last reset (VmHWM), in bytes.
std::int64_t peakResidentBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    return -1;
}

// Linux >= 4.0: writing 5 resets VmHWM to the current resident size.
bool resetPeakResident()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

// About `target` bytes of task set: tasks of 8 phases with names, 1 in 16
// with an unknown field kept for the round trip.
bool writeTaskSet(const QString &path, std::int64_t target, std::int64_t &tasks)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk = "{\"name\": \"big\", \"tasks\": [\n";
    std::int64_t written = 0;
    tasks = 0;
    while (written + chunk.size() < target && tasks < 1'000'000) {
        chunk += tasks ? ",\n" : "";
        chunk += "{\"name\": \"task " + QByteArray::number(tasks) + "\", \"phases\": [";
        for (int p = 0; p < 8; ++p)
            chunk += (p ? ", {\"" : "{\"") + QByteArray(p % 2 ? "cpu" : "io") + "\": " + QByteArray::number(1 + (tasks * 7 + p) % 97) + "." + QByteArray::number(p * 125) + "}";
        chunk += "]";
        if (tasks % 16 == 0)
            chunk += ", \"tag\": {\"owner\": \"bench\", \"weight\": [1, 2, 3]}";
        chunk += "}";
        ++tasks;
        if (chunk.size() > (1 << 20)) {
            written += f.write(chunk);
            chunk.clear();
        }
    }
    chunk += "\n]}\n";
    written += f.write(chunk);
    return f.flush();
}

// A VizTracer-shaped trace: X events of calls nested three deep on 8
// threads, written out of order per thread the way tracers flush them.
bool writeTrace(const QString &path, std::int64_t events)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk = "{\"traceEvents\": [\n";
    for (int t = 0; t < 8; ++t)
        chunk += "{\"ph\": \"M\", \"pid\": 4242, \"tid\": " + QByteArray::number(4242 + t) +
                 ", \"name\": \"thread_name\", \"args\": {\"name\": \"worker-" + QByteArray::number(t) + "\"}},\n";
    for (std::int64_t i = 0; i < events; i += 3) {
        const std::int64_t call = i / 3;
        const int tid = 4242 + int(call % 8);
        const double ts = double(call / 8) * 40.0 + 0.125 * double(call % 8);
        // The caller last: its children ended first.
        for (int depth = 2; depth >= 0; --depth) {
            chunk += "{\"pid\": 4242, \"tid\": " + QByteArray::number(tid) + ", \"ts\": " +
                     QByteArray::number(ts + depth * 2.0, 'f', 3) + ", \"dur\": " + QByteArray::number(36.0 - depth * 8.0, 'f', 3) +
                     ", \"name\": \"fn_" + QByteArray::number((call + depth) % 500) + " (app.py:" + QByteArray::number(depth * 10 + 3) +
                     ")\", \"ph\": \"X\", \"cat\": \"FEE\"}" + (i + 3 >= events && depth == 0 ? "\n" : ",\n");
        }
        if (chunk.size() > (1 << 20)) {
            f.write(chunk);
            chunk.clear();
        }
    }
    chunk += "], \"viztracer_metadata\": {\"version\": \"0.16.3\"}}\n";
    f.write(chunk);
    return f.flush();
}

// The first picture of an opened run, as the window's first paint of it:
// the by-lane layout, the whole run fitted into a 1600x900 view, names in
// the bars. False when this build or run cannot paint (no GUI library, or
// no QGuiApplication: the group was not asked for with gui).
bool drawFirstFrame(const il::TimelineModel &model)
{
#ifdef INTERLEAVE_BENCH_GUI
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return false;
    const QSize size(1600, 900);
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByLane);
    ui::TimelineScene scene;
    scene.model = &model;
    scene.layout = &layout;
    scene.mapping.left = ui::TimelineLayout::labelWidth;
    scene.mapping.fit(0, double(model.extentNs()), size.width() - ui::TimelineLayout::labelWidth);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    ui::TimelinePainter painter;
    QPainter p(&image);
    painter.paint(p, QRect(QPoint(0, 0), size), scene, ui::SpanStyle::forPalette(QGuiApplication::palette()));
    p.end();
    return true;
#else
    (void)model;
    return false;
#endif
}

#ifdef INTERLEAVE_BENCH_GUI
// What the opened spans' own names (`fn_12 (app.py:3)`) add to a full
// repaint by lane, zoomed to 1/5000 of the run (its 36 µs calls about
// 150 px wide: every bar has room for a name), in the painting thread's CPU
// time; repaints with and without names alternate over the run. Returns
// the share in % per pair, the medians' milliseconds in *note.
std::vector<double> spanNamesShare(const il::TimelineModel &model, int pairs, QString *note)
{
    std::vector<double> share, with, without;
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()) || model.runCount() == 0)
        return share;
    const QSize size(1600, 900);
    const ui::TimelineLayout layout = ui::TimelineLayout::compute(model, il::TimelineViewKind::ByLane);
    const ui::SpanStyle style = ui::SpanStyle::forPalette(QGuiApplication::palette());
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    ui::TimelinePainter painter;
    const double extent = double(model.extentNs()), shown = extent / 5000;
    const auto paint = [&](double offset, bool names) {
        ui::TimelineScene scene;
        scene.model = &model;
        scene.layout = &layout;
        scene.spanNames = names;
        scene.mapping.left = ui::TimelineLayout::labelWidth;
        const double from = (extent - shown) * offset;
        scene.mapping.fit(from, from + shown, size.width() - ui::TimelineLayout::labelWidth);
        painter.invalidate(); // a full repaint: the geometry made again
        const std::int64_t c0 = il::threadCpuNs();
        QPainter p(&image);
        painter.paint(p, QRect(QPoint(0, 0), size), scene, style);
        p.end();
        return il::nsToMs(il::threadCpuNs() - c0);
    };
    paint(0.5, true); // warm-up: fonts
    std::vector<double> fresh; // with names, each at a place never drawn before (names laid out then)
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < pairs; ++i) {
            const double offset = pairs > 1 ? double(i) / (pairs - 1) : 0.5;
            const double named = paint(offset, true);
            if (round == 0) {
                fresh.push_back(named);
                continue;
            }
            with.push_back(named);
            without.push_back(paint(offset, false));
            share.push_back((with.back() - without.back()) / std::max(1e-3, without.back()) * 100.0);
        }
    *note = QStringLiteral("thread CPU time of a full by-lane repaint at 1/5000 of the run (each place drawn once "
                           "before: the names laid out already): %1 ms with the spans' own names, %2 ms without "
                           "(medians of %3); the first repaint of each place, its names laid out then: %4 ms")
                .arg(medianOf(with), 0, 'f', 2).arg(medianOf(without), 0, 'f', 2).arg(pairs)
                .arg(medianOf(fresh), 0, 'f', 2);
    return share;
}

// What another tool's span names add to a full repaint of `opened`.
void spanNamesFigure(const Options &options, Report &report, const il::OpenedRun &opened)
{
    il::TimelineModel model;
    model.setTrace(opened.run->trace, opened.run->metrics, 0, QString(), opened.tasks);
    QString note;
    Figure names;
    names.id = QStringLiteral("open.trace_span_names_share");
    names.label = QStringLiteral("opened spans' names in the bars, share of a full repaint (lane, 1/5000)");
    names.unit = QStringLiteral("%");
    names.aim = Aim::below(25, QStringLiteral("<= 25"));
    names.samples = spanNamesShare(model, options.quick ? 3 : 15, &note);
    names.note = note;
    if (!names.samples.empty())
        report.add(std::move(names));
}

// One open through the window's own background path
// (ui::openTracesInBackground: a reading thread, a progress dialog polled
// every 40 ms), with a 5 ms timer on the GUI thread recording the longest
// time between its ticks. When the reading ends, the runs go into a
// TimelineModel and the first picture is drawn, on the GUI thread, as the
// window does. With `cancelAt` >= 0, Cancel is pressed once the dialog
// shows that share of the file read.
struct WindowOpen
{
    double firstPictureS = -1; // open pressed -> first picture drawn
    double readGapMs = 0;      // longest GUI-thread gap while the file was read
    double stallMs = 0;        // the model + first picture, one GUI-thread stretch
    double cancelMs = -1;      // Cancel pressed -> the job finished (its result handed over)
    bool cancelled = false;
    std::size_t runs = 0, spans = 0;
};

WindowOpen openLikeTheWindow(const QString &path, double cancelAt)
{
    WindowOpen w;
    QWidget parent;
    QEventLoop loop;
    std::int64_t last = 0, longest = 0, cancelPressed = -1;
    bool reading = true;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const std::int64_t now = il::monoNs();
        if (reading)
            longest = std::max(longest, now - last);
        last = now;
        if (cancelAt >= 0 && cancelPressed < 0) {
            auto *dialog = parent.findChild<QProgressDialog *>();
            if (dialog && dialog->value() >= int(cancelAt * dialog->maximum())) {
                cancelPressed = il::monoNs();
                emit dialog->canceled(); // as its Cancel button does
            }
        }
    });
    const std::int64_t t0 = il::monoNs();
    last = t0;
    tick.start();
    ui::openTracesInBackground(&parent, {path}, [&](std::vector<il::OpenResult> results) {
        const std::int64_t read = il::monoNs();
        reading = false;
        w.readGapMs = double(std::max(longest, read - last)) / 1e6;
        if (cancelPressed >= 0)
            w.cancelMs = double(read - cancelPressed) / 1e6;
        il::TimelineModel model;
        for (const il::OpenResult &r : results) {
            w.cancelled = w.cancelled || r.cancelled;
            for (const il::OpenedRun &run : r.runs) {
                if (!w.runs)
                    model.setTaskSet(run.tasks);
                model.setTrace(run.run->trace, run.run->metrics);
                ++w.runs;
                w.spans += run.spanCount;
            }
        }
        if (w.runs && drawFirstFrame(model))
            w.firstPictureS = double(il::monoNs() - t0) / 1e9;
        w.stallMs = double(il::monoNs() - read) / 1e6;
        loop.quit();
    });
    loop.exec();
    return w;
}

// The window while it opens the big trace: first picture, the GUI thread's
// longest gap while reading and its one stretch for the model and picture,
// and how soon Cancel takes effect.
void windowFigures(const Options &options, Report &report, const QString &path, std::int64_t events)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return;
    std::vector<double> first, gaps, stalls, cancels;
    QString problem;
    for (int i = 0; i < std::max(1, options.reps); ++i) {
        trimHeap();
        const WindowOpen w = openLikeTheWindow(path, -1);
        if (w.runs != 1 || w.spans != std::size_t(events) || w.firstPictureS < 0)
            problem = QStringLiteral("the open gave %1 runs, %2 spans").arg(w.runs).arg(w.spans);
        first.push_back(w.firstPictureS);
        gaps.push_back(w.readGapMs);
        stalls.push_back(w.stallMs);
        const WindowOpen c = openLikeTheWindow(path, 0.3);
        if (!c.cancelled || c.runs || c.cancelMs < 0)
            problem = QStringLiteral("Cancel did not cancel");
        cancels.push_back(c.cancelMs);
    }
    const QString failed = problem.isEmpty() ? QString() : QStringLiteral("; FAILED: ") + problem;
    Figure f;
    f.id = QStringLiteral("open.window_first_picture");
    f.label = QStringLiteral("window: Open trace -> first picture (background read, model, paint)");
    f.unit = QStringLiteral("s");
    f.aim = Aim::below(3.0, QStringLiteral("<= 3"));
    f.samples = first;
    f.note = QStringLiteral("ui::openTracesInBackground as File > Open trace, its progress dialog polled every 40 ms; "
                            "then TimelineModel::setTrace and one 1600x900 paint on the GUI thread") + failed;
    report.add(std::move(f));
    Figure g;
    g.id = QStringLiteral("open.window_gap");
    g.label = QStringLiteral("window: longest GUI-thread gap while the file is read");
    g.unit = QStringLiteral("ms");
    g.aim = Aim::below(100, QStringLiteral("<= 100 (responsive)"));
    g.samples = gaps;
    g.note = QStringLiteral("the longest interval between ticks of a 5 ms precise QTimer, from Open to the result "
                            "handed over (the dialog and its Cancel stay live)");
    report.add(std::move(g));
    Figure st;
    st.id = QStringLiteral("open.window_stall");
    st.label = QStringLiteral("window: GUI thread busy for the model + first picture after the read");
    st.unit = QStringLiteral("ms");
    st.samples = stalls;
    st.note = QStringLiteral("TimelineModel::setTrace of the opened run and the first paint, in one go on the GUI thread");
    report.add(std::move(st));
    Figure c;
    c.id = QStringLiteral("open.window_cancel");
    c.label = QStringLiteral("window: Cancel (at 30 % read) -> opening ended");
    c.unit = QStringLiteral("ms");
    c.aim = Aim::below(250, QStringLiteral("<= 250"));
    c.samples = cancels;
    c.note = QStringLiteral("Cancel pressed when the dialog shows 30 %; until the result (cancelled, no run) is handed "
                            "to the window: the reader stops within 4096 events, the dialog's poll adds up to 40 ms") + failed;
    report.add(std::move(c));
}
#endif

double mbPerS(std::int64_t bytes, std::int64_t ns) { return ns > 0 ? double(bytes) / 1e6 / (double(ns) / 1e9) : 0; }

Aim atLeast(double low, const QString &text)
{
    Aim a;
    a.low = low;
    a.text = text;
    return a;
}

// The same rate over the reading thread's CPU time (page faults included):
// what the machine would give if nothing else ran on it. On a busy machine
// the wall-clock figure drops with the share of a core the bench gets; this
// one much less.
Figure cpuRateFigure(const QString &id, const QString &label, const std::vector<double> &rates)
{
    Figure f;
    f.id = id;
    f.label = label;
    f.unit = QStringLiteral("MB/s");
    f.samples = rates;
    f.note = QStringLiteral("the file's size over the reading thread's CPU time (CLOCK_THREAD_CPUTIME_ID), "
                            "for a busy machine; the wall-clock figure above is the one with the aim");
    return f;
}

} // namespace

void benchOpen(const Options &options, Report &report)
{
    QTemporaryDir dir;
    // ---------------------------------------------------------- task set
    {
        const QString path = dir.filePath(QStringLiteral("big-set.json"));
        std::int64_t tasks = 0;
        if (!dir.isValid() || !writeTaskSet(path, options.quick ? 4'000'000 : 200'000'000, tasks)) {
            report.skip(QStringLiteral("open.taskset"), QStringLiteral("task set load"), QStringLiteral("could not write ") + path);
            return;
        }
        const std::int64_t size = QFileInfo(path).size();
        std::vector<double> peaks, cpuRates;
        QString problem;
        (void)il::loadTaskSetFile(path); // page cache warm: the figure is the loader's
        Figure load;
        load.id = QStringLiteral("open.taskset");
        load.label = QStringLiteral("task set load (streamed) from a file");
        load.unit = QStringLiteral("MB/s");
        load.aim = atLeast(150, QStringLiteral(">= 150"));
        load.samples = repeat(options.reps, [&] {
            trimHeap();
            const bool reset = resetPeakResident();
            const std::int64_t rss0 = residentBytes();
            const std::int64_t t0 = il::monoNs();
            const std::int64_t cpu0 = il::threadCpuNs();
            il::TaskSetResult r = il::loadTaskSetFile(path);
            const std::int64_t ns = il::monoNs() - t0;
            cpuRates.push_back(mbPerS(size, il::threadCpuNs() - cpu0));
            if (!r.ok() || std::int64_t(r.taskSet->tasks.size()) != tasks)
                problem = r.error;
            if (reset)
                peaks.push_back(double(peakResidentBytes() - rss0) / double(size));
            return mbPerS(size, ns);
        });
        load.note = QStringLiteral("%1 MB, %2 tasks of 8 phases (1 in 16 with an unknown field kept); page cache warm%3")
                        .arg(double(size) / 1e6, 0, 'f', 0).arg(tasks)
                        .arg(problem.isEmpty() ? QString() : QStringLiteral("; FAILED: ") + problem);
        report.add(std::move(load));
        report.add(cpuRateFigure(QStringLiteral("open.taskset_cpu"), QStringLiteral("task set load: MB per CPU second"),
                                 cpuRates));
        if (!peaks.empty()) {
            Figure mem;
            mem.id = QStringLiteral("open.taskset_peak");
            mem.label = QStringLiteral("task set load: peak resident memory added / file size");
            mem.unit = QStringLiteral("x");
            mem.aim = Aim::below(2.0, QStringLiteral("<= 2"));
            mem.samples = peaks;
            mem.note = QStringLiteral("VmHWM reset through /proc/self/clear_refs before each load");
            report.add(std::move(mem));
        }
    }
    // ------------------------------------------------------------- trace
    {
        const std::int64_t events = options.quick ? 30'000 : 1'000'002;
        const QString path = dir.filePath(QStringLiteral("big-trace.json"));
        if (!writeTrace(path, events)) {
            report.skip(QStringLiteral("open.trace"), QStringLiteral("trace open"), QStringLiteral("could not write ") + path);
            return;
        }
        const std::int64_t size = QFileInfo(path).size();
        QString problem;
        std::vector<double> rates, cpuRates, peaks, drawn;
        {
            // The first open warms the file cache, untimed; the span-names
            // figure paints its run, before the timed opens.
            const il::OpenResult warm = il::openTraceFile(path);
#ifdef INTERLEAVE_BENCH_GUI
            if (!warm.runs.empty())
                spanNamesFigure(options, report, warm.runs.front());
#endif
        }
        Figure open;
        open.id = QStringLiteral("open.trace");
        open.label = QStringLiteral("trace open (VizTracer-shaped, 1 M X events) + timeline model");
        open.unit = QStringLiteral("s");
        open.aim = Aim::below(3.0, QStringLiteral("<= 3 (with drawing)"));
        open.samples = repeat(options.reps, [&] {
            trimHeap();
            const bool reset = resetPeakResident();
            const std::int64_t rss0 = residentBytes();
            const std::int64_t t0 = il::monoNs();
            const std::int64_t cpu0 = il::threadCpuNs();
            il::OpenResult r = il::openTraceFile(path);
            const std::int64_t opened = il::monoNs() - t0;
            cpuRates.push_back(mbPerS(size, il::threadCpuNs() - cpu0));
            il::TimelineModel model;
            if (!r.runs.empty()) {
                model.setTaskSet(r.runs.front().tasks);
                model.setTrace(r.runs.front().run->trace, r.runs.front().run->metrics);
            }
            const std::int64_t ns = il::monoNs() - t0;
            if (drawFirstFrame(model))
                drawn.push_back(double(il::monoNs() - t0) / 1e9);
            if (!r.ok() || r.runs.empty() || r.runs.front().spanCount != std::size_t(events))
                problem = r.error.isEmpty() ? QStringLiteral("wrong span count") : r.error;
            rates.push_back(mbPerS(size, opened));
            if (reset)
                peaks.push_back(double(peakResidentBytes() - rss0) / double(size));
            return double(ns) / 1e9;
        });
        open.note = QStringLiteral("%1 MB, %2 events on 8 threads, 3 levels; read + runs + TimelineModel::setTrace "
                                   "(the first picture after it: open.trace_drawn)%3")
                        .arg(double(size) / 1e6, 0, 'f', 0).arg(events)
                        .arg(problem.isEmpty() ? QString() : QStringLiteral("; FAILED: ") + problem);
        report.add(std::move(open));
        if (!drawn.empty()) {
            Figure draw;
            draw.id = QStringLiteral("open.trace_drawn");
            draw.label = QStringLiteral("trace open + model + first picture (1600x900, whole run)");
            draw.unit = QStringLiteral("s");
            draw.aim = Aim::below(3.0, QStringLiteral("<= 3"));
            draw.samples = drawn;
            draw.note = QStringLiteral("open.trace, then the by-lane layout and one paint of the whole run fitted, "
                                       "names in the bars, into a QImage: what the window does before its first frame");
            report.add(std::move(draw));
        }
        Figure rate;
        rate.id = QStringLiteral("open.trace_rate");
        rate.label = QStringLiteral("trace open: read rate (without the model)");
        rate.unit = QStringLiteral("MB/s");
        rate.aim = atLeast(150, QStringLiteral(">= 150"));
        rate.samples = rates;
        report.add(std::move(rate));
        report.add(cpuRateFigure(QStringLiteral("open.trace_cpu"), QStringLiteral("trace open: MB per CPU second"),
                                 cpuRates));
        if (!peaks.empty()) {
            Figure mem;
            mem.id = QStringLiteral("open.trace_peak");
            mem.label = QStringLiteral("trace open + model: peak resident memory added / file size");
            mem.unit = QStringLiteral("x");
            mem.aim = Aim::below(2.0, QStringLiteral("<= 2"));
            mem.samples = peaks;
            report.add(std::move(mem));
        }
#ifdef INTERLEAVE_BENCH_GUI
        windowFigures(options, report, path, events);
#endif
    }
}

} // namespace bench
