#include "core/modes/processes/workerprocess.h"

#include <QProcess>

#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace il {

qint64 startWorkerProcess(QProcess &proc, const QString &program, int inheritFd)
{
    // Runs in the child between fork and exec: only async-signal-safe calls.
    proc.setChildProcessModifier([inheritFd] {
        if (inheritFd >= 0)
            ::fcntl(inheritFd, F_SETFD, 0); // only the child's copy loses close-on-exec
        ::setpgid(0, 0);
        // Die with the thread that started us even if the program is not
        // interleave-worker (which sets this again itself): a script worker
        // then does not outlive a killed app either. Survives exec.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    proc.start(program, {});
    const qint64 pid = proc.processId();
    if (pid > 0) {
        // The parent sets the group too (as shells do), so the group exists
        // as soon as start() returns: a kill right after cannot miss a child
        // that has not reached its own setpgid yet. Fails harmlessly (EACCES)
        // once the child has exec'd, by which time it has done it itself.
        ::setpgid(pid_t(pid), pid_t(pid));
    }
    return pid;
}

void killWorkerGroup(qint64 pgid)
{
    // pgid 0 or 1 would mean our own group or every process we may signal.
    if (pgid <= 1 || pgid == qint64(::getpgrp()))
        return;
    // The number stays reserved while any member lives, even after the
    // leader was reaped, so this reaches a script's leftover children; when
    // the group is empty the call finds nobody (ESRCH).
    ::kill(-pid_t(pgid), SIGKILL);
}

} // namespace il
