#pragma once

#include "core/exec/executor.h"

#include <memory>

namespace il {

// One Executor per mode (this folder holds one file per mode). A new mode is
// one new file here and one case in makeExecutor().
std::unique_ptr<Executor> makeExecutor(const RunConfig &config);

} // namespace il
