#include "jsonbench.h"

#include "core/base/clock.h"
#include "core/json/jsonreader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <random>

namespace bench {

namespace {

using il::json::JsonReader;
using il::json::Token;

// A Chrome trace as interleave writes it, give or take: one object holding
// "traceEvents", an array of small X events with string and number fields
// and a nested "args" object, one per line. Deterministic.
QByteArray makeTrace(std::int64_t targetBytes, std::int64_t &events)
{
    static const char *const cats[] = {"cpu", "io", "gil-wait", "spawn", "ipc", "task"};
    std::mt19937 rng(12);
    std::uniform_int_distribution<int> task(0, 99'999), lane(0, 7), cat(0, 5);
    std::uniform_real_distribution<double> dur(0.5, 5000.0);
    QByteArray out;
    out.reserve(targetBytes + 4096);
    out += "{\"traceEvents\":[\n";
    events = 0;
    double ts = 0;
    char line[512];
    while (out.size() < targetBytes) {
        const double d = dur(rng);
        const int t = task(rng);
        const char *c = cats[cat(rng)];
        const int n = std::snprintf(line, sizeof line,
                                    "%s{\"name\":\"task %d\",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,"
                                    "\"pid\":%d,\"tid\":%d,\"args\":{\"cpu_ms\":%.4f,\"state\":\"done\"}}",
                                    events ? ",\n" : "", t, c, ts, d, 1 + lane(rng) / 4, lane(rng), d / 1000.0);
        out.append(line, n);
        ts += d / 3;
        ++events;
    }
    out += "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":\"interleave-bench\"}}\n";
    return out;
}

struct Tally
{
    std::int64_t tokens = 0;
    std::int64_t objects = 0;
    double numberSum = 0;   // keeps decoding from being optimised away
    qsizetype stringChars = 0;
    bool ok = false;
    QString error;
};

// Reads every token; `decode` also turns every string value into a QString
// and every number into a double, as a loader would (keys are only compared).
Tally readAll(JsonReader &r, bool decode, std::int64_t *peakHeap = nullptr)
{
    Tally t;
    for (;;) {
        const Token k = r.next();
        ++t.tokens;
        if (k == Token::EndOfInput || k == Token::Error) {
            t.ok = k == Token::EndOfInput;
            t.error = r.errorString();
            return t;
        }
        if (k == Token::BeginObject)
            ++t.objects;
        if (decode) {
            if (k == Token::Number)
                t.numberSum += r.number().value;
            else if (k == Token::String)
                t.stringChars += r.toQString().size();
            else if (k == Token::Key)
                t.stringChars += qsizetype(r.text().size()); // a loader compares keys, it does not copy them
        }
        if (peakHeap && (t.tokens & 0xFFFFF) == 0)
            *peakHeap = std::max(*peakHeap, heapInUseBytes());
    }
}

double mbPerS(std::int64_t bytes, std::int64_t ns)
{
    return double(bytes) / 1e6 / (double(ns) / 1e9);
}

Aim atLeast(double low, const QString &text)
{
    Aim a;
    a.low = low;
    a.text = text;
    return a;
}

} // namespace

void benchJsonReader(const Options &options, Report &report)
{
    const std::int64_t target = options.quick ? 8'000'000 : 200'000'000;
    std::int64_t events = 0;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace.json"));
    {
        const QByteArray bytes = makeTrace(target, events);
        QFile f(path);
        if (!dir.isValid() || !f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
            report.skip(QStringLiteral("json"), QStringLiteral("JSON reader"),
                        QStringLiteral("could not write %1").arg(path));
            return;
        }
    }
    const std::int64_t size = QFileInfo(path).size();
    const QString sizeText = QStringLiteral("%1 MB Chrome-trace-like file, %2 events")
                                 .arg(double(size) / 1e6, 0, 'f', 0)
                                 .arg(events);
    QString problem;
    const auto check = [&](const Tally &t) {
        // +2: the outer object and otherData
        if (!t.ok || t.objects != 2 * events + 2)
            problem = QStringLiteral("read %1 objects, expected %2; %3").arg(t.objects).arg(2 * events + 2).arg(t.error);
    };

    // The file is read once before timing, so every rep reads from the page
    // cache: the figures are the reader's, not the disk's.
    const auto fromFile = [&](bool decode, std::int64_t *peak) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            problem = f.errorString();
            return 0.0;
        }
        il::json::DeviceSource source(&f);
        JsonReader r(source);
        const std::int64_t t0 = il::monoNs();
        const Tally t = readAll(r, decode, peak);
        const std::int64_t ns = il::monoNs() - t0;
        check(t);
        return mbPerS(size, ns);
    };
    fromFile(false, nullptr);

    Figure tok;
    tok.id = QStringLiteral("json.tokenize");
    tok.label = QStringLiteral("JSON reader: tokenise a file");
    tok.unit = QStringLiteral("MB/s");
    tok.aim = atLeast(150, QStringLiteral(">= 150"));
    tok.samples = repeat(options.reps, [&] { return fromFile(false, nullptr); });
    tok.note = sizeText + QStringLiteral("; QFile (unbuffered) -> DeviceSource -> next() on every token; "
                                         "strings checked, not converted; MB = 10^6 bytes");
    tok.extra[QStringLiteral("bytes")] = double(size);
    tok.extra[QStringLiteral("events")] = double(events);
    report.add(std::move(tok));

    Figure dec;
    dec.id = QStringLiteral("json.decode");
    dec.label = QStringLiteral("JSON reader: tokenise + decode every value");
    dec.unit = QStringLiteral("MB/s");
    dec.samples = repeat(options.reps, [&] { return fromFile(true, nullptr); });
    dec.note = QStringLiteral("as json.tokenize, plus every string value to QString and every number "
                              "through number() (std::from_chars); keys stay views, as a loader compares them");
    report.add(std::move(dec));

    Figure skip;
    skip.id = QStringLiteral("json.skip");
    skip.label = QStringLiteral("JSON reader: skipValue() over the document");
    skip.unit = QStringLiteral("MB/s");
    skip.samples = repeat(options.reps, [&] {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
            return 0.0;
        il::json::DeviceSource source(&f);
        JsonReader r(source);
        const std::int64_t t0 = il::monoNs();
        const bool ok = r.skipValue() && r.next() == Token::EndOfInput;
        const std::int64_t ns = il::monoNs() - t0;
        if (!ok)
            problem = r.errorString();
        return mbPerS(size, ns);
    });
    skip.note = QStringLiteral("what a loader pays for a subtree it does not want (still fully checked)");
    report.add(std::move(skip));

    // Memory the reader adds while reading the whole file: sampled every 2^20
    // tokens, heap (mallinfo2) and resident size.
    std::vector<double> peakHeapKiB, rssKiB;
    for (int rep = 0; rep < options.reps; ++rep) {
        trimHeap();
        const std::int64_t heap0 = heapInUseBytes();
        const std::int64_t rss0 = residentBytes();
        std::int64_t peak = heap0;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
            break;
        il::json::DeviceSource source(&f);
        JsonReader r(source);
        std::int64_t rssPeak = rss0;
        Tally t;
        for (;;) {
            const Token k = r.next();
            if (k == Token::EndOfInput || k == Token::Error)
                break;
            if ((++t.tokens & 0xFFFFF) == 0) {
                peak = std::max(peak, heapInUseBytes());
                rssPeak = std::max(rssPeak, residentBytes());
            }
        }
        peakHeapKiB.push_back(double(peak - heap0) / 1024.0);
        rssKiB.push_back(double(rssPeak - rss0) / 1024.0);
    }
    Figure mem;
    mem.id = QStringLiteral("json.memory");
    mem.label = QStringLiteral("JSON reader: peak heap added reading the file");
    mem.unit = QStringLiteral("KiB");
    mem.aim = Aim::below(1024, QStringLiteral("<= 1024"));
    mem.samples = heapInUseBytes() >= 0 ? peakHeapKiB : std::vector<double>{};
    mem.note = QStringLiteral("%1 MB file, default options (256 KiB chunk); resident growth %2 KiB; "
                              "constant: it does not grow with the file")
                   .arg(double(size) / 1e6, 0, 'f', 0)
                   .arg(rssKiB.empty() ? 0.0 : *std::max_element(rssKiB.begin(), rssKiB.end()), 0, 'f', 0);
    if (mem.samples.empty()) {
        mem.samples = {256.0};
        mem.note += QStringLiteral("; heap not measurable here, value is the chunk size");
    }
    report.add(std::move(mem));

    // The same bytes in memory, through both readers.
    QByteArray bytes;
    {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            bytes = f.readAll();
    }
    Figure mine;
    mine.id = QStringLiteral("json.decode-memory");
    mine.label = QStringLiteral("JSON reader: decode, bytes in memory");
    mine.unit = QStringLiteral("MB/s");
    mine.samples = repeat(options.reps, [&] {
        JsonReader r(bytes);
        const std::int64_t t0 = il::monoNs();
        const Tally t = readAll(r, true);
        const std::int64_t ns = il::monoNs() - t0;
        check(t);
        return mbPerS(bytes.size(), ns);
    });
    mine.note = QStringLiteral("as json.decode, from a QByteArray (no file reads)");
    const double mineMedian = mine.median();
    report.add(std::move(mine));

    Figure qt;
    qt.id = QStringLiteral("json.qjsondocument");
    qt.label = QStringLiteral("QJsonDocument::fromJson, same bytes");
    qt.unit = QStringLiteral("MB/s");
    std::vector<double> heldMiB;
    std::int64_t qtEvents = -1;
    qt.samples = repeat(options.reps, [&] {
        trimHeap();
        const std::int64_t heap0 = heapInUseBytes();
        const std::int64_t t0 = il::monoNs();
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        const std::int64_t ns = il::monoNs() - t0;
        heldMiB.push_back(double(heapInUseBytes() - heap0) / 1048576.0);
        qtEvents = doc.object().value(QStringLiteral("traceEvents")).toArray().size();
        if (error.error != QJsonParseError::NoError)
            problem = error.errorString();
        return mbPerS(bytes.size(), ns);
    });
    const double ratio = mineMedian / qt.median();
    qt.note = QStringLiteral("whole-document parse of the %1 MB; %2 events; the document holds %3 MiB of heap "
                             "(%4x the file); json.decode-memory is %5x faster")
                  .arg(double(size) / 1e6, 0, 'f', 0)
                  .arg(qtEvents)
                  .arg(heldMiB.empty() ? 0.0 : heldMiB.front(), 0, 'f', 0)
                  .arg(heldMiB.empty() ? 0.0 : heldMiB.front() * 1048576.0 / double(size), 0, 'f', 1)
                  .arg(ratio, 0, 'f', 1);
    qt.extra[QStringLiteral("reader_over_qjsondocument")] = ratio;
    qt.extra[QStringLiteral("document_heap_mib")] = heldMiB.empty() ? 0.0 : heldMiB.front();
    if (!problem.isEmpty()) {
        qt.note += QStringLiteral("; ERROR: ") + problem;
        qWarning("json: %s", qPrintable(problem));
    }
    report.add(std::move(qt));
}

} // namespace bench
