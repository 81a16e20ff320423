#include "core/modes/processes/workerprocess.h"

#include <QProcess>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace il {

namespace {

// An end numbered 3 or above: 0 to 2 are where the child's ends go, and
// an end that already had its number there would be replaced (stdin by
// /dev/null) before it got there.
int aboveStdio(int fd)
{
    if (fd > STDERR_FILENO)
        return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    ::close(fd);
    return moved;
}

bool makePipe(int ends[2])
{
    if (::pipe2(ends, O_CLOEXEC) != 0)
        return false;
    ends[0] = aboveStdio(ends[0]);
    ends[1] = aboveStdio(ends[1]);
    if (ends[0] >= 0 && ends[1] >= 0)
        return true;
    for (int i = 0; i < 2; ++i)
        if (ends[i] >= 0)
            ::close(ends[i]);
    return false;
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace

WorkerPipes::~WorkerPipes() { close(); }

bool WorkerPipes::open(QString *error)
{
    close();
    int toChild[2] = {-1, -1};
    int fromChild[2] = {-1, -1};
    if (!makePipe(toChild) || !makePipe(fromChild)) {
        const int saved = errno;
        for (int fd : {toChild[0], toChild[1]})
            if (fd >= 0)
                ::close(fd);
        if (error)
            *error = QString::fromLocal8Bit(std::strerror(saved));
        return false;
    }
    m_childIn = toChild[0];
    m_in = toChild[1];
    m_out = fromChild[0];
    m_childOut = fromChild[1];
    ::fcntl(m_in, F_SETFL, ::fcntl(m_in, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_out, F_SETFL, ::fcntl(m_out, F_GETFL) | O_NONBLOCK);
    return true;
}

void WorkerPipes::closeChildEnds()
{
    closeFd(m_childIn);
    closeFd(m_childOut);
}

void WorkerPipes::watch(std::function<void()> readable)
{
    m_readable = std::make_unique<QSocketNotifier>(m_out, QSocketNotifier::Read);
    QObject::connect(m_readable.get(), &QSocketNotifier::activated, m_readable.get(),
                     [readable = std::move(readable)] { readable(); });
}

bool WorkerPipes::read(protocol::Decoder &decoder)
{
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(m_out, buf, sizeof buf);
        if (n > 0) {
            decoder.feed(buf, std::size_t(n));
            if (std::size_t(n) < sizeof buf)
                return true;
            continue; // there may be more
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        // Closed (or broken): nothing more will come; the process's end is
        // told by QProcess.
        if (m_readable)
            m_readable->setEnabled(false);
        return false;
    }
}

void WorkerPipes::write(std::string_view frame)
{
    if (m_holding)
        m_held.append(frame.data(), qsizetype(frame.size()));
    else
        writeNow(frame);
}

void WorkerPipes::release()
{
    m_holding = false;
    if (m_held.isEmpty())
        return;
    writeNow(std::string_view(m_held.constData(), std::size_t(m_held.size())));
    m_held.clear();
}

void WorkerPipes::writeNow(std::string_view bytes)
{
    if (m_in < 0 || m_closeInput)
        return;
    if (!m_unwritten.isEmpty()) {
        m_unwritten.append(bytes.data(), qsizetype(bytes.size()));
        return;
    }
    const char *p = bytes.data();
    qsizetype left = qsizetype(bytes.size());
    while (left > 0) {
        const ssize_t n = ::write(m_in, p, std::size_t(left));
        if (n > 0) {
            p += n;
            left -= n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) { // full: the rest when it drains
            m_unwritten = QByteArray(p, left);
            if (!m_writable) {
                m_writable = std::make_unique<QSocketNotifier>(m_in, QSocketNotifier::Write);
                QObject::connect(m_writable.get(), &QSocketNotifier::activated, m_writable.get(), [this] { flush(); });
            }
            m_writable->setEnabled(true);
            return;
        }
        return; // the worker is gone (EPIPE)
    }
}

void WorkerPipes::flush()
{
    while (!m_unwritten.isEmpty()) {
        const ssize_t n = ::write(m_in, m_unwritten.constData(), std::size_t(m_unwritten.size()));
        if (n > 0) {
            m_unwritten.remove(0, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return; // still full: the notifier calls again
        m_unwritten.clear(); // the worker is gone
    }
    if (m_writable)
        m_writable->setEnabled(false);
    if (m_closeInput)
        closeInput();
}

void WorkerPipes::closeInput()
{
    release();
    m_closeInput = true;
    if (!m_unwritten.isEmpty())
        return; // flush() comes back here
    if (m_writable) {
        m_writable->setEnabled(false);
        m_writable.release()->deleteLater();
    }
    closeFd(m_in);
}

void WorkerPipes::close()
{
    // Possibly from inside a notifier's own signal: off now, gone later.
    for (auto *n : {&m_readable, &m_writable}) {
        if (*n) {
            (*n)->setEnabled(false);
            n->release()->deleteLater();
        }
    }
    m_unwritten.clear();
    m_held.clear();
    m_holding = false;
    m_closeInput = false;
    closeFd(m_in);
    closeFd(m_out);
    closeChildEnds();
}

qint64 startWorkerProcess(QProcess &proc, const QString &program, int inheritFd, const WorkerPipes *pipes)
{
    const int in = pipes ? pipes->childIn() : -1;
    const int out = pipes ? pipes->childOut() : -1;
    if (pipes) {
        // QProcess makes no pipes of its own for these: ours replace them.
        proc.setStandardInputFile(QProcess::nullDevice());
        proc.setStandardOutputFile(QProcess::nullDevice());
    }
    // Runs in the child between fork and exec, after QProcess has set up its
    // standard channels: only async-signal-safe calls.
    proc.setChildProcessModifier([inheritFd, in, out] {
        if (inheritFd >= 0)
            ::fcntl(inheritFd, F_SETFD, 0); // only the child's copy loses close-on-exec
        if (in >= 0)
            ::dup2(in, STDIN_FILENO); // the copy is not close-on-exec
        if (out >= 0)
            ::dup2(out, STDOUT_FILENO);
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

SigpipeBlocked::SigpipeBlocked()
{
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    m_restore = ::pthread_sigmask(SIG_BLOCK, &pipe, &m_old) == 0;
}

SigpipeBlocked::~SigpipeBlocked()
{
    if (!m_restore)
        return;
    // A SIGPIPE raised meanwhile waits, blocked: taken here, or it would be
    // delivered (and end the application) the moment the mask is restored.
    // Unless it was blocked before: then it stays for whoever blocked it.
    sigset_t pending;
    if (!sigismember(&m_old, SIGPIPE) && ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        const timespec now{0, 0};
        while (::sigtimedwait(&pipe, nullptr, &now) < 0 && errno == EINTR) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
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
