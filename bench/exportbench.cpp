#include "exportbench.h"

#include "corebench.h"
#include "core/base/clock.h"
#include "core/base/filewriter.h"
#include "core/engine/engine.h"
#include "core/io/chrometracewriter.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>

namespace bench {

namespace {

// Two runs, as a comparison holds them: a pool-shaped one and an event-loop
// one (a track per task), half of the events each.
std::vector<il::RunResultPtr> syntheticComparison(std::size_t events, il::TaskSet &set, std::size_t *eventCount)
{
    il::TaskSet loopSet;
    il::TracePtr pool = buildSyntheticTrace(events / 2, SyntheticShape::Threads, 7, set);
    il::TracePtr loopShaped = buildSyntheticTrace(events / 2, SyntheticShape::EventLoop, 11, loopSet);
    auto loop = std::make_shared<il::Trace>(*loopShaped);
    loopShaped.reset();
    loop->info.runIndex = 1;
    if (loopSet.tasks.size() > set.tasks.size())
        set.tasks.resize(loopSet.tasks.size());
    set.name = QStringLiteral("synthetic");
    for (std::size_t i = 0; i < set.tasks.size(); ++i)
        set.tasks[i].name = QStringLiteral("task %1").arg(i);
    *eventCount = pool->eventCount + loop->eventCount;
    std::vector<il::RunResultPtr> runs;
    runs.push_back(std::make_shared<const il::RunResult>(il::RunResult{pool, {}}));
    runs.push_back(std::make_shared<const il::RunResult>(il::RunResult{std::move(loop), {}}));
    return runs;
}

} // namespace

void benchExport(const Options &options, Report &report)
{
    const std::size_t wanted = options.quick ? 100'000 : 1'000'000;
    il::TaskSet set;
    std::size_t events = 0;
    const std::vector<il::RunResultPtr> runs = syntheticComparison(wanted, set, &events);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace.json"));

    std::vector<double> perEvent, rssPerEvent, rate, textPerEvent, formatRate;
    QString error;
    for (int rep = 0; rep < options.reps; ++rep) {
        trimHeap();
        const std::int64_t heap0 = heapInUseBytes();
        const std::int64_t rss0 = residentBytes();
        std::int64_t heapPeak = heap0, rssPeak = rss0;
        // What writeChromeTraceFile does, with the heap sampled at every
        // piece: the export's allocations (buffer, sort indexes) live
        // across all of them.
        const std::int64_t t0 = il::monoNs();
        il::FileWriter file(path);
        bool ok = file.open();
        ok = ok && il::writeChromeTrace(set, runs, [&](const char *data, std::size_t size) {
                 heapPeak = std::max(heapPeak, heapInUseBytes());
                 rssPeak = std::max(rssPeak, residentBytes());
                 return file.write(data, size);
             });
        ok = ok && file.commit();
        const double seconds = double(il::monoNs() - t0) / 1e9;
        if (!ok) {
            error = file.errorString();
            break;
        }
        const double bytes = double(QFileInfo(path).size());
        rate.push_back(bytes / 1e6 / seconds);
        textPerEvent.push_back(bytes / double(events));
        perEvent.push_back(double(heapPeak - heap0) / double(events));
        rssPerEvent.push_back(double(rssPeak - rss0) / double(events));

        // The text alone, into a sink that keeps nothing: what the disk adds.
        const std::int64_t f0 = il::monoNs();
        il::writeChromeTrace(set, runs, [](const char *, std::size_t) { return true; });
        formatRate.push_back(bytes / 1e6 / (double(il::monoNs() - f0) / 1e9));
    }
    const QString n = QStringLiteral("%1 events in 2 runs (threads- and eventloop-shaped, synthetic)").arg(events);

    Figure mem;
    mem.id = QStringLiteral("export.heap-per-event");
    mem.label = QStringLiteral("trace export: heap added per event");
    mem.unit = QStringLiteral("B");
    mem.aim = Aim::below(64, QStringLiteral("<= 64"));
    mem.samples = heapInUseBytes() >= 0 ? perEvent : std::vector<double>{};
    mem.note = QStringLiteral("%1; peak malloc'd bytes (mallinfo2) sampled at every 1 MiB piece, over what "
                              "the runs' traces already hold; RSS growth %2 B/event")
                   .arg(n)
                   .arg(rssPerEvent.empty() ? 0.0 : *std::min_element(rssPerEvent.begin(), rssPerEvent.end()), 0, 'f', 1);
    mem.extra[QStringLiteral("events")] = double(events);
    if (!error.isEmpty())
        mem.note += QStringLiteral("; ERROR: ") + error;
    if (mem.samples.empty()) {
        mem.skipped = true;
        mem.skipReason = error.isEmpty() ? QStringLiteral("heap not measurable here") : error;
    }
    report.add(std::move(mem));

    Figure speed;
    speed.id = QStringLiteral("export.rate");
    speed.label = QStringLiteral("trace export: write rate to a file");
    speed.unit = QStringLiteral("MB/s");
    speed.aim.low = 200;
    speed.aim.text = QStringLiteral(">= 200");
    speed.samples = rate;
    speed.note = QStringLiteral("%1; writeChromeTrace through a FileWriter into %2 (temporary file, fsync, "
                                "rename), %3 bytes of text per event; making the text alone (no file): %4 MB/s")
                     .arg(n, QDir::tempPath())
                     .arg(textPerEvent.empty() ? 0.0 : textPerEvent.front(), 0, 'f', 1)
                     .arg(formatRate.empty() ? 0.0 : *std::max_element(formatRate.begin(), formatRate.end()), 0, 'f', 0);
    speed.extra[QStringLiteral("format_only_mb_s_max")] =
        formatRate.empty() ? 0.0 : *std::max_element(formatRate.begin(), formatRate.end());
    speed.extra[QStringLiteral("text_bytes_per_event")] = textPerEvent.empty() ? 0.0 : textPerEvent.front();
    if (rate.empty()) {
        speed.skipped = true;
        speed.skipReason = error;
    }
    report.add(std::move(speed));
}

} // namespace bench
