#include "benchutil.h"

#include "core/base/clock.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bench {

namespace {

std::vector<double> sorted(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v;
}

// Three significant digits, or more decimals for small values.
QString formatValue(double v)
{
    if (std::isnan(v))
        return QStringLiteral("-");
    const double a = std::fabs(v);
    if (a >= 1000)
        return QString::number(v, 'f', 0);
    if (a >= 100)
        return QString::number(v, 'f', 1);
    if (a >= 10)
        return QString::number(v, 'f', 2);
    return QString::number(v, 'f', 3);
}

QJsonValue jsonNumber(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

} // namespace

double Figure::median() const
{
    if (samples.empty())
        return std::nan("");
    const auto s = sorted(samples);
    const std::size_t n = s.size();
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double Figure::min() const
{
    return samples.empty() ? std::nan("") : *std::min_element(samples.begin(), samples.end());
}

double Figure::max() const
{
    return samples.empty() ? std::nan("") : *std::max_element(samples.begin(), samples.end());
}

int Figure::aimMet() const
{
    if (!aim.defined() || samples.empty() || skipped)
        return -1;
    const auto inside = [this](double v) { return v >= aim.low && v <= aim.high; };
    if (aim.allSamples)
        return std::all_of(samples.begin(), samples.end(), inside) ? 1 : 0;
    return inside(median()) ? 1 : 0;
}

Figure &Report::add(Figure figure)
{
    m_figures.push_back(std::move(figure));
    return m_figures.back();
}

void Report::skip(const QString &id, const QString &label, const QString &why)
{
    Figure f;
    f.id = id;
    f.label = label;
    f.skipped = true;
    f.skipReason = why;
    m_figures.push_back(std::move(f));
}

QString Report::table() const
{
    const QStringList head{QStringLiteral("figure"), QStringLiteral("median"), QStringLiteral("min"),
                           QStringLiteral("max"),    QStringLiteral("n"),      QStringLiteral("unit"),
                           QStringLiteral("aim"),    QStringLiteral("result")};
    std::vector<QStringList> rows;
    for (const Figure &f : m_figures) {
        if (f.skipped) {
            rows.push_back({f.label, QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                            QStringLiteral("0"), f.unit, f.aim.text, QStringLiteral("skipped")});
            continue;
        }
        const int met = f.aimMet();
        rows.push_back({f.label, formatValue(f.median()), formatValue(f.min()), formatValue(f.max()),
                        QString::number(f.samples.size()), f.unit, f.aim.text,
                        met < 0 ? QString() : met ? QStringLiteral("met") : QStringLiteral("MISSED")});
    }
    std::vector<int> width(std::size_t(head.size()), 0);
    const auto widen = [&width](const QStringList &r) {
        for (int c = 0; c < r.size(); ++c)
            width[std::size_t(c)] = std::max<int>(width[std::size_t(c)], int(r[c].size()));
    };
    widen(head);
    for (const auto &r : rows)
        widen(r);
    const auto line = [&width](const QStringList &r) {
        QString out;
        for (int c = 0; c < r.size(); ++c) {
            const int w = width[std::size_t(c)];
            // Text columns to the left, numbers to the right.
            const bool left = c == 0 || c >= 5;
            out += left ? r[c].leftJustified(w) : r[c].rightJustified(w);
            if (c + 1 < r.size())
                out += QStringLiteral("  ");
        }
        return out.trimmed() + QLatin1Char('\n');
    };
    QString out = line(head);
    int total = 0;
    for (int w : width)
        total += w + 2;
    out += QString(total - 2, QLatin1Char('-')) + QLatin1Char('\n');
    for (const auto &r : rows)
        out += line(r);
    // Notes below the table keep it narrow.
    QString notes;
    for (const Figure &f : m_figures) {
        const QString text = f.skipped ? f.skipReason : f.note;
        if (!text.isEmpty())
            notes += QStringLiteral("  %1: %2\n").arg(f.id, text);
    }
    if (!notes.isEmpty())
        out += QStringLiteral("\nnotes:\n") + notes;
    return out;
}

QByteArray Report::json() const
{
    QJsonArray figures;
    for (const Figure &f : m_figures) {
        QJsonObject o;
        o[QStringLiteral("id")] = f.id;
        o[QStringLiteral("label")] = f.label;
        o[QStringLiteral("unit")] = f.unit;
        if (f.skipped) {
            o[QStringLiteral("skipped")] = true;
            o[QStringLiteral("reason")] = f.skipReason;
            figures.append(o);
            continue;
        }
        o[QStringLiteral("median")] = jsonNumber(f.median());
        o[QStringLiteral("min")] = jsonNumber(f.min());
        o[QStringLiteral("max")] = jsonNumber(f.max());
        QJsonArray samples;
        for (double s : f.samples)
            samples.append(jsonNumber(s));
        o[QStringLiteral("samples")] = samples;
        if (f.aim.defined()) {
            QJsonObject aim;
            aim[QStringLiteral("text")] = f.aim.text;
            aim[QStringLiteral("low")] = jsonNumber(f.aim.low);
            aim[QStringLiteral("high")] = jsonNumber(f.aim.high);
            aim[QStringLiteral("all_samples")] = f.aim.allSamples;
            const int met = f.aimMet();
            aim[QStringLiteral("met")] = met < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(met == 1);
            o[QStringLiteral("aim")] = aim;
        }
        if (!f.note.isEmpty())
            o[QStringLiteral("note")] = f.note;
        if (!f.extra.isEmpty())
            o[QStringLiteral("extra")] = f.extra;
        figures.append(o);
    }
    QJsonObject root = m_context;
    root[QStringLiteral("figures")] = figures;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool Options::wants(const QString &group) const
{
    return only.isEmpty() || only.contains(group);
}

std::vector<double> repeat(int reps, const std::function<double()> &sample)
{
    std::vector<double> out;
    out.reserve(std::size_t(std::max(0, reps)));
    for (int i = 0; i < reps; ++i)
        out.push_back(sample());
    return out;
}

std::int64_t residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> parts = f.readAll().split(' ');
    if (parts.size() < 2)
        return -1;
    return parts[1].toLongLong() * std::int64_t(sysconf(_SC_PAGESIZE));
}

std::int64_t heapInUseBytes()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    const struct mallinfo2 mi = mallinfo2();
    return std::int64_t(mi.uordblks) + std::int64_t(mi.hblkhd);
#else
    return -1;
#endif
}

void trimHeap()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

StallMeter::StallMeter()
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
        const std::int64_t now = il::monoNs();
        if (m_lastNs)
            m_maxGapMs = std::max(m_maxGapMs, il::nsToMs(now - m_lastNs));
        m_lastNs = now;
    });
    m_timer.start();
}

} // namespace bench
