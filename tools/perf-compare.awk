# perf-compare.awk - make perf-guard's and make perf-baseline's comparison:
# "name count" lines of a measurement (the second file) against the
# baseline (the first file; '#' lines are comments), one table row each.
# Variables: tol, the tolerance in percent; fail=1 exits 1 when a count is
# more than tol percent above its baseline or has none (perf-guard), fail=0
# only reports (perf-baseline); what, the name the messages start with;
# base_file, the baseline's name in the advice to regenerate it.
#
#   awk -v tol=10 -v fail=1 -v what=perf-guard -v base_file=B \
#       -f tools/perf-compare.awk B counts.txt

FILENAME == ARGV[1] {
    if ($1 !~ /^#/ && NF >= 2) base[$1] = $2
    next
}
{
    name = $1; now = $2; seen[name] = 1
    if (!(name in base) || base[name] + 0 <= 0) {
        printf "  %-14s %14s %14s   (no baseline)\n", name, "-", now
        missing = missing " " name
        next
    }
    pct = 100 * (now - base[name]) / base[name]
    mark = pct > tol ? (fail ? "   FAIL" : "   worse") : pct < -tol ? "   better" : ""
    printf "  %-14s %14s %14s %+8.2f%%%s\n", name, base[name], now, pct, mark
    if (pct > tol) worse = worse " " name
    if (pct < -tol) better = better " " name
}
END {
    for (n in base) if (!(n in seen)) stale = stale " " n
    if (stale != "") print what ": in the baseline but not measured:" stale
    if (better != "")
        print what ": more than " tol "% fewer instructions:" better \
              ". If the gain is meant, run make perf-baseline and commit " base_file
    if (missing != "")
        print what ": no baseline for:" missing " (run make perf-baseline)"
    if (worse != "")
        print what ": " (fail ? "FAIL: " : "") "more than " tol \
              "% more instructions than the baseline:" worse
    if (fail && (worse != "" || missing != "")) exit 1
}
