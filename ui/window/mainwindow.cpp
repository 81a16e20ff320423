#include "ui/window/mainwindow.h"

#include "core/analysis/advisor.h"
#include "core/io/exporters.h"
#include "core/model/presets.h"
#include "core/modes/python/pythoninterpreter.h"
#include "ui/chart/comparisonchart.h"
#include "ui/chart/comparisonpicture.h"
#include "core/base/englishplurals.h"
#include "ui/text/incidenttext.h"
#include "ui/timeline/spanstyle.h"
#include "ui/timeline/timelineview.h"
#include "ui/timeline/overviewstrip.h"
#include "ui/window/detailspanel.h"
#include "ui/window/findbar.h"
#include "ui/window/historypanel.h"
#include "ui/window/legendwidget.h"
#include "ui/window/runsession.h"
#include "ui/window/tasksetpanel.h"
#include "ui/window/theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace ui {

namespace {
// A mode action's property: why the mode cannot run here (no usable python3).
constexpr const char *kUnavailable = "interleaveUnavailable";
constexpr int windowStateVersion = 1; // of QMainWindow::saveState: see restoreSettings
} // namespace


MainWindow::MainWindow(MainWindowOptions options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
{
    il::installEnglishPlurals(); // normally done at startup already (englishplurals.cpp)
    setWindowTitle(tr("Interleave"));
    setObjectName(QStringLiteral("MainWindow"));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    m_session = new RunSession(this);

    // Centre: legend and view switch above the timeline, range stats below.
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *strip = new QWidget(central);
    auto *stripLayout = new QHBoxLayout(strip);
    stripLayout->setContentsMargins(8, 4, 8, 4);
    stripLayout->addWidget(new LegendWidget(strip));
    stripLayout->addStretch(1);
    m_timeline = new TimelineView(central);
    m_timeline->setModel(&m_session->model());
    m_selectionStats = new QLabel(central);
    m_selectionStats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_selectionStats->setContentsMargins(8, 4, 8, 4);
    m_selectionStats->setText(tr("Drag on the ruler to measure a range · click a task to follow it through every run"));
    m_selectionStats->setForegroundRole(QPalette::PlaceholderText);
    m_findBar = new FindBar(&m_session->model(), m_timeline, central);
    layout->addWidget(strip);
    m_overview = new OverviewStrip(&m_session->model(), m_timeline, central);
    layout->addWidget(m_findBar);
    layout->addWidget(m_overview);
    layout->addWidget(m_timeline, 1);
    layout->addWidget(m_selectionStats);
    setCentralWidget(central);
    setAcceptDrops(true); // trace files dropped on the window are opened

    createDocks();
    createActions();
    // The view switch sits in the strip too, where the eye already is.
    for (QAction *a : {m_byLane, m_byTask}) {
        auto *b = new QToolButton(strip);
        b->setDefaultAction(a);
        // Sunken and bold: which view is on must read in any style and palette.
        auto emphasise = [b](bool on) {
            QFont f = b->font();
            f.setBold(on);
            b->setFont(f);
        };
        connect(a, &QAction::toggled, b, emphasise);
        emphasise(a->isChecked());
        stripLayout->addWidget(b);
    }

    m_status = new QLabel(tr("Ready"), this);
    m_status->setTextFormat(Qt::PlainText);
    m_progress = new QProgressBar(this);
    m_progress->setMinimumWidth(200);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setToolTip(tr("Tasks finished across all selected modes"));
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    connect(m_session, &RunSession::progressChanged, this, &MainWindow::updateProgress);
    // The chart follows the model itself; the why text needs the results.
    connect(m_session, &RunSession::runFinished, this, [this](const il::RunResultPtr &) { updateWhy(); });
    connect(m_session, &RunSession::started, this, [this] {
        updateRunState();
        updateStale();
    });
    connect(m_session, &RunSession::finished, this, [this](bool stopped) {
        // Kept in the history with what it ran.
        HistoryEntry entry;
        entry.when = QDateTime::currentDateTime();
        entry.set = m_session->taskSet();
        entry.configs = m_session->configs();
        entry.repeat = m_session->repeat();
        entry.results = m_session->results();
        entry.stopped = stopped;
        if (!entry.results.empty())
            m_history->add(std::move(entry));
        m_history->setCurrentTaskSet(m_panel->currentTaskSet());
        updateRunState();
        updateStale();
    });
    connect(m_timeline, &TimelineView::selectionChanged, this, [this](bool has, double from, double to) {
        if (has) {
            // One line here; each run's figures sit in its header.
            const QString text = rangeStatsText(m_session->model(), from, to);
            m_selectionStats->setText(tr("Selected %1 · busy %, time per kind in each run's header "
                                         "· click the ruler to clear").arg(text.section(QLatin1Char('\n'), 0, 0)));
            m_selectionStats->setToolTip(text);
        } else {
            m_selectionStats->setText(tr("Drag on the ruler to measure a range · click a task to follow it through every run"));
            m_selectionStats->setToolTip(QString());
        }
    });
    connect(m_timeline, &TimelineView::taskClicked, this, [this](std::uint32_t task) {
        if (task == il::noTask)
            return;
        // Named as the run it was clicked in names it; highlighted in the
        // runs of that task set only.
        const il::TimelineModel &model = m_session->model();
        const int group = m_timeline->highlightedGroup();
        bool others = false;
        for (int r = 0; r < model.runCount() && group >= 0; ++r)
            others |= model.hasRun(r) && model.namesGroup(r) != group;
        notify((others ? tr("Highlighted %1 in every run of its task set (Esc clears)")
                       : tr("Highlighted %1 in every run (Esc clears)"))
                   .arg(model.taskName(std::max(0, group), task)),
               4000);
    });
    connect(m_panel, &TaskSetPanel::openRequested, this, &MainWindow::openTaskSet);
    connect(m_panel, &TaskSetPanel::saveRequested, this, &MainWindow::saveTaskSet);
    connect(m_panel, &TaskSetPanel::taskSetChanged, this, &MainWindow::updateStale);
    connect(m_panel, &TaskSetPanel::taskSetChanged, this, [this] { m_history->setCurrentTaskSet(m_panel->currentTaskSet()); });

    resize(1440, 900);
    m_panel->loadPreset(QString::fromLatin1(il::defaultPreset));
    if (m_options.useSettings)
        restoreSettings();
    updateRunState();
    updateStale();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_panel = new TaskSetPanel(this);
    auto *taskDock = new QDockWidget(tr("Task set"), this);
    taskDock->setObjectName(QStringLiteral("TaskSetDock"));
    taskDock->setWidget(m_panel);
    taskDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                          | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, taskDock);

    auto *compare = new QWidget(this);
    auto *row = new QHBoxLayout(compare);
    row->setContentsMargins(4, 4, 8, 4);
    m_chart = new ComparisonChart(compare);
    m_chart->setModel(&m_session->model());
    m_why = new QLabel(compare);
    m_why->setWordWrap(true);
    m_why->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_why->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_why->setMinimumWidth(220);
    m_why->setToolTip(tr("Why the modes differ, computed from the measures"));
    row->addWidget(m_chart, 3);
    row->addWidget(m_why, 2);
    m_details = new DetailsPanel(&m_session->model(), this);
    auto *detailsDock = new QDockWidget(tr("Details"), this);
    detailsDock->setObjectName(QStringLiteral("DetailsDock"));
    detailsDock->setWidget(m_details);
    detailsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                             | QDockWidget::DockWidgetClosable);
    auto *chartDock = new QDockWidget(tr("Comparison"), this);
    chartDock->setObjectName(QStringLiteral("ComparisonDock"));
    chartDock->setWidget(compare);
    chartDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                           | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, chartDock);
    m_history = new HistoryPanel(this);
    auto *historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("HistoryDock"));
    historyDock->setWidget(m_history);
    historyDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                             | QDockWidget::DockWidgetClosable);
    // Beside the comparison, as tabs: the chart first, the table and the history a click away.
    tabifyDockWidget(chartDock, detailsDock);
    tabifyDockWidget(detailsDock, historyDock);
    chartDock->raise();
    connect(m_history, &HistoryPanel::showRequested, this, [this](const HistoryEntry &e) {
        std::vector<RunSession::StoredRun> runs;
        for (const il::RunResultPtr &r : e.results)
            runs.push_back({r, QString()});
        showStored(e.set, runs, tr("Showing comparison #%1 (%2) from the history")
                                    .arg(e.number).arg(e.when.toString(QStringLiteral("HH:mm:ss"))));
    });
    connect(m_history, &HistoryPanel::compareRequested, this, [this](const HistoryEntry &a, const HistoryEntry &b) {
        // One task set: the chart and the why text compare runs of one set's
        // work (each run would name its own tasks, but the measures of two
        // different sets' runs side by side compare nothing).
        if (!a.set || !b.set || !sameWork(*a.set, *b.set)) {
            notify(tr("#%1 and #%2 ran different task sets (%3, %4): compare two comparisons of one task set")
                       .arg(a.number).arg(b.number).arg(a.set ? a.set->name : QString(), b.set ? b.set->name : QString()),
                   8000);
            return;
        }
        std::vector<RunSession::StoredRun> runs;
        for (const HistoryEntry *e : {&a, &b})
            for (const il::RunResultPtr &r : e->results)
                runs.push_back({r, QStringLiteral("#%1 %2").arg(e->number).arg(il::modeName(r->metrics.mode))});
        showStored(a.set, runs, tr("Comparing #%1 and #%2 from the history on one axis").arg(a.number).arg(b.number));
    });
    connect(m_history, &HistoryPanel::rerunRequested, this, [this](const HistoryEntry &e) {
        if (m_session->isRunning() || !e.set)
            return;
        m_panel->setTaskSet(*e.set, tr("comparison #%1").arg(e.number));
        for (auto &[mode, action] : m_modeActions)
            action->setChecked(std::any_of(e.configs.begin(), e.configs.end(),
                                           [mode = mode](const il::RunConfig &c) { return c.mode == mode; }));
        if (!e.configs.empty())
            m_workers->setValue(e.configs.front().workers);
        m_repeat->setValue(e.repeat);
        run();
    });
    connect(m_details, &DetailsPanel::taskChosen, this, [this](std::uint32_t task) {
        const int run = m_details->shownRun();
        m_timeline->revealTask(task, run >= 0 ? m_session->model().namesGroup(run) : -1);
    });
    connect(m_timeline, &TimelineView::taskClicked, m_details,
            [this](std::uint32_t task) { m_details->selectTask(task, m_timeline->highlightedGroup()); });
    connect(m_timeline, &TimelineView::selectionChanged, m_details, &DetailsPanel::setRange);
    resizeDocks({taskDock}, {400}, Qt::Horizontal);
    resizeDocks({chartDock}, {290}, Qt::Vertical);
}

void MainWindow::createActions()
{
    QStyle *s = style();
    auto make = [this](const QString &text, const QString &tip, const QKeySequence &key = {}) {
        auto *a = new QAction(text, this);
        a->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        a->setStatusTip(tip);
        if (!key.isEmpty())
            a->setShortcut(key);
        return a;
    };

    // File.
    QAction *open = m_openAction = make(tr("&Open task set…"), tr("Open a task set JSON file"), QKeySequence::Open);
    open->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    connect(open, &QAction::triggered, this, &MainWindow::openTaskSet);
    QAction *saveSet = make(tr("Save &task set…"), tr("Save the task set as JSON"), QKeySequence(tr("Ctrl+Shift+S")));
    m_openTrace = make(tr("Open t&race…"), tr("Open trace files (Chrome trace JSON, Dask task stream) beside the runs"),
                       QKeySequence(tr("Ctrl+Shift+O")));
    connect(m_openTrace, &QAction::triggered, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open trace"), QString(),
                                                                tr("Trace JSON (*.json);;All files (*)"));
        if (!paths.isEmpty())
            openTraces(paths);
    });
    connect(saveSet, &QAction::triggered, this, &MainWindow::saveTaskSet);
    m_savePicture = make(tr("&Save picture…"), tr("Save the timeline and chart as PNG (2x) or SVG"), QKeySequence::Save);
    m_savePicture->setIcon(s->standardIcon(QStyle::SP_DialogSaveButton));
    connect(m_savePicture, &QAction::triggered, this, &MainWindow::savePicture);
    m_exportTrace = make(tr("Export &trace…"), tr("Save the runs as Chrome trace JSON (opens in Perfetto)"), QKeySequence(tr("Ctrl+E")));
    connect(m_exportTrace, &QAction::triggered, this, &MainWindow::exportTrace);
    m_exportSummary = make(tr("Export s&ummary…"), tr("Save the measures of every run as CSV or JSON"));
    connect(m_exportSummary, &QAction::triggered, this, &MainWindow::exportSummary);
    QAction *quit = make(tr("&Quit"), tr("Close Interleave"), QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addActions({open, saveSet, m_openTrace});
    file->addSeparator();
    file->addActions({m_savePicture, m_exportTrace, m_exportSummary});
    file->addSeparator();
    file->addAction(quit);

    // Run: one checkable action per mode, then Run / Stop.
    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    static const char *const modeTips[] = {
        QT_TR_NOOP("One task after another on one thread: the baseline"),
        QT_TR_NOOP("A thread pool computing in parallel (no GIL)"),
        QT_TR_NOOP("The same pool with an emulated Python GIL: cpu phases take turns"),
        QT_TR_NOOP("Worker processes: parallel cpu, but start-up and pipe costs"),
        QT_TR_NOOP("One event loop: io waits overlap, cpu phases stall every task"),
    };
    int i = 0;
    for (il::Mode mode : il::allModes) {
        QAction *a = make(il::modeName(mode), tr(modeTips[i]), QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
        a->setCheckable(true);
        a->setChecked(true);
        a->setIcon(toggleIcon(palette()));
        m_modeActions[mode] = a;
        runMenu->addAction(a);
        ++i;
    }
    // The real runtimes: off by default (the comparison the window opens
    // with stays the five models); without a usable python3 they stay
    // disabled and say why (tooltip, status tip, a line in the status bar).
    runMenu->addSeparator();
    static const char *const pythonTips[] = {
        QT_TR_NOOP("Real CPython: one task after another on the main thread"),
        QT_TR_NOOP("Real CPython: a ThreadPoolExecutor behind the real GIL"),
        QT_TR_NOOP("Real CPython: spawned worker processes (multiprocessing)"),
        QT_TR_NOOP("Real CPython: one asyncio loop, asyncio.gather of every task"),
        QT_TR_NOOP("A real Dask cluster (a LocalCluster of worker processes)"),
    };
    const il::PythonInfo python = il::probePython(il::resolvePythonPath());
    QString unavailable;
    int p = 0;
    for (il::Mode mode : il::pythonModes) {
        QAction *a = make(il::modeName(mode), tr(pythonTips[p++]));
        a->setCheckable(true);
        a->setChecked(false);
        a->setIcon(toggleIcon(palette()));
        const QString problem = mode == il::Mode::Dask ? python.daskProblem : python.problem;
        if (!problem.isEmpty()) {
            a->setProperty(kUnavailable, problem);
            a->setEnabled(false);
            a->setToolTip(tr("%1 — unavailable: %2").arg(il::modeName(mode), problem));
            a->setStatusTip(a->toolTip());
            unavailable = problem;
        }
        m_modeActions[mode] = a;
        runMenu->addAction(a);
    }
    if (!unavailable.isEmpty())
        notify(python.problem.isEmpty() ? tr("dask is unavailable: %1").arg(python.daskProblem)
                                        : tr("The Python modes are unavailable: %1").arg(python.problem),
               20000);
    runMenu->addSeparator();
    m_runAction = make(tr("&Run"), tr("Run the ticked modes one after another"), QKeySequence(tr("Ctrl+R")));
    m_runAction->setIcon(s->standardIcon(QStyle::SP_MediaPlay));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::run);
    m_stopAction = make(tr("&Stop"), tr("Stop the comparison; finished runs stay"), QKeySequence(Qt::Key_Escape));
    m_stopAction->setIcon(s->standardIcon(QStyle::SP_MediaStop));
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stop);
    runMenu->addActions({m_runAction, m_stopAction});

    // View.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    auto *views = new QActionGroup(this);
    m_byLane = make(tr("By &lane"), tr("One row per thread, process or loop"), QKeySequence(tr("Ctrl+L")));
    m_byTask = make(tr("By &task"), tr("One row per task: queued, cpu, io and gil waits"), QKeySequence(tr("Ctrl+T")));
    for (QAction *a : {m_byLane, m_byTask}) {
        a->setCheckable(true);
        views->addAction(a);
    }
    m_byLane->setChecked(true);
    connect(m_byLane, &QAction::triggered, this, [this] { m_timeline->setViewKind(il::TimelineViewKind::ByLane); });
    connect(m_byTask, &QAction::triggered, this, [this] { m_timeline->setViewKind(il::TimelineViewKind::ByTask); });
    QAction *zoomIn = make(tr("Zoom &in"), tr("Zoom the timeline in (also + or the wheel)"), QKeySequence::ZoomIn);
    connect(zoomIn, &QAction::triggered, m_timeline, &TimelineView::zoomIn);
    QAction *zoomOut = make(tr("Zoom &out"), tr("Zoom the timeline out (also - or the wheel)"), QKeySequence::ZoomOut);
    connect(zoomOut, &QAction::triggered, m_timeline, &TimelineView::zoomOut);
    QAction *fit = make(tr("&Fit all"), tr("Show the whole comparison (also Home)"), QKeySequence(tr("Ctrl+0")));
    connect(fit, &QAction::triggered, m_timeline, &TimelineView::fitAll);
    m_viewMenu->addActions({m_byLane, m_byTask});
    m_viewMenu->addSeparator();
    m_viewMenu->addActions({zoomIn, zoomOut, fit});
    m_viewMenu->addSeparator();
    QAction *foldAll = make(tr("Fo&ld all runs"), tr("Show every run as its header alone (click a header to unfold it)"));
    connect(foldAll, &QAction::triggered, this, [this] { m_timeline->setAllRunsCollapsed(true); });
    QAction *unfoldAll = make(tr("&Unfold all runs"), tr("Show every run's rows"));
    connect(unfoldAll, &QAction::triggered, this, [this] { m_timeline->setAllRunsCollapsed(false); });
    QAction *compact = make(tr("&Compact rows"), tr("Low rows, for very many lanes or tasks (names on hover)"));
    compact->setCheckable(true);
    connect(compact, &QAction::toggled, m_timeline, &TimelineView::setCompactRows);
    m_viewMenu->addActions({foldAll, unfoldAll, compact});
    m_viewMenu->addSeparator();
    m_handoffsAction = make(tr("Lock &handoff arrows"),
                            tr("Draw an arrow from the task that released a lock to the task that got it next"));
    m_handoffsAction->setCheckable(true);
    m_handoffsAction->setChecked(m_timeline->showsHandoffs());
    connect(m_handoffsAction, &QAction::toggled, m_timeline, &TimelineView::setShowHandoffs);
    m_viewMenu->addAction(m_handoffsAction);
    m_queueArrowsAction = make(tr("&Queue arrows"),
                               tr("Draw an arrow from the moment each task was queued to where a lane started it"));
    m_queueArrowsAction->setCheckable(true);
    m_queueArrowsAction->setChecked(m_timeline->showsQueueArrows());
    connect(m_queueArrowsAction, &QAction::toggled, m_timeline, &TimelineView::setShowQueueArrows);
    m_wakeArrowsAction = make(tr("&Wake-up arrows"),
                              tr("Event loop: draw an arrow from the end of each io to where the loop ran the task next"));
    m_wakeArrowsAction->setCheckable(true);
    m_wakeArrowsAction->setChecked(m_timeline->showsWakeArrows());
    connect(m_wakeArrowsAction, &QAction::toggled, m_timeline, &TimelineView::setShowWakeArrows);
    m_viewMenu->addActions({m_queueArrowsAction, m_wakeArrowsAction});
    m_viewMenu->addSeparator();
    m_findAction = make(tr("&Find tasks…"), tr("Find tasks by name in every run"), QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, m_findBar, &FindBar::open);
    m_viewMenu->addAction(m_findAction);
    m_viewMenu->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());

    // The timeline's own keys, wherever the focus is in the window (a text
    // field keeps them: it takes +, - and Home for itself first).
    const auto windowKey = [this](const QKeySequence &key, auto slot) {
        auto *shortcut = new QShortcut(key, this);
        shortcut->setContext(Qt::WindowShortcut);
        connect(shortcut, &QShortcut::activated, m_timeline, slot);
    };
    windowKey(QKeySequence(Qt::Key_Plus), &TimelineView::zoomIn);
    windowKey(QKeySequence(Qt::Key_Equal), &TimelineView::zoomIn);
    windowKey(QKeySequence(Qt::Key_Minus), &TimelineView::zoomOut);
    windowKey(QKeySequence(Qt::Key_Home), &TimelineView::fitAll);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = make(tr("&Keyboard shortcuts"), tr("Every key the window answers to"), QKeySequence(tr("F1")));
    connect(keys, &QAction::triggered, this, [this] {
        auto *box = new QMessageBox(QMessageBox::NoIcon, tr("Keyboard shortcuts"), shortcutsText(), QMessageBox::Close, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setTextFormat(Qt::RichText);
        box->open();
    });
    help->addAction(keys);
    QAction *about = make(tr("&About Interleave"), tr("What this program shows"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    help->addAction(about);

    // Toolbars, two rows, so nothing hides behind an overflow chevron down
    // to about 1,150 px: file, the five models, workers, repeat, Run / Stop;
    // under it the real runtimes.
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addActions({open, m_savePicture});
    bar->addSeparator();
    for (il::Mode mode : il::allModes)
        bar->addAction(m_modeActions[mode]);
    bar->addSeparator();
    auto *workersLabel = new QLabel(tr(" Workers "), bar);
    m_workers = new QSpinBox(bar);
    m_workers->setRange(0, 256);
    m_workers->setSpecialValueText(tr("default"));
    m_workers->setToolTip(tr("Threads or processes per pool; default: threads min(32, cores + 4), "
                             "processes = cores (%1 here)").arg(il::detectedCores()));
    workersLabel->setBuddy(m_workers);
    bar->addWidget(workersLabel);
    bar->addWidget(m_workers);
    auto *repeatLabel = new QLabel(tr(" Repeat "), bar);
    m_repeat = new QSpinBox(bar);
    m_repeat->setRange(1, 100);
    m_repeat->setSuffix(tr(" ×"));
    m_repeat->setToolTip(tr("Run every mode this many times, interleaved (every mode once, then again), and "
                            "show each mode's median run; the chart's error bars span the fastest to the "
                            "slowest"));
    repeatLabel->setBuddy(m_repeat);
    bar->addWidget(repeatLabel);
    bar->addWidget(m_repeat);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    addToolBarBreak();
    QToolBar *runtimes = addToolBar(tr("Real runtimes"));
    runtimes->setObjectName(QStringLiteral("RuntimesToolBar"));
    runtimes->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *runtimesLabel = new QLabel(tr(" Real runtimes: "), runtimes);
    runtimesLabel->setToolTip(tr("The same task set run by CPython and Dask, beside the models above"));
    runtimes->addWidget(runtimesLabel);
    for (il::Mode mode : il::pythonModes)
        runtimes->addAction(m_modeActions[mode]);
    // Run is the one button that matters: make it look like it.
    if (auto *runButton = qobject_cast<QToolButton *>(bar->widgetForAction(m_runAction))) {
        QFont f = runButton->font();
        f.setBold(true);
        runButton->setFont(f);
    }
}

std::vector<il::RunConfig> MainWindow::selectedRuns() const
{
    std::vector<il::RunConfig> runs;
    for (il::Mode mode : il::everyMode) {
        if (!m_modeActions.at(mode)->isChecked() || !m_modeActions.at(mode)->isEnabled())
            continue;
        il::RunConfig config;
        config.mode = mode;
        config.workers = m_workers->value();
        config.workerPath = m_workerPath;
        runs.push_back(config);
    }
    return runs;
}

void MainWindow::run()
{
    if (m_session->isRunning())
        return;
    const auto runs = selectedRuns();
    if (runs.empty()) {
        notify(tr("Tick at least one mode to run."), 5000);
        return;
    }
    // What the user chose is kept now, not only at close: whatever happens
    // during the run, the next launch starts from here.
    if (m_options.useSettings)
        saveSettings();
    m_timeline->clearSelection();
    m_timeline->fitAll();
    if (!m_session->start(m_panel->taskSet(), runs, m_repeat->value()))
        notify(tr("Could not start the comparison."), 5000);
    updateRunState();
    updateWhy();
}

void MainWindow::showStored(const il::TaskSetPtr &set, const std::vector<RunSession::StoredRun> &runs, const QString &what)
{
    if (!m_session->showStored(set, runs, what)) {
        notify(tr("Stop the run first: the history is shown when nothing runs."), 5000);
        return;
    }
    m_timeline->clearSelection();
    m_timeline->fitAll();
    updateRunState();
    updateStale();
    updateWhy();
}

void MainWindow::stop()
{
    m_session->stop();
}

void MainWindow::updateRunState()
{
    const bool running = m_session->isRunning();
    m_runAction->setEnabled(!running);
    m_stopAction->setEnabled(running);
    m_panel->setEnabled(!running);
    m_openAction->setEnabled(!running);
    m_workers->setEnabled(!running);
    m_repeat->setEnabled(!running);
    for (auto &[mode, action] : m_modeActions)
        action->setEnabled(!running && action->property(kUnavailable).toString().isEmpty());
    const bool hasResults = !m_session->results().empty();
    m_exportTrace->setEnabled(hasResults && !running);
    m_exportSummary->setEnabled(hasResults && !running);
    updateProgress();
}

void MainWindow::updateProgress()
{
    const int total = m_session->tasksTotal();
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(std::min(m_session->tasksDone(), std::max(1, total)));
    m_progress->setFormat(total > 0 ? QStringLiteral("%v / %m tasks") : QString());
    QString status = m_session->isRunning() || !m_session->configs().empty() || !m_session->results().empty()
                         ? m_session->statusText()
                         : tr("Ready: tick modes and press Run (Ctrl+R)");
    if (!staleNote().isEmpty())
        status += tr(" · ⚠ for the previous task set: press Run to compare this one");
    m_status->setText(status);
    // Problems in red, the full text a hover away.
    const QStringList problems = m_session->isRunning() ? QStringList()
                                                        : comparisonProblemLines(m_session->model());
    m_status->setToolTip(problems.join(QLatin1Char('\n')));
    m_status->setStyleSheet(problems.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(problemColour().name()));
}

QColor MainWindow::problemColour() const
{
    return SpanStyle::forPalette(palette()).failed;
}


QString MainWindow::staleNote() const
{
    const il::TaskSetPtr shown = m_session->taskSet();
    if (m_session->isRunning() || !shown || m_session->model().runCount() == 0)
        return QString();
    if (sameWork(*shown, m_panel->currentTaskSet()))
        return QString();
    return tr("These results are for the previous task set (%1), not the one in the panel — press Run (Ctrl+R) "
              "to compare it")
        .arg(shown->name);
}

void MainWindow::updateStale()
{
    const QString note = staleNote();
    m_timeline->setStaleNote(note);
    m_chart->setStaleNote(note.isEmpty() ? QString() : tr("Results for the previous task set — press Run"));
    updateWhy();
    updateProgress();
}

void MainWindow::updateWhy()
{
    const il::TaskSet &set = m_session->isRunning() || !m_session->results().empty()
                                 ? *m_session->taskSet()
                                 : m_panel->currentTaskSet();
    QString text = il::adviseComparison(set, m_session->metrics()).toHtmlEscaped();
    QString html = QStringLiteral("<p style='font-size:large'><b>%1</b></p>").arg(tr("Why"));
    // Results for another set first: the explanation below is about them.
    if (const QString stale = staleNote(); !stale.isEmpty())
        html += QStringLiteral("<p style='color:%1'><b>⚠ %2.</b></p>").arg(problemColour().name(), stale.toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>").arg(text);
    // What went wrong comes first in the reader's mind, so say it plainly:
    // failed tasks shorten a run, and its figures are not a fair comparison.
    const QStringList problems = m_session->isRunning() ? QStringList()
                                                        : comparisonProblemLines(m_session->model());
    QStringList stopped;
    if (!m_session->isRunning())
        for (const auto &r : m_session->results())
            if (r && r->trace && r->trace->cancelled)
                stopped << il::modeName(r->trace->info.mode);
    if (!stopped.isEmpty())
        html += QStringLiteral("<p><i>%1</i></p>")
                    .arg(tr("Stopped: %1 ran only in part, so its figures cover what ran before Stop.")
                             .arg(stopped.join(QStringLiteral(", "))).toHtmlEscaped());
    if (!problems.isEmpty()) {
        QStringList items;
        for (const QString &line : problems)
            items << line.toHtmlEscaped();
        html += QStringLiteral("<p style='color:%1'><b>%2</b><br>%3</p><p>%4</p>")
                    .arg(problemColour().name(), tr("Something went wrong:"),
                         items.join(QStringLiteral("<br>")),
                         tr("Failed tasks did not finish: those runs' figures are not a fair comparison."));
    }
    m_why->setText(html);
}

bool MainWindow::openTaskSetFile(const QString &path)
{
    il::TaskSetResult result = il::loadTaskSetFile(path);
    if (!result.ok()) {
        // Shown inline in the panel; the previous set stays loaded. The
        // library names the full path; the file name reads better in a
        // narrow dock, and the tooltip keeps the whole of it.
        const QString name = QFileInfo(path).fileName();
        QString message = result.error;
        if (message.startsWith(path) && !name.isEmpty())
            message = name + message.mid(path.size());
        else if (!message.contains(name))
            message = tr("%1: %2").arg(name, message);
        m_panel->showError(message, result.error);
        notify(tr("Could not open %1 (the task set shown is unchanged)").arg(name), 8000);
        return false;
    }
    m_lastDir = QFileInfo(path).absolutePath();
    m_panel->setTaskSet(std::move(*result.taskSet), QFileInfo(path).fileName());
    return true;
}

void MainWindow::openTaskSet()
{
    if (m_session->isRunning())
        return; // the set of a running comparison stays put
    const QString path = QFileDialog::getOpenFileName(this, tr("Open task set"), m_lastDir,
                                                      tr("Task sets (*.json);;All files (*)"));
    if (!path.isEmpty())
        openTaskSetFile(path);
}

QString MainWindow::askSavePath(const QString &title, const QString &filters, const QString &suffix)
{
    QFileDialog dialog(this, title, m_lastDir, filters);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(suffix);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return QString();
    const QString path = dialog.selectedFiles().first();
    m_lastDir = QFileInfo(path).absolutePath();
    return path;
}

void MainWindow::saveTaskSet()
{
    const QString path = askSavePath(tr("Save task set"), tr("Task sets (*.json)"), QStringLiteral("json"));
    if (path.isEmpty())
        return;
    const QString error = il::writeFileAtomically(path, il::taskSetToJson(m_panel->currentTaskSet()));
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Save task set"), error);
    else
        notify(tr("Saved %1").arg(path), 5000);
}

PictureOptions MainWindow::pictureOptions() const
{
    PictureOptions options;
    options.view = m_timeline->viewKind();
    options.width = std::max(1200, m_timeline->viewport()->width());
    if (!m_timeline->isFollowing()) {
        const TimeMapping &m = m_timeline->mapping();
        options.fromNs = m.toNs(m.left);
        options.toNs = m.toNs(m_timeline->viewport()->width());
    }
    options.highlightTask = m_timeline->highlightedTask();
    options.highlightGroup = m_timeline->highlightedGroup();
    options.handoffArrows = m_timeline->showsHandoffs();
    options.queueArrows = m_timeline->showsQueueArrows();
    options.wakeArrows = m_timeline->showsWakeArrows();
    options.palette = palette();
    return options;
}

QString MainWindow::savePictureTo(const QString &path) const
{
    return ui::savePicture(path, m_session->model(), m_session->results(), pictureOptions());
}

QString MainWindow::pictureNote() const
{
    return ui::pictureNote(m_session->model(), pictureOptions());
}

void MainWindow::savePicture()
{
    const QString path = askSavePath(tr("Save picture"), tr("PNG image (*.png);;SVG drawing (*.svg)"),
                                     QStringLiteral("png"));
    if (path.isEmpty())
        return;
    const QString error = savePictureTo(path);
    const QString note = pictureNote();
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Save picture"), error);
    else if (!note.isEmpty())
        notify(tr("Saved %1 — ⚠ %2 (the picture says so too)").arg(path, note), 15000);
    else
        notify(tr("Saved %1").arg(path), 5000);
}

void MainWindow::exportTrace()
{
    const QString path = askSavePath(tr("Export trace"), tr("Chrome trace JSON (*.json)"), QStringLiteral("json"));
    if (path.isEmpty() || !m_session->taskSet())
        return;
    // Streamed to the file: a comparison of millions of events never sits in
    // memory as text.
    // Each run's tasks by the names the timeline gives them (an opened
    // file's own, a kept run's set).
    const il::TimelineModel &model = m_session->model();
    std::vector<std::shared_ptr<const il::TaskSet>> runSets;
    for (const il::RunResultPtr &r : m_session->results()) {
        std::shared_ptr<const il::TaskSet> names;
        for (int run = 0; run < model.runCount() && !names; ++run)
            if (model.hasRun(run) && model.run(run).trace() == r->trace)
                names = model.run(run).taskSetPtr();
        runSets.push_back(names);
    }
    const QString error = il::writeChromeTraceFile(path, *m_session->taskSet(), m_session->results(), {}, runSets);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export trace"), error);
    else
        notify(tr("Saved %1 — open it in ui.perfetto.dev").arg(path), 5000);
}

void MainWindow::exportSummary()
{
    const QString path = askSavePath(tr("Export summary"), tr("CSV (*.csv);;JSON (*.json)"), QStringLiteral("csv"));
    if (path.isEmpty() || !m_session->taskSet())
        return;
    const QByteArray data = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
                                ? il::summaryJson(*m_session->taskSet(), m_session->results())
                                : il::summaryCsv(m_session->results());
    const QString error = il::writeFileAtomically(path, data);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export summary"), error);
    else
        notify(tr("Saved %1").arg(path), 5000);
}

QString MainWindow::shortcutsText() const
{
    // The menus' shortcuts as the actions say them, then the timeline's keys.
    QString rows;
    for (QAction *menu : menuBar()->actions()) {
        if (!menu->menu())
            continue;
        for (QAction *a : menu->menu()->actions())
            if (!a->shortcut().isEmpty())
                rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                            .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                                 a->text().remove(QLatin1Char('&')).toHtmlEscaped());
    }
    const std::pair<const char *, const char *> timeline[] = {
        {"+ / -", "zoom the timeline in / out (around the cursor when it is over the timeline)"},
        {"Home", "fit the whole comparison"},
        {"← / →", "pan the timeline (when it has the focus)"},
        {"Esc", "stop the run; in the timeline, clear the highlight and the range; in Find, close it"},
        {"Enter / Shift+Enter", "in Find: next / previous match"},
        {"wheel / Ctrl+wheel", "zoom around the cursor"},
        {"Shift+wheel", "scroll the rows"},
        {"drag / drag on the ruler", "pan / measure a range"},
        {"click a header", "fold or unfold that run"},
    };
    for (const auto &[key, what] : timeline)
        rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(tr(key).toHtmlEscaped(), tr(what).toHtmlEscaped());
    return QStringLiteral("<table cellspacing=\"6\">%1</table>").arg(rows);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Interleave"),
        tr("<h3>Interleave</h3><p>One task set through five schedulers — sequential, threads, "
           "threads with a GIL, processes and an event loop — drawn on one time axis.</p>"
           "<p><b>Timeline:</b> wheel or +/- zooms around the cursor, drag pans, Shift+wheel "
           "scrolls rows, drag on the ruler measures a range, click a task to follow it, Home "
           "fits all.</p>"));
}

namespace {
const QString kGenerator = QStringLiteral("taskset/generator");

QVariantMap generatorToSettings(const il::GeneratorParams &p)
{
    return {{QStringLiteral("count"), p.count},       {QStringLiteral("cpuMinMs"), p.cpuMinMs},
            {QStringLiteral("cpuMaxMs"), p.cpuMaxMs}, {QStringLiteral("ioMinMs"), p.ioMinMs},
            {QStringLiteral("ioMaxMs"), p.ioMaxMs},   {QStringLiteral("seed"), p.seed}};
}

std::optional<il::GeneratorParams> generatorFromSettings(const QVariantMap &map)
{
    il::GeneratorParams p;
    bool ok[6] = {};
    p.count = map.value(QStringLiteral("count")).toInt(&ok[0]);
    p.cpuMinMs = map.value(QStringLiteral("cpuMinMs")).toDouble(&ok[1]);
    p.cpuMaxMs = map.value(QStringLiteral("cpuMaxMs")).toDouble(&ok[2]);
    p.ioMinMs = map.value(QStringLiteral("ioMinMs")).toDouble(&ok[3]);
    p.ioMaxMs = map.value(QStringLiteral("ioMaxMs")).toDouble(&ok[4]);
    p.seed = map.value(QStringLiteral("seed")).toUInt(&ok[5]);
    if (std::find(std::begin(ok), std::end(ok), false) != std::end(ok))
        return std::nullopt;
    return p;
}

QStringList modeNames(const std::map<il::Mode, QAction *> &actions)
{
    QStringList modes;
    for (const auto &[mode, action] : actions)
        if (action->isChecked())
            modes << il::modeName(mode);
    return modes;
}
} // namespace

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // Version 1: the real runtimes on a toolbar row of their own. A layout
    // saved before it would put them back on the first row, out of sight:
    // it is not restored (the docks go back to where they start).
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), windowStateVersion);
    // A generated set is remembered by its parameters (it is reproducible,
    // and can be far bigger than a settings file should hold); others as JSON.
    bool restored = false;
    if (settings.contains(kGenerator))
        if (const auto params = generatorFromSettings(settings.value(kGenerator).toMap()))
            restored = m_panel->generateFrom(*params);
    const QByteArray json = settings.value(QStringLiteral("taskset/json")).toByteArray();
    if (!restored && !json.isEmpty()) {
        il::TaskSetResult result = il::parseTaskSet(json);
        if (result.ok())
            m_panel->setTaskSet(std::move(*result.taskSet),
                                settings.value(QStringLiteral("taskset/origin")).toString());
    }
    if (settings.contains(QStringLiteral("modes"))) {
        const QStringList modes = settings.value(QStringLiteral("modes")).toStringList();
        for (auto &[mode, action] : m_modeActions)
            action->setChecked(modes.contains(il::modeName(mode)) && action->isEnabled());
    }
    m_workers->setValue(settings.value(QStringLiteral("workers"), 0).toInt());
    m_repeat->setValue(settings.value(QStringLiteral("repeat"), 1).toInt());
    const bool byTask = settings.value(QStringLiteral("view")).toString() == QLatin1String("task");
    (byTask ? m_byTask : m_byLane)->trigger();
    m_handoffsAction->setChecked(settings.value(QStringLiteral("handoffArrows"), true).toBool());
    m_queueArrowsAction->setChecked(settings.value(QStringLiteral("queueArrows"), false).toBool());
    m_wakeArrowsAction->setChecked(settings.value(QStringLiteral("wakeArrows"), false).toBool());
    m_lastDir = settings.value(QStringLiteral("lastDir")).toString();
}

void MainWindow::applyLaunchOptions(const std::optional<std::vector<il::Mode>> &modes, std::optional<int> workers)
{
    // Remember what the settings said, to write back instead of these.
    if (modes) {
        m_rememberedModes = modeNames(m_modeActions);
        for (auto &[mode, action] : m_modeActions)
            action->setChecked(std::find(modes->begin(), modes->end(), mode) != modes->end());
        m_launchModes = modeNames(m_modeActions);
    }
    if (workers) {
        m_rememberedWorkers = m_workers->value();
        m_workers->setValue(*workers);
        m_launchWorkers = m_workers->value();
    }
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(windowStateVersion));
    const il::TaskSet &set = m_panel->currentTaskSet();
    if (const auto &params = m_panel->generatedWith()) {
        settings.setValue(kGenerator, generatorToSettings(*params));
        settings.remove(QStringLiteral("taskset/json"));
        settings.remove(QStringLiteral("taskset/origin"));
    } else if (set.tasks.size() <= maxRememberedTasks) {
        // Huge sets are not worth a multi-megabyte settings file.
        settings.remove(kGenerator);
        settings.setValue(QStringLiteral("taskset/json"), il::taskSetToJson(set));
        settings.setValue(QStringLiteral("taskset/origin"), m_panel->origin());
    }
    // Modes and workers given on the command line hold for that launch only:
    // unless the user changed them in the window since, the settings keep
    // what they had.
    const QStringList modes = modeNames(m_modeActions);
    if (m_launchModes && modes == *m_launchModes)
        settings.setValue(QStringLiteral("modes"), m_rememberedModes);
    else
        settings.setValue(QStringLiteral("modes"), modes);
    settings.setValue(QStringLiteral("workers"), m_launchWorkers && m_workers->value() == *m_launchWorkers
                                                     ? m_rememberedWorkers
                                                     : m_workers->value());
    settings.setValue(QStringLiteral("repeat"), m_repeat->value());
    settings.setValue(QStringLiteral("view"), m_timeline->viewKind() == il::TimelineViewKind::ByTask
                                                  ? QStringLiteral("task")
                                                  : QStringLiteral("lane"));
    settings.setValue(QStringLiteral("handoffArrows"), m_handoffsAction->isChecked());
    settings.setValue(QStringLiteral("queueArrows"), m_queueArrowsAction->isChecked());
    settings.setValue(QStringLiteral("wakeArrows"), m_wakeArrowsAction->isChecked());
    settings.setValue(QStringLiteral("lastDir"), m_lastDir);
}

void MainWindow::notify(const QString &text, int timeoutMs)
{
    // QStatusBar hides its own widgets under a message only if they are
    // visible at that moment: a message given before the window is shown
    // (a bad file on the command line) would end up under the status label.
    if (!isVisible()) {
        m_pendingNotice = {text, timeoutMs};
        return;
    }
    m_pendingNotice.reset();
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_pendingNotice) {
        const auto [text, timeoutMs] = *m_pendingNotice;
        notify(text, timeoutMs);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_session->stop();
    if (m_options.useSettings)
        saveSettings();
    event->accept();
}

} // namespace ui
