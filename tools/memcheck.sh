#!/usr/bin/env bash
# Memory checks (issue 5):
#   1. valgrind --leak-check=full on tools/memcheck_driver (C++ only), one run per engine;
#   2. the library and that driver built with AddressSanitizer + UBSan, all engines;
#   3. the Python extension built with ASan + UBSan, loaded under LD_PRELOAD, running
#      the hostile-input, state (all engines), property and ifzhang parity tests (this
#      covers the binding layer).
# Any valgrind error, definite/indirect leak, sanitizer report or failed check makes
# the script exit non-zero.
#
#   tools/memcheck.sh [FRAMES] [OBJECTS_PER_FRAME]     (defaults: 3000 frames, 50 objects)
# Environment: MEMCHECK_SKIP_VALGRIND=1 / MEMCHECK_SKIP_ASAN=1 / MEMCHECK_SKIP_PYTHON_ASAN=1
# skip a part; MEMCHECK_BUILD_DIR keeps the build trees instead of a temp dir;
# PYTHON (default: python) is the interpreter whose numpy/pytest/hypothesis part 3 uses.
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

if ! command -v cmake >/dev/null; then
    echo "== installing cmake (PyPI)"
    "${PYTHON:-python}" -m pip install --quiet cmake
fi

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
    run_valgrind() {  # engine; writes $BUILD/valgrind-ENGINE.{log,verdict}
        local engine=$1 start=$SECONDS verdict=ok
        valgrind --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
            "$driver" "$engine" "$FRAMES" "$OBJECTS" "$SEED" >"$BUILD/valgrind-$engine.log" 2>&1 || verdict=FAILED
        echo "$verdict $((SECONDS - start))" >"$BUILD/valgrind-$engine.verdict"
    }
    engines=$("$driver" --list)
    # One engine per core at a time.
    for engine in $engines; do
        run_valgrind "$engine" &
        while [[ $(jobs -rp | wc -l) -ge $JOBS ]]; do wait -n || true; done
    done
    wait
    for engine in $engines; do
        log="$BUILD/valgrind-$engine.log"
        read -r verdict seconds <"$BUILD/valgrind-$engine.verdict"
        summary=$(grep -E "ERROR SUMMARY|definitely lost|indirectly lost|All heap blocks were freed|in use at exit" "$log" |
            sed -E 's/^==[0-9]+== *//' | tr '\n' ';')
        echo "valgrind $engine ($FRAMES frames, $OBJECTS objects/frame, $seconds s): $verdict: $summary"
        if [[ $verdict != ok ]]; then
            status=1
            tail -n 60 "$log"
        fi
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

if [[ -z ${MEMCHECK_SKIP_PYTHON_ASAN:-} ]]; then
    PYTHON=${PYTHON:-python}
    if ! "$PYTHON" -c "import pybind11" 2>/dev/null; then
        echo "== installing pybind11 (PyPI)"
        "$PYTHON" -m pip install --quiet "pybind11>=2.12"
    fi
    echo "== ASan+UBSan: building the Python extension"
    flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
    dir="$BUILD/pyasan"
    cmake -S "$ROOT" -B "$dir" -DSKBUILD=ON -DPYBIND11_FINDPYTHON=ON \
        "-Dpybind11_DIR=$("$PYTHON" -m pybind11 --cmakedir)" "-DPython_EXECUTABLE=$(command -v "$PYTHON")" \
        -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined" \
        >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
    cmake --build "$dir" --target _core -j "$JOBS" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; exit 1; }
    pkg="$BUILD/pyasan-pkg"
    mkdir -p "$pkg/bytetrack_cpp"
    cp "$ROOT"/bytetrack_cpp/*.py "$ROOT"/bytetrack_cpp/py.typed "$pkg/bytetrack_cpp/"
    cp "$dir"/_core*.so "$pkg/bytetrack_cpp/"
    log="$BUILD/pyasan.log"
    start=$SECONDS
    # The interpreter is not instrumented: the ASan runtime is preloaded, and leak
    # detection is off (CPython keeps objects alive until exit by design).
    if LD_PRELOAD="$(${CXX:-g++} -print-file-name=libasan.so):$(${CXX:-g++} -print-file-name=libubsan.so)" \
        ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-dev} \
        "$PYTHON" - "$pkg" "$ROOT/tests" >"$log" 2>&1 <<'PY'
import sys

pkg, tests = sys.argv[1], sys.argv[2]
# Import the instrumented build, not an installed (possibly editable) copy.
sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith("_editable")]
sys.path.insert(0, pkg)
import bytetrack_cpp._core

assert bytetrack_cpp._core.__file__.startswith(pkg), bytetrack_cpp._core.__file__
import pytest

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:warnings", f"{tests}/test_hostile_input.py",
                      f"{tests}/test_state.py", f"{tests}/test_state_trackers.py", f"{tests}/test_state_multi_stream.py",
                      f"{tests}/test_hostile_engines.py", f"{tests}/test_properties.py",
                      f"{tests}/test_parity_ifzhang.py"]))
PY
    then
        echo "asan+ubsan Python extension ($((SECONDS - start)) s): ok: $(tail -n 1 "$log")"
    else
        echo "asan+ubsan Python extension: FAILED"
        tail -n 80 "$log"
        status=1
    fi
fi

exit $status
