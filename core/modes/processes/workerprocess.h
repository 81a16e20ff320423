#pragma once

#include <QString>
#include <QtGlobal>

class QProcess;

namespace il {

// A worker process is started as the leader of its own process group, so
// everything it starts (a worker that is a script, a wrapper, a helper it
// forks) can be killed with it: a stopped, hung or retired worker must leave
// nothing running behind it.

// Starts `program` (no arguments) in `proc` as a new process group. Returns
// the child's pid, which is also the group's id, or 0 if it could not fork.
// `inheritFd` (if >= 0) stays open in the child under its own number,
// though close-on-exec in this process: the run's shared counters.
qint64 startWorkerProcess(QProcess &proc, const QString &program, int inheritFd = -1);

// SIGKILL to every process of the group `pgid` (as returned above). Harmless
// when the group is already empty; never signals our own group.
void killWorkerGroup(qint64 pgid);

} // namespace il
