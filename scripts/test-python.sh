#!/usr/bin/env bash
# Tests the Python package as a user gets it: a fresh virtual environment in target/py-venv,
# `pip install ./crates/python` (which builds the extension module and the format plugins and
# puts them in the wheel), pytest, pyarrow, pandas and Ray from PyPI, then pytest over
# crates/python/tests (the Ray recipe runs on a local Ray with 2 CPUs).
#
# Exit status: pytest's; 77 when the test cannot run here (no python3 or venv, or pip cannot
# install the third-party packages, e.g. without network), with the reason on stderr.
# Environment: PYTHON (default python3); PYTEST_ARGS are passed to pytest.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
python="${PYTHON:-python3}"
venv="$repo/target/py-venv"

cannot() {
    echo "test-python: cannot run: $*" >&2
    exit 77
}

command -v "$python" >/dev/null 2>&1 || cannot "no $python"
rm -rf "$venv"
mkdir -p "$repo/target"
"$python" -m venv "$venv" >/dev/null 2>&1 || cannot "$python -m venv failed (on Debian: apt-get install python3-venv)"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input)
"${pip[@]}" install -q pytest pyarrow pandas "ray[data]" || cannot "pip could not install pytest, pyarrow, pandas and ray[data]"

# The CLI, for the test that compares the package's model with `nianbao convert --to json`.
[ -x target/release/nianbao ] || cargo build --release -p nianbao-cli
echo "test-python: pip install ./crates/python" >&2
"${pip[@]}" install ./crates/python

export RAY_USAGE_STATS_ENABLED=0
# Run from a folder outside the source tree, so `import nianbao` is the installed package.
cd "$repo/target"
# shellcheck disable=SC2086
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q -rs "$repo/crates/python/tests" ${PYTEST_ARGS:-}
