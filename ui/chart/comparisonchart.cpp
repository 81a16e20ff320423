#include "ui/chart/comparisonchart.h"

#include "core/analysis/advisor.h"
#include "core/analysis/twins.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCursor>
#include <QEvent>
#include <QGraphicsItem>
#include <QPainter>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace ui {

// Drawn over the plot, as part of the chart (so saved pictures have it):
// the repeated modes' spreads and the model-to-twin links. A child item of
// the chart, in its coordinates; it asks the chart where values are.
class ChartOverlay : public QGraphicsItem
{
public:
    explicit ChartOverlay(ComparisonChart *owner)
        : QGraphicsItem(owner->chart()), m_owner(owner)
    {
        setZValue(100);
        setAcceptedMouseButtons(Qt::NoButton);
    }
    QRectF boundingRect() const override { return m_owner->chart()->rect(); }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override;
    // A twin link's dashed bracket: up from each bar's label to y, and across.
    struct LinkPath { QPointF a; QPointF b; double y = 0; };
    // Where every label goes, none on another: the value labels, the twin
    // links' and the utilisation points'.
    std::vector<ComparisonChart::PlacedLabel> layout(std::vector<LinkPath> *paths) const;
    void changed()
    {
        prepareGeometryChange();
        update();
    }

private:
    // The centre of group g's makespan bar (the first of two sets, bar
    // width 0.75 of a category): x in category units.
    static double makespanX(int g) { return g - 0.75 / 4; }
    QPointF at(double x, double seconds) const
    {
        return m_owner->chart()->mapToPosition(QPointF(x, seconds), m_owner->m_bars);
    }

    ComparisonChart *m_owner;
};

std::vector<ComparisonChart::PlacedLabel> ChartOverlay::layout(std::vector<LinkPath> *paths) const
{
    const ComparisonChart &c = *m_owner;
    std::vector<ComparisonChart::PlacedLabel> out;
    if (c.m_metrics.empty())
        return out;
    const QFont labelFont = c.font();
    const QFontMetricsF labelMetrics(labelFont);

    // Value labels over the bars (over a spread's top where there is one),
    // in the words used everywhere else.
    QRectF makespanBox; // the group's makespan label (listed before its ideal's)
    for (const ComparisonChart::ValueLabel &v : c.valueLabels()) {
        const il::Metrics &m = c.m_metrics[std::size_t(v.group)];
        double seconds = (v.ideal ? m.idealMs : m.makespanMs) / 1000.0;
        if (!v.ideal && m.repeat.makespansMs.size() > 1)
            seconds = std::max(seconds, m.repeat.maxMs() / 1000.0);
        const QPointF top = at(v.ideal ? v.group + 0.75 / 4 : makespanX(v.group), seconds);
        QRectF box(0, 0, labelMetrics.horizontalAdvance(v.text) + 2, labelMetrics.height());
        box.moveCenter(QPointF(top.x(), top.y() - labelMetrics.height() / 2 - 2));
        // Bars of nearly one height on narrow groups: the ideal's label
        // goes above the makespan's rather than into it.
        if (v.ideal && box.intersects(makespanBox))
            box.moveBottom(makespanBox.top() - 1);
        if (!v.ideal)
            makespanBox = box;
        out.push_back({ComparisonChart::PlacedLabel::Value, v.group, box, v.text});
    }

    // Twin links, shortest first, each above every bar it spans (and their
    // value labels), stacked where their spans overlap.
    std::vector<ComparisonChart::TwinLink> links = c.twinLinks();
    std::stable_sort(links.begin(), links.end(), [](const auto &a, const auto &b) {
        return std::abs(a.real - a.model) < std::abs(b.real - b.model);
    });
    QFont font = c.font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    const QFontMetricsF fm(font);
    const double step = fm.height() + 6;
    const double valueLabel = labelMetrics.height() + 2; // above each bar
    std::vector<std::tuple<int, int, int>> levels; // lo group, hi group, level
    for (const ComparisonChart::TwinLink &link : links) {
        const int lo = std::min(link.model, link.real);
        const int hi = std::max(link.model, link.real);
        double topS = 0;
        for (int g = lo; g <= hi; ++g) {
            const il::Metrics &m = c.m_metrics[std::size_t(g)];
            topS = std::max({topS, m.makespanMs / 1000.0, c.m_partial[std::size_t(g)] ? 0.0 : m.idealMs / 1000.0,
                             m.repeat.makespansMs.size() > 1 ? m.repeat.maxMs() / 1000.0 : 0.0});
        }
        int level = 0;
        for (const auto &[l, h, lv] : levels)
            if (l <= hi && lo <= h)
                level = std::max(level, lv + 1);
        levels.emplace_back(lo, hi, level);
        const auto labelBase = [&](int g) { // the top of the bar or of its spread, under its label
            const il::Metrics &m = c.m_metrics[std::size_t(g)];
            return at(makespanX(g), std::max(m.makespanMs, m.repeat.makespansMs.size() > 1 ? m.repeat.maxMs() : 0.0) / 1000.0);
        };
        const QPointF a = labelBase(link.model);
        const QPointF b = labelBase(link.real);
        const double y = at(0, topS).y() - valueLabel - fm.height() / 2 - 6 - level * step; // clear of the value labels
        if (paths)
            paths->push_back({QPointF(a.x(), a.y() - valueLabel - 2), QPointF(b.x(), b.y() - valueLabel - 2), y});
        QRectF box(0, 0, fm.horizontalAdvance(link.label) + 8, fm.height() + 2);
        box.moveCenter(QPointF((a.x() + b.x()) / 2, y));
        out.push_back({ComparisonChart::PlacedLabel::Link, link.model, box, link.label});
    }

    // Utilisation: beside its point, wherever it runs into no other label
    // (above the point first, then below, right, left, then further up),
    // and inside the plot.
    const QRectF plot = c.chart()->plotArea();
    const std::vector<std::optional<double>> util = c.utilisation();
    const double gap = 7; // clear of the marker (8 px)
    for (std::size_t g = 0; g < util.size(); ++g) {
        if (!util[g])
            continue;
        const QString text = QStringLiteral("%1 %").arg(*util[g]);
        const QPointF p = c.chart()->mapToPosition(QPointF(double(g), *util[g]), c.m_utilPoints);
        const QSizeF size(labelMetrics.horizontalAdvance(text) + 2, labelMetrics.height());
        std::vector<QRectF> candidates;
        const auto centredAt = [&](double x, double y) { return QRectF(QPointF(x - size.width() / 2, y - size.height() / 2), size); };
        candidates.push_back(centredAt(p.x(), p.y() - gap - size.height() / 2));
        candidates.push_back(centredAt(p.x(), p.y() + gap + size.height() / 2));
        candidates.push_back(centredAt(p.x() + gap + size.width() / 2, p.y()));
        candidates.push_back(centredAt(p.x() - gap - size.width() / 2, p.y()));
        for (int k = 1; k <= 12; ++k) {
            candidates.push_back(centredAt(p.x(), p.y() - gap - size.height() / 2 - k * size.height() / 2));
            candidates.push_back(centredAt(p.x(), p.y() + gap + size.height() / 2 + k * size.height() / 2));
        }
        const auto free = [&](const QRectF &r) {
            if (!plot.adjusted(-2, -40, 2, 0).contains(r))
                return false;
            return std::none_of(out.begin(), out.end(), [&](const ComparisonChart::PlacedLabel &l) { return l.box.intersects(r); });
        };
        const auto it = std::find_if(candidates.begin(), candidates.end(), free);
        out.push_back({ComparisonChart::PlacedLabel::Utilisation, int(g), it != candidates.end() ? *it : candidates.front(), text});
    }
    return out;
}

void ChartOverlay::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const ComparisonChart &c = *m_owner;
    if (c.m_metrics.empty())
        return;
    const QColor text = c.palette().color(QPalette::Text);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setClipRect(c.chart()->plotArea().adjusted(-2, -40, 2, 0));
    const double barPx = std::abs(at(0.75 / 2, 0).x() - at(0, 0).x());

    // Spread: from the fastest repetition to the slowest, capped.
    painter->setPen(QPen(text, 1.5));
    for (const ComparisonChart::Spread &s : c.spreads()) {
        const QPointF lo = at(makespanX(s.group), s.minS);
        const QPointF hi = at(makespanX(s.group), s.maxS);
        const double cap = std::max(3.0, barPx * 0.22);
        painter->drawLine(lo, hi);
        painter->drawLine(QPointF(lo.x() - cap, lo.y()), QPointF(lo.x() + cap, lo.y()));
        painter->drawLine(QPointF(hi.x() - cap, hi.y()), QPointF(hi.x() + cap, hi.y()));
    }

    std::vector<LinkPath> paths;
    const std::vector<ComparisonChart::PlacedLabel> labels = layout(&paths);
    QColor linkColour = text;
    linkColour.setAlpha(170);
    painter->setPen(QPen(linkColour, 1, Qt::DashLine));
    for (const LinkPath &l : paths) {
        painter->drawLine(l.a, QPointF(l.a.x(), l.y));
        painter->drawLine(l.b, QPointF(l.b.x(), l.y));
        painter->drawLine(QPointF(l.a.x(), l.y), QPointF(l.b.x(), l.y));
    }
    QFont small = c.font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (const ComparisonChart::PlacedLabel &l : labels) {
        switch (l.kind) {
        case ComparisonChart::PlacedLabel::Value:
            painter->setFont(c.font());
            painter->setPen(text);
            break;
        case ComparisonChart::PlacedLabel::Link:
            painter->setFont(small);
            painter->setPen(Qt::NoPen);
            painter->setBrush(c.palette().color(QPalette::Base));
            painter->drawRect(l.box);
            painter->setBrush(Qt::NoBrush);
            painter->setPen(text);
            break;
        case ComparisonChart::PlacedLabel::Utilisation:
            painter->setFont(c.font());
            painter->setPen(c.m_utilPoints->color());
            break;
        }
        painter->drawText(l.box, Qt::AlignCenter, l.text);
    }
}

std::vector<ComparisonChart::PlacedLabel> ComparisonChart::placedLabels() const
{
    return m_overlay ? m_overlay->layout(nullptr) : std::vector<PlacedLabel>{};
}

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
    // Value labels are drawn by the overlay, in the words the headers and
    // the why text use ("988 ms", "1.20 s"), not as bare seconds.
    m_bars->setLabelsVisible(false);
    chart->addSeries(m_bars);

    m_util = new QLineSeries;
    m_util->setName(tr("utilisation %"));
    chart->addSeries(m_util);
    m_utilPoints = new QScatterSeries;
    m_utilPoints->setMarkerSize(8);
    // Its labels are drawn by the overlay, placed clear of the value labels.
    m_utilPoints->setPointLabelsVisible(false);
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
        const std::optional<double> util = utilisation()[std::size_t(index)];
        const bool bound = m.idealMs > 0; // none for lock and counter phases alone
        QString text = tr("%1 · %n worker(s)\nmakespan %3 · ideal %4 · efficiency %5\n"
                          "utilisation %6 · cpu %7 · io wait %8 · gil wait %9\n"
                          "%10 completed, %11 failed", nullptr, m.workers)
                           .arg(il::modeName(m.mode))
                           .arg(il::formatDurationMs(m.makespanMs), bound ? il::formatDurationMs(m.idealMs) : QStringLiteral("–"))
                           .arg(bound && m.efficiency > 0 ? QStringLiteral("%1 %").arg(std::lround(m.efficiency * 100)) : QStringLiteral("–"))
                           .arg(util ? QStringLiteral("%1 %").arg(*util) : tr("– (not all the work was done)"))
                           .arg(il::formatDurationMs(m.cpuMs), il::formatDurationMs(m.ioWaitMs),
                                il::formatDurationMs(m.gilWaitMs))
                           .arg(m.completed).arg(m.failed);
        if (m.repeat.makespansMs.size() > 1) {
            QStringList each;
            for (double ms : m.repeat.makespansMs)
                each << il::formatDurationMs(ms);
            text += tr("\nmedian of %1 runs, in the order run: %2").arg(each.size()).arg(each.join(QStringLiteral(" · ")));
        }
        for (const TwinLink &link : twinLinks())
            if (link.model == index || link.real == index)
                text += tr("\nmodel ÷ real twin: %1").arg(link.label);
        QToolTip::showText(QCursor::pos(), text, this);
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
    m_overlay = new ChartOverlay(this);
    // Where values are drawn changes with the plot area (resize, axis labels).
    connect(chart, &QChart::plotAreaChanged, this, [this] { m_overlay->changed(); });
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
    auto result = std::make_shared<const il::RunResult>(il::RunResult{run->trace(), *run->metrics()});
    // A run replaced (a later repetition, then the median one) keeps its group.
    const QString title = run->info().openedFrom;
    for (Group &g : m_groups) {
        if (g.run == index) {
            g.title = title;
            if (g.result->trace == result->trace && g.result->metrics.repeat.shown == result->metrics.repeat.shown
                && g.result->metrics.repeat.makespansMs == result->metrics.repeat.makespansMs)
                return;
            g.result = std::move(result);
            rebuild();
            return;
        }
    }
    m_groups.push_back({index, std::move(result), title});
    rebuild();
}

void ComparisonChart::clear()
{
    m_groups.clear();
    rebuild();
}

void ComparisonChart::addResult(const il::RunResultPtr &result)
{
    if (!result)
        return;
    m_groups.push_back({-1, result, QString()});
    rebuild();
}

void ComparisonChart::rebuild()
{
    m_makespan->remove(0, m_makespan->count());
    m_ideal->remove(0, m_ideal->count());
    m_util->clear();
    for (QLineSeries *stretch : m_utilStretches) {
        chart()->removeSeries(stretch);
        delete stretch;
    }
    m_utilStretches.clear();
    QLineSeries *line = m_util;
    m_utilPoints->clear();
    m_categories->clear();
    m_names.clear();
    m_metrics.clear();
    m_partial.clear();
    m_maxMs = 0;
    for (const Group &g : m_groups) {
        const il::RunResultPtr &result = g.result;
        const il::Metrics &m = result->metrics;
        const int index = m_categories->count();
        QString name = !g.title.isEmpty() ? g.title
                       : result->trace && !result->trace->info.openedFrom.isEmpty() ? result->trace->info.openedFrom
                                                                                    : il::modeName(m.mode);
        // Two runs of one mode would merge into one category; keep them apart.
        if (m_names.contains(name))
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
        // A status goes on a line of its own under the name ("threads-gil" /
        // "(2 failed)"): beside it, five groups already cut it at the
        // picture's width. Many groups leave each name little room too: it
        // breaks after a dash onto a second line rather than being cut
        // ("py-" / "threads").
        m_names.append(name);
        QString onAxis = name;
        if (m_groups.size() > 5 || name.contains(QStringLiteral(" ("))) {
            onAxis = name.toHtmlEscaped().replace(QStringLiteral(" ("), QStringLiteral("<br>("));
            if (m_groups.size() > 5)
                onAxis.replace(QLatin1Char('-'), QStringLiteral("-<br>"));
        }
        m_categories->append(onAxis);
        m_metrics.push_back(m);
        m_partial.push_back(partial);
        m_makespan->append(m.makespanMs / 1000.0);
        m_ideal->append(partial ? 0.0 : m.idealMs / 1000.0);
        // A stopped or failed run's utilisation is missing, not a figure:
        // no point, and the line breaks there.
        const bool hasUtil = !partial && m.failed == 0;
        if (!hasUtil) {
            if (line->count() > 0) {
                line = new QLineSeries;
                chart()->addSeries(line);
                line->attachAxis(m_categories);
                line->attachAxis(m_utilAxis);
                line->setPen(m_util->pen());
                line->setOpacity(m_util->opacity());
                chart()->legend()->markers(line).first()->setVisible(false);
                m_utilStretches.push_back(line);
            }
        } else {
            const double util = std::round(m.utilization * 100);
            line->append(index, util);
            m_utilPoints->append(index, util);
        }
        m_maxMs = std::max({m_maxMs, m.makespanMs, partial ? 0.0 : m.idealMs,
                            m.repeat.makespansMs.size() > 1 ? m.repeat.maxMs() : 0.0});
    }
    rescale();
    if (m_overlay)
        m_overlay->changed();
}

std::vector<ComparisonChart::ValueLabel> ComparisonChart::valueLabels() const
{
    // Many groups leave each bar too narrow for two labels side by side:
    // then only the makespan has one (the ideal's is in the tooltip).
    const bool crowded = m_groups.size() > 5;
    std::vector<ValueLabel> out;
    for (std::size_t g = 0; g < m_metrics.size(); ++g) {
        const il::Metrics &m = m_metrics[g];
        out.push_back({int(g), false, il::formatDurationMs(m.makespanMs)});
        if (!crowded && !m_partial[g] && m.idealMs > 0) // no bound, no label (lock and counter phases only)
            out.push_back({int(g), true, il::formatDurationMs(m.idealMs)});
    }
    return out;
}

QStringList ComparisonChart::categories() const
{
    return m_names;
}

void ComparisonChart::setResults(const std::vector<il::RunResultPtr> &results)
{
    m_groups.clear();
    for (const auto &r : results)
        if (r)
            m_groups.push_back({-1, r, QString()});
    rebuild();
}

std::vector<std::optional<double>> ComparisonChart::utilisation() const
{
    std::vector<std::optional<double>> out(m_metrics.size());
    for (const QPointF &p : m_utilPoints->points())
        out[std::size_t(std::lround(p.x()))] = p.y();
    return out;
}

std::vector<ComparisonChart::Spread> ComparisonChart::spreads() const
{
    std::vector<Spread> out;
    for (std::size_t g = 0; g < m_metrics.size(); ++g) {
        const il::RepeatSpread &r = m_metrics[g].repeat;
        if (r.makespansMs.size() > 1)
            out.push_back({int(g), r.minMs() / 1000.0, r.maxMs() / 1000.0});
    }
    return out;
}

std::vector<ComparisonChart::TwinLink> ComparisonChart::twinLinks() const
{
    // Each model with its real twin, both shown and both complete (no failed
    // or stopped task): the ratio the summary's "twin_ratio" gives.
    std::vector<TwinLink> out;
    const auto complete = [this](std::size_t g) {
        return !m_partial[g] && m_metrics[g].failed == 0 && m_metrics[g].cancelled == 0 && m_metrics[g].makespanMs > 0
               && m_groups[g].result->trace && m_groups[g].result->trace->info.openedFrom.isEmpty();
    };
    for (std::size_t a = 0; a < m_metrics.size(); ++a) {
        const il::Mode model = m_metrics[a].mode;
        if (il::isPythonMode(model) || !complete(a))
            continue;
        const auto twin = il::twinOf(model);
        if (!twin)
            continue;
        for (std::size_t b = 0; b < m_metrics.size(); ++b) {
            if (m_metrics[b].mode != *twin || !complete(b))
                continue;
            const double ratio = m_metrics[a].makespanMs / m_metrics[b].makespanMs;
            // Side by side (as `everything` and the window run them): a short
            // label; further apart, the link has room to name both.
            const QString label = std::abs(int(b) - int(a)) == 1
                                      ? tr("model/real %1").arg(ratio, 0, 'f', 2)
                                      : tr("%1 ÷ %2 = %3").arg(il::modeName(model), il::modeName(*twin)).arg(ratio, 0, 'f', 2);
            out.push_back({int(a), int(b), ratio, label});
            break;
        }
    }
    return out;
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
    // Twin links above the bars take another fifth of the height.
    const double raw = maxS * (twinLinks().empty() ? 1.45 : 1.75);
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
    const QColor util = dark ? QColor(0xff, 0x8a, 0x40) : QColor(0xd5, 0x5e, 0x00);
    m_util->setPen(QPen(util, 2));
    for (QLineSeries *stretch : m_utilStretches)
        stretch->setPen(QPen(util, 2));
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
