#include "ui/window/traceopenjob.h"

#include "core/import/traceopener.h"

#include <QFileInfo>
#include <QProgressDialog>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>

namespace ui {

namespace {

struct Job
{
    std::atomic<std::int64_t> done{0}, total{1};
    std::atomic<int> file{0};
    std::atomic<bool> cancel{false}, finished{false};
    std::vector<il::OpenResult> results; // written by the thread, read after `finished`
    std::thread thread;
};

} // namespace

void openTracesInBackground(QWidget *parent, const QStringList &paths,
                            std::function<void(std::vector<il::OpenResult>)> done)
{
    auto job = std::make_shared<Job>();
    job->thread = std::thread([job, paths] {
        for (int i = 0; i < paths.size(); ++i) {
            job->file = i;
            job->done = 0;
            job->total = std::max<std::int64_t>(1, QFileInfo(paths[i]).size());
            il::OpenResult r = il::openTraceFile(paths[i], [&](std::int64_t d, std::int64_t) {
                job->done = d;
                return !job->cancel.load();
            });
            const bool stop = r.cancelled;
            job->results.push_back(std::move(r));
            if (stop)
                break;
        }
        job->finished = true;
    });
    auto *dialog = new QProgressDialog(QObject::tr("Opening…"), QObject::tr("Cancel"), 0, 1000, parent);
    dialog->setWindowTitle(QObject::tr("Open trace"));
    dialog->setMinimumWidth(420); // the file's name and the title in full
    dialog->setMinimumDuration(300); // small files never flash a dialog
    dialog->setAutoReset(false);
    dialog->setAutoClose(false);
    QObject::connect(dialog, &QProgressDialog::canceled, dialog, [job] { job->cancel = true; });
    // The window closing mid-way takes the dialog along: stop and wait for
    // the thread (a few thousand events at most), report nothing.
    QObject::connect(dialog, &QObject::destroyed, [job] {
        job->cancel = true;
        if (job->thread.joinable())
            job->thread.join();
    });
    auto *poll = new QTimer(dialog);
    QObject::connect(poll, &QTimer::timeout, dialog, [job, dialog, paths, done] {
        if (!job->finished) {
            const int i = std::min<int>(job->file, int(paths.size()) - 1);
            dialog->setLabelText(QObject::tr("Opening %1 (%2 of %3)…").arg(QFileInfo(paths[i]).fileName()).arg(i + 1).arg(paths.size()));
            dialog->setValue(int(1000 * job->done / std::max<std::int64_t>(1, job->total)));
            return;
        }
        job->thread.join();
        dialog->deleteLater();
        done(std::move(job->results));
    });
    poll->start(40);
}

} // namespace ui
