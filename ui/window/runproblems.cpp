#include "ui/window/runproblems.h"

#include "ui/window/englishplurals.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace ui {

namespace {

QString tr(const char *text, int n)
{
    return translateCount("RunProblems", text, n);
}

QString firstLine(const QString &text)
{
    return text.section(QLatin1Char('\n'), 0, 0);
}

const QStringList &notesOf(const il::TimelineRun &run)
{
    static const QStringList none;
    return run.trace() ? run.trace()->notes : none;
}

QString errorOf(const il::TimelineRun &run)
{
    return run.trace() ? run.trace()->error : QString();
}

} // namespace

QString runProblemText(const il::TimelineRun &run)
{
    QStringList parts;
    const QString error = errorOf(run);
    if (!error.isEmpty())
        parts << QStringLiteral("error: %1").arg(firstLine(error));
    if (run.failedTasks() > 0)
        parts << QStringLiteral("%1 failed").arg(run.failedTasks());
    const QStringList &notes = notesOf(run);
    if (!notes.isEmpty()) {
        QString note = QStringLiteral("⚠ %1").arg(firstLine(notes.front()));
        if (notes.size() > 1)
            note += QStringLiteral(" (+%1 more)").arg(notes.size() - 1);
        parts << note;
    }
    return parts.join(QStringLiteral(" · "));
}

QStringList runProblemLines(const il::TimelineRun &run)
{
    QStringList lines;
    const QString error = errorOf(run);
    if (!error.isEmpty())
        lines << QStringLiteral("error: %1").arg(error);
    for (const QString &note : notesOf(run))
        lines << QStringLiteral("⚠ %1").arg(note);
    return lines;
}

QString failureNoteFor(const il::TimelineRun &run, std::uint32_t task)
{
    // "…; task 7 failed; …" but not "task 17 failed".
    const QRegularExpression re(QStringLiteral("\\btask %1\\b").arg(task));
    for (const QString &note : notesOf(run))
        if (re.match(note).hasMatch())
            return note;
    return QString();
}

QString comparisonProblemSummary(const il::TimelineModel &model)
{
    int failed = 0;
    int incidents = 0;
    int errors = 0;
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::TimelineRun &run = model.run(r);
        failed += run.failedTasks();
        incidents += static_cast<int>(notesOf(run).size());
        errors += errorOf(run).isEmpty() ? 0 : 1;
    }
    QStringList parts;
    if (failed > 0)
        parts << QStringLiteral("%1 failed").arg(failed);
    if (incidents > 0)
        parts << tr("%n incident(s)", incidents);
    if (errors > 0)
        parts << tr("%n run error(s)", errors);
    return parts.join(QStringLiteral(" · "));
}

QStringList comparisonProblemLines(const il::TimelineModel &model)
{
    QStringList lines;
    for (int r = 0; r < model.runCount(); ++r) {
        if (!model.hasRun(r))
            continue;
        const il::TimelineRun &run = model.run(r);
        const QString mode = il::modeName(run.info().mode);
        const QString error = errorOf(run);
        if (!error.isEmpty())
            lines << QStringLiteral("%1: error: %2").arg(mode, error);
        QString line;
        if (run.failedTasks() > 0)
            line = tr("%n task(s) failed", run.failedTasks());
        const QStringList &notes = notesOf(run);
        if (!notes.isEmpty())
            line += (line.isEmpty() ? QString() : QStringLiteral(" — ")) + notes.join(QStringLiteral("; "));
        if (!line.isEmpty())
            lines << QStringLiteral("%1: %2").arg(mode, line);
    }
    return lines;
}

} // namespace ui
