#!/usr/bin/env bash
# Installs nianbao with every format plugin, each still a library loaded at run time:
#   PREFIX/bin/nianbao                       the binary
#   PREFIX/lib/nianbao/plugins/libnianbao_*  the plugins (the binary looks in ../lib/nianbao/plugins
#                                            from its own folder, links followed)
#   PREFIX/share/man/man1/nianbao.1          the manual page
#   PREFIX/share/{bash-completion,zsh,fish}  shell completions
#
# Usage: scripts/install.sh [--prefix PREFIX] [--debug]
#   --prefix  where to install (default: $PREFIX, else ~/.local)
#   --debug   install the debug build (quick, for tests) instead of building for release
set -euo pipefail

usage() { sed -n '2,12s/^# \{0,1\}//p' "$0"; }
prefix="${PREFIX:-$HOME/.local}"
profile=release
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 64; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#*=}"; shift ;;
        --debug) profile=debug; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
    esac
done
cd "$(dirname "$0")/.."
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

# Every crate under plugins/ is a format plugin; the test plugins (tests/plugins) are not.
packages=(-p nianbao-cli)
for manifest in plugins/*/Cargo.toml; do
    packages+=(-p "$(sed -n 's/^name = "\(nianbao-[a-z0-9-]*\)"$/\1/p' "$manifest" | head -n 1)")
done
if [ "$profile" = release ]; then
    cargo build --release --locked "${packages[@]}"
else
    cargo build --locked "${packages[@]}"
fi
built="${CARGO_TARGET_DIR:-target}/$profile"

plugins="$prefix/lib/nianbao/plugins"
install -d "$prefix/bin" "$plugins" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
# A plugin removed or renamed since the last install must not linger.
rm -f "$plugins"/libnianbao_*.so "$plugins"/libnianbao_*.dylib
install -m 755 "$built/nianbao" "$prefix/bin/nianbao"
n=0
for lib in "$built"/libnianbao_*.so "$built"/libnianbao_*.dylib; do
    [ -e "$lib" ] || continue
    install -m 644 "$lib" "$plugins/"
    n=$((n + 1))
done
bin="$prefix/bin/nianbao"
"$bin" man >"$prefix/share/man/man1/nianbao.1"
"$bin" completions bash >"$prefix/share/bash-completion/completions/nianbao"
"$bin" completions zsh >"$prefix/share/zsh/site-functions/_nianbao"
"$bin" completions fish >"$prefix/share/fish/vendor_completions.d/nianbao.fish"

echo "installed $bin and $n plugins in $plugins"
echo "it writes: $("$bin" --list-output-formats | tr '\n' ' ')"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH" ;; esac
