#pragma once

// Shared plumbing of interleave-bench: figures with repeated samples, the
// aims they are checked against, the readable table, the JSON report and a
// few process-memory probes.

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace bench {

// What a figure should stay within. `allSamples`: every sample must be inside
// (a tolerance band such as 100 +- 2 ms); otherwise the median is checked.
struct Aim
{
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool allSamples = false;
    QString text; // "< 10", "<= 250", "100 +- 2"

    bool defined() const { return !text.isEmpty(); }
    static Aim below(double high, const QString &text) { Aim a; a.high = high; a.text = text; return a; }
    static Aim band(double low, double high, const QString &text)
    {
        Aim a;
        a.low = low;
        a.high = high;
        a.allSamples = true;
        a.text = text;
        return a;
    }
};

struct Figure
{
    QString id;    // "overhead.threads": group '.' item
    QString label; // what the table shows
    QString unit;
    std::vector<double> samples;
    Aim aim;
    QString note; // workers, sizes, caveats
    QJsonObject extra;
    bool skipped = false;
    QString skipReason;

    double median() const;
    double min() const;
    double max() const;
    // -1: no aim or no samples, 0: missed, 1: met.
    int aimMet() const;
};

class Report
{
public:
    Figure &add(Figure figure);
    void skip(const QString &id, const QString &label, const QString &why);
    const std::vector<Figure> &figures() const { return m_figures; }

    void setContext(const QJsonObject &context) { m_context = context; }
    QString table() const;
    QByteArray json() const;

private:
    std::vector<Figure> m_figures;
    QJsonObject m_context;
};

// Settings every benchmark reads.
struct Options
{
    bool quick = false;
    int reps = 3;
    QStringList only; // group names; empty = all
    bool wants(const QString &group) const;
};

// Runs `sample` `reps` times and returns the samples in order.
std::vector<double> repeat(int reps, const std::function<double()> &sample);

// Resident set size of this process in bytes (/proc/self/statm).
std::int64_t residentBytes();
// Bytes handed out by malloc (small blocks + mmapped blocks), or -1 when the
// C library cannot say.
std::int64_t heapInUseBytes();
// Gives freed memory back to the system so the next RSS reading is clean.
void trimHeap();

// How long the calling thread's event loop was blocked: the longest gap
// between ticks of a 1 ms timer, from construction on.
class StallMeter
{
public:
    StallMeter();
    double maxGapMs() const { return m_maxGapMs; }

private:
    QTimer m_timer;
    std::int64_t m_lastNs = 0;
    double m_maxGapMs = 0;
};

} // namespace bench
