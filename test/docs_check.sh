#!/bin/sh
# docs_check.sh - no dangling references in what a user reads: every file
# the README, SECURITY.md, the man page and the public headers cite exists
# in the tree, and every source key they cite (P4, O3, K2 ...) is defined in
# doc/wm-model.md's table of sources. Run by make check from the top.
set -u
cd "$(dirname "$0")/.." || exit 2
docs="README.md SECURITY.md man/omacp.1 doc/conformance.md $(find include -name '*.h' | sort)"
bad=0
n=0

exists() { # a cited name: a path from the top, a header, a source, a doc
    case $1 in
    */*) [ -e "$1" ] || [ -e "include/$1" ] || [ -e "test/conformance/$1" ] ;;
    *.md) [ -e "$1" ] || [ -e "doc/$1" ] ;;
    *.h) [ -n "$(find include lib -name "$1" | head -1)" ] || [ "$1" = stddef.h ] ||
        [ "$1" = stdint.h ] ;;
    *.c) [ -n "$(find lib examples tools test bench -name "$1" | head -1)" ] ;;
    *) true ;;
    esac
}

for f in $docs; do
    for r in $(grep -oE '[A-Za-z0-9_.-]*/?[A-Za-z0-9_./-]+\.(md|h|c)\b' "$f" | sort -u); do
        n=$((n + 1))
        if ! exists "$r"; then
            echo "docs_check: $f cites $r, which is not in the tree"
            bad=1
        fi
    done
done

# Source keys: a capital letter from the key table and one or two digits,
# standing alone. Not keys: C99 (the language), C0 (the control
# characters), F6 (a hex octet in an example).
keys=$(sed -n 's/^| \([A-Z][0-9][0-9]*\) |.*/\1/p' doc/wm-model.md | sort -u)
for f in README.md SECURITY.md $(find include -name '*.h' | sort); do
    for k in $(grep -oE '\b[DXHCRPOMKSF][0-9]{1,2}\b' "$f" | sort -u); do
        case $k in C99 | C0 | F6) continue ;; esac
        n=$((n + 1))
        if ! printf '%s\n' "$keys" | grep -qx "$k"; then
            echo "docs_check: $f cites source $k, not defined in doc/wm-model.md"
            bad=1
        fi
    done
done

# Every C block of the README is a piece of an example program as it
# stands (the examples are built and run by make check), so the README's
# code cannot rot.
python3 - <<'PY' || bad=1
import glob, re, sys
readme = open("README.md", encoding="utf-8").read()
sources = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("examples/*.c"))]
bad = 0
for m in re.finditer(r"```c\n(.*?)```", readme, re.S):
    block = m.group(1)
    if not any(block in src for src in sources):
        line = readme[:m.start()].count("\n") + 1
        print("docs_check: README.md line %d: a C block that is not in examples/*.c" % line)
        bad = 1
sys.exit(bad)
PY

if [ "$bad" = 0 ]; then
    echo "docs_check: $n references, all resolve"
fi
exit $bad
