#pragma once

#include <QString>

namespace il {

struct RunConfig;
struct Task;

// How long a worker process may take over one task before it counts as
// stuck (stopped, hung, stalled mid-frame): it is then killed with its whole
// process group, the task fails and the worker is replaced. Every run has
// one, so no worker can hang a run:
//   --task-timeout MS when given, else
//   5 s + 3 × the task's declared time (io + cpu), where cpu counts
//   ⌈workers / cores⌉ times when the pool has more workers than cores (they
//   then share the cores and each cpu phase takes that much longer).
struct LivenessLimit
{
    int ms = 0;
    QString description; // for the incident: which limit and its value
};

inline constexpr int livenessBaseMs = 5000;
inline constexpr int livenessFactor = 3;

LivenessLimit livenessLimit(const Task &task, const RunConfig &config, int cores);
// The same limit without its description (what a task in flight needs).
int livenessLimitMs(const Task &task, const RunConfig &config, int cores);

} // namespace il
