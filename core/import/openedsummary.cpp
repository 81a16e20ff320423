#include "core/import/openedsummary.h"

#include "core/io/exporters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace il {

std::vector<RunResultPtr> appendOpenedRuns(const std::vector<RunResultPtr> &lab, std::vector<OpenedRun> &opened)
{
    std::vector<RunResultPtr> all = lab;
    for (OpenedRun &o : opened) {
        const int index = int(all.size());
        if (o.run->trace->info.runIndex != index) {
            // Runs are immutable once shared: a copy with the new index.
            auto trace = std::make_shared<Trace>(*o.run->trace);
            trace->info.runIndex = index;
            auto result = std::make_shared<RunResult>(*o.run);
            result->trace = trace;
            o.run = result;
        }
        all.push_back(o.run);
    }
    return all;
}

QByteArray summaryJsonWithOpened(const TaskSet &set, const std::vector<RunResultPtr> &runs,
                                 const std::vector<OpenedRun> &opened)
{
    // The summary is small (a few numbers per run): patched as a document.
    QJsonObject root = QJsonDocument::fromJson(summaryJson(set, runs)).object();
    QJsonArray list = root.value(QLatin1String("runs")).toArray();
    const qsizetype first = list.size() - qsizetype(opened.size());
    for (std::size_t i = 0; i < opened.size() && first >= 0; ++i) {
        const OpenedRun &o = opened[i];
        QJsonObject r = list.at(first + qsizetype(i)).toObject();
        r.insert(QLatin1String("source"), o.source);
        if (!o.recordedBy.isEmpty())
            r.insert(QLatin1String("recorded_by"), o.recordedBy);
        r.insert(QLatin1String("spans"), qint64(o.spanCount));
        r.insert(QLatin1String("overflow_spans"), qint64(o.overflowCount));
        if (o.foreign) {
            r.insert(QLatin1String("mode"), QStringLiteral("opened"));
            r.remove(QLatin1String("ideal_ms"));
            r.remove(QLatin1String("efficiency"));
        }
        list.replace(first + qsizetype(i), r);
    }
    root.insert(QLatin1String("runs"), list);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray summaryCsvWithOpened(const std::vector<RunResultPtr> &runs, const std::vector<OpenedRun> &opened)
{
    QList<QByteArray> lines = summaryCsv(runs).split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return {};
    lines[0] += ",source";
    const qsizetype first = lines.size() - qsizetype(opened.size());
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (i < first || first < 1) {
            lines[i] += ','; // a lab run: no source
            continue;
        }
        const OpenedRun &o = opened[std::size_t(i - first)];
        if (o.foreign)
            lines[i] = "opened" + lines[i].mid(lines[i].indexOf(','));
        // A CSV field: quoted, with its quotes doubled.
        QByteArray source = o.source.toUtf8();
        source.replace('"', "\"\"");
        lines[i] += ",\"" + source + "\"";
    }
    return lines.join('\n') + '\n';
}

} // namespace il
