#include "core/model/generator.h"

#include <cmath>
#include <random>

namespace il {

TaskSet generateTaskSet(const GeneratorParams &p, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return TaskSet{};
    };
    if (p.count < 1 || std::size_t(p.count) > limits::maxTasks)
        return fail(QStringLiteral("count: must be between 1 and %1 (got %2)").arg(limits::maxTasks).arg(p.count));
    const auto rangeOk = [](double lo, double hi) {
        return std::isfinite(lo) && std::isfinite(hi) && lo >= 0 && hi >= lo && hi <= limits::maxPhaseMs;
    };
    if (!rangeOk(p.cpuMinMs, p.cpuMaxMs))
        return fail(QStringLiteral("cpu range: need 0 <= min <= max <= 3600000 ms (got %1..%2)").arg(p.cpuMinMs).arg(p.cpuMaxMs));
    if (!rangeOk(p.ioMinMs, p.ioMaxMs))
        return fail(QStringLiteral("io range: need 0 <= min <= max <= 3600000 ms (got %1..%2)").arg(p.ioMinMs).arg(p.ioMaxMs));
    if (p.cpuMaxMs == 0 && p.ioMaxMs == 0)
        return fail(QStringLiteral("cpu and io ranges are both 0: tasks would have no phases"));

    // mt19937 and a hand-rolled uniform mapping: std::uniform_real_distribution
    // is not specified bit-exactly, and a seed must mean the same task set
    // with every standard library.
    std::mt19937 rng(p.seed);
    auto draw = [&](double lo, double hi) {
        const double u = double(rng()) / 4294967296.0;
        return std::round((lo + (hi - lo) * u) * 10.0) / 10.0; // 0.1 ms steps read well
    };
    TaskSet set;
    set.name = QStringLiteral("generated (n=%1, cpu %2–%3 ms, io %4–%5 ms, seed %6)")
                   .arg(p.count).arg(p.cpuMinMs).arg(p.cpuMaxMs).arg(p.ioMinMs).arg(p.ioMaxMs).arg(p.seed);
    set.tasks.resize(p.count);
    for (int i = 0; i < p.count; ++i) {
        Task &t = set.tasks[i];
        t.name = QStringLiteral("task %1").arg(i);
        const double io = draw(p.ioMinMs, p.ioMaxMs);
        const double cpu = draw(p.cpuMinMs, p.cpuMaxMs);
        if (io > 0)
            t.phases.push_back({PhaseKind::Io, io});
        if (cpu > 0 || t.phases.empty())
            t.phases.push_back({PhaseKind::Cpu, cpu});
    }
    if (error)
        error->clear();
    return set;
}

} // namespace il
