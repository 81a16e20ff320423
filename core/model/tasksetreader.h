#pragma once

// Reads a task set from a stream of JSON tokens (core/json's pull reader):
// the document is never held whole, so memory is the task set itself plus
// the reader's chunk, whatever the file's size.

#include "core/model/taskset.h"

#include <QByteArray>

#include <cstdint>
#include <functional>

namespace il {

namespace json {
class JsonSource;
}

// Hands back up to `length` bytes of the input from `offset` (fewer at its
// end), for the "near: ..." part of a syntax error. Called only on errors.
using BytesAt = std::function<QByteArray(std::int64_t offset, std::int64_t length)>;

// The messages are those documented in the README: a syntax error names the
// byte, line and column with the bytes around it; a bad value names its
// place ("tasks[3].phases[1].io") and why. As with a whole-document parse,
// a syntax error anywhere wins over a bad value, and of several bad values
// the one reported is the first in the order name, tasks, tasks[0].name,
// tasks[0].phases, tasks[0].phases[0], ... whatever the order of the keys.
// `sizeHint`: the input's size in bytes if known (0 if not), to size the
// task list once.
TaskSetResult readTaskSet(json::JsonSource &source, const BytesAt &bytesAt, std::int64_t sizeHint = 0);

} // namespace il
