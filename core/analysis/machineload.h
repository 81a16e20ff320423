#pragma once

#include <cstdint>

namespace il {

// Above this share of the cores used by other programs a run's timings are
// suspect: the why text and the run header say so.
inline constexpr double busyMachineShare = 0.25;

// What else used the machine's cores during a run: from /proc/stat (every
// core's busy time) minus this process's own CPU time and that of its
// reaped children (the worker processes, the Python runner and what it
// started), over the run's wall time on every core.
class MachineLoad
{
public:
    MachineLoad(); // the start
    // Share (0..1) of all cores' time used by other programs since the
    // start; -1 if /proc could not be read.
    double othersShare() const;
    // All cores' clock ticks a figure needs at least (0.25 s on two cores at
    // 100 Hz): fewer, and the ticks' rounding alone moves it by 10 % and more.
    static constexpr std::int64_t minTicks = 50;

private:
    struct Sample
    {
        std::int64_t busy = 0, total = 0, own = 0; // clock ticks
        bool ok = false;
    };
    static Sample sample();
    Sample m_start;
};

} // namespace il
