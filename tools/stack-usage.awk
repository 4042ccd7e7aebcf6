# stack-usage.awk - the frame half of make stack-check: reads the .su files
# of -fstack-usage, one line per function ("file:line:col:name<TAB>bytes
# <TAB>static|dynamic|dynamic,bounded"), names every frame larger than lim
# bytes or unbounded (a VLA or alloca), and exits 1 if there is one.
#
#   cat build/stack/**/*.su | awk -v lim=1024 -f tools/stack-usage.awk

BEGIN { FS = "\t"; bad = 0; n = 0; max = 0 }
{
    n++
    if ($2 + 0 > max) { max = $2 + 0; maxfn = $1 }
    if ($2 + 0 > lim) { print "  " $1 ": " $2 " bytes > " lim; bad = 1 }
    if ($3 == "dynamic") { print "  " $1 ": unbounded (dynamic) stack"; bad = 1 }
}
END {
    printf "stack-check: %d functions, largest frame %d bytes (%s), limit %d\n", n, max, maxfn, lim
    exit bad
}
