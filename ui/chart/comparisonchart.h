#pragma once

#include "core/engine/engine.h"
#include "core/timeline/timelinemodel.h"

#include <QChartView>
#include <QRectF>

#include <optional>
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
// Drawn over the bars: a repeated mode's spread (an error bar from its
// fastest to its slowest repetition) and, for each model whose real twin
// also ran (threads-gil and py-threads, ...), a link between their makespan
// bars labelled with the ratio of the makespans.
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
    // What the overlay draws, for tests: per group, the spread's [min, max]
    // in seconds (empty when not repeated); the twin links shown.
    struct Spread { int group = 0; double minS = 0; double maxS = 0; };
    struct TwinLink { int model = 0; int real = 0; double ratio = 0; QString label; };
    std::vector<Spread> spreads() const;
    // Per group, the utilisation point drawn (%), or nothing for a stopped
    // or failed run: its figure would compare a part of the work with the whole.
    std::vector<std::optional<double>> utilisation() const;
    std::vector<TwinLink> twinLinks() const;
    // The value written over each bar: the makespan's, and the ideal's when
    // there is room (five modes or fewer) and the run did all the work.
    struct ValueLabel { int group = 0; bool ideal = false; QString text; };
    std::vector<ValueLabel> valueLabels() const;
    // Every label the chart draws over the plot, where it goes (chart
    // coordinates): no two overlap, and none is cut at the plot's edge.
    struct PlacedLabel
    {
        enum Kind { Value, Link, Utilisation } kind = Value;
        int group = 0;
        QRectF box;
        QString text;
    };
    std::vector<PlacedLabel> placedLabels() const;
    // Non-empty while the results shown are not for the task set in the
    // panel: shown as the chart's title, the bars faded under it.
    void setStaleNote(const QString &note);
    QString staleNote() const { return m_staleNote; }

protected:
    void changeEvent(QEvent *event) override;

private:
    friend class ChartOverlay;
    struct Group
    {
        int run = -1; // the model's run index; -1 for results added directly
        il::RunResultPtr result;
        QString title; // the model's name for the run, if not its mode's
    };
    void applyPalette();
    void addFinishedRun(int run);
    void rebuild(); // the series from m_groups
    void rescale();

    QBarSeries *m_bars = nullptr;
    QBarSet *m_makespan = nullptr;
    QBarSet *m_ideal = nullptr;
    QLineSeries *m_util = nullptr;              // the first stretch of the line (and its legend entry)
    std::vector<QLineSeries *> m_utilStretches; // the line's further stretches, after a gap
    QScatterSeries *m_utilPoints = nullptr;
    QBarCategoryAxis *m_categories = nullptr;
    QValueAxis *m_timeAxis = nullptr;
    QValueAxis *m_utilAxis = nullptr;
    std::vector<il::Metrics> m_metrics; // per bar group, for tooltips
    QStringList m_names;                // per bar group, as said (the axis may break them onto two lines)
    std::vector<bool> m_partial;        // per bar group: stopped or nothing ran (no ideal, no twin)
    std::vector<Group> m_groups;
    const il::TimelineModel *m_model = nullptr;
    class ChartOverlay *m_overlay = nullptr;
    double m_maxMs = 0;
    bool m_applyingPalette = false;
    QString m_staleNote;
};

} // namespace ui
