#!/usr/bin/env python3
"""house.py - the shape of lib/, measured and checked (DESIGN.md's rules).

  house.py [--check] [--objdir DIR] [--nm NM]

Prints, per floor: files, lines, the largest file; the call circles
between files of one floor (from the objects' symbols, so a function that
lives in the wrong file shows up); the count of exported symbols. With
--check it fails (exit 1) when:
  - a file includes a header of a floor above its own, or codec and trust
    include each other;
  - a third-party header is included by more than one file;
  - a library .c file is longer than MAX_LINES (the WBXML state machine,
    lib/codec/wbxml.c, excepted);
  - files of one floor call each other in a circle.
"""
import os
import re
import subprocess
import sys

FLOORS = {"base": 1, "codec": 2, "trust": 2, "engine": 4, "device": 5}
SIDE_BY_SIDE = {"codec", "trust"}
THIRD_PARTY = ("expat.h", "tomcrypt.h", "mspack.h", "openssl/")
MAX_LINES = 700
LONG_OK = {"lib/codec/wbxml.c"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def floor_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "lib" else None


def lib_files():
    out = []
    for root, _, names in os.walk("lib"):
        for n in names:
            if n.endswith((".c", ".h")):
                out.append(os.path.join(root, n).replace(os.sep, "/"))
    return sorted(out)


def includes(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text.count("\n"), INCLUDE.findall(text)


def check_includes(files, problems):
    third = {}
    for path in files:
        _, incs = includes(path)
        me = floor_of(path)
        for kind, name in incs:
            if kind == "<":
                if any(name.startswith(t) for t in THIRD_PARTY):
                    key = name.split("/")[0] if "/" in name else name
                    third.setdefault(key, set()).add(path)
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path),
                                                   name)).replace(os.sep, "/")
            other = floor_of(target)
            if other is None or other == me:
                continue
            if FLOORS[other] > FLOORS[me] or (
                    me in SIDE_BY_SIDE and other in SIDE_BY_SIDE):
                problems.append("%s includes %s (floor %s over %s)"
                                % (path, target, other, me))
    for key, users in sorted(third.items()):
        if len(users) > 1:
            problems.append("%s is included by %d files: %s"
                            % (key, len(users), ", ".join(sorted(users))))


def symbols(nm, obj):
    res = subprocess.run([nm, obj], capture_output=True, text=True,
                         check=True)
    defined, undefined = set(), set()
    for line in res.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
        elif len(f) == 3 and f[1] in "TDRBCtdrbc" and f[1].isupper():
            defined.add(f[2])
    return defined, undefined


def circles(objdir, nm, files):
    """Strongly connected groups (> 1 file) of each floor's call graph."""
    by_floor = {}
    for path in files:
        if not path.endswith(".c"):
            continue
        obj = os.path.join(objdir, path[:-2] + ".o")
        if os.path.exists(obj):
            by_floor.setdefault(floor_of(path), []).append((path, obj))
    found = []
    for floor, items in sorted(by_floor.items()):
        syms = {p: symbols(nm, o) for p, o in items}
        owner = {}
        for p, (d, _) in syms.items():
            for s in d:
                owner[s] = p
        edges = {p: sorted({owner[s] for s in u if s in owner} - {p})
                 for p, (_, u) in syms.items()}
        found += [sorted(c) for c in tarjan(edges) if len(c) > 1]
    return found


def tarjan(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main(argv):
    check = "--check" in argv
    objdir = "build/obj"
    nm = os.environ.get("NM", "nm")
    if "--objdir" in argv:
        objdir = argv[argv.index("--objdir") + 1]
    if "--nm" in argv:
        nm = argv[argv.index("--nm") + 1]
    files = lib_files()
    problems = []
    print("floor   files  lines  largest")
    total = 0
    for floor in sorted(FLOORS, key=lambda f: (FLOORS[f], f)):
        mine = [p for p in files if floor_of(p) == floor]
        sizes = {p: includes(p)[0] for p in mine}
        total += sum(sizes.values())
        big = max(sizes, key=sizes.get)
        print("%-7s %5d %6d  %s (%d)" % (floor, len(mine), sum(sizes.values()),
                                         big, sizes[big]))
        for p, n in sorted(sizes.items()):
            if p.endswith(".c") and n > MAX_LINES and p not in LONG_OK:
                problems.append("%s has %d lines (limit %d)"
                                % (p, n, MAX_LINES))
    print("all     %5d %6d" % (len(files), total))
    check_includes(files, problems)
    circ = circles(objdir, nm, files)
    for c in circ:
        problems.append("call circle: " + " <-> ".join(c))
    print("circles: %d%s" % (len(circ), "".join("\n  " + " <-> ".join(c)
                                                for c in circ)))
    if check:
        for p in problems:
            print("house: " + p)
        if problems:
            return 1
        print("house: layering, sizes and circles as DESIGN.md says")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
