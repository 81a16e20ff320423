// il-fake-worker: an interleave-worker that misbehaves on purpose, for the
// process-pool fault tests. It speaks the real protocol and runs tasks with
// the real phase code, except where IL_FAKE_MODE says otherwise:
//   ok                 behave
//   garbage            send text instead of the hello, then wait for EOF
//   version            send a hello with protocol version 99, then wait
//   exit-early         print to stderr and exit(7) before the hello
//   silent             never send the hello, wait for EOF
//   kill-on-task       on task IL_FAKE_TASK: TaskStart, a span begin, SIGKILL itself
//   garbage-on-task    on task IL_FAKE_TASK: TaskStart, then text on the pipe
//   wrong-task         on task IL_FAKE_TASK: a well-formed event for another task
//   out-of-order       on task IL_FAKE_TASK: TaskEnd before TaskStart
//   exit-on-task       on task IL_FAKE_TASK: stderr message, exit(5)
//   hang-on-task       on task IL_FAKE_TASK: TaskStart, then never answer
//   stop-on-task       on task IL_FAKE_TASK: TaskStart, half an event frame,
//                      then SIGSTOP itself (stalled mid-frame, still alive)
// IL_FAKE_TASK=all makes every task the bad one.
// IL_FAKE_INSTANT=1: every other task ends at once (TaskStart, TaskEnd),
// whatever it declares.
// IL_FAKE_ONCE=PATH: only the worker that creates PATH first misbehaves (so
// its replacement behaves); without it every worker does.
#include "core/exec/canceltoken.h"
#include "core/exec/phaserunner.h"
#include "core/modes/processes/pipesink.h"
#include "core/modes/processes/protocol.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {

[[noreturn]] void waitForEof()
{
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR))
            _exit(0);
    }
}

[[noreturn]] void hangForever()
{
    for (;;)
        ::pause();
}

// A fault's events go out at once (the pipe sink otherwise gathers them
// until the lane blocks), since the fault comes next.
void send(il::PipeSink &sink, const il::Event &e)
{
    sink.record(e);
    sink.flush();
}

il::Event event(il::EventKind kind, std::uint32_t task, il::SpanKind span = il::SpanKind::None, std::uint16_t phase = il::noPhase)
{
    return il::makeEvent(kind, task, il::noLane, span, phase);
}

} // namespace

int main()
{
    std::string mode = std::getenv("IL_FAKE_MODE") ? std::getenv("IL_FAKE_MODE") : "ok";
    const char *taskEnv = std::getenv("IL_FAKE_TASK");
    const bool everyTask = taskEnv && std::strcmp(taskEnv, "all") == 0;
    const long badTask = taskEnv ? std::atol(taskEnv) : 0;
    if (const char *once = std::getenv("IL_FAKE_ONCE")) {
        const int fd = ::open(once, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd < 0)
            mode = "ok"; // somebody else already misbehaved
        else
            ::close(fd);
    }

    if (mode == "garbage") {
        il::protocol::writeAll(STDOUT_FILENO, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>");
        waitForEof();
    }
    if (mode == "version") {
        il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeHello(std::uint32_t(::getpid()), 99));
        waitForEof();
    }
    if (mode == "silent")
        waitForEof();
    if (mode == "exit-early") {
        std::fprintf(stderr, "fake worker: cannot map shared memory\n");
        return 7;
    }

    if (!il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeHello(std::uint32_t(::getpid()))))
        return 3;
    il::protocol::Decoder decoder;
    il::PipeSink sink;
    il::CancelToken never;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        decoder.feed(buf, size_t(n));
        il::protocol::Frame frame;
        for (;;) {
            const auto status = decoder.next(&frame);
            if (status == il::protocol::Decoder::Status::NeedMore)
                break;
            if (status == il::protocol::Decoder::Status::Error)
                return 2;
            if (frame.type == il::protocol::FrameType::Quit)
                return 0;
            const std::uint32_t task = frame.taskIndex;
            if (everyTask || long(task) == badTask) {
                if (mode == "kill-on-task") {
                    send(sink, event(il::EventKind::TaskStart, task));
                    send(sink, event(il::EventKind::SpanBegin, task, il::SpanKind::Io, 0));
                    ::raise(SIGKILL);
                }
                if (mode == "garbage-on-task") {
                    send(sink, event(il::EventKind::TaskStart, task));
                    il::protocol::writeAll(STDOUT_FILENO, "garbage garbage garbage garbage garbage");
                    waitForEof();
                }
                if (mode == "wrong-task") {
                    send(sink, event(il::EventKind::TaskStart, task + 1000));
                    waitForEof();
                }
                if (mode == "out-of-order") {
                    send(sink, event(il::EventKind::TaskEnd, task));
                    waitForEof();
                }
                if (mode == "exit-on-task") {
                    std::fprintf(stderr, "fake worker: simulated failure on task %u\n", task);
                    std::fflush(stderr);
                    _exit(5);
                }
                if (mode == "hang-on-task") {
                    send(sink, event(il::EventKind::TaskStart, task));
                    hangForever();
                }
                if (mode == "stop-on-task") {
                    send(sink, event(il::EventKind::TaskStart, task));
                    const std::string frame = il::protocol::encodeEvent(event(il::EventKind::SpanBegin, task, il::SpanKind::Io, 0));
                    il::protocol::writeAll(STDOUT_FILENO, frame.substr(0, frame.size() / 2));
                    ::raise(SIGSTOP);
                    hangForever(); // if somebody sends SIGCONT
                }
            }
            if (std::getenv("IL_FAKE_INSTANT")) {
                sink.record(event(il::EventKind::TaskStart, task));
                sink.record(event(il::EventKind::TaskEnd, task));
                sink.flush();
                continue;
            }
            il::LaneContext lane{sink, il::noLane, never};
            il::runTaskBlocking(frame.task(), task, lane);
        }
    }
}
