#!/usr/bin/env bash
# Memory checks of the C++ core, no Python involved (issue 5):
#   1. valgrind --leak-check=full on tools/memcheck_driver, one run per engine;
#   2. the library and the driver built with AddressSanitizer + UBSan, all engines.
# Any valgrind error, definite/indirect leak, sanitizer report or failed driver
# check makes the script exit non-zero.
#
#   tools/memcheck.sh [FRAMES] [OBJECTS_PER_FRAME]     (defaults: 3000 frames, 50 objects)
# Environment: MEMCHECK_SKIP_VALGRIND=1 / MEMCHECK_SKIP_ASAN=1 skip a part;
# MEMCHECK_BUILD_DIR keeps the build trees somewhere instead of a temp dir.
set -euo pipefail

FRAMES=${1:-3000}
OBJECTS=${2:-50}
SEED=7
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
BUILD=${MEMCHECK_BUILD_DIR:-$(mktemp -d /tmp/bytetrack-memcheck.XXXXXX)}
mkdir -p "$BUILD"
if [[ -z ${MEMCHECK_BUILD_DIR:-} ]]; then trap 'rm -rf "$BUILD"' EXIT; fi

configure_and_build() {  # dir, extra cmake args...
    local dir=$1
    shift
    cmake -S "$ROOT" -B "$dir" -DBYTETRACK_BUILD_TOOLS=ON "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; return 1; }
    cmake --build "$dir" --target memcheck_driver -j "$JOBS" >"$dir.build.log" 2>&1 ||
        { cat "$dir.build.log"; return 1; }
}

status=0

if [[ -z ${MEMCHECK_SKIP_VALGRIND:-} ]]; then
    if ! command -v valgrind >/dev/null; then
        echo "== installing valgrind"
        SUDO=""
        if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then SUDO=sudo; fi
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq valgrind >/dev/null
    fi
    echo "== valgrind: building memcheck_driver (RelWithDebInfo)"
    configure_and_build "$BUILD/valgrind" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    driver="$BUILD/valgrind/memcheck_driver"
    for engine in $("$driver" --list); do
        log="$BUILD/valgrind-$engine.log"
        start=$SECONDS
        if valgrind --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
            "$driver" "$engine" "$FRAMES" "$OBJECTS" "$SEED" >"$log" 2>&1; then
            verdict=ok
        else
            verdict=FAILED
            status=1
        fi
        summary=$(grep -E "ERROR SUMMARY|definitely lost|indirectly lost|All heap blocks were freed|in use at exit" "$log" |
            sed -E 's/^==[0-9]+== *//' | tr '\n' ';')
        echo "valgrind $engine ($FRAMES frames, $OBJECTS objects/frame, $((SECONDS - start)) s): $verdict: $summary"
        if [[ $verdict != ok ]]; then tail -n 60 "$log"; fi
    done
fi

if [[ -z ${MEMCHECK_SKIP_ASAN:-} ]]; then
    echo "== ASan+UBSan: building library and memcheck_driver"
    flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
    configure_and_build "$BUILD/asan" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=$flags" \
        "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
    log="$BUILD/asan.log"
    start=$SECONDS
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$BUILD/asan/memcheck_driver" all "$FRAMES" "$OBJECTS" "$SEED" >"$log" 2>&1; then
        echo "asan+ubsan all engines ($FRAMES frames, $OBJECTS objects/frame, $((SECONDS - start)) s): ok"
    else
        echo "asan+ubsan: FAILED"
        tail -n 80 "$log"
        status=1
    fi
    grep -E "checksum|allocations" "$log" || true
fi

exit $status
