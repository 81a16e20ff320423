// interleave-worker: one lane of the process pool. Reads tasks from stdin,
// runs them with the same phase code as the in-process lanes and writes
// every event to stdout with its own CLOCK_MONOTONIC timestamps.
#include "core/exec/canceltoken.h"
#include "core/exec/counters.h"
#include "core/model/taskset.h"
#include "core/modes/processes/pipesink.h"
#include "core/modes/processes/protocol.h"
#include "core/modes/processes/sharedcells.h"
#include "core/modes/processes/workerchannel.h"

#include <csignal>
#include <memory>
#include <optional>
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

    if (!il::protocol::writeAll(STDOUT_FILENO, il::protocol::encodeHello(quint32(::getpid()))))
        return 3;
    il::PipeSink sink;
    // How long to look for a lock's answer before sleeping (the parent
    // says, since only it knows how many workers share the cores).
    il::WorkerChannel channel(sink, qEnvironmentVariableIntValue(il::protocol::spinEnvironment));
    il::WorkerLocks locks(channel);
    il::CancelToken never; // the parent stops a worker by killing it
    // A set with locks and counters: the parent's Shared frame maps the
    // counters before the first task; each task brings its increments.
    std::unique_ptr<il::SharedCells> shared;
    std::optional<il::Counters> counters;
    il::TaskSet scratch;
    for (;;) {
        il::protocol::Frame frame = channel.next(); // ends the process on Quit or a closed pipe
        if (frame.type == il::protocol::FrameType::Shared) {
            QString error;
            shared = il::SharedCells::map(frame.fd, frame.cells, &error);
            if (!shared) {
                sink.send(il::protocol::encodeError(QStringLiteral("cannot map the counters: %1").arg(error)));
                return 2;
            }
            counters.emplace(scratch, shared->cells());
            continue;
        }
        scratch.increments = std::move(frame.increments);
        il::LaneContext lane{sink, il::noLane, never};
        lane.locks = &locks;
        lane.counters = counters ? &*counters : nullptr;
        lane.set = &scratch;
        if (!scratch.increments.empty() && !counters) {
            sink.send(il::protocol::encodeError(QStringLiteral("an increment phase before the counters were shared")));
            return 2;
        }
        il::runTaskBlocking(frame.task, frame.taskIndex, lane);
    }
}
