#pragma once

#include "benchutil.h"

namespace bench {

// Group "json": the streaming JSON reader (core/io) on a Chrome-trace-like
// file — tokenising, tokenising + decoding, skipping, the memory it adds,
// and QJsonDocument::fromJson on the same bytes for comparison.
void benchJsonReader(const Options &options, Report &report);

} // namespace bench
