#include "ui/chart/comparisonchart.h"

#include "core/analysis/advisor.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCursor>
#include <QEvent>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace ui {

ComparisonChart::ComparisonChart(QWidget *parent)
    : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation); // the chart refreshes while runs stream
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));

    m_makespan = new QBarSet(tr("makespan"));
    m_ideal = new QBarSet(tr("ideal bound"));
    m_bars = new QBarSeries;
    m_bars->append(m_makespan);
    m_bars->append(m_ideal);
    m_bars->setBarWidth(0.75);
    m_bars->setLabelsVisible(true);
    m_bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    m_bars->setLabelsFormat(QStringLiteral("@value"));
    m_bars->setLabelsPrecision(3);
    chart->addSeries(m_bars);

    m_util = new QLineSeries;
    m_util->setName(tr("utilisation %"));
    chart->addSeries(m_util);
    m_utilPoints = new QScatterSeries;
    m_utilPoints->setMarkerSize(8);
    m_utilPoints->setPointLabelsVisible(true);
    m_utilPoints->setPointLabelsFormat(QStringLiteral("@yPoint %"));
    m_utilPoints->setPointLabelsClipping(false);
    chart->addSeries(m_utilPoints);

    m_categories = new QBarCategoryAxis;
    m_timeAxis = new QValueAxis;
    m_timeAxis->setTitleText(tr("seconds"));
    m_timeAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_utilAxis = new QValueAxis;
    m_utilAxis->setRange(0, 110);
    m_utilAxis->setTickCount(3);
    m_utilAxis->setLabelFormat(QStringLiteral("%d %"));
    m_utilAxis->setTitleText(tr("utilisation"));
    chart->addAxis(m_categories, Qt::AlignBottom);
    chart->addAxis(m_timeAxis, Qt::AlignLeft);
    chart->addAxis(m_utilAxis, Qt::AlignRight);
    m_bars->attachAxis(m_categories);
    m_bars->attachAxis(m_timeAxis);
    m_util->attachAxis(m_categories);
    m_util->attachAxis(m_utilAxis);
    m_utilPoints->attachAxis(m_categories);
    m_utilPoints->attachAxis(m_utilAxis);
    // The scatter only adds markers and labels to the line: one legend entry.
    chart->legend()->markers(m_utilPoints).first()->setVisible(false);

    connect(m_bars, &QBarSeries::hovered, this, [this](bool on, int index, QBarSet *) {
        if (!on || index < 0 || index >= static_cast<int>(m_metrics.size())) {
            QToolTip::hideText();
            return;
        }
        const il::Metrics &m = m_metrics[static_cast<std::size_t>(index)];
        QToolTip::showText(QCursor::pos(),
                           tr("%1 · %n worker(s)\nmakespan %3 · ideal %4 · efficiency %5 %\n"
                              "utilisation %6 % · cpu %7 · io wait %8 · gil wait %9\n"
                              "%10 completed, %11 failed", nullptr, m.workers)
                               .arg(il::modeName(m.mode))
                               .arg(il::formatDurationMs(m.makespanMs), il::formatDurationMs(m.idealMs))
                               .arg(std::lround(m.efficiency * 100)).arg(std::lround(m.utilization * 100))
                               .arg(il::formatDurationMs(m.cpuMs), il::formatDurationMs(m.ioWaitMs),
                                    il::formatDurationMs(m.gilWaitMs))
                               .arg(m.completed).arg(m.failed),
                           this);
    });
    // QChartView made a default chart of its own, and setChart() hands it back
    // to us instead of deleting it (Qt documents this): delete it, or every
    // chart (one per window, one per saved picture) leaks one. LSan found it.
    QChart *made = this->chart();
    setChart(chart);
    delete made;
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(360, 220);
    setToolTip(tr("Per mode: makespan and the ideal lower bound (seconds, left axis) and mean lane "
                  "utilisation (right axis)."));
    applyPalette();
    rescale();
}

void ComparisonChart::setModel(const il::TimelineModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    clear();
    if (!m_model)
        return;
    connect(m_model, &il::TimelineModel::runsCleared, this, &ComparisonChart::clear);
    connect(m_model, &il::TimelineModel::runAdded, this, &ComparisonChart::addFinishedRun);
    connect(m_model, &il::TimelineModel::runChanged, this, &ComparisonChart::addFinishedRun);
    for (int r = 0; r < m_model->runCount(); ++r)
        addFinishedRun(r);
}

void ComparisonChart::addFinishedRun(int index)
{
    const il::TimelineRun *run = m_model ? m_model->findRun(index) : nullptr;
    if (!run || run->isLive() || !run->trace() || !run->metrics())
        return;
    if (std::find(m_shownRuns.begin(), m_shownRuns.end(), index) != m_shownRuns.end())
        return;
    m_shownRuns.push_back(index);
    addResult(std::make_shared<const il::RunResult>(il::RunResult{run->trace(), *run->metrics()}));
}

void ComparisonChart::clear()
{
    m_shownRuns.clear();
    m_makespan->remove(0, m_makespan->count());
    m_ideal->remove(0, m_ideal->count());
    m_util->clear();
    m_utilPoints->clear();
    m_categories->clear();
    m_metrics.clear();
    m_maxMs = 0;
    rescale();
}

void ComparisonChart::addResult(const il::RunResultPtr &result)
{
    if (!result)
        return;
    const il::Metrics &m = result->metrics;
    const int index = m_categories->count();
    QString name = result->trace && !result->trace->info.openedFrom.isEmpty() ? result->trace->info.openedFrom
                                                                              : il::modeName(m.mode);
    // Two runs of one mode would merge into one category; keep them apart.
    if (m_categories->categories().contains(name))
        name += QStringLiteral(" #%1").arg(index + 1);
    // A stopped run or one with failed tasks did not do all the work: say so
    // under its bars, and do not hold a part of the work against the whole
    // one's ideal bound.
    const bool errored = result->trace && result->trace->failed() && m.completed == 0;
    const bool stopped = result->trace && result->trace->cancelled;
    const bool partial = errored || stopped; // no ideal bound to compare with
    if (errored)
        name += tr(" (error)");
    else if (stopped)
        name += tr(" (stopped)");
    else if (m.failed > 0)
        name += tr(" (%n failed)", nullptr, m.failed);
    m_categories->append(name);
    m_metrics.push_back(m);
    m_makespan->append(m.makespanMs / 1000.0);
    m_ideal->append(partial ? 0.0 : m.idealMs / 1000.0);
    const double util = std::round(m.utilization * 100);
    m_util->append(index, util);
    m_utilPoints->append(index, util);
    m_maxMs = std::max({m_maxMs, m.makespanMs, partial ? 0.0 : m.idealMs});
    rescale();
}

QStringList ComparisonChart::categories() const
{
    return m_categories->categories();
}

void ComparisonChart::setResults(const std::vector<il::RunResultPtr> &results)
{
    clear();
    for (const auto &r : results)
        addResult(r);
}

int ComparisonChart::groupCount() const
{
    return m_categories->count();
}

void ComparisonChart::rescale()
{
    if (!m_staleNote.isEmpty())
        chart()->setTitle(m_staleNote);
    else
        chart()->setTitle(m_categories->count() == 0 ? tr("Each mode appears here as its run finishes")
                                                     : QString());
    const double maxS = m_maxMs / 1000.0;
    if (maxS <= 0) {
        m_timeAxis->setRange(0, 1);
        return;
    }
    // Round ticks (1, 2, 2.5 or 5 x 10^k). The headroom keeps the bars in
    // the lower two thirds, clear of their value labels and of the
    // utilisation line, which mostly sits between 60 and 100 %.
    const double raw = maxS * 1.45;
    const double decade = std::pow(10.0, std::floor(std::log10(raw / 4)));
    double step = decade;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * decade * 5 >= raw) {
            step = m * decade;
            break;
        }
    }
    const int ticks = static_cast<int>(std::ceil(raw / step - 1e-9));
    m_timeAxis->setRange(0, ticks * step);
    m_timeAxis->setTickCount(ticks + 1);
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    m_timeAxis->setLabelFormat(QStringLiteral("%.%1f").arg(std::min(decimals + (step / decade == 2.5 ? 1 : 0), 4)));
    m_bars->setLabelsPrecision(3);
}

void ComparisonChart::setStaleNote(const QString &note)
{
    if (note == m_staleNote)
        return;
    m_staleNote = note;
    // Faded bars under the note: still readable, plainly not current.
    const qreal opacity = note.isEmpty() ? 1.0 : 0.35;
    for (QAbstractSeries *series : chart()->series())
        series->setOpacity(opacity);
    applyPalette();
    rescale();
}

void ComparisonChart::applyPalette()
{
    m_applyingPalette = true;
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    QChart *c = chart();
    c->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    c->setBackgroundBrush(pal.color(QPalette::Base));
    c->setBackgroundRoundness(0);
    c->setPlotAreaBackgroundVisible(false);
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = dark ? QColor(255, 255, 255, 40) : QColor(0, 0, 0, 35);
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_categories),
                                static_cast<QAbstractAxis *>(m_timeAxis),
                                static_cast<QAbstractAxis *>(m_utilAxis)}) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
    m_utilAxis->setGridLineVisible(false);
    c->legend()->setLabelColor(text);
    // Same hues as the timeline (Okabe-Ito): makespan solid, ideal hatched.
    const QColor blue = dark ? QColor(0x56, 0xb4, 0xe9) : QColor(0x00, 0x72, 0xb2);
    m_makespan->setColor(blue);
    m_makespan->setBorderColor(blue.darker(130));
    m_makespan->setLabelColor(text);
    QBrush ideal(dark ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x70, 0x70, 0x70), Qt::BDiagPattern);
    m_ideal->setBrush(ideal);
    m_ideal->setBorderColor(dark ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x70, 0x70, 0x70));
    m_ideal->setLabelColor(text);
    const QColor util = dark ? QColor(0xff, 0x8a, 0x40) : QColor(0xd5, 0x5e, 0x00);
    m_util->setPen(QPen(util, 2));
    m_utilPoints->setColor(util);
    m_utilPoints->setBorderColor(util);
    m_utilPoints->setPointLabelsColor(util);
    setBackgroundBrush(pal.color(QPalette::Base));
    // The title is the stale note when there is one: in the warning colour.
    c->setTitleBrush(m_staleNote.isEmpty() ? QBrush(text) : QBrush(util));
    m_applyingPalette = false;
}

void ComparisonChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applyingPalette)
        applyPalette();
}

} // namespace ui
