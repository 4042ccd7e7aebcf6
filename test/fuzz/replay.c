/*
 * replay.c - runs a libFuzzer harness without libFuzzer: every regular file
 * of every directory (or file) named on the command line goes once through
 * LLVMFuzzerTestOneInput. Built with the normal compiler, so `make check`
 * replays the corpora and the regression inputs everywhere. POSIX (dirent)
 * is fine here: this is a test program, not library code.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long n_run;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    for (;;) {
        if (cap - len < 4096) {
            uint8_t *nb = realloc(buf, cap + 65536);
            if (nb == NULL) {
                fclose(f);
                free(buf);
                fprintf(stderr, "%s: out of memory\n", path);
                return 1;
            }
            buf = nb;
            cap += 65536;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fclose(f);
        free(buf);
        perror(path);
        return 1;
    }
    fclose(f);
    /* An exact-size copy, so a read past the input is caught by ASan. */
    {
        uint8_t *exact = malloc(len != 0 ? len : 1);
        if (exact == NULL) {
            free(buf);
            return 1;
        }
        if (len != 0)
            memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    n_run++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;
    int bad = 0;

    if (stat(path, &sb) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(sb.st_mode))
        return S_ISREG(sb.st_mode) ? run_file(path) : 0;
    d = opendir(path);
    if (d == NULL) {
        perror(path);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char *sub;
        size_t n;
        if (e->d_name[0] == '.')
            continue; /* ".", "..", ".keep" */
        n = strlen(path) + strlen(e->d_name) + 2;
        sub = malloc(n);
        if (sub == NULL) {
            bad = 1;
            break;
        }
        snprintf(sub, n, "%s/%s", path, e->d_name);
        bad |= run_path(sub);
        free(sub);
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0;

    for (i = 1; i < argc; i++)
        bad |= run_path(argv[i]);
    printf("%s: %lu inputs replayed\n", argc > 0 ? argv[0] : "replay", n_run);
    return bad;
}
