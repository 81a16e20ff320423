#pragma once

#include "core/engine/engine.h"
#include "core/timeline/timelinemodel.h"

#include <QChartView>

#include <vector>

class QBarSeries;
class QBarSet;
class QBarCategoryAxis;
class QValueAxis;
class QLineSeries;
class QScatterSeries;

namespace ui {

// Per mode: makespan beside its ideal bound (bars, seconds) and utilisation
// (a line on the right axis, %). One bar group per finished run, added as
// each run ends; at most a handful of points, so no downsampling is needed.
class ComparisonChart : public QChartView
{
    Q_OBJECT
public:
    explicit ComparisonChart(QWidget *parent = nullptr);

    // Follows a model: cleared with it, a bar group added as each of its runs
    // becomes final with measures (a stopped run's partial trace has none).
    void setModel(const il::TimelineModel *model);
    void clear();
    void addResult(const il::RunResultPtr &result);
    void setResults(const std::vector<il::RunResultPtr> &results);

    int groupCount() const;
    // The label under each bar group: "processes", "threads (stopped)", "processes (1 failed)".
    QStringList categories() const;
    QBarSeries *barSeries() const { return m_bars; }
    // Non-empty while the results shown are not for the task set in the
    // panel: shown as the chart's title, the bars faded under it.
    void setStaleNote(const QString &note);
    QString staleNote() const { return m_staleNote; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();
    void addFinishedRun(int run);
    void rescale();

    QBarSeries *m_bars = nullptr;
    QBarSet *m_makespan = nullptr;
    QBarSet *m_ideal = nullptr;
    QLineSeries *m_util = nullptr;
    QScatterSeries *m_utilPoints = nullptr;
    QBarCategoryAxis *m_categories = nullptr;
    QValueAxis *m_timeAxis = nullptr;
    QValueAxis *m_utilAxis = nullptr;
    std::vector<il::Metrics> m_metrics; // per bar group, for tooltips
    const il::TimelineModel *m_model = nullptr;
    std::vector<int> m_shownRuns; // the model's runs already shown
    double m_maxMs = 0;
    bool m_applyingPalette = false;
    QString m_staleNote;
};

} // namespace ui
