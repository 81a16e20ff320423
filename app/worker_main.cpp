// interleave-worker: one lane of the process pool. Reads tasks from stdin,
// runs them with the same phase code as the in-process lanes and writes
// every event to stdout with its own CLOCK_MONOTONIC timestamps.
#include "core/exec/canceltoken.h"
#include "core/modes/processes/pipesink.h"
#include "core/modes/processes/protocol.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <sys/prctl.h>
#include <unistd.h>

int main()
{
    // If the app dies without reaping us (SIGKILL, a crash), die too rather
    // than finish an hour-long cpu phase as an orphan. The signal follows the
    // thread that started us, which outlives its workers. Checking the
    // parent afterwards closes the race of it dying before prctl().
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
        return 3;

    il::protocol::Decoder decoder;
    if (!il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeHello(quint32(::getpid()))))
        return 3;
    il::PipeSink sink;
    il::CancelToken never; // the parent stops a worker by killing it
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0; // parent closed the pipe
        decoder.feed(buf, size_t(n));
        il::protocol::Frame frame;
        for (;;) {
            const auto status = decoder.next(&frame);
            if (status == il::protocol::Decoder::Status::NeedMore)
                break;
            if (status == il::protocol::Decoder::Status::Error) {
                il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeError(decoder.error()));
                std::fprintf(stderr, "interleave-worker: %s\n", qPrintable(decoder.error()));
                return 2;
            }
            if (frame.type == il::protocol::FrameType::Quit)
                return 0;
            if (frame.type != il::protocol::FrameType::Task) {
                il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeError(QStringLiteral("unexpected frame from the parent")));
                return 2;
            }
            il::LaneContext lane{sink, il::noLane, never};
            il::runTaskBlocking(frame.task, frame.taskIndex, lane);
        }
    }
}
