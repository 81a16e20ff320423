#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine:
#   ./interleave.sh [ARGS...]   install what is missing, build Release, open the window
#   ./interleave.sh test        install what is missing, build (dev preset), run every test,
#                               then the engine tests again under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")"

# Every Debian package the build, the tests and the window need, by name. qt6-base-dev only
# *recommends* libqt6opengl6-dev, yet Qt6Charts' CMake package requires Qt6OpenGL's, so it is
# listed: installs here use --no-install-recommends, as a minimal machine would.
packages=(
  cmake ninja-build g++          # the toolchain
  qt6-base-dev                   # Qt Core, Concurrent, Gui, Widgets, Test (+ moc, rcc)
  libqt6opengl6-dev              # Qt6OpenGL/OpenGLWidgets CMake files, needed by Qt6Charts
  qt6-charts-dev qt6-svg-dev     # the comparison chart, SVG export
  libgl-dev                      # OpenGL headers Qt6Gui's CMake package looks for
  zlib1g-dev                     # the saved picture's PNG encoder (only pulled in indirectly otherwise)
  fonts-dejavu-core              # a font, so the window and saved pictures have text; the
                                 # golden-picture test draws in DejaVu Sans and fails without it
  python3                        # the py-modes: real CPython runs the task set (3.8+; Debian 12 has 3.11)
  python3-distributed            # the dask mode: dask.distributed's LocalCluster, for /usr/bin/python3
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
  test)
    install_missing
    cmake --preset dev >/dev/null
    cmake --build --preset dev -j"$jobs"
    ctest --preset dev -j"$jobs"
    # The engine tests again under ThreadSanitizer: a thread pool deserves it.
    cmake --preset tsan >/dev/null
    cmake --build --preset tsan -j"$jobs"
    ctest --preset tsan -j"$jobs"
    ;;
  *)
    install_missing
    cmake --preset release >/dev/null
    cmake --build --preset release -j"$jobs"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] && [ $# -eq 0 ]; then
      echo "No display found: running the default comparison on the command line instead." >&2
      echo "(Open the window from a desktop session, or set QT_QPA_PLATFORM.)" >&2
      exec build/release/bin/interleave run --preset scrape-and-parse
    fi
    exec build/release/bin/interleave "$@"
    ;;
esac
