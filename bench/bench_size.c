/*
 * bench_size.c - section 7: footprint. bench.mk compiles every lib/ source
 * with the host compiler at -Os (the Makefile's defines and include path;
 * expat and libtomcrypt are not part of it) and runs size(1) on the
 * objects into the file named by BENCH_SIZE_FILE (Berkeley format: text
 * data bss dec hex filename). Here: the text summed, and the 8 objects
 * with the most text.
 *
 * Issue 18's figures, from BENCH_SECT_FILE (both without the optional
 * .cpf module, lib/codec/cab.c and lib/trust/authenticode.c):
 * - library text (size(1)'s text column) of the armhf Thumb-2 build at
 *   -Os: at most 64 KB. Without the cross compiler it is not measured
 *   here ("see make footprint").
 * - x86-64 (the host) text + data built -Os
 *   -fno-asynchronous-unwind-tables: at most 80 KB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define TARGET_ARM 65536ul   /* armhf text, no .cpf */
#define TARGET_X86 81920ul   /* host text + data, no unwind tables */
#define MAX_OBJS 128
#define TOP 8

typedef struct obj {
    unsigned long text, data, bss;
    char name[128];
} obj;

static int by_text(const void *a, const void *b)
{
    const obj *x = a, *y = b;
    return (x->text < y->text) - (x->text > y->text);
}

/* The name without the object directory: lib/... */
static const char *short_name(const char *path)
{
    const char *p = strstr(path, "/os/");
    return p != NULL ? p + 4 : path;
}

static int read_sizes(const char *path, obj *objs, int *n)
{
    FILE *f = fopen(path, "r");
    char line[512];

    *n = 0;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL && *n < MAX_OBJS) {
        obj *o = &objs[*n];
        unsigned long dec;
        char hex[32], name[400];
        if (sscanf(line, "%lu %lu %lu %lu %31s %399s", &o->text, &o->data,
                   &o->bss, &dec, hex, name) == 6) {
            snprintf(o->name, sizeof o->name, "%.127s", short_name(name));
            (*n)++;
        }
    }
    fclose(f);
    return *n > 0 ? 0 : -1;
}

/*
 * What the text column holds, from BENCH_SECT_FILE (bench.mk): per target
 * "tag code constants unwind" in bytes; and issue 18's two figures as
 * "armhf-nocpf text data bss" (size(1) of the ARM Thumb-2 build) and
 * "host-nounwind-nocpf text data bss" (the host build without unwind
 * tables), both without the .cpf module.
 */
static void sections_rows(void)
{
    const char *path = getenv("BENCH_SECT_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[256], tag[32], val[32], fig[80];
    unsigned long code, ro, unw;
    int arm = 0, x86 = 0;

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        bench_mark m;
        if (sscanf(line, "%31s %lu %lu %lu", tag, &code, &ro, &unw) != 4)
            continue;
        snprintf(val, sizeof val, "%.1f KB", (double)code / 1024.0);
        if (strcmp(tag, "armhf-nocpf") == 0) {
            /* code, ro, unw are text, data, bss here */
            m = bench_mark_of(code <= TARGET_ARM);
            bench_row("library text, armhf Thumb-2 -Os, no .cpf", val,
                      "<= 64 KB", m,
                      "size(1) text (code, constants, unwind tables); "
                      "data %lu B, bss %lu B", ro, unw);
            bench_goal(BENCH_G_ARM_TEXT, (double)code / 1024.0, m);
            arm = 1;
        } else if (strcmp(tag, "host-nounwind-nocpf") == 0) {
            snprintf(val, sizeof val, "%.1f KB",
                     (double)(code + ro) / 1024.0);
            m = bench_mark_of(code + ro <= TARGET_X86);
            bench_row("host text + data, -Os -fno-async.-unwind, no .cpf",
                      val, "<= 80 KB", m, "%lu B text, %lu B data", code, ro);
            bench_goal(BENCH_G_X86_SIZE, (double)(code + ro) / 1024.0, m);
            x86 = 1;
        } else {
            snprintf(fig, sizeof fig, "  %s%s: code (.text) only", tag,
                     strcmp(tag, "armhf") == 0 ? " (no .cpf)" : "");
            bench_row(fig, val, "-", BENCH_INFO,
                      "+ %lu B constants (.rodata: names, messages, tables), "
                      "%lu B unwind tables", ro, unw);
        }
    }
    if (f != NULL)
        fclose(f);
    if (!arm) {
        bench_row("library text, armhf Thumb-2 -Os, no .cpf",
                  "see make footprint", "<= 64 KB", BENCH_INFO,
                  "no arm-linux-gnueabihf-gcc: the bench cannot cross-build");
        bench_goal_note(BENCH_G_ARM_TEXT, "see make footprint", BENCH_INFO);
    }
    if (!x86) {
        bench_row_error("host text + data, -Os -fno-async.-unwind, no .cpf",
                        "<= 80 KB", "the objects did not build");
        bench_goal_note(BENCH_G_X86_SIZE, "n/a", BENCH_ERROR);
    }
}

void bench_sec_footprint(void)
{
    static obj objs[MAX_OBJS];
    const char *path = getenv("BENCH_SIZE_FILE");
    const char *flags = getenv("BENCH_SIZE_CFLAGS");
    unsigned long text = 0, data = 0, bss = 0;
    char note[300], val[32], fig[80];
    int n = 0, i;

    snprintf(note, sizeof note,
             "size(1) of the library's own objects (lib/**/*.c) built with "
             "the host compiler: %s", flags ? flags : "-Os");
    bench_section("7. footprint", note);
    if (path == NULL || read_sizes(path, objs, &n) != 0) {
        bench_row_error("library text at -Os", "-",
                        "no size figures (%s): run through `make bench`",
                        path ? path : "BENCH_SIZE_FILE unset");
        bench_goal_note(BENCH_G_ARM_TEXT, "n/a", BENCH_ERROR);
        bench_goal_note(BENCH_G_X86_SIZE, "n/a", BENCH_ERROR);
        return;
    }
    for (i = 0; i < n; i++) {
        text += objs[i].text;
        data += objs[i].data;
        bss += objs[i].bss;
    }
    qsort(objs, (size_t)n, sizeof objs[0], by_text);
    snprintf(fig, sizeof fig, "library text at -Os (%d objects)", n);
    snprintf(val, sizeof val, "%.1f KB", (double)text / 1024.0);
    bench_row(fig, val, "-", BENCH_INFO,
              "%lu B text, %lu B data, %lu B bss (the targets: the two "
              "rows below)", text, data, bss);
    sections_rows();
    for (i = 0; i < n && i < TOP; i++) {
        snprintf(fig, sizeof fig, "  %s", objs[i].name);
        snprintf(val, sizeof val, "%lu B", objs[i].text);
        bench_row(fig, val, "-", BENCH_INFO, "%4.1f%% of the text",
                  100.0 * (double)objs[i].text / (double)(text ? text : 1));
    }
}
