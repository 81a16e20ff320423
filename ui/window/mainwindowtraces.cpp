// MainWindow: trace files opened beside the runs (File -> Open trace, drop).

#include "ui/window/mainwindow.h"

#include "core/base/wording.h"
#include "core/import/openedsummary.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/runsession.h"
#include "ui/window/tasksetpanel.h"
#include "ui/window/traceopenjob.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>

namespace ui {

namespace {
bool sameTaskNames(const il::TaskSet &a, const il::TaskSet &b)
{
    if (a.tasks.size() != b.tasks.size())
        return false;
    for (std::size_t i = 0; i < a.tasks.size(); ++i)
        if (a.tasks[i].name != b.tasks[i].name)
            return false;
    return true;
}
} // namespace

void MainWindow::openTraces(const QStringList &paths, std::function<void()> done)
{
    if (m_session->isRunning() || !m_openTrace->isEnabled()) {
        notify(tr("Stop the run (or wait for the files being opened) before opening a trace"), 5000);
        return;
    }
    m_openTrace->setEnabled(false);
    openTracesInBackground(this, paths, [this, done](std::vector<il::OpenResult> results) {
        m_openTrace->setEnabled(true);
        std::vector<il::OpenedRun> runs;
        QStringList said;
        std::size_t spans = 0, overflow = 0, skipped = 0;
        for (il::OpenResult &r : results) {
            if (r.cancelled)
                said << tr("opening cancelled");
            else if (!r.error.isEmpty())
                said << il::printable(r.error) + (r.runs.empty() ? QString() : tr(" (what was read before it is shown)"));
            skipped += r.skippedEvents;
            for (il::OpenedRun &run : r.runs) {
                spans += run.spanCount;
                overflow += run.overflowCount;
                runs.push_back(std::move(run));
            }
        }
        if (!runs.empty() && !m_session->isRunning()) {
            const std::size_t before = m_session->results().size();
            const std::vector<il::RunResultPtr> all = il::appendOpenedRuns(m_session->results(), runs);
            // Each run names its tasks as its file does, whatever the runs
            // beside it have. A file whose names are those shown shares
            // their set: its task 3 is their task 3 (highlight, find).
            const il::TaskSetPtr shown = m_session->results().empty() ? il::TaskSetPtr() : m_session->taskSet();
            std::vector<il::TaskSetPtr> names;
            for (const il::OpenedRun &run : runs)
                names.push_back(run.tasks && shown && sameTaskNames(*run.tasks, *shown) ? shown : run.tasks);
            // The comparison's set (the why text, the exports): with nothing
            // shown yet, the (first) opened file's own, as the command line does.
            const il::TaskSetPtr set = before == 0 && runs.front().tasks ? runs.front().tasks : m_panel->taskSet();
            m_session->addOpened(std::vector<il::RunResultPtr>(all.begin() + qsizetype(before), all.end()), names, set);
            updateRunState(); // there are runs to export now
            m_timeline->fitAll();
            QString text = tr("Opened %1 · %2").arg(il::plural(qint64(runs.size()), "run"), il::plural(qint64(spans), "span"));
            if (overflow)
                text += tr(" · %1 not nesting, on overflow lanes").arg(overflow);
            if (skipped)
                text += tr(" · %1 skipped (see the header's tooltip)").arg(il::plural(qint64(skipped), "event"));
            said.prepend(text);
        }
        notify(said.join(QStringLiteral(" — ")), 15000);
        if (done)
            done();
    });
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openTraces(paths);
}

} // namespace ui
