#pragma once

#include <QString>

namespace il {

// Whether `path` can be read as an input file of the kind `what` names ("task
// set file", "trace file"): "" if it is a regular file, else why not, with
// the path made printable — "PATH: no such file", "PATH: is a directory, not
// a trace file", "PATH: is a named pipe (FIFO), not a task set file" (a FIFO
// would block open() for ever, /dev/zero never ends: refused before opening).
QString inputFileProblem(const QString &path, const char *what);

} // namespace il
