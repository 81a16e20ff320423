#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 60), starting from the committed seed corpus.
#   tests/fuzz/run-fuzz.sh 300            # 5 minutes per target
#   tests/fuzz/run-fuzz.sh 60 protocol    # one target (taskset, protocol, jsonreader, trace)
# Needs: clang, libclang-rt-14-dev (Debian 12), qt6-base-dev, cmake, ninja.
# New inputs go to a scratch corpus under the build dir; crashes are written
# there as crash-* and make this script exit non-zero. Add a crash input that
# you fixed to corpus/<target>/ so it stays covered.
set -eu
SECONDS_EACH=${1:-60}
TARGETS=${2:-taskset protocol jsonreader trace}
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${FUZZ_BUILD_DIR:-$HERE/../../build-fuzz}
JOBS=${FUZZ_JOBS:-1}

CXX=${CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "run-fuzz.sh: $CXX not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
cmake -S "$HERE" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"${FUZZ_BUILD_JOBS:-2}"

status=0
for target in $TARGETS; do
    work="$BUILD/corpus-$target"
    mkdir -p "$work" "$BUILD/artifacts-$target"
    echo "== fuzz_$target for ${SECONDS_EACH}s"
    # -rss_limit_mb: a task set may legitimately be large; -max_len covers a
    # few hundred tasks or frames. The seed corpus is read, never written.
    if ! (cd "$BUILD/artifacts-$target" && ASAN_OPTIONS=detect_leaks=1 "$BUILD/fuzz_$target" \
            -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
            -jobs="$JOBS" -workers="$JOBS" -print_final_stats=1 \
            -dict="$HERE/$target.dict" -artifact_prefix="$BUILD/artifacts-$target/" \
            "$work" "$HERE/corpus/$target" 2>&1 | tee "$BUILD/fuzz_$target.log" | grep -E '^(#[0-9]+ +(INITED|DONE)|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)'); then
        :
    fi
    if ls "$BUILD/artifacts-$target"/crash-* "$BUILD/artifacts-$target"/leak-* "$BUILD/artifacts-$target"/timeout-* "$BUILD/artifacts-$target"/oom-* >/dev/null 2>&1; then
        echo "fuzz_$target: FOUND PROBLEMS, see $BUILD/artifacts-$target and $BUILD/fuzz_$target.log" >&2
        status=1
    fi
done
exit $status
