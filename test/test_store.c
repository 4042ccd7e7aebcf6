/*
 * test_store.c - the file and memory storage backends (omacp/store.h), the
 * transaction layer (lib/base/store.c) on top of them, and a crash test:
 * a child committing multi-blob transactions is SIGKILLed at random times,
 * and every restart must see one whole generation, never a mix.
 *
 * Environment: CP_STORE_TMP (where temp dirs go, default $TMPDIR or /tmp),
 * CP_STORE_SEED (crash test seed), CP_STORE_ROUNDS (crash rounds, 200).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/store.h"
#include "support/testutil.h"

#define PATH_CAP 1024

/* ---- temp directories (one per test, removed by the teardown) ----------- */

typedef struct tdir {
    char path[PATH_CAP];
} tdir;

static void join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_CAP, "%s/%s", dir, name);
    assert_true(n > 0 && n < PATH_CAP);
}

static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    if (d == NULL) {
        (void)unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char sub[PATH_CAP];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= PATH_CAP)
            continue;
        rm_tree(sub);
    }
    closedir(d);
    (void)rmdir(path);
}

static int make_tmpdir(char *out)
{
    const char *base = getenv("CP_STORE_TMP");
    if (base == NULL || base[0] == '\0')
        base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if (snprintf(out, PATH_CAP, "%s/cpstore.XXXXXX", base) >= PATH_CAP)
        return -1;
    return mkdtemp(out) == NULL ? -1 : 0;
}

static int setup_dir(void **state)
{
    tdir *t = calloc(1, sizeof *t);
    if (t == NULL || make_tmpdir(t->path) != 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_dir(void **state)
{
    tdir *t = *state;
    if (t != NULL) {
        rm_tree(t->path);
        free(t);
    }
    return 0;
}

/* Size of a file, -1 when absent. */
static long file_len(const char *dir, const char *name)
{
    char p[PATH_CAP];
    struct stat st;
    join(p, dir, name);
    if (stat(p, &st) != 0)
        return -1;
    return (long)st.st_size;
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char p[PATH_CAP];
    FILE *f;
    join(p, dir, name);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* Entries of dir whose name starts with prefix ("" = all but . and ..). */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

/* ---- both stores through one table ---------------------------------------- */

enum { K_FILE, K_MEM, K_COUNT };
static const char *const kind_name[K_COUNT] = {"file", "mem"};

static void open_kind(int kind, const char *dir, cp_storage *s)
{
    if (kind == K_FILE)
        assert_int_equal(cp_store_file_open(dir, s), CP_OK);
    else
        assert_int_equal(cp_store_mem_open(s), CP_OK);
    assert_non_null(s->load);
    assert_non_null(s->save);
    assert_non_null(s->user);
}

static void close_kind(int kind, cp_storage *s)
{
    if (kind == K_FILE)
        cp_store_file_close(s);
    else
        cp_store_mem_close(s);
    assert_null(s->load);
    assert_null(s->save);
    assert_null(s->user);
}

static cp_status h_save(const cp_storage *s, const char *name,
                        const void *data, size_t len)
{
    return s->save(s->user, name, data, len);
}

static cp_status h_load(const cp_storage *s, const char *name, void *buf,
                        size_t cap, size_t *len)
{
    return s->load(s->user, name, buf, cap, len);
}

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)((i * 31u + seed * 7u) & 0xFF);
}

/* The CP_E_BUFFER_TOO_SMALL / *len protocol, replace, not found. */
static void check_protocol(int kind, const char *dir)
{
    cp_storage s;
    uint8_t data[3000], buf[3100];
    size_t len = 0;
    static const struct {
        size_t cap;
        cp_status st;
    } caps[] = {{0, CP_E_BUFFER_TOO_SMALL}, {10, CP_E_BUFFER_TOO_SMALL},
                {99, CP_E_BUFFER_TOO_SMALL}, {100, CP_OK}, {200, CP_OK}};
    size_t i;
    char long_name[64];

    open_kind(kind, dir, &s);
    assert_int_equal(h_load(&s, "a", buf, sizeof buf, &len), CP_E_NOT_FOUND);
    fill_pattern(data, sizeof data, 1);
    assert_int_equal(h_save(&s, "a", data, 100), CP_OK);
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        memset(buf, 0xEE, sizeof buf);
        len = 12345;
        assert_int_equal(h_load(&s, "a", caps[i].cap ? buf : NULL,
                                caps[i].cap, &len),
                         caps[i].st);
        assert_int_equal(len, 100); /* the size needed, or the size read */
        if (caps[i].st == CP_OK) {
            assert_memory_equal(buf, data, 100);
            assert_int_equal(buf[100], 0xEE); /* nothing past the blob */
        }
    }
    /* replace: shrink, grow */
    assert_int_equal(h_save(&s, "a", "hello", 5), CP_OK);
    assert_int_equal(h_load(&s, "a", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "hello", 5);
    fill_pattern(data, sizeof data, 2);
    assert_int_equal(h_save(&s, "a", data, sizeof data), CP_OK);
    assert_int_equal(h_load(&s, "a", buf, 2999, &len), CP_E_BUFFER_TOO_SMALL);
    assert_int_equal(len, sizeof data);
    assert_int_equal(h_load(&s, "a", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(buf, data, sizeof data);
    /* an empty blob exists and is not "not found" */
    assert_int_equal(h_save(&s, "empty", NULL, 0), CP_OK);
    len = 99;
    assert_int_equal(h_load(&s, "empty", NULL, 0, &len), CP_OK);
    assert_int_equal(len, 0);
    assert_int_equal(h_load(&s, "empty", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, 0);
    /* the longest name, every allowed character class */
    memset(long_name, 'Z', 63);
    long_name[63] = '\0';
    assert_int_equal(h_save(&s, long_name, "L", 1), CP_OK);
    assert_int_equal(h_save(&s, "A-z_0.9", "M", 1), CP_OK);
    assert_int_equal(h_load(&s, long_name, buf, sizeof buf, &len), CP_OK);
    assert_true(len == 1 && buf[0] == 'L');
    assert_int_equal(h_load(&s, "A-z_0.9", buf, sizeof buf, &len), CP_OK);
    assert_true(len == 1 && buf[0] == 'M');
    /* saving others left "a" alone; argument errors */
    assert_int_equal(h_load(&s, "a", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, sizeof data);
    assert_int_equal(h_save(&s, "b", NULL, 5), CP_E_INVALID_ARG);
    assert_int_equal(h_load(&s, "a", NULL, 5, &len), CP_E_INVALID_ARG);
    assert_int_equal(h_load(&s, "b", buf, sizeof buf, &len), CP_E_NOT_FOUND);
    if (kind == K_FILE) {
        /* what is on disk is exactly the blob; no temporary files remain */
        char p[PATH_CAP];
        size_t n = 0;
        uint8_t *disk;
        join(p, dir, "a");
        disk = tu_read_file(p, &n);
        assert_non_null(disk);
        assert_int_equal(n, sizeof data);
        assert_memory_equal(disk, data, n);
        free(disk);
        assert_int_equal(file_len(dir, "empty"), 0);
        assert_int_equal(count_entries(dir, ""), 4);
    }
    close_kind(kind, &s);
    cp_store_file_close(&s); /* closed: no-op */
    cp_store_mem_close(&s);
}

static void test_protocol(void **state)
{
    tdir *t = *state;
    int k;
    for (k = 0; k < K_COUNT; k++) {
        print_message("store %s\n", kind_name[k]);
        check_protocol(k, t->path);
    }
}

/* A file store keeps its blobs for the next open; a memory store is gone. */
static void test_reopen(void **state)
{
    tdir *t = *state;
    cp_storage s;
    uint8_t buf[16];
    size_t len = 0;
    open_kind(K_FILE, t->path, &s);
    assert_int_equal(h_save(&s, "keep", "kept", 4), CP_OK);
    close_kind(K_FILE, &s);
    open_kind(K_FILE, t->path, &s);
    assert_int_equal(h_load(&s, "keep", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(buf, "kept", 4);
    close_kind(K_FILE, &s);
    open_kind(K_MEM, NULL, &s);
    assert_int_equal(h_save(&s, "keep", "kept", 4), CP_OK);
    close_kind(K_MEM, &s);
    open_kind(K_MEM, NULL, &s);
    assert_int_equal(h_load(&s, "keep", buf, sizeof buf, &len), CP_E_NOT_FOUND);
    close_kind(K_MEM, &s);
}

/* Names that are paths, hidden, empty or too long never reach the disk. */
static void test_bad_names(void **state)
{
    tdir *t = *state;
    char dir[PATH_CAP], abs_x[PATH_CAP], n64[65], p[PATH_CAP];
    const char *names[16];
    size_t nn = 0, i;
    int k;
    uint8_t buf[64];
    size_t len;

    join(dir, t->path, "d");
    assert_int_equal(mkdir(dir, 0700), 0);
    join(p, dir, "a");
    assert_int_equal(mkdir(p, 0700), 0); /* so "a/b" would have a place to go */
    put_file(t->path, "x", "outside");
    join(abs_x, t->path, "x");
    memset(n64, 'n', 64);
    n64[64] = '\0';
    names[nn++] = "../x";
    names[nn++] = "a/b";
    names[nn++] = "";
    names[nn++] = ".hidden";
    names[nn++] = n64;
    names[nn++] = ".";
    names[nn++] = "..";
    names[nn++] = abs_x;
    names[nn++] = "a\\b";
    names[nn++] = "a b";
    names[nn++] = "x\n";
    names[nn++] = "caf\xc3\xa9";
    names[nn++] = ".cptmp.1.1";
    names[nn++] = "..x";
    for (k = 0; k < K_COUNT; k++) {
        cp_storage s;
        open_kind(k, dir, &s);
        for (i = 0; i < nn; i++) {
            print_message("%s store, name \"%s\"\n", kind_name[k], names[i]);
            assert_int_equal(h_save(&s, names[i], "evil", 4), CP_E_INVALID_ARG);
            assert_int_equal(h_load(&s, names[i], buf, sizeof buf, &len),
                             CP_E_INVALID_ARG);
        }
        assert_int_equal(h_save(&s, NULL, "evil", 4), CP_E_INVALID_ARG);
        assert_int_equal(h_load(&s, NULL, buf, sizeof buf, &len),
                         CP_E_INVALID_ARG);
        /* the 63-char prefix of n64 is a good name; n64 stayed refused */
        n64[63] = '\0';
        assert_int_equal(h_load(&s, n64, buf, sizeof buf, &len), CP_E_NOT_FOUND);
        n64[63] = 'n';
        close_kind(k, &s);
    }
    /* nothing was created or changed, inside the dir or outside it */
    assert_int_equal(count_entries(t->path, ""), 2); /* d, x */
    assert_int_equal(count_entries(dir, ""), 1);     /* a */
    assert_int_equal(count_entries(p, ""), 0);
    {
        size_t n = 0;
        uint8_t *x = tu_read_file(abs_x, &n);
        assert_non_null(x);
        assert_int_equal(n, 7);
        assert_memory_equal(x, "outside", 7);
        free(x);
    }
}

static void test_open_errors(void **state)
{
    tdir *t = *state;
    char p[PATH_CAP];
    cp_storage s;

    join(p, t->path, "missing");
    memset(&s, 0x55, sizeof s);
    assert_int_equal(cp_store_file_open(p, &s), CP_E_IO);
    assert_null(s.load); /* *out zeroed on failure */
    assert_null(s.save);
    assert_null(s.user);
    put_file(t->path, "plain", "not a dir");
    join(p, t->path, "plain");
    assert_int_equal(cp_store_file_open(p, &s), CP_E_IO);
    join(p, t->path, "plain/sub");
    assert_int_equal(cp_store_file_open(p, &s), CP_E_IO);
    assert_int_equal(cp_store_file_open(NULL, &s), CP_E_INVALID_ARG);
    assert_int_equal(cp_store_file_open("", &s), CP_E_INVALID_ARG);
    assert_int_equal(cp_store_file_open(t->path, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_store_mem_open(NULL), CP_E_INVALID_ARG);
    if (geteuid() != 0) { /* root may write anywhere */
        join(p, t->path, "ro");
        assert_int_equal(mkdir(p, 0500), 0);
        assert_int_equal(cp_store_file_open(p, &s), CP_E_IO);
        assert_int_equal(chmod(p, 0700), 0);
    }
    /* NULL, zeroed and foreign storages: close is a no-op */
    cp_store_file_close(NULL);
    cp_store_mem_close(NULL);
    memset(&s, 0, sizeof s);
    cp_store_file_close(&s);
    cp_store_mem_close(&s);
    assert_int_equal(cp_store_mem_open(&s), CP_OK);
    cp_store_file_close(&s); /* not a file store: left alone */
    assert_non_null(s.user);
    assert_int_equal(h_save(&s, "still", "ok", 2), CP_OK);
    cp_store_mem_close(&s);
    assert_null(s.user);
    /* a trailing slash names the same dir */
    join(p, t->path, "");
    assert_int_equal(cp_store_file_open(p, &s), CP_OK);
    assert_int_equal(h_save(&s, "slash", "ok", 2), CP_OK);
    cp_store_file_close(&s);
    assert_int_equal(file_len(t->path, "slash"), 2);
}

/* File store: non-files, temporaries of dead and live processes. */
static void test_file_specifics(void **state)
{
    tdir *t = *state;
    char p[PATH_CAP], dead_tmp[64], own0[64], own1[64];
    cp_storage s;
    uint8_t buf[16];
    size_t len;
    pid_t dead;
    int status;

    dead = fork();
    assert_true(dead >= 0);
    if (dead == 0)
        _exit(0);
    assert_int_equal(waitpid(dead, &status, 0), dead);
    snprintf(dead_tmp, sizeof dead_tmp, ".cptmp.%ld.3", (long)dead);
    snprintf(own0, sizeof own0, ".cptmp.%ld.0", (long)getpid());
    snprintf(own1, sizeof own1, ".cptmp.%ld.1", (long)getpid());
    put_file(t->path, dead_tmp, "half a blo");
    put_file(t->path, own0, "in use");
    put_file(t->path, own1, "in use");
    put_file(t->path, ".keep", "not ours");
    join(p, t->path, "sub");
    assert_int_equal(mkdir(p, 0700), 0);

    open_kind(K_FILE, t->path, &s);
    assert_int_equal(file_len(t->path, dead_tmp), -1); /* swept */
    assert_int_equal(file_len(t->path, own0), 6);      /* a live process's */
    assert_int_equal(file_len(t->path, own1), 6);
    assert_int_equal(file_len(t->path, ".keep"), 8);
    /* this process's temp names are taken: the save picks the next free one */
    assert_int_equal(h_save(&s, "blob", "data", 4), CP_OK);
    assert_int_equal(h_load(&s, "blob", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, 4);
    assert_int_equal(file_len(t->path, own0), 6);
    /* a directory or a FIFO is not a blob (and does not hang the load) */
    assert_int_equal(h_load(&s, "sub", buf, sizeof buf, &len), CP_E_IO);
    assert_int_equal(h_save(&s, "sub", "x", 1), CP_E_IO);
    join(p, t->path, "fifo");
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(h_load(&s, "fifo", buf, sizeof buf, &len), CP_E_IO);
    /* a link is not followed: a load refuses it, a save replaces it */
    put_file(t->path, "target", "untouched");
    join(p, t->path, "link");
    assert_int_equal(symlink("target", p), 0);
    assert_int_equal(h_load(&s, "link", buf, sizeof buf, &len), CP_E_IO);
    assert_int_equal(h_save(&s, "link", "blob", 4), CP_OK);
    assert_int_equal(h_load(&s, "link", buf, sizeof buf, &len), CP_OK);
    assert_int_equal(len, 4);
    assert_int_equal(file_len(t->path, "target"), 9);
    assert_int_equal(count_entries(t->path, ".cptmp."), 2); /* no new temp left */
    close_kind(K_FILE, &s);
}

/* ---- contexts on the stores ------------------------------------------------ */

static cp_ctx *ctx_on(const cp_storage *s, tu_alloc *t)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, t, 0);
    if (s != NULL)
        cfg.storage = *s;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

static void ctx_done(cp_ctx *ctx, tu_alloc *t)
{
    cp_ctx_free(ctx);
    assert_int_equal(t->live, 0); /* the ctx side freed everything */
}

/* name holds want (NULL: not found), read through the ctx (with recovery). */
static void expect_blob(cp_ctx *ctx, const char *name, const char *want)
{
    cp_buf b;
    cp_status st;
    cp_buf__init(&b, &ctx->alloc);
    st = cp_store__load(ctx, name, &b);
    if (want == NULL) {
        assert_int_equal(st, CP_E_NOT_FOUND);
    } else {
        assert_int_equal(st, CP_OK);
        assert_int_equal(b.len, strlen(want));
        assert_memory_equal(b.p, want, b.len);
    }
    cp_buf__free(&b);
}

static void test_policy_persists(void **state)
{
    tdir *t = *state;
    int k;
    for (k = 0; k < K_COUNT; k++) {
        cp_storage s;
        tu_alloc a;
        cp_ctx *ctx;
        uint32_t v = 0;
        print_message("store %s\n", kind_name[k]);
        open_kind(k, t->path, &s);
        ctx = ctx_on(&s, &a);
        assert_int_equal(cp_policy_get(ctx, CP_POLICY_MAX_AUTH_RETRY, &v), CP_OK);
        assert_int_equal(v, 3); /* the default, so 7 below is really stored */
        assert_int_equal(cp_policy_set(ctx, 4105, 7, CP_ROLE_MANAGER), CP_OK);
        ctx_done(ctx, &a);
        ctx = ctx_on(&s, &a);
        assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_OK);
        assert_int_equal(v, 7);
        ctx_done(ctx, &a);
        close_kind(k, &s);
    }
    {   /* without storage hooks the value dies with its ctx */
        tu_alloc a;
        cp_ctx *ctx = ctx_on(NULL, &a);
        uint32_t v = 0;
        assert_int_equal(cp_policy_set(ctx, 4105, 7, CP_ROLE_MANAGER), CP_OK);
        ctx_done(ctx, &a);
        ctx = ctx_on(NULL, &a);
        assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_OK);
        assert_int_equal(v, 3);
        ctx_done(ctx, &a);
    }
}

static const char *const tx_names[3] = {"t1", "t2", "t3"};

static void stage3(cp_ctx *ctx, const char *tag)
{
    char text[32];
    size_t i;
    for (i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "%s-%s", tag, tx_names[i]);
        assert_int_equal(cp_store__save(ctx, tx_names[i], (const uint8_t *)text,
                                        strlen(text)),
                         CP_OK);
    }
}

/* All three blobs hold tag (NULL: none exists), seen by a fresh ctx. */
static void expect3_fresh(const cp_storage *s, const char *tag)
{
    tu_alloc a;
    cp_ctx *ctx = ctx_on(s, &a);
    char text[32];
    size_t i;
    for (i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "%s-%s", tag ? tag : "", tx_names[i]);
        expect_blob(ctx, tx_names[i], tag ? text : NULL);
    }
    ctx_done(ctx, &a);
}

static void test_txn_commit_abort(void **state)
{
    tdir *t = *state;
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;

    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    assert_int_equal(cp_store__begin(ctx), CP_E_BUSY);
    stage3(ctx, "one");
    expect_blob(ctx, "t2", "one-t2"); /* reads its own staged write */
    assert_int_equal(file_len(t->path, "t2"), -1); /* not on disk yet */
    assert_int_equal(cp_store__commit(ctx), CP_OK);
    assert_int_equal(file_len(t->path, "t2"), 6);
    assert_int_equal(file_len(t->path, "journal"), 0); /* emptied */
    ctx_done(ctx, &a);
    expect3_fresh(&s, "one");

    /* abort: the same ctx and a fresh one still see "one" */
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    stage3(ctx, "two");
    cp_store__abort(ctx);
    expect_blob(ctx, "t1", "one-t1");
    ctx_done(ctx, &a);
    expect3_fresh(&s, "one");
    close_kind(K_FILE, &s);
}

static void test_txn_abort_from_empty(void **state)
{
    tdir *t = *state;
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    stage3(ctx, "gone");
    cp_store__abort(ctx);
    expect_blob(ctx, "t3", NULL);
    ctx_done(ctx, &a);
    expect3_fresh(&s, NULL);
    assert_int_equal(count_entries(t->path, "t"), 0);
    close_kind(K_FILE, &s);
}

/* Storage that forwards to another one and fails saves after the first ok. */
typedef struct wrap {
    cp_storage inner;
    int ok;    /* saves that succeed; then every save fails */
    int saves; /* saves attempted */
} wrap;

static cp_status w_load(void *u, const char *name, uint8_t *buf, size_t cap,
                        size_t *len)
{
    wrap *w = u;
    return w->inner.load(w->inner.user, name, buf, cap, len);
}

static cp_status w_save(void *u, const char *name, const uint8_t *data,
                        size_t len)
{
    wrap *w = u;
    if (w->saves++ >= w->ok)
        return CP_E_IO;
    return w->inner.save(w->inner.user, name, data, len);
}

/* The blob of name as its file holds it now (no recovery), or "" if absent. */
static void raw_text(const char *dir, const char *name, char *out, size_t cap)
{
    char p[PATH_CAP];
    size_t n = 0;
    uint8_t *d;
    join(p, dir, name);
    d = tu_read_file(p, &n);
    out[0] = '\0';
    if (d == NULL)
        return;
    assert_true(n < cap);
    memcpy(out, d, n);
    out[n] = '\0';
    free(d);
}

/*
 * A commit cut off after ok saves (journal first, then t1..t3 in some
 * order, then the emptied journal; ok = 5 is a whole commit). ok = 0:
 * nothing happened, the commit fails. Otherwise the journal is complete:
 * the next ctx rolls it forward. The commit is reported done only when it
 * is durable: every blob stored (ok >= 4); with only the journal and some
 * blobs stored it is CP_E_STORAGE, "not finished" (0.1.0 said CP_OK).
 */
static void test_journal_roll_forward(void **state)
{
    tdir *t = *state;
    int ok;
    for (ok = 0; ok <= 5; ok++) {
        cp_storage s;
        wrap w;
        tu_alloc a;
        cp_ctx *ctx;
        cp_config cfg;
        int i, n_old = 0, n_new = 0;
        char text[256];
        print_message("saves that succeed: %d\n", ok);
        open_kind(K_FILE, t->path, &s);
        ctx = ctx_on(&s, &a);
        assert_int_equal(cp_store__begin(ctx), CP_OK);
        stage3(ctx, "old");
        assert_int_equal(cp_store__commit(ctx), CP_OK);
        ctx_done(ctx, &a);

        w.inner = s;
        w.ok = ok;
        w.saves = 0;
        cp_config_init(&cfg);
        tu_alloc_setup(&cfg, &a, 0);
        cfg.storage.load = w_load;
        cfg.storage.save = w_save;
        cfg.storage.user = &w;
        assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
        assert_int_equal(cp_store__begin(ctx), CP_OK);
        stage3(ctx, "new");
        if (ok == 0) {
            assert_int_equal(cp_store__commit(ctx), CP_E_STORAGE);
            cp_store__abort(ctx);
        } else if (ok <= 3) {
            /* only the journal (and not every blob) reached storage */
            assert_int_equal(cp_store__commit(ctx), CP_E_STORAGE);
            assert_non_null(strstr(cp_ctx_error_message(ctx),
                                   "commit pending"));
            cp_store__abort(ctx);
        } else {
            /* every blob is stored: durable, even if the journal stays */
            assert_int_equal(cp_store__commit(ctx), CP_OK);
        }
        ctx_done(ctx, &a);

        /* on disk before recovery: a journal when cut short, maybe a mix */
        raw_text(t->path, "journal", text, sizeof text);
        if (ok >= 1 && ok <= 4)
            assert_memory_equal(text, "CPJ1", 4);
        else
            assert_int_equal(file_len(t->path, "journal"), 0);
        for (i = 0; i < 3; i++) {
            char want[32];
            raw_text(t->path, tx_names[i], text, sizeof text);
            snprintf(want, sizeof want, "old-%s", tx_names[i]);
            if (strcmp(text, want) == 0)
                n_old++;
            else
                n_new++;
        }
        assert_int_equal(n_new, ok >= 1 ? (ok - 1 > 3 ? 3 : ok - 1) : 0);
        assert_int_equal(n_old + n_new, 3);

        expect3_fresh(&s, ok == 0 ? "old" : "new");
        assert_int_equal(file_len(t->path, "journal"), 0);
        close_kind(K_FILE, &s);
    }
}

/* A journal that fails its CRC never finished being written: ignored. */
static void test_corrupt_journal_ignored(void **state)
{
    tdir *t = *state;
    static const uint8_t torn[] = "CPJ1\0\0\0\1\2t1\0\0\0\3bad\0\0\0\0";
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    stage3(ctx, "kept");
    assert_int_equal(cp_store__commit(ctx), CP_OK);
    ctx_done(ctx, &a);
    assert_int_equal(h_save(&s, "journal", torn, sizeof torn - 1), CP_OK);
    expect3_fresh(&s, "kept");
    assert_int_equal(file_len(t->path, "journal"), 0);
    close_kind(K_FILE, &s);
}

/*
 * A save made before the first load must not be undone by rolling forward
 * an older journal later. lib/base/store.c runs recovery only before loads
 * and begin, so today the later load replays the journal over "fresh":
 * skipped unless CP_STORE_KNOWN_BUGS=1 (see the report on store.c; remove
 * the skip once cp_store__save recovers first).
 */
static void test_save_before_recovery(void **state)
{
    tdir *t = *state;
    cp_storage s;
    wrap w;
    tu_alloc a;
    cp_ctx *ctx;
    cp_config cfg;
    open_kind(K_FILE, t->path, &s);
    w.inner = s;
    w.ok = 1; /* the journal only */
    w.saves = 0;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &a, 0);
    cfg.storage.load = w_load;
    cfg.storage.save = w_save;
    cfg.storage.user = &w;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    stage3(ctx, "journaled");
    assert_int_equal(cp_store__commit(ctx), CP_E_STORAGE); /* pending */
    cp_store__abort(ctx);
    ctx_done(ctx, &a);
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_store__save(ctx, "t1", (const uint8_t *)"fresh", 5),
                     CP_OK);
    expect_blob(ctx, "t1", "fresh");
    expect_blob(ctx, "t2", "journaled-t2");
    ctx_done(ctx, &a);
    close_kind(K_FILE, &s);
}

/* A ctx on storage that fails every save after ok of them. */
static cp_ctx *ctx_on_wrap(wrap *w, const cp_storage *inner, int ok,
                           tu_alloc *a)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    w->inner = *inner;
    w->ok = ok;
    w->saves = 0;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, a, 0);
    cfg.storage.load = w_load;
    cfg.storage.save = w_save;
    cfg.storage.user = w;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

static void expect_message(cp_ctx *ctx, const char *part)
{
    const char *m = cp_ctx_error_message(ctx);
    if (strstr(m, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", m, part);
}

/*
 * A save that fails is its own status, CP_E_STORAGE (0.1.0: CP_E_IO),
 * naming the blob; the old value stays in force. Through the public calls
 * that save (policies, SPC) and load (cp_state_load).
 */
static void test_storage_status(void **state)
{
    tdir *t = *state;
    cp_storage s;
    wrap w;
    tu_alloc a;
    cp_ctx *ctx;
    uint32_t v = 0;
    uint8_t sha1[20];
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on_wrap(&w, &s, 0, &a);
    assert_int_equal(cp_policy_set(ctx, 4105, 7, CP_ROLE_MANAGER),
                     CP_E_STORAGE);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_STORAGE);
    expect_message(ctx, "cannot save the policy state");
    expect_message(ctx, "blob policy");
    assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_OK);
    assert_int_equal(v, 3);
    memset(sha1, 7, sizeof sha1);
    assert_int_equal(cp_spc_add(ctx, sha1, CP_ROLE_MANAGER), CP_E_STORAGE);
    ctx_done(ctx, &a);
    /* the second save fails: the first (policy) is kept */
    ctx = ctx_on_wrap(&w, &s, 1, &a);
    assert_int_equal(cp_policy_set(ctx, 4105, 7, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(cp_spc_add(ctx, sha1, CP_ROLE_MANAGER), CP_E_STORAGE);
    expect_message(ctx, "blob spc");
    ctx_done(ctx, &a);
    /* a blob that cannot be read: its file is a directory */
    {
        char p[PATH_CAP];
        join(p, t->path, "spc");
        assert_int_equal(mkdir(p, 0700), 0);
    }
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_state_load(ctx), CP_E_STORAGE);
    expect_message(ctx, "blob spc");
    /* fail closed: no call goes on with defaults */
    assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_E_STORAGE);
    ctx_done(ctx, &a);
    close_kind(K_FILE, &s);
}

/*
 * An interrupted commit that cannot be finished is reported as such,
 * CP_E_STORAGE, by every call that needs the state, until it can be
 * finished; then it is (nothing lost).
 */
static void test_pending_commit_reported(void **state)
{
    tdir *t = *state;
    cp_storage s;
    wrap w;
    tu_alloc a;
    cp_ctx *ctx;
    uint32_t v = 0;
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on_wrap(&w, &s, 1, &a); /* the journal only */
    assert_int_equal(cp_store__begin(ctx), CP_OK);
    stage3(ctx, "pending");
    assert_int_equal(cp_store__commit(ctx), CP_E_STORAGE);
    expect_message(ctx, "commit pending, only its journal is stored");
    cp_store__abort(ctx);
    /* the same ctx, storage still failing */
    assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_E_STORAGE);
    expect_message(ctx, "interrupted commit pending, cannot be finished");
    ctx_done(ctx, &a);
    /* a new ctx, storage still failing */
    ctx = ctx_on_wrap(&w, &s, 0, &a);
    assert_int_equal(cp_state_load(ctx), CP_E_STORAGE);
    expect_message(ctx, "interrupted commit pending, cannot be finished");
    ctx_done(ctx, &a);
    /* storage back: finished */
    expect3_fresh(&s, "pending");
    close_kind(K_FILE, &s);
}

/*
 * The file store on a directory that refuses writes: a policy change is
 * CP_E_STORAGE with the system's reason. chmod does not stop root, so
 * this is skipped as root (tool_test.sh covers root with a blob replaced
 * by a directory, as test_storage_status does here).
 */
static void test_file_store_read_only(void **state)
{
    tdir *t = *state;
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;
    cp_status st;
    if (geteuid() == 0) {
        print_message("skipped: root writes through a read-only mode\n");
        skip();
    }
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    assert_int_equal(cp_state_load(ctx), CP_OK);
    assert_int_equal(chmod(t->path, 0500), 0);
    st = cp_policy_set(ctx, 4105, 7, CP_ROLE_MANAGER);
    assert_int_equal(chmod(t->path, 0700), 0);
    assert_int_equal(st, CP_E_STORAGE);
    expect_message(ctx, "blob policy");
    ctx_done(ctx, &a);
    close_kind(K_FILE, &s);
}

/* ---- one state directory, many processes: the lock ------------------------ */

/* Policies whose values are "stored only" (any value), one per process. */
static const uint32_t lock_ids[] = {4125, 4126, 4127, 4130,
                                    4131, 4133, 4134, 4135};
#define LOCK_PROCS ((int)(sizeof lock_ids / sizeof lock_ids[0]))

/*
 * Child k: a device on dir (with the directory's lock unless
 * CP_STORE_NO_LOCK=1, the 0.1.0 setup), its state loaded, then - when the
 * parent says go, all children at once - one policy of its own set.
 */
static void lock_child(const char *dir, int k, int go_fd)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    char c;
    int rc = 1;
    const char *nolock = getenv("CP_STORE_NO_LOCK");
    cp_config_init(&cfg);
    if (cp_store_file_config(dir, &cfg) != CP_OK)
        _exit(2);
    if (nolock != NULL && strcmp(nolock, "1") == 0)
        memset(&cfg.storage_ext, 0, sizeof cfg.storage_ext);
    if (cp_ctx_new(&cfg, &ctx) == CP_OK && cp_state_load(ctx) == CP_OK &&
        read(go_fd, &c, 1) == 1 &&
        cp_policy_set(ctx, lock_ids[k], 1000u + (uint32_t)k,
                      CP_ROLE_MANAGER) == CP_OK)
        rc = 0;
    cp_ctx_free(ctx);
    cp_store_file_close(&cfg.storage);
    _exit(rc);
}

/*
 * LOCK_PROCS processes share one state directory, each changing its own
 * policy in the one "policy" blob (load -> change -> save). Every change
 * must survive: none may save over another's with the state it loaded
 * before. Without the lock (CP_STORE_NO_LOCK=1, what 0.1.0 did) each
 * child saves the blob it loaded at the start, and all but one change are
 * lost.
 */
static void test_shared_dir_no_lost_update(void **state)
{
    tdir *t = *state;
    pid_t pid[LOCK_PROCS];
    int go[2], k, lost = 0;
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;
    assert_int_equal(pipe(go), 0);
    for (k = 0; k < LOCK_PROCS; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            close(go[1]);
            lock_child(t->path, k, go[0]);
        }
    }
    close(go[0]);
    {   /* let every child load its state first, then all go at once */
        struct timespec ready = {0, 200 * 1000 * 1000};
        char gobytes[LOCK_PROCS];
        nanosleep(&ready, NULL);
        memset(gobytes, 'g', sizeof gobytes);
        assert_int_equal(write(go[1], gobytes, sizeof gobytes),
                         (ssize_t)sizeof gobytes);
    }
    close(go[1]);
    for (k = 0; k < LOCK_PROCS; k++) {
        int ws = 0;
        assert_int_equal(waitpid(pid[k], &ws, 0), pid[k]);
        assert_true(WIFEXITED(ws));
        assert_int_equal(WEXITSTATUS(ws), 0);
    }
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    for (k = 0; k < LOCK_PROCS; k++) {
        uint32_t v = 0;
        assert_int_equal(cp_policy_get(ctx, lock_ids[k], &v), CP_OK);
        if (v != 1000u + (uint32_t)k) {
            print_message("policy %lu: %lu, want %lu (update lost)\n",
                          (unsigned long)lock_ids[k], (unsigned long)v,
                          1000ul + (unsigned long)k);
            lost++;
        }
    }
    ctx_done(ctx, &a);
    close_kind(K_FILE, &s);
    assert_int_equal(lost, 0);
}

/* Lock hooks that count, and can be made to fail. */
typedef struct locker {
    int locks, unlocks, held, fail;
} locker;

static cp_status l_lock(void *u)
{
    locker *l = u;
    if (l->fail)
        return CP_E_IO;
    assert_int_equal(l->held, 0);
    l->held = 1;
    l->locks++;
    return CP_OK;
}

static void l_unlock(void *u)
{
    locker *l = u;
    assert_int_equal(l->held, 1);
    l->held = 0;
    l->unlocks++;
}

static const char *l_reason(void *u)
{
    return ((locker *)u)->fail ? "the lock is broken" : NULL;
}

static cp_ctx *ctx_locked(const cp_storage *s, locker *l, tu_alloc *a)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, a, 0);
    cfg.storage = *s;
    cfg.storage_ext.lock = l_lock;
    cfg.storage_ext.unlock = l_unlock;
    cfg.storage_ext.reason = l_reason;
    cfg.storage_ext.user = l;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

/*
 * The lock hooks: one lock per call, released when it returns; a context
 * that takes the lock reads what another committed since (its cache is
 * dropped); a lock that fails fails the call with CP_E_STORAGE, touching
 * no storage and calling no unlock.
 */
static void test_lock_hooks(void **state)
{
    tdir *t = *state;
    cp_storage s;
    locker la, lb;
    tu_alloc aa, ab;
    cp_ctx *a, *b;
    uint32_t v = 0;
    cp_config cfg;
    memset(&la, 0, sizeof la);
    memset(&lb, 0, sizeof lb);
    open_kind(K_FILE, t->path, &s);
    a = ctx_locked(&s, &la, &aa);
    b = ctx_locked(&s, &lb, &ab);
    assert_int_equal(cp_policy_get(b, 4105, &v), CP_OK); /* b caches */
    assert_int_equal(v, 3);
    assert_int_equal(lb.locks, 1);
    assert_int_equal(lb.unlocks, 1);
    assert_int_equal(cp_policy_set(a, 4105, 6, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(la.locks, 1);
    assert_int_equal(la.held, 0);
    assert_int_equal(cp_policy_get(b, 4105, &v), CP_OK);
    assert_int_equal(v, 6); /* not the cached 3 */
    /* and a change through b is not lost to a's cache either */
    assert_int_equal(cp_policy_set(b, 4102, 0, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(cp_policy_set(a, 4105, 7, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(cp_policy_get(b, 4102, &v), CP_OK);
    assert_int_equal(v, 0);
    assert_int_equal(cp_policy_get(b, 4105, &v), CP_OK);
    assert_int_equal(v, 7);
    /* a failing lock */
    la.fail = 1;
    assert_int_equal(cp_policy_get(a, 4105, &v), CP_E_STORAGE);
    expect_message(a, "storage: cannot lock it: the lock is broken");
    assert_null(strstr(cp_ctx_error_message(a), "interrupted"));
    expect_message(a, "the lock is broken");
    assert_int_equal(cp_policy_set(a, 4105, 9, CP_ROLE_MANAGER), CP_E_STORAGE);
    assert_int_equal(la.held, 0);
    la.fail = 0;
    assert_int_equal(cp_policy_get(a, 4105, &v), CP_OK);
    assert_int_equal(v, 7);
    assert_int_equal(la.locks, la.unlocks);
    assert_int_equal(lb.locks, lb.unlocks);
    ctx_done(a, &aa);
    ctx_done(b, &ab);
    /* lock without unlock is refused */
    cp_config_init(&cfg);
    cfg.storage = s;
    cfg.storage_ext.lock = l_lock;
    assert_int_equal(cp_ctx_new(&cfg, &a), CP_E_INVALID_ARG);
    close_kind(K_FILE, &s);
}

/*
 * A caller built against the first cp_config layout with versioned limits
 * and storage (0.2.0: through strict_validation) passes that struct_size:
 * accepted, and whatever lies past it (where storage_ext is now) unread.
 * (A caller of the 0.1.0 layout itself is test/abi/prev_caller.c, built
 * against the 0.1.0 headers.)
 */
static void test_config_0_1_0_size(void **state)
{
    tdir *t = *state;
    union {
        cp_config cfg;
        unsigned char raw[sizeof(cp_config)];
    } u;
    size_t old_size = offsetof(cp_config, strict_validation) + sizeof(int);
    cp_storage s;
    cp_ctx *ctx = NULL;
    uint32_t v = 0;
    open_kind(K_FILE, t->path, &s);
    memset(u.raw, 0xA5, sizeof u.raw); /* garbage past the old layout */
    memset(u.raw, 0, old_size);
    u.cfg.struct_size = old_size;
    u.cfg.storage = s;
    u.cfg.storage.struct_size = 0; /* the layout of the config holding it */
    assert_int_equal(cp_ctx_new(&u.cfg, &ctx), CP_OK);
    assert_int_equal(cp_policy_set(ctx, 4105, 5, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_OK);
    assert_int_equal(v, 5);
    cp_ctx_free(ctx);
    /* that size rounded up to its alignment, as sizeof gave it */
    u.cfg.struct_size = offsetof(cp_config, storage_ext);
    assert_int_equal(cp_ctx_new(&u.cfg, &ctx), CP_OK);
    cp_ctx_free(ctx);
    /* storage_ext half covered: not read either */
    u.cfg.struct_size = offsetof(cp_config, storage_ext) + sizeof(void *);
    assert_int_equal(cp_ctx_new(&u.cfg, &ctx), CP_OK);
    assert_int_equal(cp_policy_get(ctx, 4105, &v), CP_OK);
    cp_ctx_free(ctx);
    /* smaller: refused */
    u.cfg.struct_size = old_size - 1;
    assert_int_equal(cp_ctx_new(&u.cfg, &ctx), CP_E_VERSION);
    /* cp_store_file_config needs a config that has storage_ext */
    u.cfg.struct_size = old_size;
    assert_int_equal(cp_store_file_config(t->path, &u.cfg), CP_E_VERSION);
    close_kind(K_FILE, &s);
}

/* One transaction writing tag; every failure aborts. Its status. */
static cp_status try_txn(cp_ctx *ctx, const char *tag)
{
    cp_status st = cp_store__begin(ctx);
    size_t i;
    if (st != CP_OK)
        return st;
    for (i = 0; i < 3 && st == CP_OK; i++) {
        char text[32];
        snprintf(text, sizeof text, "%s-%s", tag, tx_names[i]);
        st = cp_store__save(ctx, tx_names[i], (const uint8_t *)text,
                            strlen(text));
    }
    if (st == CP_OK)
        st = cp_store__commit(ctx);
    if (st != CP_OK)
        cp_store__abort(ctx);
    return st;
}

/* Fail each allocation in turn: no leak, and the disk holds one state. */
static void test_txn_alloc_failures(void **state)
{
    tdir *t = *state;
    cp_storage s;
    char cur[16] = "base";
    long n;
    tu_alloc a;
    cp_ctx *ctx;
    open_kind(K_FILE, t->path, &s);
    ctx = ctx_on(&s, &a);
    assert_int_equal(try_txn(ctx, cur), CP_OK);
    ctx_done(ctx, &a);
    for (n = 1; n < 200; n++) {
        cp_config cfg;
        cp_status st;
        char tag[24];
        cp_config_init(&cfg);
        tu_alloc_setup(&cfg, &a, n);
        cfg.storage = s;
        st = cp_ctx_new(&cfg, &ctx);
        snprintf(tag, sizeof tag, "n%ld", n);
        if (st == CP_OK) {
            st = try_txn(ctx, tag);
            ctx_done(ctx, &a);
        }
        assert_true(st == CP_OK || st == CP_E_NOMEM);
        if (st == CP_OK)
            memcpy(cur, tag, strlen(tag) + 1);
        expect3_fresh(&s, cur); /* the new state, or the old one whole */
        if (st == CP_OK && a.calls < n)
            break; /* the whole run needs fewer than n allocations */
    }
    assert_true(n < 200);
    print_message("allocation failures swept: %ld\n", n - 1);
    close_kind(K_FILE, &s);
}

/* ---- the crash test --------------------------------------------------------- */

#define CRASH_BLOBS 4
#define CRASH_MAX 4096
static const char *const crash_names[CRASH_BLOBS] = {"policy", "spc", "tps",
                                                     "settings"};

/* Blob i of generation g: "gen:G:name:" padded to a size that varies. */
static size_t gen_blob(uint32_t g, int i, uint8_t *out)
{
    size_t size = 24 + (size_t)((g * 2654435761u + (uint32_t)i * 40503u) %
                                (CRASH_MAX - 64));
    int n = snprintf((char *)out, CRASH_MAX, "gen:%lu:%s:", (unsigned long)g,
                     crash_names[i]);
    size_t k;
    for (k = (size_t)n; k < size; k++)
        out[k] = (uint8_t)('a' + (g + k) % 26u);
    return size;
}

/* The generation a blob belongs to; -1 when it is no whole blob of one. */
static long blob_gen(const uint8_t *p, size_t n, int i)
{
    uint8_t want[CRASH_MAX];
    unsigned long g = 0;
    size_t k = 4;
    if (n < 6 || memcmp(p, "gen:", 4) != 0)
        return -1;
    while (k < n && k < 14 && p[k] >= '0' && p[k] <= '9')
        g = g * 10 + (unsigned long)(p[k++] - '0');
    if (k == 4 || g > 0xFFFFFFFFul)
        return -1;
    if (gen_blob((uint32_t)g, i, want) != n || memcmp(want, p, n) != 0)
        return -1;
    return (long)g;
}

static void put_record(int fd, uint32_t g)
{
    uint8_t rec[4];
    cp_be32__put(rec, g);
    if (write(fd, rec, 4) != 4)
        _exit(20);
}

/* The child: commit generation after generation until killed. No cmocka. */
static void crash_child(const char *dir, int wfd)
{
    cp_storage s;
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_buf b;
    uint8_t blob[CRASH_MAX];
    uint32_t g = 0;
    cp_status st;
    int i;
    if (cp_store_file_open(dir, &s) != CP_OK)
        _exit(10);
    cp_config_init(&cfg);
    cfg.storage = s;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        _exit(11);
    cp_buf__init(&b, &ctx->alloc);
    st = cp_store__load(ctx, crash_names[0], &b);
    if (st == CP_OK) {
        long v = blob_gen(b.p, b.len, 0);
        if (v < 0)
            _exit(12);
        g = (uint32_t)v;
    } else if (st != CP_E_NOT_FOUND) {
        _exit(13);
    }
    cp_buf__free(&b);
    put_record(wfd, g); /* ready: this is what the disk holds */
    for (;;) {
        g++;
        if (cp_store__begin(ctx) != CP_OK)
            _exit(14);
        for (i = 0; i < CRASH_BLOBS; i++) {
            size_t len = gen_blob(g, i, blob);
            if (cp_store__save(ctx, crash_names[i], blob, len) != CP_OK)
                _exit(15);
        }
        if (cp_store__commit(ctx) != CP_OK)
            _exit(16);
        put_record(wfd, g);
    }
}

/* Read the child's records; *last = the newest. -1 on nothing read. */
static int read_records(int fd, uint32_t *last, long *count, int wait_one)
{
    uint8_t rec[4];
    size_t have = 0;
    int got = 0;
    for (;;) {
        ssize_t r = read(fd, rec + have, 4 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
        if (have == 4) {
            *last = cp_be32__get(rec);
            (*count)++;
            have = 0;
            got = 1;
            if (wait_one)
                break;
        }
    }
    return got ? 0 : -1;
}

typedef struct crash_stats {
    long rounds, reported, mid_commit, mixed_on_disk, temps_left, unreported;
} crash_stats;

/* Before recovery: was the child inside a commit, and are the files mixed? */
static void inspect_raw(const char *dir, crash_stats *cs)
{
    long first = -2;
    int i, mixed = 0;
    if (file_len(dir, "journal") > 0)
        cs->mid_commit++;
    for (i = 0; i < CRASH_BLOBS; i++) {
        char p[PATH_CAP];
        size_t n = 0;
        uint8_t *d;
        long g = -1;
        join(p, dir, crash_names[i]);
        d = tu_read_file(p, &n);
        if (d != NULL)
            g = blob_gen(d, n, i);
        free(d);
        if (first == -2)
            first = g;
        else if (g != first)
            mixed = 1;
    }
    cs->mixed_on_disk += mixed;
    if (count_entries(dir, ".cptmp.") > 0)
        cs->temps_left++;
}

/* After a crash: every blob of one generation, known or known + 1. */
static uint32_t verify_restart(const char *dir, uint32_t known)
{
    cp_storage s;
    tu_alloc a;
    cp_ctx *ctx;
    long g0 = -2;
    int i;
    open_kind(K_FILE, dir, &s);
    assert_int_equal(count_entries(dir, ".cptmp."), 0); /* swept by open */
    ctx = ctx_on(&s, &a);
    for (i = 0; i < CRASH_BLOBS; i++) {
        cp_buf b;
        cp_status st;
        long g;
        cp_buf__init(&b, &ctx->alloc);
        st = cp_store__load(ctx, crash_names[i], &b);
        if (st == CP_E_NOT_FOUND) {
            g = 0; /* generation 0: nothing committed yet */
        } else {
            assert_int_equal(st, CP_OK);
            g = blob_gen(b.p, b.len, i);
            if (g < 0)
                fail_msg("blob %s is not a whole generation", crash_names[i]);
        }
        cp_buf__free(&b);
        if (g0 == -2)
            g0 = g;
        else if (g != g0)
            fail_msg("mixed state: %s has gen %ld, %s has %ld", crash_names[0],
                     g0, crash_names[i], g);
    }
    ctx_done(ctx, &a);
    close_kind(K_FILE, &s);
    if (g0 < (long)known || g0 > (long)known + 1)
        fail_msg("gen %ld after a crash, child had committed %lu", g0,
                 (unsigned long)known);
    return (uint32_t)g0;
}

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    char *end;
    long n;
    if (v == NULL || v[0] == '\0')
        return def;
    n = strtol(v, &end, 10);
    return *end == '\0' && n > 0 ? n : def;
}

/* One round: start a child, let it commit for 0-20 ms, kill it, check. */
static uint32_t crash_round(const char *dir, uint32_t known, crash_stats *cs)
{
    int fds[2], status;
    pid_t pid;
    uint32_t last = known, g;
    long got = 0;
    struct timespec ts;
    long us = rand() % 20001;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(dir, fds[1]);
        _exit(1);
    }
    close(fds[1]);
    if (read_records(fds[0], &last, &got, 1) != 0)
        fail_msg("the child died before it was ready");
    assert_int_equal(last, known); /* it found what the last check found */
    ts.tv_sec = 0;
    ts.tv_nsec = us * 1000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    assert_int_equal(kill(pid, SIGKILL), 0);
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("the child stopped by itself (exit %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    got = 0;
    (void)read_records(fds[0], &last, &got, 0);
    close(fds[0]);
    cs->reported += got;
    inspect_raw(dir, cs);
    g = verify_restart(dir, last);
    if (g != last)
        cs->unreported++;
    cs->rounds++;
    return g;
}

static void test_crash(void **state)
{
    tdir *t = *state;
    unsigned seed = (unsigned)env_long("CP_STORE_SEED",
                                       (long)(((unsigned)time(NULL) ^
                                               ((unsigned)getpid() << 8)) &
                                              0x7FFFFFFF));
    long rounds = env_long("CP_STORE_ROUNDS", 200), r;
    crash_stats cs;
    uint32_t known = 0;
    struct timespec t0, t1;
    double secs;

    memset(&cs, 0, sizeof cs);
    print_message("crash test: seed %u (CP_STORE_SEED), %ld rounds, dir %s\n",
                  seed, rounds, t->path);
    srand(seed);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (r = 0; r < rounds; r++)
        known = crash_round(t->path, known, &cs);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("crash test: %ld rounds in %.1f s, %ld commits reported, "
                  "final gen %lu\n",
                  cs.rounds, secs, cs.reported, (unsigned long)known);
    print_message("crash test: killed mid-commit (journal pending) %ld, "
                  "blobs mixed on disk before recovery %ld, temp files "
                  "left %ld, committed but unreported %ld\n",
                  cs.mid_commit, cs.mixed_on_disk, cs.temps_left,
                  cs.unreported);
    assert_int_equal(cs.rounds, rounds);
    assert_true(known > 0); /* the children did commit */
}

/*
 * The file store alone (no journal): a child replaces one big blob again
 * and again through the save hook and is killed at a random time; the
 * blob must then be one whole generation. Big blobs widen the window in
 * which a save that wrote in place would leave a torn file.
 */
#define SOLO_MAX (256 * 1024)

static size_t solo_blob(uint32_t g, uint8_t *out)
{
    size_t size = 16 + (size_t)((g * 2246822519u) % (SOLO_MAX - 16)), k;
    cp_be32__put(out, g);
    for (k = 4; k < size; k++)
        out[k] = (uint8_t)(g * 31u + k);
    return size;
}

static void solo_child(const char *dir, int wfd)
{
    cp_storage s;
    uint8_t *blob = malloc(SOLO_MAX);
    uint32_t g = 0;
    size_t len = 0;
    cp_status st;
    if (blob == NULL || cp_store_file_open(dir, &s) != CP_OK)
        _exit(10);
    st = s.load(s.user, "solo", blob, SOLO_MAX, &len);
    if (st == CP_OK && len >= 4)
        g = cp_be32__get(blob); /* go on from what the disk holds */
    else if (st != CP_E_NOT_FOUND)
        _exit(12);
    put_record(wfd, g);
    for (;;) {
        g++;
        if (s.save(s.user, "solo", blob, solo_blob(g, blob)) != CP_OK)
            _exit(11);
        put_record(wfd, g);
    }
}

static void test_crash_raw_save(void **state)
{
    tdir *t = *state;
    uint8_t *want = malloc(SOLO_MAX), *buf = malloc(SOLO_MAX);
    long rounds = env_long("CP_STORE_ROUNDS", 200) / 2, r, reported = 0;
    uint32_t known = 0;
    assert_true(want != NULL && buf != NULL);
    srand((unsigned)env_long("CP_STORE_SEED", 1));
    for (r = 0; r < rounds; r++) {
        int fds[2], status;
        pid_t pid;
        uint32_t last = 0, g = 0;
        long got = 0;
        struct timespec ts;
        cp_storage s;
        size_t len = 0;
        cp_status st;
        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            solo_child(t->path, fds[1]);
        }
        close(fds[1]);
        assert_int_equal(read_records(fds[0], &last, &got, 1), 0);
        assert_int_equal(last, known);
        ts.tv_sec = 0;
        ts.tv_nsec = (rand() % 10001) * 1000L;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
        assert_int_equal(kill(pid, SIGKILL), 0);
        while (waitpid(pid, &status, 0) < 0)
            assert_int_equal(errno, EINTR);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        (void)read_records(fds[0], &last, &got, 0);
        close(fds[0]);
        reported += got - 1;
        open_kind(K_FILE, t->path, &s);
        st = h_load(&s, "solo", buf, SOLO_MAX, &len);
        close_kind(K_FILE, &s);
        if (st == CP_OK) {
            assert_true(len >= 4);
            g = cp_be32__get(buf);
            assert_int_equal(solo_blob(g, want), len);
            assert_memory_equal(buf, want, len);
        } else {
            assert_int_equal(st, CP_E_NOT_FOUND);
        }
        /* what the child saved last, or the one it was saving */
        if (g != last && g != last + 1)
            fail_msg("solo gen %lu, reported %lu", (unsigned long)g,
                     (unsigned long)last);
        known = g;
        assert_int_equal(count_entries(t->path, ".cptmp."), 0);
    }
    print_message("raw crash test: %ld rounds, %ld saves reported\n", rounds,
                  reported);
    free(want);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_protocol, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_reopen, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_bad_names, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_open_errors, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_file_specifics, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_policy_persists, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_txn_commit_abort, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_txn_abort_from_empty, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_journal_roll_forward, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_corrupt_journal_ignored, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_txn_alloc_failures, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_save_before_recovery, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_storage_status, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_pending_commit_reported,
                                        setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_file_store_read_only, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_shared_dir_no_lost_update,
                                        setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_lock_hooks, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_config_0_1_0_size, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_raw_save, setup_dir,
                                        teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
