#include "openbench.h"

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

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#endif

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
        (void)il::openTraceFile(path);
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
    }
}

} // namespace bench
