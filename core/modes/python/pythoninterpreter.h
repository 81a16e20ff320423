#pragma once

#include <QString>

namespace il {

// Which python3 runs the py-modes and dask, and whether it can.
//
// The path: the one given (--python PATH in the CLI), else $INTERLEAVE_PYTHON,
// else /usr/bin/python3, else the first python3 on PATH. Debian's
// /usr/bin/python3 comes first on purpose: `apt-get install
// python3-distributed` (the README's setup) installs Dask for that
// interpreter only, while a pyenv or venv python3 found earlier on PATH
// usually lacks it.
QString resolvePythonPath(const QString &configured = QString());

struct PythonInfo
{
    QString path;          // as resolved
    QString version;       // "3.11.2"; empty if it could not be run
    bool usable = false;   // runs and is new enough for the py-modes
    bool hasDask = false;  // `distributed` importable (the dask mode)
    QString daskVersion;   // "2022.12.1" when known
    QString problem;       // why not usable, for people: names the path and the fix
    QString daskProblem;   // why dask cannot run (empty when it can)
};

inline constexpr int minPythonMajor = 3;
inline constexpr int minPythonMinor = 8;

// Runs `path -c <probe>` (about 20 ms; cached per path for the process's
// lifetime, so the window and every run ask once). Thread-safe.
PythonInfo probePython(const QString &path);
// Forgets cached probes (tests that swap interpreters).
void forgetPythonProbes();

} // namespace il
