#include "ui/window/runsession.h"

#include "core/analysis/repeats.h"
#include "core/base/clock.h"
#include "ui/text/incidenttext.h"
#include "ui/timeline/runheader.h"

#include <algorithm>

namespace ui {

RunSession::RunSession(QObject *parent)
    : QObject(parent)
{
    connect(&m_engine, &il::Engine::runStarted, this, &RunSession::onRunStarted);
    connect(&m_engine, &il::Engine::eventsReady, this, &RunSession::onEventsReady);
    connect(&m_engine, &il::Engine::runFinished, this, &RunSession::onRunFinished);
    connect(&m_engine, &il::Engine::finished, this, &RunSession::onFinished);
    // A zero timer runs after the paint and input events already waiting.
    m_sliceTimer.setSingleShot(true);
    m_sliceTimer.setInterval(0);
    connect(&m_sliceTimer, &QTimer::timeout, this, [this] { processPending(); });
}

RunSession::~RunSession() = default;

bool RunSession::start(il::TaskSetPtr set, std::vector<il::RunConfig> runs, int repeat)
{
    if (m_running || !set || runs.empty() || repeat < 1)
        return false;
    // The engine first: if it refuses, the finished comparison stays as it
    // was. Its signals are queued, so nothing of the new comparison arrives
    // before the state below is reset.
    if (!m_engine.start(set, runs, repeat))
        return false;
    m_set = std::move(set);
    m_configs = std::move(runs);
    m_repeat = repeat;
    m_results.clear();
    m_repetitions.clear();
    m_tasksInEndedRepetitions = 0;
    m_pending.clear();
    m_sliceTimer.stop();
    m_builders.clear();
    m_builders.resize(m_configs.size());
    // The model says by its revision (and its runsCleared signal) that every
    // run is gone; views relayout on their next access in any case.
    m_model.clear();
    m_model.setTaskSet(m_set);
    m_currentRun = -1;
    m_stopping = false;
    m_cancelled = false;
    m_storedNote.clear();
    m_running = true;
    emit started();
    emit progressChanged();
    return true;
}

void RunSession::stop()
{
    if (!m_running)
        return;
    m_stopping = true;
    m_engine.stop();
    emit progressChanged();
}

bool RunSession::addOpened(const std::vector<il::RunResultPtr> &runs, const std::vector<il::TaskSetPtr> &names,
                           const il::TaskSetPtr &set)
{
    if (m_running || !set || names.size() != runs.size())
        return false;
    if (!m_set || m_results.empty()) { // nothing shown yet: the comparison is the file's
        m_set = set;
        m_model.setTaskSet(m_set);
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const il::RunResultPtr &r = runs[i];
        m_model.setTrace(r->trace, r->metrics, r->trace->info.runIndex, QString(), names[i]);
        m_results.push_back(r);
        emit runFinished(r); // the model announced its own change
    }
    return true;
}

bool RunSession::showStored(const il::TaskSetPtr &set, const std::vector<StoredRun> &runs, const QString &what)
{
    if (m_running || !set)
        return false;
    m_set = set;
    m_configs.clear();
    m_results.clear();
    m_repetitions.clear();
    m_repeat = 1;
    m_pending.clear();
    m_sliceTimer.stop();
    m_builders.clear();
    m_model.clear();
    m_model.setTaskSet(m_set);
    m_cancelled = false;
    m_storedNote = what;
    int index = 0;
    for (const StoredRun &r : runs) {
        if (!r.result || !r.result->trace)
            continue;
        m_model.setTrace(r.result->trace, r.result->metrics, index++, r.title);
        m_results.push_back(r.result);
        emit runFinished(r.result);
    }
    emit progressChanged();
    return true;
}

std::vector<il::Metrics> RunSession::metrics() const
{
    std::vector<il::Metrics> out;
    for (const auto &r : m_results)
        if (r && r->trace->info.openedFrom.isEmpty()) // opened files are shown, not advised on
            out.push_back(r->metrics);
    return out;
}

void RunSession::onRunStarted(const il::RunInfo &info)
{
    const auto index = static_cast<std::size_t>(info.runIndex);
    if (m_builders.size() <= index)
        m_builders.resize(index + 1);
    m_builders[index] = std::make_unique<il::LiveRunBuilder>(m_model, info, m_set ? m_set->tasks.size() : 0);
    m_currentRun = info.runIndex;
    emit progressChanged();
}

void RunSession::onEventsReady(int runIndex, const il::EventBatch &batch)
{
    if (!batch || batch->empty())
        return;
    m_pending.push_back({runIndex, batch, 0});
    if (m_pending.size() == 1)
        processPending();
}

void RunSession::processPending(bool all)
{
    std::size_t budget = all ? SIZE_MAX : sliceEvents;
    bool changed = false;
    while (!m_pending.empty() && budget > 0) {
        Pending &p = m_pending.front();
        const auto index = static_cast<std::size_t>(p.run);
        if (index >= m_builders.size() || !m_builders[index]) {
            m_pending.pop_front(); // the run already has its final trace
            continue;
        }
        const std::size_t n = std::min(budget, p.batch->size() - p.offset);
        const il::Event *events = p.batch->data() + p.offset;
        m_builders[index]->add(events, n, il::monoNs());
        changed = true;
        budget -= n;
        p.offset += n;
        if (p.offset == p.batch->size())
            m_pending.pop_front();
    }
    if (!m_pending.empty())
        m_sliceTimer.start();
    if (changed)
        emit progressChanged();
}

void RunSession::onRunFinished(const il::RunResultPtr &result)
{
    if (!result || !result->trace)
        return;
    const auto index = static_cast<std::size_t>(result->trace->info.runIndex);
    if (index < m_builders.size())
        m_builders[index].reset();
    m_model.setTrace(result->trace, result->metrics);
    if (m_repeat > 1) {
        m_repetitions.push_back(result);
        const il::Metrics &m = result->metrics;
        m_tasksInEndedRepetitions += m.completed + m.failed + m.cancelled;
    }
    // One result per mode: a later repetition replaces the one before.
    const auto same = std::find_if(m_results.begin(), m_results.end(), [&](const il::RunResultPtr &r) {
        return r->trace->info.runIndex == result->trace->info.runIndex;
    });
    if (same != m_results.end())
        *same = result;
    else
        m_results.push_back(result);
    emit runFinished(result);
    emit progressChanged();
}

void RunSession::onFinished(bool cancelled)
{
    processPending(true);
    m_sliceTimer.stop();
    // A run stopped before the engine produced its trace still deserves a
    // consistent picture: close what the builder saw, nothing left open.
    for (std::size_t i = 0; i < m_builders.size(); ++i) {
        if (!m_builders[i])
            continue;
        il::LiveRunBuilder &live = *m_builders[i];
        const il::TraceBuilder &builder = live.traceBuilder();
        const std::int64_t end = builder.lastNs() == INT64_MIN ? builder.info().originNs : builder.lastNs();
        auto trace = std::make_shared<il::Trace>(live.finish(end, true));
        m_builders[i].reset();
        m_model.setTrace(trace);
    }
    // Repeated: each mode's median repetition takes its place, with the spread.
    if (m_repeat > 1 && !m_repetitions.empty()) {
        m_results = il::medianRuns(m_repetitions, m_repeat);
        for (const il::RunResultPtr &r : m_results)
            m_model.setTrace(r->trace, r->metrics);
    }
    m_running = false;
    m_stopping = false;
    m_cancelled = cancelled;
    m_currentRun = -1;
    emit progressChanged();
    emit finished(cancelled);
}

int RunSession::tasksTotal() const
{
    return m_set ? static_cast<int>(m_set->tasks.size() * m_configs.size()) * m_repeat : 0;
}

int RunSession::tasksDone() const
{
    if (m_repeat > 1) { // the repetitions that ended, and the one going on
        int done = m_tasksInEndedRepetitions;
        if (m_running && m_model.hasRun(m_currentRun) && m_model.run(m_currentRun).isLive())
            done += m_model.run(m_currentRun).tasksDone();
        return done;
    }
    int done = 0;
    for (int r = 0; r < m_model.runCount(); ++r)
        if (m_model.hasRun(r))
            done += m_model.run(r).tasksDone();
    return done;
}

QString RunSession::statusText() const
{
    if (!m_set)
        return tr("Ready");
    const int perRun = static_cast<int>(m_set->tasks.size());
    if (m_running && m_currentRun >= 0 && m_model.hasRun(m_currentRun)) {
        const auto &run = m_model.run(m_currentRun);
        const QString repetition = m_repeat > 1 ? tr(", repetition %1 of %2").arg(run.info().repetition + 1).arg(m_repeat)
                                                : QString();
        return tr("%1 %2 (%3 of %4%5) · %6/%n task(s)", nullptr, perRun)
            .arg(m_stopping ? tr("Stopping") : tr("Running"), il::modeName(run.info().mode))
            .arg(m_currentRun + 1)
            .arg(m_configs.size())
            .arg(repetition)
            .arg(run.tasksDone());
    }
    if (m_running)
        return m_stopping ? tr("Stopping…") : tr("Starting…");
    if (!m_storedNote.isEmpty())
        return m_storedNote;
    // Runs opened from files are neither finished nor stopped runs of ours.
    const auto opened = static_cast<int>(std::count_if(m_results.begin(), m_results.end(), [](const il::RunResultPtr &r) {
        return !r->trace->info.openedFrom.isEmpty();
    }));
    const int lab = static_cast<int>(m_results.size()) - opened;
    QString text;
    if (m_configs.empty() && opened > 0) {
        text = tr("%n run(s) opened from files", nullptr, opened);
    } else if (!m_cancelled && lab == static_cast<int>(m_configs.size()) && !m_configs.empty()) {
        text = tr("Done: %1 of %2")
                   .arg(tr("%n run(s)", nullptr, lab), tr("%n task(s)", nullptr, perRun));
        if (m_repeat > 1)
            text += tr(", each the median of %1").arg(m_repeat);
    } else {
        // The run Stop landed in counts as begun, not finished.
        const int begun = std::min(m_model.runCount() - opened, static_cast<int>(m_configs.size()));
        text = tr("Stopped during run %1 of %2").arg(std::max(1, begun)).arg(m_configs.size());
    }
    if (opened > 0 && !m_configs.empty())
        text += tr(" · %n opened from files", nullptr, opened);
    const QString problems = comparisonProblemSummary(m_model);
    if (!problems.isEmpty())
        text += tr(" · ⚠ %1 (hover a run's header for details)").arg(problems);
    // Never silent: events the recorder had no room for are missing from the picture.
    if (const QString dropped = droppedEventsText(droppedEvents(m_model)); !dropped.isEmpty())
        text += tr(" · %1 (the recorder's buffers were full)").arg(dropped);
    return text;
}

} // namespace ui
