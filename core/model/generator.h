#pragma once

#include "core/model/taskset.h"

namespace il {

struct GeneratorParams
{
    int count = 20;
    double cpuMinMs = 0;
    double cpuMaxMs = 20;
    double ioMinMs = 50;
    double ioMaxMs = 150;
    quint32 seed = 1;
};

// Deterministic for a given seed: each task gets one io phase then one cpu
// phase with durations drawn uniformly from the ranges (phases of 0 ms are
// left out). Returns the error for invalid ranges in `error`.
TaskSet generateTaskSet(const GeneratorParams &params, QString *error = nullptr);

} // namespace il
