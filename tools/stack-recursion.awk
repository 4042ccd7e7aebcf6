# stack-recursion.awk - the recursion half of make stack-check: reads the
# .ci call graphs of -fcallgraph-info=su (VCG text: a "node:" line per
# function defined, an "edge:" line per direct call), finds the strongly
# connected components with Tarjan's algorithm, and calls a function
# recursive when it sits in a cycle or calls itself. Exits 1 when a
# recursive function's name is not in the space-separated list allowed.
#
#   cat build/stack/**/*.ci | awk -v allowed="f g" -f tools/stack-recursion.awk

# A node title is "file:name" for a file-static function, "name" for an
# external one, either with a suffix such as ".constprop.0" on a clone:
# fname gives the bare function name, which is what allowed lists.
function fname(t,   k) { k = t; sub(/.*:/, "", k); sub(/\..*/, "", k); return k }

function visit(v,   i, m, ws, w) {
    idx[v] = low[v] = ++cnt; stk[++sp] = v; on[v] = 1
    m = split(adj[v], ws, " ")
    for (i = 1; i <= m; i++) {
        w = ws[i]
        if (!(w in def)) continue
        if (w == v) rec[v] = 1
        if (!(w in idx)) { visit(w); if (low[w] < low[v]) low[v] = low[w] }
        else if (on[w] && idx[w] < low[v]) low[v] = idx[w]
    }
    if (low[v] == idx[v]) {
        size = 0
        do { w = stk[sp--]; on[w] = 0; comp[++size] = w } while (w != v)
        if (size > 1) for (i = 1; i <= size; i++) rec[comp[i]] = 1
    }
}

# Only nodes with a frame size are defined here (the others are external).
/^node:/ && / bytes \(/ { t = $0; sub(/^node: \{ title: "/, "", t); sub(/".*/, "", t); def[t] = 1 }
/^edge:/ { s = $0; sub(/.*sourcename: "/, "", s); sub(/".*/, "", s)
           d = $0; sub(/.*targetname: "/, "", d); sub(/".*/, "", d)
           adj[s] = adj[s] " " d }
END {
    split(allowed, al, " "); for (i in al) ok[al[i]] = 1
    for (v in def) if (!(v in idx)) visit(v)
    bad = 0; list = ""
    for (v in rec) {
        list = list " " fname(v)
        if (!(fname(v) in ok)) { print "  " v ": recursive, not in STACK_RECURSIVE"; bad = 1 }
    }
    print "stack-check: recursive:" (list == "" ? " none" : list " (each bounded by limits.max_depth)")
    exit bad
}
