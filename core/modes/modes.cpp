#include "core/modes/modes.h"

#include <optional>

namespace il {

std::unique_ptr<Executor> makeSequentialExecutor();
std::unique_ptr<Executor> makeThreadPoolExecutor(int workers, std::optional<double> gilSwitchMs);
std::unique_ptr<Executor> makeProcessPoolExecutor(int workers);
std::unique_ptr<Executor> makeEventLoopExecutor();
std::unique_ptr<Executor> makePythonExecutor(const RunConfig &config);

std::unique_ptr<Executor> makeExecutor(const RunConfig &config)
{
    const int workers = config.effectiveWorkers();
    switch (config.mode) {
    case Mode::Sequential: return makeSequentialExecutor();
    case Mode::Threads: return makeThreadPoolExecutor(workers, std::nullopt);
    case Mode::ThreadsGil: return makeThreadPoolExecutor(workers, config.gilSwitchMs);
    case Mode::Processes: return makeProcessPoolExecutor(workers);
    case Mode::EventLoop: return makeEventLoopExecutor();
    case Mode::PySequential:
    case Mode::PyThreads:
    case Mode::PyProcesses:
    case Mode::PyAsyncio:
    case Mode::Dask: return makePythonExecutor(config);
    }
    return nullptr;
}

} // namespace il
