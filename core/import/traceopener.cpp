#include "core/import/traceopener.h"

#include "core/base/inputfile.h"
#include "core/base/wording.h"
#include "core/import/runassembler.h"
#include "core/import/traceparser.h"
#include "core/json/jsonsource.h"

#include <QFile>
#include <QFileInfo>


namespace il {

namespace {

OpenResult open(json::JsonSource &source, const QString &name, std::int64_t total, const OpenProgress &progress)
{
    OpenResult result;
    import::RawTrace raw;
    bool cancelled = false;
    const QString error = import::parseTrace(source, raw, total, progress, &cancelled);
    result.cancelled = cancelled;
    if (cancelled)
        return result;
    const QString shown = printable(name);
    if (!error.isEmpty())
        result.error = QStringLiteral("%1: %2").arg(shown, error);
    // Arranging another tool's events into runs takes a while too: Cancel
    // still counts (asked as the reading's end).
    bool stopped = false;
    result.runs = import::assembleRuns(raw, name, result.problems, [&] {
        stopped = stopped || (progress && !progress(total, total));
        return stopped;
    });
    if (stopped) {
        result.cancelled = true;
        result.runs.clear();
        return result;
    }
    result.problems = raw.problems + result.problems;
    result.skippedEvents = raw.skipped;
    if (raw.skipped > std::size_t(raw.problems.size()))
        result.problems << QStringLiteral("%1 events skipped in all").arg(raw.skipped);
    if (raw.flows)
        result.problems << QStringLiteral("%1 (s/t/f) read, not drawn").arg(plural(qint64(raw.flows), "flow event"));
    if (raw.counters)
        result.problems << QStringLiteral("%1 (C) read, not drawn").arg(plural(qint64(raw.counters), "counter event"));
    if (raw.others)
        result.problems << QStringLiteral("%1 of other phases read, not drawn").arg(plural(qint64(raw.others), "event"));
    if (result.runs.empty() && result.error.isEmpty())
        result.error = QStringLiteral("%1: no events to show (%2)")
                           .arg(shown, raw.skipped ? QStringLiteral("%1 skipped").arg(raw.skipped)
                                                   : QStringLiteral("the file holds no spans"));
    for (QString &p : result.problems)
        p = QStringLiteral("%1: %2").arg(shown, p);
    return result;
}

} // namespace

OpenResult openTraceBytes(const QByteArray &bytes, const QString &source, const OpenProgress &progress)
{
    json::MemorySource input(bytes);
    return open(input, source, bytes.size(), progress);
}

OpenResult openTraceFile(const QString &path, const OpenProgress &progress)
{
    OpenResult result;
    const QString shown = printable(path);
    result.error = inputFileProblem(path, "trace file");
    if (!result.error.isEmpty())
        return result;
    const QFileInfo info(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(shown, file.errorString());
        return result;
    }
    json::DeviceSource source(&file);
    return open(source, path, info.size(), progress);
}

} // namespace il
