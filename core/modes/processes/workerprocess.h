#pragma once

#include "core/modes/processes/protocol.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <csignal>
#include <functional>
#include <memory>
#include <string_view>

class QProcess;
class QSocketNotifier;

namespace il {

// A worker process is started as the leader of its own process group, so
// everything it starts (a worker that is a script, a wrapper, a helper it
// forks) can be killed with it: a stopped, hung or retired worker must leave
// nothing running behind it.

// The parent's ends of a worker's stdin and stdout: pipes of our own
// rather than QProcess's channels, which cost a task several system calls and a
// trip round the event loop each way (QProcess writes what it is given only
// on the next iteration, after waking its own loop, and asks how much there
// is before each read). Here a frame is written at once and whatever the
// worker sent is read in one call. The child's ends become its fd 0 and 1
// (startWorkerProcess); stderr stays a QProcess channel.
class WorkerPipes
{
public:
    WorkerPipes() = default;
    ~WorkerPipes();
    WorkerPipes(const WorkerPipes &) = delete;
    WorkerPipes &operator=(const WorkerPipes &) = delete;

    // Both pipes, every end close-on-exec, ours non-blocking. False (and why)
    // if the system has no descriptors left.
    bool open(QString *error);
    int childIn() const { return m_childIn; }
    int childOut() const { return m_childOut; }
    // Once the child has its copies: ours must go, or its end of stdout
    // would never read as closed.
    void closeChildEnds();
    // Calls `readable` on this thread's event loop whenever the worker has
    // written something (or closed its stdout).
    void watch(std::function<void()> readable);
    // Feeds what the worker has written to `decoder`, without waiting.
    // Returns false once the worker's stdout is closed (and stops watching).
    bool read(protocol::Decoder &decoder);
    // Now, as far as the pipe takes it; the rest when it can (in order).
    // A worker that is gone takes nothing (EPIPE: the writing thread holds
    // a SigpipeBlocked): its loss is told elsewhere.
    void write(std::string_view frame);
    // Between hold() and release(), frames are gathered and then written
    // together: one write, one wake-up of the worker.
    void hold() { m_holding = true; }
    void release();
    // Nothing more to say: closes the worker's stdin once what was written
    // has gone.
    void closeInput();
    // Both ends, at once.
    void close();

private:
    void writeNow(std::string_view bytes);
    void flush();

    int m_in = -1;       // we write the worker's stdin here
    int m_out = -1;      // and read its stdout here
    int m_childIn = -1;  // the ends the child gets
    int m_childOut = -1;
    bool m_closeInput = false;
    bool m_holding = false;
    QByteArray m_held;
    QByteArray m_unwritten;
    std::unique_ptr<QSocketNotifier> m_readable;
    std::unique_ptr<QSocketNotifier> m_writable;
};

// While it lives, SIGPIPE is blocked for this thread only: a write to a
// worker that is gone fails with EPIPE instead of ending the application,
// and nothing changes for the application's other threads (a CLI whose
// stdout reader went away still gets its SIGPIPE).
class SigpipeBlocked
{
public:
    SigpipeBlocked();
    ~SigpipeBlocked();
    SigpipeBlocked(const SigpipeBlocked &) = delete;
    SigpipeBlocked &operator=(const SigpipeBlocked &) = delete;

private:
    sigset_t m_old;
    bool m_restore = false;
};

// Starts `program` (no arguments) in `proc` as a new process group. Returns
// the child's pid, which is also the group's id, or 0 if it could not fork.
// `inheritFd` (if >= 0) stays open in the child under its own number,
// though close-on-exec in this process: the run's shared counters. With
// `pipes`, their child ends are the child's stdin and stdout.
qint64 startWorkerProcess(QProcess &proc, const QString &program, int inheritFd = -1,
                          const WorkerPipes *pipes = nullptr);

// SIGKILL to every process of the group `pgid` (as returned above). Harmless
// when the group is already empty; never signals our own group.
void killWorkerGroup(qint64 pgid);

} // namespace il
