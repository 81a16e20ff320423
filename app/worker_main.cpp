// interleave-worker: one lane of the process pool. Reads tasks from stdin,
// runs them with the same phase code as the in-process lanes and writes
// every event to stdout with its own CLOCK_MONOTONIC timestamps.
//
// It links no Qt (only the C and C++ runtimes): what it runs and speaks
// (phaserunner, protocol, workerchannel) is standard C++, so a worker
// starts without the dynamic loader binding Qt Core, ICU and glib first.
#include "core/exec/canceltoken.h"
#include "core/exec/phaserunner.h"
#include "core/modes/processes/pipesink.h"
#include "core/modes/processes/protocol.h"
#include "core/modes/processes/sharedcells.h"
#include "core/modes/processes/workerchannel.h"

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

// The parent's INTERLEAVE_WORKER_SPIN_NS: a count of nanoseconds; absent or
// not a number: 0 (sleep at once).
std::int64_t spinFromEnvironment()
{
    const char *text = std::getenv(il::protocol::spinEnvironment);
    if (!text || !*text)
        return 0;
    char *end = nullptr;
    const long long ns = std::strtoll(text, &end, 10);
    return *end == '\0' && ns > 0 ? std::int64_t(ns) : 0;
}

} // namespace

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

    if (!il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeHello(std::uint32_t(::getpid()))))
        return 3;
    il::PipeSink sink;
    // How long to look for a lock's answer before sleeping (the parent
    // says, since only it knows how many workers share the cores).
    il::WorkerChannel channel(sink, spinFromEnvironment());
    il::WorkerLocks locks(channel);
    il::CancelToken never; // the parent stops a worker by killing it
    // A set with locks and counters: the parent's Shared frame maps the
    // counters before the first task; each task brings its increments.
    std::unique_ptr<il::SharedCells> shared;
    for (;;) {
        il::protocol::Frame frame = channel.next(); // ends the process on Quit or a closed pipe
        if (frame.type == il::protocol::FrameType::Shared) {
            std::string error;
            shared = il::SharedCells::map(frame.fd, frame.cells, &error);
            if (!shared)
                channel.fail("cannot map the counters: " + error);
            continue;
        }
        il::LaneContext lane{sink, il::noLane, never};
        lane.locks = &locks;
        lane.counters = shared ? shared->cells() : nullptr;
        if (!frame.increments.empty() && !shared)
            channel.fail("an increment phase before the counters were shared");
        for (const il::Increment &inc : frame.increments)
            if (inc.counter >= shared->count())
                channel.fail("an increment of counter " + std::to_string(inc.counter) + " of "
                             + std::to_string(shared->count()));
        il::runTaskBlocking(frame.task(), frame.taskIndex, lane);
    }
}
