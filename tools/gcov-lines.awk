# gcov-lines.awk - make coverage's summary without lcov: reads gcov's
# output ("File '...'" then "Lines executed:P% of N" for each source), sums
# the lines of the lib/ sources (each counted once), and prints
# "percent hit total".
#
#   awk -f tools/gcov-lines.awk build-coverage/gcov/summary.txt

/^File '/ { f = $0; sub(/^File '/, "", f); sub(/'$/, "", f); next }
/^Lines executed:/ {
    if (f !~ /(^|\/)lib\// || (f in seen)) next
    seen[f] = 1; s = $0; sub(/^Lines executed:/, "", s)
    p = s; sub(/%.*/, "", p); n = s; sub(/.* of /, "", n)
    tot += n; hit += p * n / 100
}
END { if (tot == 0) { print "0.0 0 0"; exit }
      printf "%.1f %d %d\n", 100 * hit / tot, hit + 0.5, tot }
