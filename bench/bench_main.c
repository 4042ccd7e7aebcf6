/*
 * bench_main.c - `make bench`: the machine, the knobs, the ten sections,
 * the table of issue 18's figures and the summary.
 *
 * Exit status: 0 when every target passed (every figure measured, every
 * output check passed, no MISS); 1 otherwise.
 *
 * `omacp-bench --cg-process N` is section 10's worker (run under
 * callgrind by the bench itself), not for use by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#if defined(__clang__)
#define BENCH_CC "clang " __clang_version__
#elif defined(__GNUC__)
#define BENCH_CC "gcc " __VERSION__
#else
#define BENCH_CC "unknown C compiler"
#endif

/* CPU model and count from /proc/cpuinfo, when readable. */
static void print_cpu(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256], model[200] = "unknown (no /proc/cpuinfo)";
    int cpus = 0;

    if (f != NULL) {
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon = strchr(line, ':');
            if (strncmp(line, "processor", 9) == 0)
                cpus++;
            if (colon != NULL && strncmp(line, "model name", 10) == 0 &&
                cpus <= 1) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                snprintf(model, sizeof model, "%s", colon);
                model[strcspn(model, "\n")] = '\0';
            }
        }
        fclose(f);
    }
    printf("cpu:      %s, %d logical CPUs\n", model, cpus);
}

/* BENCH_ONLY="2,4,10": run those sections only (default: all). */
static int wanted(int section)
{
    const char *p = getenv("BENCH_ONLY");
    if (p == NULL || p[0] == '\0')
        return 1;
    while (*p != '\0') {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            end++; /* not a number: skip one separator */
        else if (v == section)
            return 1;
        p = end;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_settings s;
    bench_doc docs[BENCH_MAX_DOCS];
    cp_ctx *ctx = NULL;
    int n = 0, pass, miss, err;
    double t0 = bench_now();

    if (argc == 3 && strcmp(argv[1], "--cg-process") == 0)
        return bench_cg_worker((unsigned)strtoul(argv[2], NULL, 10));
    bench_read_settings(&s);
    printf("libomacp %s benchmark\n", cp_version());
    print_cpu();
    printf("compiler: %s (bench -O2; the library as the Makefile builds it)\n",
           BENCH_CC);
    printf("timing:   %d measurements of >= %.2f s each (BENCH_REPS, "
           "BENCH_MIN_SECONDS), the sides alternating; a ratio is the "
           "median of the %d pairs' ratios (smallest-largest)\n",
           s.reps, s.min_s, s.reps);
    if (s.reps < BENCH_MIN_PAIRS)
        printf("note:     BENCH_REPS=%d: fewer than %d pairs, the figures "
               "are a quick look, not a result\n", s.reps, BENCH_MIN_PAIRS);
    fflush(stdout);

    memset(docs, 0, sizeof docs);
    if (cp_ctx_new(NULL, &ctx) == CP_OK)
        n = bench_load_docs(ctx, docs);
    cp_ctx_free(ctx);

    if (wanted(1))
        bench_sec_wbxml(docs, n, &s);
    if (wanted(2))
        bench_sec_xml(&s);
    if (wanted(3))
        bench_sec_verify(&s);
    if (wanted(4))
        bench_sec_push(&s);
    if (wanted(5))
        bench_sec_scale(&s);
    if (wanted(6))
        bench_sec_memory(docs, n);
    if (wanted(7))
        bench_sec_footprint();
    if (wanted(8))
        bench_sec_send(&s);
    if (wanted(9))
        bench_sec_process(&s);
    if (wanted(10))
        bench_sec_parm_ir(argv[0]);
    bench_free_docs(docs, n);

    bench_goals_print();
    bench_tally(&pass, &miss, &err);
    printf("\nbench: %d PASS, %d MISS, %d not measured or check failed "
           "(of %d targets), %.0f s\n",
           pass, miss, err, pass + miss + err, bench_now() - t0);
    return err || miss ? 1 : 0;
}
