// libFuzzer target: il::openTraceBytes must open or refuse any bytes with a
// message, never crash or hang, and what it opens must be a well-formed run:
// spans that end after they start, on lanes the run declares, sorted by lane
// and start as Trace promises, and on every lane that is not an overflow
// lane of another tool's file, spans that nest or follow each other.
#include "core/import/traceopener.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const il::OpenResult r = il::openTraceBytes(bytes, QStringLiteral("fuzz.json"));
    if (r.runs.empty() && r.error.isEmpty())
        std::abort(); // nothing opened and nothing said
    for (const il::OpenedRun &run : r.runs) {
        const il::Trace &t = *run.run->trace;
        if (t.info.lanes < 0 || t.info.laneNames.size() != t.info.lanes || t.laneBegin.size() != std::size_t(t.info.lanes) + 2)
            std::abort();
        if (run.spanCount != t.spans.size() || run.tasks->tasks.size() < t.tasks.size())
            std::abort();
        for (int l = 0; l <= t.info.lanes; ++l) {
            const il::Span *from = t.spans.data() + t.laneBegin[std::size_t(l)];
            const il::Span *to = t.spans.data() + t.laneBegin[std::size_t(l) + 1];
            const bool overflow = l < t.info.lanes && t.info.laneNames[l].contains(QStringLiteral("overflow"));
            const bool nests = run.foreign && l < t.info.lanes && !overflow
                               && !t.info.laneNames[l].startsWith(QStringLiteral("(more tracks"));
            for (const il::Span *s = from; s != to; ++s) {
                if (s->endNs < s->startNs)
                    std::abort(); // a span ending before it starts
                if (l < t.info.lanes && s->lane != l)
                    std::abort(); // on another lane than its bucket
                if (s + 1 != to && s[1].startNs < s->startNs)
                    std::abort(); // not in start order
                if (nests && s + 1 != to && s[1].startNs < s->endNs && s[1].endNs > s->endNs)
                    std::abort(); // two spans crossing on a lane that must nest
            }
        }
    }
    return 0;
}
