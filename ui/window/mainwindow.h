#pragma once

#include "core/engine/engine.h"
#include "core/model/mode.h"
#include "core/timeline/timelinemodel.h"
#include "ui/chart/comparisonpicture.h"
#include "ui/window/runsession.h"

#include <QMainWindow>

#include <functional>
#include <map>
#include <optional>
#include <vector>

class QActionGroup;
class QLabel;
class QProgressBar;
class QSpinBox;

namespace ui {

class ComparisonChart;
class RunSession;
class TaskSetPanel;
class TimelineView;

struct MainWindowOptions
{
    bool useSettings = true; // tests start from the defaults and leave no trace
};

// The Interleave window: task set dock, mode toggles and Run / Stop, the live
// timeline in the centre, the comparison chart with its "why" below.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    bool openTaskSetFile(const QString &path); // reports errors in the panel
    // Opens trace files beside the runs shown (in the background, with a
    // cancellable progress dialog for big ones); File -> Open trace and a
    // drop of files end here. `done` (tests) runs once they are shown.
    void openTraces(const QStringList &paths, std::function<void()> done = {});
    QAction *openTraceAction() const { return m_openTrace; }
    std::vector<il::RunConfig> selectedRuns() const;
    // Where to find interleave-worker (empty = next to the executable).
    void setWorkerPath(const QString &path) { m_workerPath = path; }
    // --modes / --workers from the command line: ticked and set for this
    // launch only; the remembered settings are not overwritten by them.
    void applyLaunchOptions(const std::optional<std::vector<il::Mode>> &modes, std::optional<int> workers);
    // Sets larger than this (not generated) are not written to the settings.
    static constexpr std::size_t maxRememberedTasks = 10'000;

    QAction *modeAction(il::Mode mode) const { return m_modeActions.at(mode); }
    QAction *openAction() const { return m_openAction; }
    QAction *runAction() const { return m_runAction; }
    QAction *stopAction() const { return m_stopAction; }
    QAction *savePictureAction() const { return m_savePicture; }
    QAction *exportTraceAction() const { return m_exportTrace; }
    QAction *exportSummaryAction() const { return m_exportSummary; }
    QAction *viewAction(il::TimelineViewKind view) const
    {
        return view == il::TimelineViewKind::ByTask ? m_byTask : m_byLane;
    }
    TaskSetPanel *taskSetPanel() const { return m_panel; }
    TimelineView *timeline() const { return m_timeline; }
    ComparisonChart *chart() const { return m_chart; }
    RunSession *session() const { return m_session; }
    QLabel *whyLabel() const { return m_why; }
    QLabel *statusLabel() const { return m_status; }
    QSpinBox *workersBox() const { return m_workers; }
    QSpinBox *repeatBox() const { return m_repeat; }
    class FindBar *findBar() const { return m_findBar; }
    class DetailsPanel *detailsPanel() const { return m_details; }
    class HistoryPanel *historyPanel() const { return m_history; }
    class OverviewStrip *overview() const { return m_overview; }
    QAction *findAction() const { return m_findAction; }
    QAction *handoffsAction() const { return m_handoffsAction; }
    QAction *queueArrowsAction() const { return m_queueArrowsAction; }
    QAction *wakeArrowsAction() const { return m_wakeArrowsAction; }

    // Non-empty while the comparison shown ran another task set than the
    // panel holds now (and no run is going): what the marks say.
    QString staleNote() const;
    // Saves the timeline (as currently zoomed) and the chart; PNG at 2x or SVG.
    QString savePictureTo(const QString &path) const;
    // Empty, or what that picture leaves out (very many rows); see ui::pictureNote.
    QString pictureNote() const;

public slots:
    void run();
    void stop();
    // Shows runs kept in the history (the session's showStored) and refits the view.
    void showStored(const il::TaskSetPtr &set, const std::vector<RunSession::StoredRun> &runs, const QString &what);

    // A message in the status bar for `timeoutMs`; one given before the
    // window is shown appears when it is.
    void notify(const QString &text, int timeoutMs);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    PictureOptions pictureOptions() const;
    void createActions();
    void createDocks();
    void updateRunState();
    void updateProgress();
    void updateWhy();
    // Marks timeline, chart and why text while they describe another task
    // set than the panel's; clears the marks when the two match again.
    void updateStale();
    QColor problemColour() const;
    void openTaskSet();
    void saveTaskSet();
    void savePicture();
    void exportTrace();
    void exportSummary();
    void showAbout();
public:
    // Help → Keyboard shortcuts: every shortcut of the menus and the timeline's keys (HTML).
    QString shortcutsText() const;
private:
    void restoreSettings();
    void saveSettings() const;
    QString askSavePath(const QString &title, const QString &filters, const QString &suffix);

    MainWindowOptions m_options;
    RunSession *m_session = nullptr;
    TaskSetPanel *m_panel = nullptr;
    TimelineView *m_timeline = nullptr;
    ComparisonChart *m_chart = nullptr;
    QLabel *m_why = nullptr;
    QLabel *m_selectionStats = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QSpinBox *m_workers = nullptr;
    class FindBar *m_findBar = nullptr;
    class DetailsPanel *m_details = nullptr;
    class HistoryPanel *m_history = nullptr;
    class OverviewStrip *m_overview = nullptr;
    QSpinBox *m_repeat = nullptr; // --repeat: runs per mode, the median shown
    QAction *m_findAction = nullptr;
    QAction *m_handoffsAction = nullptr;
    QAction *m_queueArrowsAction = nullptr;
    QAction *m_wakeArrowsAction = nullptr;
    std::map<il::Mode, QAction *> m_modeActions;
    QAction *m_openAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_byLane = nullptr;
    QAction *m_byTask = nullptr;
    QAction *m_savePicture = nullptr;
    QAction *m_exportTrace = nullptr;
    QAction *m_openTrace = nullptr;
    QAction *m_exportSummary = nullptr;
    QMenu *m_viewMenu = nullptr;
    QString m_workerPath;
    QString m_lastDir;
    // Launch options and what the settings held before them.
    std::optional<QStringList> m_launchModes;
    QStringList m_rememberedModes;
    std::optional<int> m_launchWorkers;
    std::optional<std::pair<QString, int>> m_pendingNotice;
    int m_rememberedWorkers = 0;
};

} // namespace ui
