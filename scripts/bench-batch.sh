#!/usr/bin/env bash
# Documents per second and peak memory of `nianbao batch` with --jobs 1 and --jobs 2, against a
# shell loop of one `nianbao convert` per file, over the fixtures (every format) and the seeds
# copied COPIES times (default 28: 1,008 documents; the loop takes the first LOOP of them,
# default 200). Needs the release build (cargo build --release --workspace) and GNU time.
#
#     scripts/bench-batch.sh [COPIES] [LOOP]
#
# Peak memory is GNU time's maximum resident set size: that of the largest single process of
# the run (the parent or one worker), not their sum. On a shared machine, wall-clock figures
# vary with what else runs (the load average is printed beside them); documents per CPU second
# (user + system, all processes of the run) are what one free core would do.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-28}
loop=${2:-200}
bin=${NIANBAO:-target/release/nianbao}
[ -x "$bin" ] || { echo "bench-batch: $bin is missing: cargo build --release --workspace" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-batch: GNU time (/usr/bin/time) is missing: apt-get install time" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq -w 1 "$copies"); do
    mkdir -p "$work/in/copy-$i"
    for f in tests/fixtures/reports/*; do
        case $f in *.truth.json) ;; *) cp "$f" "$work/in/copy-$i/" ;; esac
    done
    cp tests/fixtures/seeds/* "$work/in/copy-$i/"
done
n=$(find "$work/in" -type f | wc -l)
# Plugins from beside the binary only, and no user folder.
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CACHE_HOME="$work/home/cache"
unset NIANBAO_PLUGIN_PATH
mkdir -p "$HOME"

measure() { # label docs command...
    local label=$1 docs=$2
    shift 2
    local t="$work/time.txt"
    /usr/bin/time -v -o "$t" "$@" >/dev/null 2>"$work/err.txt" || true
    local secs kb cpu
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$t")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
    cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {print s}' "$t")
    awk -v l="$label" -v d="$docs" -v s="$secs" -v k="$kb" -v c="$cpu" \
        'BEGIN { printf "%-34s %6d docs %7.2f s %6.0f docs/s %7.1f MB peak %7.2f CPU s %6.0f docs/CPU s\n", l, d, s, d / (s > 0 ? s : 0.001), k / 1024, c, d / (c > 0 ? c : 0.001) }'
}

echo "nianbao batch over $n documents ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
measure "batch --jobs 1" "$n" "$bin" batch "$work/in" -o "$work/out1" --jobs 1 -q
measure "batch --jobs 2" "$n" "$bin" batch "$work/in" -o "$work/out2" --jobs 2 -q
find "$work/in" -type f | sort >"$work/all.txt"
head -n "$loop" "$work/all.txt" >"$work/list.txt"
cat >"$work/loop.sh" <<LOOP
i=0
while read -r f; do i=\$((i+1)); "$bin" convert "\$f" --to json -o "$work/loop-\$i.json" -q; done <"$work/list.txt"
LOOP
measure "shell loop, one convert per file" "$(wc -l <"$work/list.txt")" bash "$work/loop.sh"
