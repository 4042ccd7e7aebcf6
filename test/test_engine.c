/*
 * test_engine.c - the configuration engine with host CSPs (omacp/engine.h,
 * lib/engine/process.c, csp.c, metabase.c).
 *
 * A test double plays the host CSPs "HOST", "HOST2" and "HOST3": each keeps
 * a small key/value tree (characteristic paths and path + name -> value),
 * records every handler call in one shared call log, uses internal
 * (its own undo log) or external transactioning (the engine records and
 * replays old values), checks every cookie it is handed, and fails on
 * demand at the N-th handler call or at a named call point.
 *
 * Covered: routing and registration, the output document (echo, queries
 * answered in place, deletes), metadata mode, the metabase and its access
 * check with grant policies and value rules, all or nothing across host and
 * built-in CSPs (state compared byte for byte: the doubles' trees, every
 * policy, every stored blob), failure at every CSP call and at every
 * allocation, failing rollbacks, re-entrance and two threads on one
 * context, and the WBXML twin.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "omacp.h"
#include "support/memstore.h"
#include "support/testutil.h"

#if defined(__GNUC__) || defined(__clang__)
#define T_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define T_PRINTF(f, a)
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))


/* ---- the shared call log --------------------------------------------------- */

#define LOG_MAX 4096
#define LOG_LINE 128

typedef struct calllog {
    char line[LOG_MAX][LOG_LINE];
    size_t n;
    int overflow;
} calllog;

static calllog g_log;

static void log_clear(calllog *l)
{
    l->n = 0;
    l->overflow = 0;
}

static void log_add(calllog *l, const char *fmt, ...) T_PRINTF(2, 3);
static void log_add(calllog *l, const char *fmt, ...)
{
    va_list ap;
    if (l->n == LOG_MAX) {
        l->overflow = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(l->line[l->n++], LOG_LINE, fmt, ap);
    va_end(ap);
}

/* Index of the first line at or after from equal to s, or -1. */
static long log_find(const calllog *l, size_t from, const char *s)
{
    size_t i;
    for (i = from; i < l->n; i++)
        if (strcmp(l->line[i], s) == 0)
            return (long)i;
    return -1;
}

static void log_print(const calllog *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        print_message("  log[%lu] %s\n", (unsigned long)i, l->line[i]);
}

/* The log must be exactly want[0..n). */
static void log_expect(const calllog *l, const char *const *want, size_t n)
{
    size_t i;
    if (l->n != n)
        log_print(l);
    assert_int_equal(l->n, n);
    for (i = 0; i < n; i++)
        assert_string_equal(l->line[i], want[i]);
}

/* ---- the host CSP double ------------------------------------------------------ */

#define H_ENT 128
#define H_UNDO 512
#define H_COOKIE 64
#define H_STR 96
#define H_NAME 48

typedef struct hent {
    char path[H_STR];  /* characteristic path ("HOST/net") */
    char name[H_NAME]; /* parm name; "" for a characteristic */
    char value[H_STR];
    int has_value;
    int is_char;
} hent;

typedef struct hundo {
    hent old; /* the entry before the change (its key fields at least) */
    int had;  /* it existed */
} hundo;

typedef struct host {
    char type[16];
    unsigned flags; /* as registered */
    cp_ctx *ctx;
    calllog *log;
    hent ent[H_ENT]; /* sorted: path, characteristic first, name */
    size_t n;
    hundo undo[H_UNDO]; /* internal transactioning */
    size_t n_undo;
    int undo_overflow;
    int in_tx;
    char cookie[H_COOKIE][H_STR];
    size_t n_cookie;
    long bad_cookies;
    /* failure injection */
    long calls;
    long fail_at;           /* fail the fail_at-th call (1-based), 0 never */
    const char *fail_point; /* or the fail_nth-th call of this point */
    long fail_nth;
    long point_hits;
    cp_status fail_st;
    char failed_point[32]; /* where the last injected failure fired */
    char err[128];
    /* observations */
    uint32_t roles;
    unsigned call_flags;
    long commits, rollbacks;
    /* re-entrance */
    int reenter;
    cp_status re_process, re_wbxml, re_register, re_unregister, re_meta;
} host;

static int key_cmp(const char *pa, int ca, const char *na, const char *pb,
                   int cb, const char *nb)
{
    int c = strcmp(pa, pb);
    if (c)
        return c;
    if (ca != cb)
        return ca ? -1 : 1;
    return strcmp(na, nb);
}

static long ent_find(const host *h, const char *path, const char *name,
                     int is_char)
{
    size_t i;
    for (i = 0; i < h->n; i++)
        if (h->ent[i].is_char == is_char &&
            strcmp(h->ent[i].path, path) == 0 &&
            strcmp(h->ent[i].name, name) == 0)
            return (long)i;
    return -1;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    assert_true(n < cap);
    memcpy(dst, src, n + 1);
}

static void ent_raw_put(host *h, const hent *e)
{
    long at = ent_find(h, e->path, e->name, e->is_char);
    size_t i;
    if (at >= 0) {
        h->ent[at] = *e;
        return;
    }
    assert_true(h->n < H_ENT);
    for (i = 0; i < h->n; i++)
        if (key_cmp(e->path, e->is_char, e->name, h->ent[i].path,
                    h->ent[i].is_char, h->ent[i].name) < 0)
            break;
    memmove(&h->ent[i + 1], &h->ent[i], (h->n - i) * sizeof h->ent[0]);
    h->ent[i] = *e;
    h->n++;
}

static void ent_raw_del(host *h, size_t i)
{
    memmove(&h->ent[i], &h->ent[i + 1], (h->n - i - 1) * sizeof h->ent[0]);
    h->n--;
}

static void make_ent(hent *e, const char *path, const char *name,
                     const char *value, int is_char)
{
    memset(e, 0, sizeof *e);
    copy_str(e->path, sizeof e->path, path);
    copy_str(e->name, sizeof e->name, name);
    if (value != NULL) {
        copy_str(e->value, sizeof e->value, value);
        e->has_value = 1;
    }
    e->is_char = is_char;
}

/* Internal transactioning: remember the entry before it changes. */
static void note_undo(host *h, const char *path, const char *name, int is_char)
{
    long i;
    hundo *u;
    if (!h->in_tx || !(h->flags & CP_CSP_INTERNAL_TX))
        return;
    if (h->n_undo == H_UNDO) {
        h->undo_overflow = 1;
        return;
    }
    u = &h->undo[h->n_undo++];
    i = ent_find(h, path, name, is_char);
    if (i >= 0) {
        u->old = h->ent[i];
        u->had = 1;
    } else {
        make_ent(&u->old, path, name, NULL, is_char);
        u->had = 0;
    }
}

static void h_put(host *h, const char *path, const char *name,
                  const char *value, int is_char)
{
    hent e;
    note_undo(h, path, name, is_char);
    make_ent(&e, path, name, value, is_char);
    ent_raw_put(h, &e);
}

static void h_del(host *h, size_t i)
{
    note_undo(h, h->ent[i].path, h->ent[i].name, h->ent[i].is_char);
    ent_raw_del(h, i);
}

static void undo_all(host *h)
{
    while (h->n_undo > 0) {
        const hundo *u = &h->undo[--h->n_undo];
        long i = ent_find(h, u->old.path, u->old.name, u->old.is_char);
        if (u->had)
            ent_raw_put(h, &u->old);
        else if (i >= 0)
            ent_raw_del(h, (size_t)i);
    }
    h->in_tx = 0;
}

/* Seeding (no log, no undo): "C path" or "P path name[=value]". */
static void seed(host *h, const char *const *lines, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char buf[256], *name, *eq;
        hent e;
        copy_str(buf, sizeof buf, lines[i] + 2);
        if (lines[i][0] == 'C') {
            make_ent(&e, buf, "", NULL, 1);
        } else {
            name = strchr(buf, ' ');
            assert_non_null(name);
            *name++ = '\0';
            eq = strchr(name, '=');
            if (eq != NULL)
                *eq++ = '\0';
            make_ent(&e, buf, name, eq, 0);
        }
        ent_raw_put(h, &e);
    }
}

/* The tree as text, one entry a line in sorted order. */
static void host_dump(const host *h, char *out, size_t cap)
{
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; i < h->n; i++) {
        const hent *e = &h->ent[i];
        int k;
        if (e->is_char)
            k = snprintf(out + len, cap - len, "C %s\n", e->path);
        else
            k = snprintf(out + len, cap - len, "P %s %s%s%s\n", e->path,
                         e->name, e->has_value ? "=" : "",
                         e->has_value ? e->value : "");
        assert_true(k > 0 && (size_t)k < cap - len);
        len += (size_t)k;
    }
}

static void expect_tree(const host *h, const char *want)
{
    char buf[8192];
    host_dump(h, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static const char *last_seg(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The cookie handed out for path (one per distinct path). */
static void *cookie_for(host *h, const char *path)
{
    size_t i;
    for (i = 0; i < h->n_cookie; i++)
        if (strcmp(h->cookie[i], path) == 0)
            return h->cookie[i];
    assert_true(h->n_cookie < H_COOKIE);
    copy_str(h->cookie[h->n_cookie], H_STR, path);
    return h->cookie[h->n_cookie++];
}

/* The cookie must be the one of path, or NULL when path is "". */
static void check_cookie(host *h, const void *cookie, const char *path,
                         size_t len)
{
    size_t i;
    if (len == 0) {
        if (cookie != NULL)
            h->bad_cookies++;
        return;
    }
    for (i = 0; i < h->n_cookie; i++)
        if (cookie == (const void *)h->cookie[i] &&
            strlen(h->cookie[i]) == len && memcmp(h->cookie[i], path, len) == 0)
            return;
    h->bad_cookies++;
}

/* The cookie of the characteristic enclosing path. */
static void check_parent_cookie(host *h, const void *cookie, const char *path)
{
    const char *s = strrchr(path, '/');
    check_cookie(h, cookie, path, s ? (size_t)(s - path) : 0);
}

/* Log the call and decide whether it fails. */
static cp_status hit(host *h, const char *point, const char *fmt, ...)
    T_PRINTF(3, 4);
static cp_status hit(host *h, const char *point, const char *fmt, ...)
{
    char d[LOG_LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d, sizeof d, fmt, ap);
    va_end(ap);
    log_add(h->log, "%s %s%s%.100s", h->type, point, d[0] ? " " : "", d);
    h->calls++;
    if ((h->fail_at != 0 && h->calls == h->fail_at) ||
        (h->fail_point != NULL && strcmp(h->fail_point, point) == 0 &&
         ++h->point_hits == (h->fail_nth ? h->fail_nth : 1))) {
        snprintf(h->err, sizeof h->err, "%s injected failure at %s", h->type,
                 point);
        copy_str(h->failed_point, sizeof h->failed_point, point);
        return h->fail_st ? h->fail_st : CP_E_IO;
    }
    return CP_OK;
}

static cp_csp_ops host_ops(unsigned flags);

static void reenter(host *h)
{
    static const char doc[] = DOC("");
    static const uint8_t wb[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    cp_csp_ops o = host_ops(0);
    char *out = NULL;
    cp_meta m;
    h->re_process = cp_process_config_xml(h->ctx, doc, strlen(doc),
                                          CP_ROLE_MANAGER, 0, &out, NULL);
    assert_null(out);
    h->re_wbxml = cp_process_config_wbxml(h->ctx, wb, sizeof wb,
                                          CP_ROLE_MANAGER, 0, &out, NULL);
    assert_null(out);
    h->re_register = cp_csp_register(h->ctx, "LATE", &o, h);
    h->re_unregister = cp_csp_unregister(h->ctx, h->type);
    cp_meta_init(&m);
    h->re_meta = cp_meta_set(h->ctx, "HOST/x", &m);
}

static cp_status h_begin(void *user, cp_csp_session *s)
{
    host *h = user;
    h->err[0] = '\0';
    h->in_tx = 1;
    h->n_undo = 0;
    h->roles = cp_csp_roles(s);
    h->call_flags = cp_csp_flags(s);
    assert_ptr_equal(cp_csp_ctx(s), h->ctx);
    return hit(h, "begin", "%s", "");
}

static cp_status h_char_enter(void *user, cp_csp_session *s, const char *path,
                              const char *type, void *parent_cookie,
                              void **cookie)
{
    host *h = user;
    cp_status st = hit(h, "char_enter", "%s", path);
    (void)s;
    check_parent_cookie(h, parent_cookie, path);
    if (strcmp(type, last_seg(path)) != 0)
        h->bad_cookies++;
    if (st)
        return st;
    if (h->reenter)
        reenter(h);
    if (ent_find(h, path, "", 1) < 0)
        h_put(h, path, "", NULL, 1);
    *cookie = cookie_for(h, path);
    return CP_OK;
}

static cp_status h_char_leave(void *user, cp_csp_session *s, const char *path,
                              const char *type, void *cookie)
{
    host *h = user;
    (void)s;
    check_cookie(h, cookie, path, strlen(path));
    if (strcmp(type, last_seg(path)) != 0)
        h->bad_cookies++;
    return hit(h, "char_leave", "%s", path);
}

static cp_status h_parm(void *user, cp_csp_session *s, const char *path,
                        const char *name, const char *value, void *cookie)
{
    host *h = user;
    cp_status st = hit(h, "parm", "%s %s%s%s", path, name, value ? "=" : "",
                       value ? value : "");
    (void)s;
    check_cookie(h, cookie, path, strlen(path));
    if (st)
        return st;
    h_put(h, path, name, value, 0);
    return CP_OK;
}

static cp_status h_noparm(void *user, cp_csp_session *s, const char *path,
                          const char *name, void *cookie)
{
    host *h = user;
    cp_status st = hit(h, "noparm", "%s %s", path, name);
    long i;
    (void)s;
    check_cookie(h, cookie, path, strlen(path));
    if (st)
        return st;
    i = ent_find(h, path, name, 0);
    if (i < 0)
        return CP_E_NOT_FOUND;
    h_del(h, (size_t)i);
    return CP_OK;
}

static cp_status h_parm_query(void *user, cp_csp_session *s, const char *path,
                              const char *name, void *cookie)
{
    host *h = user;
    cp_status st = hit(h, "parm_query", "%s %s", path, name);
    long i;
    check_cookie(h, cookie, path, strlen(path));
    if (st)
        return st;
    i = ent_find(h, path, name, 0);
    if (i < 0)
        return CP_E_NOT_FOUND;
    return h->ent[i].has_value ? cp_csp_answer(s, h->ent[i].value) : CP_OK;
}

static int is_below(const char *top, const char *p)
{
    size_t n = strlen(top);
    return strncmp(p, top, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static cp_status h_nochar(void *user, cp_csp_session *s, const char *path,
                          const char *type, void *cookie)
{
    host *h = user;
    cp_status st = hit(h, "nocharacteristic", "%s", path);
    size_t i;
    (void)s;
    check_parent_cookie(h, cookie, path);
    if (strcmp(type, last_seg(path)) != 0)
        h->bad_cookies++;
    if (st)
        return st;
    if (ent_find(h, path, "", 1) < 0)
        return CP_E_NOT_FOUND;
    for (i = h->n; i-- > 0;)
        if (is_below(path, h->ent[i].path))
            h_del(h, i);
    return CP_OK;
}

static int is_child(const char *parent, const char *p)
{
    size_t n = strlen(parent);
    return strncmp(p, parent, n) == 0 && p[n] == '/' &&
           strchr(p + n + 1, '/') == NULL;
}

static cp_status emit_tree(host *h, cp_csp_session *s, const char *path,
                           int recursive)
{
    cp_status st = cp_csp_emit_enter(s, last_seg(path));
    size_t i;
    for (i = 0; i < h->n && !st; i++)
        if (!h->ent[i].is_char && strcmp(h->ent[i].path, path) == 0)
            st = cp_csp_emit_parm(s, h->ent[i].name,
                                  h->ent[i].has_value ? h->ent[i].value : NULL);
    for (i = 0; i < h->n && !st; i++) {
        if (!h->ent[i].is_char || !is_child(path, h->ent[i].path))
            continue;
        if (recursive) {
            st = emit_tree(h, s, h->ent[i].path, 1);
        } else {
            st = cp_csp_emit_enter(s, last_seg(h->ent[i].path));
            if (!st)
                st = cp_csp_emit_leave(s);
        }
    }
    return st ? st : cp_csp_emit_leave(s);
}

static cp_status h_char_query(void *user, cp_csp_session *s, const char *path,
                              int recursive, void *cookie)
{
    host *h = user;
    cp_status st = hit(h, "characteristic_query", "%s r%d", path, recursive);
    check_parent_cookie(h, cookie, path);
    if (st)
        return st;
    if (ent_find(h, path, "", 1) < 0)
        return CP_E_NOT_FOUND;
    return emit_tree(h, s, path, recursive);
}

static cp_status h_commit(void *user, cp_csp_session *s)
{
    host *h = user;
    cp_status st = hit(h, "commit", "%s", "");
    (void)s;
    if (st)
        return st;
    h->commits++;
    h->in_tx = 0;
    h->n_undo = 0;
    return CP_OK;
}

static cp_status h_rollback(void *user, cp_csp_session *s)
{
    host *h = user;
    cp_status st = hit(h, "rollback", "%s", "");
    (void)s;
    if (st)
        return st;
    h->rollbacks++;
    undo_all(h);
    return CP_OK;
}

static const char *h_error(void *user, cp_csp_session *s)
{
    host *h = user;
    (void)s;
    return h->err[0] ? h->err : NULL;
}

static cp_csp_ops host_ops(unsigned flags)
{
    cp_csp_ops o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.flags = flags;
    o.begin = h_begin;
    o.char_enter = h_char_enter;
    o.char_leave = h_char_leave;
    o.parm = h_parm;
    o.noparm = h_noparm;
    o.parm_query = h_parm_query;
    o.nocharacteristic = h_nochar;
    o.characteristic_query = h_char_query;
    o.commit = h_commit;
    o.rollback = h_rollback;
    o.error_description = h_error;
    return o;
}

static void host_init(host *h, const char *type, cp_ctx *ctx)
{
    memset(h, 0, sizeof *h);
    copy_str(h->type, sizeof h->type, type);
    h->ctx = ctx;
    h->log = &g_log;
}

static void host_reset_faults(host *h)
{
    h->calls = 0;
    h->fail_at = 0;
    h->fail_point = NULL;
    h->fail_nth = 0;
    h->point_hits = 0;
    h->fail_st = 0;
    h->failed_point[0] = '\0';
}

static void host_register(host *h, unsigned flags)
{
    cp_csp_ops o = host_ops(flags);
    h->flags = flags;
    assert_int_equal(cp_csp_register(h->ctx, h->type, &o, h), CP_OK);
}

static void host_reregister(host *h, unsigned flags)
{
    assert_int_equal(cp_csp_unregister(h->ctx, h->type), CP_OK);
    host_register(h, flags);
}

/* ---- the fixture ---------------------------------------------------------------- */

static const char *const seed_host[] = {
    "C HOST",           "C HOST/net",         "P HOST/net flag",
    "P HOST/net name=alpha", "P HOST/net port=80", "C HOST/net/sub",
    "P HOST/net/sub k=v",    "C HOST/old",         "P HOST/old x=1"};
static const char *const seed_host2[] = {
    "C HOST2", "C HOST2/a", "P HOST2/a p=1", "P HOST2/a q=2",
    "C HOST2/b", "P HOST2/b m=3", "C HOST2/b/c", "P HOST2/b/c n"};
static const char *const seed_host3[] = {"C HOST3", "P HOST3 z=9"};

#define TREE_HOST                                                            \
    "C HOST\nC HOST/net\nP HOST/net flag\nP HOST/net name=alpha\n"           \
    "P HOST/net port=80\nC HOST/net/sub\nP HOST/net/sub k=v\nC HOST/old\n"   \
    "P HOST/old x=1\n"
#define TREE_HOST2                                                           \
    "C HOST2\nC HOST2/a\nP HOST2/a p=1\nP HOST2/a q=2\nC HOST2/b\n"          \
    "P HOST2/b m=3\nC HOST2/b/c\nP HOST2/b/c n\n"

typedef struct fx {
    memstore ms;
    tu_alloc t;
    cp_ctx *ctx;
    host h[3]; /* HOST (internal), HOST2 (external), HOST3 (internal) */
} fx;

static void seed_all(fx *f)
{
    f->h[0].n = f->h[1].n = f->h[2].n = 0;
    seed(&f->h[0], seed_host, ARRAY_LEN(seed_host));
    seed(&f->h[1], seed_host2, ARRAY_LEN(seed_host2));
    seed(&f->h[2], seed_host3, ARRAY_LEN(seed_host3));
}

static int fx_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    cp_config cfg;
    if (f == NULL)
        return -1;
    ms_init(&f->ms);
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &f->t, 0);
    ms_attach(&cfg, &f->ms);
    if (cp_ctx_new(&cfg, &f->ctx) != CP_OK)
        return -1;
    host_init(&f->h[0], "HOST", f->ctx);
    host_init(&f->h[1], "HOST2", f->ctx);
    host_init(&f->h[2], "HOST3", f->ctx);
    host_register(&f->h[0], CP_CSP_INTERNAL_TX);
    host_register(&f->h[1], 0);
    host_register(&f->h[2], CP_CSP_INTERNAL_TX);
    if (cp_csp_register_builtins(f->ctx) != CP_OK)
        return -1;
    seed_all(f);
    log_clear(&g_log);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    cp_ctx_free(f->ctx);
    ms_free(&f->ms);
    if (f->t.live != 0) {
        print_error("%ld blocks leaked\n", f->t.live);
        free(f);
        return -1;
    }
    free(f);
    return 0;
}

static void no_bad_cookies(const fx *f)
{
    assert_int_equal(f->h[0].bad_cookies, 0);
    assert_int_equal(f->h[1].bad_cookies, 0);
    assert_int_equal(f->h[2].bad_cookies, 0);
    assert_false(f->h[0].undo_overflow || f->h[2].undo_overflow);
}

static cp_status run(fx *f, const char *xml, uint32_t roles, unsigned flags,
                     char **out)
{
    size_t len = 12345;
    cp_status st;
    *out = NULL;
    st = cp_process_config_xml(f->ctx, xml, strlen(xml), roles, flags, out,
                               &len);
    if (*out != NULL)
        assert_int_equal(len, strlen(*out));
    return st;
}

/* Run xml; the status and the whole output must be as given. */
static void expect(fx *f, const char *xml, uint32_t roles, unsigned flags,
                   cp_status want, const char *want_out)
{
    char *out;
    cp_status st = run(f, xml, roles, flags, &out);
    if (st != want)
        print_message("status %d (%s), out %s\n", st,
                      cp_ctx_error_message(f->ctx), out ? out : "(null)");
    assert_int_equal(st, want);
    if (want_out == NULL) {
        assert_null(out);
    } else {
        assert_non_null(out);
        assert_string_equal(out, want_out);
    }
    cp_free(f->ctx, out);
}

/* Run xml, which must succeed and come back unchanged. */
static void expect_echo(fx *f, const char *xml, uint32_t roles)
{
    expect(f, xml, roles, 0, CP_OK, xml);
}

/* ---- complete device state ---------------------------------------------------------- */

#define SNAP_POL 128

typedef struct snap {
    char tree[3][8192];
    uint32_t pol_id[SNAP_POL], pol_val[SNAP_POL];
    size_t npol;
    ms_snap blobs;
} snap;

static snap *snap_take(fx *f)
{
    snap *s = calloc(1, sizeof *s);
    cp_policy_desc d;
    long saved = f->t.fail_at;
    int i;
    assert_non_null(s);
    f->t.fail_at = 0;
    for (i = 0; i < 3; i++)
        host_dump(&f->h[i], s->tree[i], sizeof s->tree[i]);
    while (cp_policy_list(f->ctx, s->npol, &d) == CP_OK) {
        assert_true(s->npol < SNAP_POL);
        s->pol_id[s->npol] = d.id;
        s->pol_val[s->npol++] = d.value;
    }
    assert_true(s->npol > 10);
    ms_snap_take(&f->ms, &s->blobs);
    f->t.fail_at = saved;
    return s;
}

static void snap_free(snap *s)
{
    ms_snap_free(&s->blobs);
    free(s);
}

/* The whole state now must equal a, byte for byte. */
static void snap_check(fx *f, const snap *a)
{
    snap *b = snap_take(f);
    size_t k;
    int i;
    for (i = 0; i < 3; i++)
        assert_string_equal(b->tree[i], a->tree[i]);
    assert_int_equal(b->npol, a->npol);
    for (k = 0; k < a->npol; k++) {
        assert_int_equal(b->pol_id[k], a->pol_id[k]);
        assert_int_equal(b->pol_val[k], a->pol_val[k]);
    }
    assert_int_equal(b->blobs.n, a->blobs.n);
    for (i = 0; i < a->blobs.n; i++) {
        assert_string_equal(b->blobs.b[i].name, a->blobs.b[i].name);
        assert_int_equal(b->blobs.b[i].len, a->blobs.b[i].len);
        assert_memory_equal(b->blobs.b[i].data, a->blobs.b[i].data,
                            a->blobs.b[i].len);
    }
    snap_free(b);
}

static size_t count_substr(const char *s, const char *sub)
{
    size_t n = 0;
    const char *p = s;
    while ((p = strstr(p, sub)) != NULL) {
        n++;
        p += strlen(sub);
    }
    return n;
}

static void set_meta(fx *f, const char *path, uint32_t roles, unsigned rw)
{
    cp_meta m;
    cp_meta_init(&m);
    m.access_roles = roles;
    m.rw = rw;
    assert_int_equal(cp_meta_set(f->ctx, path, &m), CP_OK);
}

/* A first successful call, so that recovery and lazy loads are done. */
static void warm_up(fx *f)
{
    expect_echo(f, DOC("<characteristic type=\"HOST3\">"
                       "<parm name=\"z\" value=\"9\"/></characteristic>"),
                CP_ROLE_MANAGER);
    log_clear(&g_log);
}

/* ==== registration and routing ========================================================= */

static void test_register(void **state)
{
    NEED_XML();
    fx *f = *state;
    host *x = &f->h[0];
    cp_csp_ops o = host_ops(0);
    static const size_t bad_sizes[] = {0, 1, sizeof(cp_csp_ops) - 1,
                                       sizeof(cp_csp_ops) / 2, (size_t)-1};
    char long_type[80];
    size_t i;

    assert_int_equal(cp_csp_register(f->ctx, "HOST", &o, x), CP_E_EXISTS);
    assert_int_equal(cp_csp_register(f->ctx, "host", &o, x), CP_E_EXISTS);
    assert_int_equal(cp_ctx_error_code(f->ctx), CP_E_EXISTS);
    assert_int_equal(cp_csp_register(f->ctx, "securitypolicy", &o, x),
                     CP_E_EXISTS);
    for (i = 0; i < ARRAY_LEN(bad_sizes); i++) {
        o.struct_size = bad_sizes[i];
        assert_int_equal(cp_csp_register(f->ctx, "NEWTYPE", &o, x),
                         CP_E_VERSION);
    }
    o.struct_size = sizeof o;
    assert_int_equal(cp_csp_register(NULL, "NEWTYPE", &o, x),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_csp_register(f->ctx, NULL, &o, x), CP_E_INVALID_ARG);
    assert_int_equal(cp_csp_register(f->ctx, "NEWTYPE", NULL, x),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_csp_register(f->ctx, "", &o, x), CP_E_INVALID_ARG);
    assert_int_equal(cp_csp_register(f->ctx, "bad\xff", &o, x),
                     CP_E_INVALID_ARG);
    memset(long_type, 'A', sizeof long_type - 1);
    long_type[sizeof long_type - 1] = '\0';
    assert_int_equal(cp_csp_register(f->ctx, long_type, &o, x),
                     CP_E_INVALID_ARG);
    long_type[63] = '\0'; /* 63 octets: the longest type */
    assert_int_equal(cp_csp_register(f->ctx, long_type, &o, x), CP_OK);
    assert_int_equal(cp_csp_unregister(f->ctx, long_type), CP_OK);

    /* unregister, case-insensitively; then the type is unknown */
    assert_int_equal(cp_csp_unregister(f->ctx, "host2"), CP_OK);
    assert_int_equal(cp_csp_unregister(f->ctx, "HOST2"), CP_E_NOT_FOUND);
    assert_int_equal(cp_csp_unregister(f->ctx, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_csp_unregister(NULL, "HOST2"), CP_E_INVALID_ARG);
    expect(f,
           DOC("<characteristic type=\"HOST2\"><characteristic type=\"a\">"
               "<parm name=\"p\" value=\"5\"/></characteristic>"
               "</characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_NOT_FOUND,
           DOC("<characteristic-error type=\"HOST2\" desc=\"no configuration "
               "service provider for HOST2\"><characteristic type=\"a\">"
               "<parm name=\"p\" value=\"5\"/></characteristic>"
               "</characteristic-error>"));
    expect_tree(&f->h[1], TREE_HOST2);
    assert_int_equal(g_log.n, 0);

    /* registered again under another spelling: routed again */
    {
        cp_csp_ops o2 = host_ops(0);
        assert_int_equal(cp_csp_register(f->ctx, "Host2", &o2, &f->h[1]),
                         CP_OK);
    }
    expect_echo(f,
                DOC("<characteristic type=\"HOST2\"><characteristic "
                    "type=\"a\"><parm name=\"p\" value=\"5\"/>"
                    "</characteristic></characteristic>"),
                CP_ROLE_MANAGER);
    assert_non_null(strstr(g_log.line[g_log.n - 1], "HOST2 commit"));
    no_bad_cookies(f);
}

/* Types are matched without regard to case; the CSP sees its own type, and
   the metabase is consulted under that spelling too. */
static void test_routing_case(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char *const want_log[] = {
        "HOST begin",
        "HOST char_enter HOST",
        "HOST char_enter HOST/net",
        "HOST parm HOST/net port=81",
        "HOST char_leave HOST/net",
        "HOST char_leave HOST",
        "HOST commit"};
    static const char *const cases[] = {"host", "Host", "hOsT"};
    size_t i;
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        char xml[256];
        seed_all(f);
        log_clear(&g_log);
        snprintf(xml, sizeof xml,
                 DOC("<characteristic type=\"%s\"><characteristic type=\"net\">"
                     "<parm name=\"port\" value=\"81\"/></characteristic>"
                     "</characteristic>"),
                 cases[i]);
        expect_echo(f, xml, CP_ROLE_MANAGER);
        log_expect(&g_log, want_log, ARRAY_LEN(want_log));
    }
    /* a read-only entry under the registered spelling holds for any spelling */
    set_meta(f, "HOST/net/port", CP_ROLE_MANAGER, CP_RW_READ);
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        char xml[256], *out;
        snprintf(xml, sizeof xml,
                 DOC("<characteristic type=\"%s\"><characteristic type=\"net\">"
                     "<parm name=\"port\" value=\"82\"/></characteristic>"
                     "</characteristic>"),
                 cases[i]);
        assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out),
                         CP_E_ACCESS_DENIED);
        assert_non_null(strstr(out, "<parm-error name=\"port\" value=\"82\" "
                                    "desc=\"HOST/net/port is not writable\"/>"));
        cp_free(f->ctx, out);
    }
    no_bad_cookies(f);
}

static void test_unknown_type(void **state)
{
    NEED_XML();
    fx *f = *state;
    expect(f,
           DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
               "</characteristic><characteristic type=\"NOPE\">"
               "<parm name=\"b\" value=\"2\"/></characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_NOT_FOUND,
           DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
               "</characteristic><characteristic-error type=\"NOPE\" "
               "desc=\"no configuration service provider for NOPE\">"
               "<parm name=\"b\" value=\"2\"/></characteristic-error>"));
    assert_int_equal(cp_ctx_error_code(f->ctx), CP_E_NOT_FOUND);
    assert_string_equal(cp_ctx_error_message(f->ctx),
                        "no configuration service provider for NOPE");
    assert_non_null(strstr(cp_ctx_error_path(f->ctx), "NOPE"));
    assert_int_equal(g_log.n, 0); /* nothing was even begun */
    expect_tree(&f->h[0], TREE_HOST);

    expect(f, DOC("<characteristic-query type=\"NOPE\"/>"), CP_ROLE_MANAGER, 0,
           CP_E_NOT_FOUND,
           DOC("<characteristic-query-error type=\"NOPE\" desc=\"no "
               "configuration service provider for NOPE\"/>"));
    expect(f, DOC("<nocharacteristic type=\"NOPE\"/>"), CP_ROLE_MANAGER, 0,
           CP_E_NOT_FOUND,
           DOC("<nocharacteristic-error type=\"NOPE\" desc=\"no "
               "configuration service provider for NOPE\"/>"));
    /* a nested unknown type is the CSP's business, not routing */
    expect_echo(f,
                DOC("<characteristic type=\"HOST\"><characteristic "
                    "type=\"NOPE\"></characteristic></characteristic>"),
                CP_ROLE_MANAGER);
    assert_true(ent_find(&f->h[0], "HOST/NOPE", "", 1) >= 0);
}

/* ==== the output document =============================================================== */

static void test_call_sequence(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"81\"/><noparm name=\"flag\"/>"
            "</characteristic><characteristic type=\"new\">"
            "<parm name=\"a\"/></characteristic>"
            "<nocharacteristic type=\"old\"/></characteristic>");
    static const char *const internal[] = {
        "HOST begin",
        "HOST char_enter HOST",
        "HOST char_enter HOST/net",
        "HOST parm HOST/net port=81",
        "HOST noparm HOST/net flag",
        "HOST char_leave HOST/net",
        "HOST char_enter HOST/new",
        "HOST parm HOST/new a",
        "HOST char_leave HOST/new",
        /* the engine reads what a delete would remove: every setting in
           it must be writable by the caller */
        "HOST characteristic_query HOST/old r1",
        "HOST nocharacteristic HOST/old",
        "HOST char_leave HOST",
        "HOST commit"};
    /* external: the engine looks before each change */
    static const char *const external[] = {
        "HOST begin",
        "HOST characteristic_query HOST r0",
        "HOST char_enter HOST",
        "HOST characteristic_query HOST/net r0",
        "HOST char_enter HOST/net",
        "HOST parm_query HOST/net port",
        "HOST parm HOST/net port=81",
        "HOST parm_query HOST/net flag",
        "HOST noparm HOST/net flag",
        "HOST char_leave HOST/net",
        "HOST characteristic_query HOST/new r0",
        "HOST char_enter HOST/new",
        "HOST parm_query HOST/new a",
        "HOST parm HOST/new a",
        "HOST char_leave HOST/new",
        "HOST characteristic_query HOST/old r1",
        "HOST nocharacteristic HOST/old",
        "HOST char_leave HOST",
        "HOST commit"};
    static const char after[] =
        "C HOST\nC HOST/net\nP HOST/net name=alpha\nP HOST/net port=81\n"
        "C HOST/net/sub\nP HOST/net/sub k=v\nC HOST/new\nP HOST/new a\n";

    expect_echo(f, xml, CP_ROLE_MANAGER);
    log_expect(&g_log, internal, ARRAY_LEN(internal));
    expect_tree(&f->h[0], after);
    assert_int_equal(f->h[0].roles, CP_ROLE_MANAGER);
    assert_int_equal(f->h[0].call_flags, CP_PROCESS);

    seed_all(f);
    log_clear(&g_log);
    host_reregister(&f->h[0], 0);
    expect(f, xml, CP_ROLE_MANAGER, CP_PROCESS, CP_OK, xml);
    log_expect(&g_log, external, ARRAY_LEN(external));
    expect_tree(&f->h[0], after);
    no_bad_cookies(f);
}

static void test_queries(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        "<wap-provisioningdoc version=\"1.1\">"
        "<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "<parm name=\"port\" value=\"81\"/><parm-query name=\"name\"/>"
        "<parm-query name=\"flag\"/><parm-query name=\"missing\"/>"
        "<parm-query name=\"port\"/><noparm name=\"flag\"/>"
        "<parm-query name=\"flag\"/></characteristic>"
        "<characteristic-query type=\"old\"/>"
        "<characteristic-query type=\"gone\"/></characteristic>"
        "<characteristic-query type=\"HOST\" recursive=\"false\"/>"
        "<characteristic-query type=\"HOST3\"/>"
        "</wap-provisioningdoc>";
    static const char want[] =
        "<wap-provisioningdoc version=\"1.1\">"
        "<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "<parm name=\"port\" value=\"81\"/><parm name=\"name\" value=\"alpha\"/>"
        "<parm name=\"flag\"/><noparm name=\"missing\"/>"
        "<parm name=\"port\" value=\"81\"/><noparm name=\"flag\"/>"
        "<noparm name=\"flag\"/></characteristic>"
        "<characteristic type=\"old\"><parm name=\"x\" value=\"1\"/>"
        "</characteristic><nocharacteristic type=\"gone\"/></characteristic>"
        "<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "</characteristic><characteristic type=\"old\"></characteristic>"
        "</characteristic>"
        "<characteristic type=\"HOST3\"><parm name=\"z\" value=\"9\"/>"
        "</characteristic></wap-provisioningdoc>";
    int mode;
    for (mode = 0; mode < 2; mode++) {
        seed_all(f);
        host_reregister(&f->h[0], mode ? 0 : CP_CSP_INTERNAL_TX);
        expect(f, xml, CP_ROLE_MANAGER, 0, CP_OK, want);
        expect_tree(&f->h[0],
                    "C HOST\nC HOST/net\nP HOST/net name=alpha\n"
                    "P HOST/net port=81\nC HOST/net/sub\nP HOST/net/sub k=v\n"
                    "C HOST/old\nP HOST/old x=1\n");
    }
    assert_true(log_find(&g_log, 0, "HOST characteristic_query HOST r0") >= 0);
    assert_true(log_find(&g_log, 0, "HOST characteristic_query HOST/old r1") >=
                0);
    no_bad_cookies(f);
}

static void test_query_recursion(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const struct {
        const char *attr; /* recursive="..." or "" */
        int r;
    } rows[] = {{"", 1}, {" recursive=\"true\"", 1}, {" recursive=\"TRUE\"", 1},
                {" recursive=\"false\"", 0}, {" recursive=\"False\"", 0}};
    static const char deep[] =
        "<characteristic type=\"net\"><parm name=\"flag\"/>"
        "<parm name=\"name\" value=\"alpha\"/><parm name=\"port\" value=\"80\"/>"
        "<characteristic type=\"sub\"><parm name=\"k\" value=\"v\"/>"
        "</characteristic></characteristic>";
    static const char flat[] =
        "<characteristic type=\"net\"><parm name=\"flag\"/>"
        "<parm name=\"name\" value=\"alpha\"/><parm name=\"port\" value=\"80\"/>"
        "<characteristic type=\"sub\"></characteristic></characteristic>";
    size_t i;
    for (i = 0; i < ARRAY_LEN(rows); i++) {
        char xml[256], want[512], line[64];
        snprintf(xml, sizeof xml,
                 DOC("<characteristic type=\"HOST\"><characteristic-query "
                     "type=\"net\"%s/></characteristic>"),
                 rows[i].attr);
        snprintf(want, sizeof want,
                 DOC("<characteristic type=\"HOST\">%s</characteristic>"),
                 rows[i].r ? deep : flat);
        log_clear(&g_log);
        expect(f, xml, CP_ROLE_MANAGER, 0, CP_OK, want);
        snprintf(line, sizeof line, "HOST characteristic_query HOST/net r%d",
                 rows[i].r);
        assert_true(log_find(&g_log, 0, line) >= 0);
    }
    /* a top-level query of a whole CSP, and one of a missing CSP tree */
    expect(f, DOC("<characteristic-query type=\"HOST2\" recursive=\"false\"/>"),
           CP_ROLE_MANAGER, 0, CP_OK,
           DOC("<characteristic type=\"HOST2\"><characteristic type=\"a\">"
               "</characteristic><characteristic type=\"b\"></characteristic>"
               "</characteristic>"));
    f->h[2].n = 0;
    expect(f, DOC("<characteristic-query type=\"HOST3\"/>"), CP_ROLE_MANAGER, 0,
           CP_OK, DOC("<nocharacteristic type=\"HOST3\"/>"));
    expect_tree(&f->h[0], TREE_HOST);
    no_bad_cookies(f);
}

static void test_deletes(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<noparm name=\"port\"/></characteristic>"
            "<nocharacteristic type=\"old\"/></characteristic>"
            "<characteristic type=\"HOST2\"><nocharacteristic type=\"b\"/>"
            "<characteristic type=\"a\"><noparm name=\"q\"/></characteristic>"
            "</characteristic>");
    static const struct {
        const char *xml, *want;
    } missing[] = {
        {DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
             "<noparm name=\"nope\"/></characteristic></characteristic>"),
         DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
             "<noparm-error name=\"nope\" desc=\"HOST/net/nope does not "
             "exist\"/></characteristic></characteristic>")},
        {DOC("<characteristic type=\"HOST\"><nocharacteristic type=\"gone\"/>"
             "</characteristic>"),
         DOC("<characteristic type=\"HOST\"><nocharacteristic-error "
             "type=\"gone\" desc=\"HOST/gone does not exist\"/>"
             "</characteristic>")},
        {DOC("<characteristic type=\"HOST2\"><characteristic type=\"a\">"
             "<noparm name=\"nope\"/></characteristic></characteristic>"),
         DOC("<characteristic type=\"HOST2\"><characteristic type=\"a\">"
             "<noparm-error name=\"nope\" desc=\"HOST2/a/nope does not "
             "exist\"/></characteristic></characteristic>")},
        {DOC("<characteristic type=\"HOST2\"><nocharacteristic type=\"gone\"/>"
             "</characteristic>"),
         DOC("<characteristic type=\"HOST2\"><nocharacteristic-error "
             "type=\"gone\" desc=\"HOST2/gone does not exist\"/>"
             "</characteristic>")},
    };
    size_t i;
    snap *s;
    expect_echo(f, xml, CP_ROLE_MANAGER);
    expect_tree(&f->h[0], "C HOST\nC HOST/net\nP HOST/net flag\n"
                          "P HOST/net name=alpha\nC HOST/net/sub\n"
                          "P HOST/net/sub k=v\n");
    expect_tree(&f->h[1], "C HOST2\nC HOST2/a\nP HOST2/a p=1\n");
    /* a top-level delete of a whole CSP tree */
    expect_echo(f, DOC("<nocharacteristic type=\"HOST3\"/>"), CP_ROLE_MANAGER);
    expect_tree(&f->h[2], "");

    seed_all(f);
    s = snap_take(f);
    for (i = 0; i < ARRAY_LEN(missing); i++)
        expect(f, missing[i].xml, CP_ROLE_MANAGER, 0, CP_E_NOT_FOUND,
               missing[i].want);
    snap_check(f, s);
    snap_free(s);
    no_bad_cookies(f);
}

/* A handler left NULL refuses its element; an external CSP that cannot be
   asked for old values (or cannot put them back) may not change anything. */
static void test_unsupported(void **state)
{
    NEED_XML();
    fx *f = *state;
    cp_csp_ops o;
    snap *s;
    warm_up(f);
    s = snap_take(f);
    o = host_ops(CP_CSP_INTERNAL_TX);
    o.parm_query = NULL;
    assert_int_equal(cp_csp_unregister(f->ctx, "HOST"), CP_OK);
    assert_int_equal(cp_csp_register(f->ctx, "HOST", &o, &f->h[0]), CP_OK);
    expect(f,
           DOC("<characteristic type=\"HOST\"><parm name=\"n\" value=\"1\"/>"
               "<parm-query name=\"n\"/></characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_UNSUPPORTED,
           DOC("<characteristic type=\"HOST\"><parm name=\"n\" value=\"1\"/>"
               "<parm-query-error name=\"n\" desc=\"HOST does not support "
               "parm-query\"/></characteristic>"));
    snap_check(f, s);

    /* external without parm_query: no way to record the old value */
    o.flags = 0;
    assert_int_equal(cp_csp_unregister(f->ctx, "HOST"), CP_OK);
    assert_int_equal(cp_csp_register(f->ctx, "HOST", &o, &f->h[0]), CP_OK);
    expect(f, DOC("<characteristic type=\"HOST\"><parm name=\"n\" value=\"1\"/>"
                  "</characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_CSP,
           DOC("<characteristic type=\"HOST\"><parm-error name=\"n\" "
               "value=\"1\" desc=\"HOST keeps no undo and cannot be queried: "
               "refused\"/></characteristic>"));
    snap_check(f, s);

    /* external without parm: a deleted parm or tree could not be put back */
    o = host_ops(0);
    o.parm = NULL;
    assert_int_equal(cp_csp_unregister(f->ctx, "HOST"), CP_OK);
    assert_int_equal(cp_csp_register(f->ctx, "HOST", &o, &f->h[0]), CP_OK);
    expect(f,
           DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
               "<noparm name=\"port\"/></characteristic></characteristic>"
               "<characteristic type=\"HOST3\"><parm name=\"z\" value=\"1\"/>"
               "</characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_CSP,
           DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
               "<noparm-error name=\"port\" desc=\"HOST keeps no undo and "
               "cannot restore values: refused\"/></characteristic>"
               "</characteristic><characteristic type=\"HOST3\">"
               "<parm name=\"z\" value=\"1\"/></characteristic>"));
    snap_check(f, s);
    expect(f,
           DOC("<characteristic type=\"HOST\"><nocharacteristic type=\"old\"/>"
               "</characteristic>"),
           CP_ROLE_MANAGER, 0, CP_E_CSP,
           DOC("<characteristic type=\"HOST\"><nocharacteristic-error "
               "type=\"old\" desc=\"HOST keeps no undo and cannot restore "
               "values: refused\"/></characteristic>"));
    snap_check(f, s);
    snap_free(s);
    no_bad_cookies(f);
}

/* ==== metadata ===================================================================== */

static void test_metadata(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"abc\"/><parm name=\"name\" "
            "value=\"beta\"/><parm name=\"flag\"/><parm-query name=\"port\"/>"
            "</characteristic></characteristic><characteristic type=\"HOST2\">"
            "<parm name=\"p\" value=\"7\"/></characteristic>");
    static const char want[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"abc\" datatype=\"integer\" "
            "minvalue=\"-5\" maxvalue=\"65535\" rw-access=\"3\"/>"
            "<parm name=\"name\" value=\"beta\" "
            "datatype=\"string\" maxlength=\"32\" rw-access=\"3\"/>"
            "<parm name=\"flag\" rw-access=\"1\"/><parm-query name=\"port\"/>"
            "</characteristic></characteristic><characteristic type=\"HOST2\">"
            "<parm name=\"p\" value=\"7\" rw-access=\"3\"/>"
            "</characteristic>");
    static const unsigned flag_sets[] = {CP_METADATA,
                                         CP_METADATA | CP_PROCESS};
    cp_meta m;
    snap *s;
    size_t i;
    cp_meta_init(&m);
    m.datatype = CP_DT_INTEGER;
    m.has_min = m.has_max = 1;
    m.min = -5;
    m.max = 65535;
    m.access_roles = CP_ROLE_MANAGER | CP_ROLE_OPERATOR;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/port", &m), CP_OK);
    cp_meta_init(&m);
    m.datatype = CP_DT_STRING;
    m.max_length = 32;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/name", &m), CP_OK);
    set_meta(f, "HOST/net", CP_ROLE_MANAGER | CP_ROLE_USER_AUTH, CP_RW_READ);
    warm_up(f);
    s = snap_take(f);
    for (i = 0; i < ARRAY_LEN(flag_sets); i++) {
        log_clear(&g_log);
        expect(f, xml, CP_ROLE_MANAGER, flag_sets[i], CP_OK, want);
        assert_int_equal(g_log.n, 0); /* not a single CSP call */
        snap_check(f, s);
    }
    /* the read check still applies */
    expect(f,
           DOC("<characteristic type=\"HOST2\"><parm name=\"p\" value=\"7\"/>"
               "</characteristic>"),
           CP_ROLE_USER_AUTH, CP_METADATA, CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"HOST2\"><parm-error name=\"p\" "
               "value=\"7\" desc=\"access denied to HOST2/p: roles 0x10, "
               "needs one of 0x8\"/></characteristic>"));
    assert_int_equal(g_log.n, 0);
    snap_check(f, s);
    snap_free(s);
}

/* ==== the metabase =================================================================== */

static void expect_meta(fx *f, const char *path, uint32_t roles, unsigned rw,
                        int exact)
{
    cp_meta m;
    int ex = -1;
    assert_int_equal(cp_meta_get(f->ctx, path, &m, &ex), CP_OK);
    assert_int_equal(m.access_roles, roles);
    assert_int_equal(m.rw, rw);
    assert_int_equal(ex, exact);
    assert_int_equal(cp_meta_get(f->ctx, path, &m, NULL), CP_OK);
}

static void test_meta_api(void **state)
{
    fx *f = *state;
    const unsigned RW = CP_RW_READ | CP_RW_WRITE;
    cp_meta m, g;
    int i;

    cp_meta_init(&m);
    assert_int_equal(m.struct_size, sizeof m);
    assert_int_equal(m.access_roles, CP_ROLE_MANAGER);
    assert_int_equal(m.rw, RW);
    assert_int_equal(m.datatype, CP_DT_UNKNOWN);
    assert_false(m.has_min || m.has_max);
    assert_int_equal(m.max_length, 0);

    /* no entry: MANAGER read/write */
    expect_meta(f, "HOST/a/b/c", CP_ROLE_MANAGER, RW, 0);
    set_meta(f, "HOST/a", CP_ROLE_OPERATOR, CP_RW_READ);
    expect_meta(f, "HOST/a", CP_ROLE_OPERATOR, CP_RW_READ, 1);
    expect_meta(f, "HOST/a/b/c", CP_ROLE_OPERATOR, CP_RW_READ, 0);
    expect_meta(f, "HOST/ab", CP_ROLE_MANAGER, RW, 0); /* not a prefix */
    expect_meta(f, "HOST", CP_ROLE_MANAGER, RW, 0);
    set_meta(f, "HOST/a/b", CP_ROLE_USER_AUTH, CP_RW_WRITE);
    expect_meta(f, "HOST/a/b/c", CP_ROLE_USER_AUTH, CP_RW_WRITE, 0);
    set_meta(f, "HOST/a/b", CP_ROLE_OEM, RW); /* replaced */
    expect_meta(f, "HOST/a/b/c", CP_ROLE_OEM, RW, 0);
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/a/b"), CP_OK);
    expect_meta(f, "HOST/a/b/c", CP_ROLE_OPERATOR, CP_RW_READ, 0);
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/a/b"), CP_E_NOT_FOUND);
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/a/b/c"), CP_E_NOT_FOUND);

    /* CSP defaults (the built-ins'), below any stored entry: Default Roles
       for Configuration Service Providers (aa455885, WM5) and the CSP pages.
       4120 is MANAGER's like every policy (SecurityPolicy page, 6.5
       bb737380; 0.1.0 had a default SecurityPolicy/4120 adding USER_AUTH). */
    expect_meta(f, "SecurityPolicy/4120", CP_ROLE_MANAGER, RW, 0);
    expect_meta(f, "SecurityPolicy/4097", CP_ROLE_MANAGER, RW, 0);
    /* NAPDEF (aa455932) and PXLOGICAL (aa455948), PXPHYSICAL under it:
       Manager, Operator, Operator-TPS, AuthUser (0.1.0: Manager only) */
    expect_meta(f, "NAPDEF/NAME",
                CP_ROLE_MANAGER | CP_ROLE_OPERATOR | CP_ROLE_OPERATOR_TPS |
                    CP_ROLE_USER_AUTH,
                RW, 0);
    expect_meta(f, "PXLOGICAL/PXPHYSICAL/PXADDR",
                CP_ROLE_MANAGER | CP_ROLE_OPERATOR | CP_ROLE_OPERATOR_TPS |
                    CP_ROLE_USER_AUTH,
                RW, 0);
    /* a type the table does not name: MANAGER */
    expect_meta(f, "VENDORCONFIG/NAME", CP_ROLE_MANAGER, RW, 0);
    expect_meta(f, "BOOTSTRAP/PROVURL",
                CP_ROLE_MANAGER | CP_ROLE_OPERATOR | CP_ROLE_OPERATOR_TPS, RW,
                0);
    set_meta(f, "SecurityPolicy/4097", CP_ROLE_OPERATOR, RW);
    expect_meta(f, "SecurityPolicy/4097", CP_ROLE_OPERATOR, RW, 1);
    assert_int_equal(cp_meta_remove(f->ctx, "SecurityPolicy/4097"), CP_OK);
    expect_meta(f, "SecurityPolicy/4097", CP_ROLE_MANAGER, RW, 0);

    /* refused entries and paths */
    {
        static const char *const bad_paths[] = {"", "/HOST", "HOST/",
                                                "bad\xc0\xaf"};
        for (i = 0; i < (int)ARRAY_LEN(bad_paths); i++) {
            cp_meta_init(&m);
            assert_int_equal(cp_meta_set(f->ctx, bad_paths[i], &m),
                             CP_E_INVALID_ARG);
            assert_int_equal(cp_meta_get(f->ctx, bad_paths[i], &m, NULL),
                             CP_E_INVALID_ARG);
            assert_int_equal(cp_meta_remove(f->ctx, bad_paths[i]),
                             CP_E_INVALID_ARG);
        }
    }
    for (i = 0; i < 6; i++) {
        cp_meta_init(&m);
        switch (i) {
        case 0: m.struct_size = 0; break;
        case 1: m.rw = 4; break;
        case 2: m.access_roles = 0x2000; break;
        case 3: m.has_min = m.has_max = 1; m.min = 2; m.max = 1; break;
        case 4: m.datatype = (cp_datatype)3; break;
        default: m.datatype = (cp_datatype)11; break;
        }
        assert_int_equal(cp_meta_set(f->ctx, "HOST/x", &m), CP_E_INVALID_ARG);
    }
    assert_int_equal(cp_meta_set(f->ctx, NULL, &m), CP_E_INVALID_ARG);
    assert_int_equal(cp_meta_set(f->ctx, "HOST/x", NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_meta_set(NULL, "HOST/x", &m), CP_E_INVALID_ARG);
    assert_int_equal(cp_meta_get(f->ctx, "HOST/x", NULL, NULL),
                     CP_E_INVALID_ARG);

    /* persisted with the device state: a new context sees every field */
    cp_meta_init(&m);
    m.access_roles = CP_ROLE_OPERATOR | CP_ROLE_OPERATOR_TPS;
    m.rw = CP_RW_READ;
    m.datatype = CP_DT_INTEGER;
    m.has_min = m.has_max = 1;
    m.min = INT64_MIN;
    m.max = -1;
    m.max_length = 4000000000u;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/persist", &m), CP_OK);
    assert_non_null(ms_get(&f->ms, "metabase", NULL));
    {
        cp_config cfg;
        cp_ctx *c2;
        cp_config_init(&cfg);
        ms_attach(&cfg, &f->ms);
        assert_int_equal(cp_ctx_new(&cfg, &c2), CP_OK);
        assert_int_equal(cp_meta_get(c2, "HOST/persist/deeper", &g, &i), CP_OK);
        assert_int_equal(i, 0);
        assert_int_equal(g.access_roles, m.access_roles);
        assert_int_equal(g.rw, m.rw);
        assert_int_equal(g.datatype, m.datatype);
        assert_true(g.has_min && g.has_max);
        assert_true(g.min == INT64_MIN && g.max == -1);
        assert_int_equal(g.max_length, m.max_length);
        assert_int_equal(cp_meta_get(c2, "HOST/a", &g, &i), CP_OK);
        assert_int_equal(i, 1);
        assert_int_equal(g.access_roles, CP_ROLE_OPERATOR);
        cp_ctx_free(c2);
    }
}

/* The access check: (roles AND access_roles) != 0, and rw-access. */
static void test_access_check(void **state)
{
    NEED_XML();
    fx *f = *state;
    enum { WR, RD, DEL, NOCHAR, CQ };
    static const struct {
        uint32_t access;
        unsigned rw;
        uint32_t caller;
        int op;
        cp_status want;
    } rows[] = {
        {CP_ROLE_MANAGER, 3, CP_ROLE_MANAGER, WR, CP_OK},
        {CP_ROLE_MANAGER, 3, CP_ROLE_USER_AUTH, WR, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER | CP_ROLE_USER_AUTH, 3, CP_ROLE_USER_AUTH, WR, CP_OK},
        {CP_ROLE_OPERATOR, 3, CP_ROLE_MANAGER, WR, CP_E_ACCESS_DENIED},
        {CP_ROLE_OPERATOR, 3, CP_ROLE_MANAGER | CP_ROLE_OPERATOR, WR, CP_OK},
        {CP_ROLE_MANAGER, CP_RW_READ, CP_ROLE_MANAGER, WR, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, CP_RW_READ, CP_ROLE_MANAGER, RD, CP_OK},
        {CP_ROLE_MANAGER, CP_RW_WRITE, CP_ROLE_MANAGER, RD, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, CP_RW_WRITE, CP_ROLE_MANAGER, WR, CP_OK},
        {CP_ROLE_MANAGER, 0, CP_ROLE_MANAGER, RD, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, 0, CP_ROLE_EXEMPT, WR, CP_OK},
        {CP_ROLE_OPERATOR, CP_RW_READ, CP_ROLE_EXEMPT, DEL, CP_OK},
        {0, 3, CP_ROLE_MANAGER, WR, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, 3, 0, RD, CP_E_ACCESS_DENIED},
        {CP_ROLE_USER_UNAUTH, 3, CP_ROLE_USER_UNAUTH, DEL, CP_OK},
        {CP_ROLE_USER_UNAUTH, CP_RW_READ, CP_ROLE_USER_UNAUTH, DEL,
         CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, 3, CP_ROLE_MANAGER, NOCHAR, CP_OK},
        {CP_ROLE_MANAGER, CP_RW_READ, CP_ROLE_MANAGER, NOCHAR,
         CP_E_ACCESS_DENIED},
        {CP_ROLE_USER_AUTH, 3, CP_ROLE_MANAGER, NOCHAR, CP_E_ACCESS_DENIED},
        {CP_ROLE_MANAGER, CP_RW_READ, CP_ROLE_MANAGER, CQ, CP_OK},
        {CP_ROLE_OPERATOR, CP_RW_READ, CP_ROLE_MANAGER, CQ, CP_E_ACCESS_DENIED},
    };
    static const char *const docs[] = {
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"8\"/></characteristic>"
            "</characteristic>"),
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm-query name=\"port\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<noparm name=\"port\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"HOST\"><nocharacteristic type=\"net\"/>"
            "</characteristic>"),
        DOC("<characteristic type=\"HOST\"><characteristic-query "
            "type=\"net\"/></characteristic>")};
    size_t i;
    for (i = 0; i < ARRAY_LEN(rows); i++) {
        char *out;
        cp_status st;
        set_meta(f, "HOST/net", rows[i].access, rows[i].rw);
        seed_all(f);
        log_clear(&g_log);
        st = run(f, docs[rows[i].op], rows[i].caller, 0, &out);
        if (st != rows[i].want)
            print_message("row %lu: %d %s\n", (unsigned long)i, st,
                          out ? out : "(null)");
        assert_int_equal(st, rows[i].want);
        assert_non_null(out);
        if (st == CP_OK) {
            assert_null(strstr(out, "-error"));
            assert_true(log_find(&g_log, 0, "HOST commit") >= 0);
        } else {
            assert_int_equal(count_substr(out, "-error "), 1);
            assert_non_null(strstr(out, "HOST/net"));
            assert_int_equal(g_log.n, 0); /* refused before any CSP call */
            expect_tree(&f->h[0], TREE_HOST);
        }
        cp_free(f->ctx, out);
    }
    /* the exact text of a role refusal */
    set_meta(f, "HOST/net", CP_ROLE_MANAGER | CP_ROLE_OPERATOR, 3);
    expect(f, docs[0], CP_ROLE_USER_AUTH | CP_ROLE_KNOWN_PPG, 0,
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
               "<parm-error name=\"port\" value=\"8\" desc=\"access denied to "
               "HOST/net/port: roles 0x110, needs one of 0xc\"/>"
               "</characteristic></characteristic>"));
    assert_int_equal(cp_ctx_error_code(f->ctx), CP_E_ACCESS_DENIED);
}

/* Run xml as MANAGER: CP_OK, or the refusal whose reason has why. */
static void leaf_run(fx *f, const char *xml, const char *why)
{
    char *out;
    cp_status st = run(f, xml, CP_ROLE_MANAGER, 0, &out);
    if ((st == CP_OK) != (why == NULL))
        print_message("status %d, out %s\n", st, out ? out : "(null)");
    assert_int_equal(st, why == NULL ? CP_OK : CP_E_ACCESS_DENIED);
    assert_non_null(out);
    if (why != NULL)
        assert_non_null(strstr(out, why));
    cp_free(f->ctx, out);
}

/*
 * The pre-pass takes a parm's entry in force from the metabase's cache
 * when no entry lies directly below its characteristic. An entry set
 * later, one spelled in other capitals, and a parm name that is itself
 * a path (a separator anywhere in a short or a long name) must still be
 * found.
 */
static void test_access_leaf_cache(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char *const deep[] = {"x/y",         "x\\y",
                                       "abcdefgh/z",  "abc/defghij",
                                       "abcdefghijk\\l", "a/bcd",
                                       "abcd/"};
    static const char abc[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"a\" value=\"1\"/><parm name=\"b\" value=\"2\"/>"
            "<parm name=\"c\" value=\"3\"/></characteristic>"
            "</characteristic>");
    char doc[512], entry[64], why[96];
    size_t i;
    leaf_run(f, abc, NULL); /* learned: nothing below HOST/net */
    set_meta(f, "HOST/net/b", CP_ROLE_MANAGER, CP_RW_READ);
    leaf_run(f, abc, "HOST/net/b is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/b"), CP_OK);
    leaf_run(f, abc, NULL);
    set_meta(f, "host/NET/C", CP_ROLE_MANAGER, CP_RW_READ);
    leaf_run(f, abc, "HOST/net/c is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "host/NET/C"), CP_OK);
    for (i = 0; i < ARRAY_LEN(deep); i++) {
        size_t n = strlen(deep[i]);
        /* the entry of a trailing separator is its parent's */
        snprintf(entry, sizeof entry, "HOST/net/%.*s", (int)n -
                 (deep[i][n - 1] == '/'), deep[i]);
        set_meta(f, entry, CP_ROLE_MANAGER, CP_RW_READ);
        leaf_run(f, abc, NULL); /* the entry is not directly below */
        snprintf(doc, sizeof doc,
                 DOC("<characteristic type=\"HOST\"><characteristic "
                     "type=\"net\"><parm name=\"a\" value=\"1\"/>"
                     "<parm name=\"b\" value=\"2\"/><parm name=\"%s\" "
                     "value=\"3\"/></characteristic></characteristic>"),
                 deep[i]);
        snprintf(why, sizeof why, "HOST/net/%s is not writable", deep[i]);
        leaf_run(f, doc, why);
        assert_int_equal(cp_meta_remove(f->ctx, entry), CP_OK);
    }
}

/* Grant policies 4119 / 4120 widen the caller's roles. */
static void test_grant_policies(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"8\"/></characteristic>"
            "</characteristic>");
    uint32_t v;
    char *out;
    assert_int_equal(run(f, xml, CP_ROLE_USER_AUTH, 0, &out),
                     CP_E_ACCESS_DENIED);
    cp_free(f->ctx, out);
    assert_int_equal(cp_policy_get(f->ctx, CP_POLICY_GRANT_MANAGER, &v), CP_OK);
    assert_int_equal(cp_policy_set(f->ctx, CP_POLICY_GRANT_MANAGER,
                                   v | CP_ROLE_USER_AUTH, CP_ROLE_MANAGER),
                     CP_OK);
    log_clear(&g_log);
    expect_echo(f, xml, CP_ROLE_USER_AUTH);
    assert_int_equal(f->h[0].roles, CP_ROLE_USER_AUTH | CP_ROLE_MANAGER);
    assert_true(log_find(&g_log, 0, "HOST parm HOST/net port=8") >= 0);

    /* 4120: an entry for USER_AUTH, reached by OPERATOR through the grant */
    set_meta(f, "HOST/net", CP_ROLE_USER_AUTH, 3);
    assert_int_equal(run(f, xml, CP_ROLE_OPERATOR, 0, &out),
                     CP_E_ACCESS_DENIED);
    cp_free(f->ctx, out);
    assert_int_equal(cp_policy_get(f->ctx, CP_POLICY_GRANT_USER_AUTH, &v),
                     CP_OK);
    assert_int_equal(cp_policy_set(f->ctx, CP_POLICY_GRANT_USER_AUTH,
                                   v | CP_ROLE_OPERATOR, CP_ROLE_MANAGER),
                     CP_OK);
    expect_echo(f, xml, CP_ROLE_OPERATOR);
    assert_int_equal(f->h[0].roles, CP_ROLE_OPERATOR | CP_ROLE_USER_AUTH);
    /* roles outside both grants stay as they are */
    assert_int_equal(run(f, xml, CP_ROLE_KNOWN_PPG, 0, &out),
                     CP_E_ACCESS_DENIED);
    cp_free(f->ctx, out);
    /* and the exempt caller passes whatever the entry says */
    set_meta(f, "HOST/net", CP_ROLE_OEM, 0);
    expect_echo(f, xml, CP_ROLE_EXEMPT);
    assert_int_equal(f->h[0].roles & CP_ROLE_EXEMPT, CP_ROLE_EXEMPT);
}

/* Value rules: integer datatype with bounds, max_length, boolean. */
static void test_value_rules(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const struct {
        const char *name, *value;
        int ok;
        const char *desc;
    } rows[] = {
        {"port", "80", 1, NULL},
        {"port", "-5", 1, NULL},
        {"port", "65535", 1, NULL},
        {"port", "-6", 0, "value of HOST/net/port out of range"},
        {"port", "65536", 0, "value of HOST/net/port out of range"},
        {"port", "8a", 0, "HOST/net/port takes a decimal integer"},
        {"port", "", 0, "HOST/net/port takes a decimal integer"},
        {"port", NULL, 0, "HOST/net/port takes a decimal integer"},
        {"port", " 5", 0, "HOST/net/port takes a decimal integer"},
        {"port", "0x10", 0, "HOST/net/port takes a decimal integer"},
        {"big", "9223372036854775807", 1, NULL},
        {"big", "-9223372036854775808", 1, NULL},
        {"big", "9223372036854775808", 0, "HOST/net/big takes a decimal integer"},
        {"big", "-9223372036854775809", 0,
         "HOST/net/big takes a decimal integer"},
        {"name", "abcde", 1, NULL},
        {"name", "abcdef", 0, "value of HOST/net/name longer than 5 octets"},
        {"name", "\xc3\xa9\xc3\xa9", 1, NULL},
        {"name", "\xc3\xa9\xc3\xa9\xc3\xa9", 0,
         "value of HOST/net/name longer than 5 octets"},
        {"flag", "1", 1, NULL},
        {"flag", "0", 1, NULL},
        {"flag", "TRUE", 1, NULL},
        {"flag", "false", 1, NULL},
        {"flag", "yes", 0, "HOST/net/flag takes a boolean"},
    };
    cp_meta m;
    size_t i;
    cp_meta_init(&m);
    m.datatype = CP_DT_INTEGER;
    m.has_min = m.has_max = 1;
    m.min = -5;
    m.max = 65535;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/port", &m), CP_OK);
    cp_meta_init(&m);
    m.datatype = CP_DT_INTEGER;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/big", &m), CP_OK);
    cp_meta_init(&m);
    m.max_length = 5;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/name", &m), CP_OK);
    cp_meta_init(&m);
    m.datatype = CP_DT_BOOLEAN;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/flag", &m), CP_OK);
    for (i = 0; i < ARRAY_LEN(rows); i++) {
        char xml[512], want[512], va[64];
        if (rows[i].value != NULL)
            snprintf(va, sizeof va, " value=\"%s\"", rows[i].value);
        else
            va[0] = '\0';
        snprintf(xml, sizeof xml,
                 DOC("<characteristic type=\"HOST\"><characteristic "
                     "type=\"net\"><parm name=\"%s\"%s/></characteristic>"
                     "</characteristic>"),
                 rows[i].name, va);
        seed_all(f);
        log_clear(&g_log);
        if (rows[i].ok) {
            expect_echo(f, xml, CP_ROLE_MANAGER);
            continue;
        }
        snprintf(want, sizeof want,
                 DOC("<characteristic type=\"HOST\"><characteristic "
                     "type=\"net\"><parm-error name=\"%s\"%s desc=\"%s\"/>"
                     "</characteristic></characteristic>"),
                 rows[i].name, va, rows[i].desc);
        expect(f, xml, CP_ROLE_MANAGER, 0, CP_E_BAD_DOC, want);
        assert_int_equal(g_log.n, 0);
        expect_tree(&f->h[0], TREE_HOST);
    }
    /* the exempt caller skips the role and rw checks, not the value rules */
    cp_meta_init(&m);
    m.datatype = CP_DT_INTEGER;
    m.access_roles = CP_ROLE_OEM;
    m.rw = 0;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/net/port", &m), CP_OK);
    expect(f,
           DOC("<characteristic type=\"HOST\"><characteristic "
               "type=\"net\"><parm name=\"port\" value=\"x\"/>"
               "</characteristic></characteristic>"),
           CP_ROLE_EXEMPT, 0, CP_E_BAD_DOC,
           DOC("<characteristic type=\"HOST\"><characteristic "
               "type=\"net\"><parm-error name=\"port\" value=\"x\" "
               "desc=\"HOST/net/port takes a decimal integer\"/>"
               "</characteristic></characteristic>"));
    expect_echo(f,
                DOC("<characteristic type=\"HOST\"><characteristic "
                    "type=\"net\"><parm name=\"port\" value=\"7\"/>"
                    "</characteristic></characteristic>"),
                CP_ROLE_EXEMPT);
}

/* ==== all or nothing ====================================================================== */

/* A document over HOST, HOST2, SecurityPolicy and more, ending with tail. */
static char *big_doc(const char *tail)
{
    static const char head[] =
        "<wap-provisioningdoc>"
        "<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "<parm name=\"port\" value=\"81\"/><noparm name=\"flag\"/>"
        "<parm name=\"extra\" value=\"e\"/></characteristic>"
        "<characteristic type=\"fresh\"><parm name=\"f\" value=\"1\"/>"
        "</characteristic><nocharacteristic type=\"old\"/></characteristic>"
        "<characteristic type=\"HOST2\"><characteristic type=\"a\">"
        "<parm name=\"p\" value=\"10\"/><noparm name=\"q\"/>"
        "<parm name=\"r\" value=\"new\"/></characteristic>"
        "<nocharacteristic type=\"b\"/><characteristic type=\"n1\">"
        "<characteristic type=\"n2\"><parm name=\"deep\" value=\"d\"/>"
        "</characteristic></characteristic></characteristic>"
        "<characteristic type=\"SecurityPolicy\">"
        "<parm name=\"4105\" value=\"7\"/><parm name=\"4119\" value=\"136\"/>"
        "</characteristic>";
    size_t n = strlen(head) + strlen(tail) + 32;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s</wap-provisioningdoc>", head, tail);
    return s;
}

/* Log lines after from belong to CSPs in non-increasing use order:
   HOST3 (or later CSPs) first, then HOST2, then HOST. */
static void expect_reverse_order(const calllog *l, size_t from)
{
    int last = 9;
    size_t i;
    for (i = from; i < l->n; i++) {
        int k = strncmp(l->line[i], "HOST3 ", 6) == 0   ? 3
                : strncmp(l->line[i], "HOST2 ", 6) == 0 ? 2
                : strncmp(l->line[i], "HOST ", 5) == 0  ? 1
                                                        : 0;
        if (k > last)
            log_print(l);
        assert_true(k <= last);
        last = k;
    }
}

static void check_rollbacks(const calllog *l, long failed_at)
{
    long r3 = log_find(l, (size_t)failed_at, "HOST3 rollback");
    long r2 = log_find(l, (size_t)failed_at, "HOST2 parm HOST2/a p=1");
    long r1 = log_find(l, (size_t)failed_at, "HOST rollback");
    assert_true(r3 > failed_at);
    assert_true(r2 > r3);
    assert_true(r1 > r2);
    /* the external CSP gets its old values replayed, newest change first */
    assert_true(log_find(l, (size_t)failed_at, "HOST2 rollback") < 0);
    {
        long del_n1 = log_find(l, (size_t)failed_at,
                               "HOST2 nocharacteristic HOST2/n1/n2");
        long del_n1b = log_find(l, (size_t)failed_at,
                                "HOST2 nocharacteristic HOST2/n1");
        long put_b = log_find(l, (size_t)failed_at, "HOST2 parm HOST2/b m=3");
        long put_c = log_find(l, (size_t)failed_at, "HOST2 parm HOST2/b/c n");
        long put_q = log_find(l, (size_t)failed_at, "HOST2 parm HOST2/a q=2");
        long del_r = log_find(l, (size_t)failed_at, "HOST2 noparm HOST2/a r");
        /* n1/n2's parm, n1/n2, n1, then b's tree, r, q, p */
        assert_true(del_n1 > r3 && del_n1b > del_n1);
        assert_true(put_b > del_n1b && put_c > put_b);
        assert_true(del_r > put_c && put_q > del_r && r2 > put_q);
    }
    expect_reverse_order(l, (size_t)failed_at + 1);
}

/* A role refusal in the last characteristic found by the pre-pass. */
static void test_all_or_nothing_prepass(void **state)
{
    NEED_XML();
    fx *f = *state;
    char *xml, *out;
    snap *s;
    warm_up(f);
    set_meta(f, "HOST3/z", CP_ROLE_OPERATOR, 3);
    s = snap_take(f);
    xml = big_doc("<characteristic type=\"HOST3\">"
                  "<parm name=\"z\" value=\"1\"/></characteristic>");
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out),
                     CP_E_ACCESS_DENIED);
    assert_non_null(strstr(out, "<characteristic type=\"HOST3\"><parm-error "
                                "name=\"z\" value=\"1\" desc=\"access denied "
                                "to HOST3/z: roles 0x8, needs one of 0x4\"/>"));
    assert_int_equal(count_substr(out, "-error "), 1);
    assert_int_equal(g_log.n, 0);
    snap_check(f, s);
    cp_free(f->ctx, out);
    free(xml);
    snap_free(s);
}

/* A refusal that only shows when applying: a Metabase characteristic in
   the same document closes HOST3/z after HOST, HOST2 and SecurityPolicy
   did their work. */
static void test_all_or_nothing_late_denial(void **state)
{
    NEED_XML();
    fx *f = *state;
    char *xml, *out;
    snap *s;
    cp_meta m;
    long at;
    warm_up(f);
    s = snap_take(f);
    xml = big_doc("<characteristic type=\"Metabase\">"
                  "<characteristic type=\"HOST3/z\">"
                  "<parm name=\"access-role\" value=\"4\"/></characteristic>"
                  "</characteristic><characteristic type=\"HOST3\">"
                  "<parm name=\"z\" value=\"1\"/></characteristic>");
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out),
                     CP_E_ACCESS_DENIED);
    assert_non_null(strstr(out, "<characteristic type=\"HOST3\"><parm-error "
                                "name=\"z\" value=\"1\" desc=\"access denied "
                                "to HOST3/z: roles 0x8, needs one of 0x4\"/>"));
    at = log_find(&g_log, 0, "HOST3 char_enter HOST3");
    assert_true(at > 0);
    assert_true(log_find(&g_log, 0, "HOST parm HOST/net port=81") >= 0);
    assert_true(log_find(&g_log, 0, "HOST2 parm HOST2/a p=10") >= 0);
    assert_true(log_find(&g_log, 0, "HOST3 parm HOST3 z=1") < 0);
    check_rollbacks(&g_log, at);
    snap_check(f, s);
    assert_int_equal(cp_meta_get(f->ctx, "HOST3/z", &m, NULL), CP_OK);
    assert_int_equal(m.access_roles, CP_ROLE_MANAGER);
    assert_int_equal(f->h[0].commits + f->h[1].commits, 0);
    no_bad_cookies(f);
    cp_free(f->ctx, out);
    free(xml);
    snap_free(s);
}

/* A CSP failing in the last characteristic, after the others applied. */
static void test_all_or_nothing_csp_failure(void **state)
{
    NEED_XML();
    fx *f = *state;
    char *xml, *out;
    snap *s;
    long at;
    warm_up(f);
    s = snap_take(f);
    xml = big_doc("<characteristic type=\"HOST3\">"
                  "<parm name=\"z\" value=\"1\"/></characteristic>");
    f->h[2].fail_point = "parm";
    f->h[2].fail_st = CP_E_IO;
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_CSP);
    assert_non_null(strstr(out, "<characteristic type=\"HOST3\"><parm-error "
                                "name=\"z\" value=\"1\" desc=\"HOST3 parm "
                                "failed: HOST3 injected failure at parm\"/>"));
    assert_int_equal(count_substr(out, "-error "), 1);
    assert_string_equal(cp_ctx_error_message(f->ctx),
                        "HOST3 parm failed: HOST3 injected failure at parm");
    at = log_find(&g_log, 0, "HOST3 parm HOST3 z=1");
    assert_true(at > 0);
    check_rollbacks(&g_log, at);
    assert_int_equal(f->h[0].rollbacks, 1);
    assert_int_equal(f->h[2].rollbacks, 1);
    assert_int_equal(f->h[1].rollbacks, 0);
    snap_check(f, s);
    no_bad_cookies(f);

    /* the same document without the failure applies everything */
    host_reset_faults(&f->h[2]);
    cp_free(f->ctx, out);
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_OK);
    assert_string_equal(out, xml);
    expect_tree(&f->h[0], "C HOST\nC HOST/fresh\nP HOST/fresh f=1\n"
                          "C HOST/net\nP HOST/net extra=e\n"
                          "P HOST/net name=alpha\nP HOST/net port=81\n"
                          "C HOST/net/sub\nP HOST/net/sub k=v\n");
    expect_tree(&f->h[1], "C HOST2\nC HOST2/a\nP HOST2/a p=10\n"
                          "P HOST2/a r=new\nC HOST2/n1\nC HOST2/n1/n2\n"
                          "P HOST2/n1/n2 deep=d\n");
    {
        uint32_t v;
        assert_int_equal(cp_policy_get(f->ctx, 4105, &v), CP_OK);
        assert_int_equal(v, 7);
    }
    cp_free(f->ctx, out);
    free(xml);
    snap_free(s);
}

/* The storage refuses the commit: the host CSPs are rolled back too. */
static void test_storage_commit_failure(void **state)
{
    NEED_XML();
    fx *f = *state;
    char *xml, *out;
    snap *s;
    warm_up(f);
    s = snap_take(f);
    xml = big_doc("");
    f->ms.fail_saves = 1;
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_STORAGE);
    assert_non_null(out);
    assert_null(strstr(out, "-error"));
    assert_true(log_find(&g_log, 0, "HOST rollback") >= 0);
    assert_true(log_find(&g_log, 0, "HOST commit") < 0);
    assert_true(log_find(&g_log, 0, "HOST2 commit") < 0);
    f->ms.fail_saves = 0;
    snap_check(f, s);
    no_bad_cookies(f);
    cp_free(f->ctx, out);
    free(xml);
    snap_free(s);
}

/* ==== failure at every CSP call =========================================================== */

static const char rich_doc[] =
    DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "<parm name=\"port\" value=\"81\"/><parm-query name=\"name\"/>"
        "<noparm name=\"flag\"/><characteristic type=\"sub\">"
        "<parm name=\"k\" value=\"w\"/></characteristic>"
        "<characteristic-query type=\"sub\"/></characteristic>"
        "<characteristic type=\"fresh\"><parm name=\"f\"/></characteristic>"
        "<nocharacteristic type=\"old\"/></characteristic>"
        "<characteristic type=\"HOST2\"><characteristic type=\"a\">"
        "<parm name=\"p\" value=\"5\"/><noparm name=\"q\"/></characteristic>"
        "<nocharacteristic type=\"b\"/></characteristic>"
        "<characteristic type=\"HOST3\"><parm name=\"z\" value=\"3\"/>"
        "</characteristic>");

/* The error element a failure at point must have produced. */
static void check_failure_output(fx *f, const host *h, const char *out,
                                 cp_status st)
{
    char desc[160];
    const char *p = h->failed_point;
    assert_true(p[0] != '\0');
    snprintf(desc, sizeof desc, "%s injected failure at %s", h->type, p);
    assert_non_null(strstr(cp_ctx_error_message(f->ctx), desc));
    assert_int_equal(cp_ctx_error_code(f->ctx), st);
    if (strcmp(p, "commit") == 0) {
        assert_null(strstr(out, "-error"));
        return;
    }
    assert_int_equal(count_substr(out, "-error "), 1);
    assert_non_null(strstr(out, desc));
    if (strcmp(p, "begin") == 0 || strcmp(p, "char_enter") == 0 ||
        strcmp(p, "char_leave") == 0)
        assert_non_null(strstr(out, "<characteristic-error "));
    else if (strcmp(p, "parm") == 0)
        assert_non_null(strstr(out, "<parm-error "));
    else if (strcmp(p, "noparm") == 0)
        assert_non_null(strstr(out, "<noparm-error "));
    else if (strcmp(p, "nocharacteristic") == 0)
        assert_non_null(strstr(out, "<nocharacteristic-error "));
}

/* Fail the N-th call of csp idx for N = 1, 2, ... until the document
   goes through; every failure must leave the whole state as it was. */
static long fail_every_call(fx *f, int idx, cp_status inject)
{
    host *h = &f->h[idx];
    snap *s;
    long n;
    char *out;
    cp_status st;
    warm_up(f);
    s = snap_take(f);
    for (n = 1;; n++) {
        host_reset_faults(h);
        h->fail_at = n;
        h->fail_st = inject;
        log_clear(&g_log);
        st = run(f, rich_doc, CP_ROLE_MANAGER, 0, &out);
        if (st == CP_OK)
            break;
        if (idx > 0 && strcmp(h->failed_point, "commit") == 0) {
            /* HOST committed already: documented as CP_E_ROLLBACK */
            assert_int_equal(st, CP_E_ROLLBACK);
            check_failure_output(f, h, out, st);
            cp_free(f->ctx, out);
            seed_all(f); /* put back what HOST kept */
            snap_check(f, s);
            continue;
        }
        if (st != CP_E_CSP)
            print_message("call %ld (%s): %d %s\n", n, h->failed_point, st,
                          out ? out : "(null)");
        assert_int_equal(st, CP_E_CSP);
        assert_non_null(out);
        check_failure_output(f, h, out, st);
        cp_free(f->ctx, out);
        snap_check(f, s);
        no_bad_cookies(f);
        assert_true(n < 200);
    }
    assert_string_equal(out, DOC("<characteristic type=\"HOST\">"
                                 "<characteristic type=\"net\"><parm "
                                 "name=\"port\" value=\"81\"/><parm "
                                 "name=\"name\" value=\"alpha\"/><noparm "
                                 "name=\"flag\"/><characteristic type=\"sub\">"
                                 "<parm name=\"k\" value=\"w\"/>"
                                 "</characteristic><characteristic type=\"sub\">"
                                 "<parm name=\"k\" value=\"w\"/>"
                                 "</characteristic></characteristic>"
                                 "<characteristic type=\"fresh\"><parm "
                                 "name=\"f\"/></characteristic>"
                                 "<nocharacteristic type=\"old\"/>"
                                 "</characteristic><characteristic "
                                 "type=\"HOST2\"><characteristic type=\"a\">"
                                 "<parm name=\"p\" value=\"5\"/><noparm "
                                 "name=\"q\"/></characteristic>"
                                 "<nocharacteristic type=\"b\"/>"
                                 "</characteristic><characteristic "
                                 "type=\"HOST3\"><parm name=\"z\" value=\"3\"/>"
                                 "</characteristic>"));
    cp_free(f->ctx, out);
    expect_tree(&f->h[0], "C HOST\nC HOST/fresh\nP HOST/fresh f\nC HOST/net\n"
                          "P HOST/net name=alpha\nP HOST/net port=81\n"
                          "C HOST/net/sub\nP HOST/net/sub k=w\n");
    expect_tree(&f->h[1], "C HOST2\nC HOST2/a\nP HOST2/a p=5\n");
    expect_tree(&f->h[2], "C HOST3\nP HOST3 z=3\n");
    snap_free(s);
    host_reset_faults(h);
    print_message("%s: %ld failing calls checked\n", h->type, n - 1);
    return n - 1;
}

static void test_fail_every_call_internal(void **state)
{
    NEED_XML();
    fx *f = *state;
    /* begin, 2 enters + 2 leaves + parm/pq/noparm, sub, cq, fresh, nochar... */
    assert_true(fail_every_call(f, 0, CP_E_IO) >= 15);
}

static void test_fail_every_call_external(void **state)
{
    NEED_XML();
    fx *f = *state;
    host_reregister(&f->h[0], 0);
    assert_true(fail_every_call(f, 0, CP_E_INTERNAL) >= 25);
}

static void test_fail_every_call_middle(void **state)
{
    NEED_XML();
    fx *f = *state;
    /* HOST2 (external) sits between two CSPs that both did work */
    assert_true(fail_every_call(f, 1, CP_E_IO) >= 12);
    host_reregister(&f->h[1], CP_CSP_INTERNAL_TX);
    seed_all(f);
    assert_true(fail_every_call(f, 1, CP_E_IO) >= 8);
}

/* Named call points, and how a CSP's status maps to the call's status. */
static void test_fail_points(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const struct {
        const char *point;
        cp_status inject, want;
        const char *element; /* expected in the output */
    } rows[] = {
        {"begin", CP_E_IO, CP_E_CSP,
         "<characteristic-error type=\"HOST\" desc=\"HOST begin failed: HOST "
         "injected failure at begin\">"},
        {"char_enter", CP_E_IO, CP_E_CSP,
         "<characteristic-error type=\"HOST\" desc=\"HOST characteristic "
         "failed: HOST injected failure at char_enter\">"},
        {"char_leave", CP_E_UNSUPPORTED, CP_E_CSP,
         "<characteristic-error type=\"sub\" desc=\"HOST characteristic "
         "failed: HOST injected failure at char_leave\">"},
        {"parm", CP_E_IO, CP_E_CSP,
         "<parm-error name=\"port\" value=\"81\" desc=\"HOST parm failed: HOST "
         "injected failure at parm\"/>"},
        {"parm", CP_E_ACCESS_DENIED, CP_E_ACCESS_DENIED,
         "<parm-error name=\"port\" value=\"81\" desc=\"HOST parm failed: HOST "
         "injected failure at parm\"/>"},
        {"parm", CP_E_BAD_DOC, CP_E_BAD_DOC,
         "<parm-error name=\"port\" value=\"81\" desc=\"HOST parm failed: HOST "
         "injected failure at parm\"/>"},
        {"parm", CP_E_NOMEM, CP_E_NOMEM,
         "<parm-error name=\"port\" value=\"81\" desc=\"out of memory\"/>"},
        {"parm_query", CP_E_IO, CP_E_CSP,
         "<parm-query-error name=\"name\" desc=\"HOST parm-query failed: HOST "
         "injected failure at parm_query\"/>"},
        {"noparm", CP_E_IO, CP_E_CSP,
         "<noparm-error name=\"flag\" desc=\"HOST noparm failed: HOST "
         "injected failure at noparm\"/>"},
        {"characteristic_query", CP_E_IO, CP_E_CSP,
         "<characteristic-query-error type=\"sub\" desc=\"HOST "
         "characteristic-query failed: HOST injected failure at "
         "characteristic_query\"/>"},
        {"nocharacteristic", CP_E_IO, CP_E_CSP,
         "<nocharacteristic-error type=\"old\" desc=\"HOST nocharacteristic "
         "failed: HOST injected failure at nocharacteristic\"/>"},
        {"commit", CP_E_IO, CP_E_CSP, NULL},
    };
    size_t i;
    snap *s;
    warm_up(f);
    s = snap_take(f);
    for (i = 0; i < ARRAY_LEN(rows); i++) {
        char *out;
        cp_status st;
        host_reset_faults(&f->h[0]);
        f->h[0].fail_point = rows[i].point;
        f->h[0].fail_st = rows[i].inject;
        log_clear(&g_log);
        st = run(f, rich_doc, CP_ROLE_MANAGER, 0, &out);
        if (st != rows[i].want)
            print_message("row %lu: %d %s\n", (unsigned long)i, st,
                          out ? out : "(null)");
        assert_int_equal(st, rows[i].want);
        assert_non_null(out);
        if (rows[i].element != NULL) {
            if (strstr(out, rows[i].element) == NULL)
                print_message("row %lu: %s\n", (unsigned long)i, out);
            assert_non_null(strstr(out, rows[i].element));
            assert_int_equal(count_substr(out, "-error "), 1);
        } else {
            assert_null(strstr(out, "-error"));
            assert_string_equal(cp_ctx_error_message(f->ctx),
                                "HOST commit failed: HOST injected failure "
                                "at commit");
        }
        assert_true(log_find(&g_log, 0, "HOST rollback") >= 0);
        cp_free(f->ctx, out);
        snap_check(f, s);
    }
    /* a CSP without error_description: the status text stands in */
    {
        cp_csp_ops o = host_ops(CP_CSP_INTERNAL_TX);
        o.error_description = NULL;
        assert_int_equal(cp_csp_unregister(f->ctx, "HOST"), CP_OK);
        assert_int_equal(cp_csp_register(f->ctx, "HOST", &o, &f->h[0]), CP_OK);
        host_reset_faults(&f->h[0]);
        f->h[0].fail_point = "parm";
        char want[256];
        snprintf(want, sizeof want,
                 DOC("<characteristic type=\"HOST\"><parm-error name=\"a\" "
                     "value=\"1\" desc=\"HOST parm failed: %s\"/>"
                     "</characteristic>"),
                 cp_strerror(CP_E_IO));
        expect(f,
               DOC("<characteristic type=\"HOST\"><parm name=\"a\" "
                   "value=\"1\"/></characteristic>"),
               CP_ROLE_MANAGER, 0, CP_E_CSP, want);
    }
    snap_free(s);
}

/* ==== failing rollbacks and commits ======================================================== */

static void test_rollback_failure(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
            "</characteristic><characteristic type=\"HOST2\">"
            "<characteristic type=\"a\"><parm name=\"p\" value=\"5\"/>"
            "</characteristic></characteristic><characteristic type=\"HOST3\">"
            "<parm name=\"z\" value=\"1\"/></characteristic>");
    static const char marked[] =
        "<parm-error name=\"z\" value=\"1\" desc=\"HOST3 parm failed: HOST3 "
        "injected failure at parm\"/>";
    char *out;
    warm_up(f);

    /* an internal CSP whose rollback fails */
    f->h[2].fail_point = "parm";
    f->h[0].fail_point = "rollback";
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_ROLLBACK);
    assert_non_null(strstr(out, marked));
    assert_int_equal(cp_ctx_error_code(f->ctx), CP_E_ROLLBACK);
    /* the others were still rolled back */
    assert_true(log_find(&g_log, 0, "HOST2 parm HOST2/a p=1") >= 0);
    assert_true(log_find(&g_log, 0, "HOST3 rollback") >= 0);
    expect_tree(&f->h[1], TREE_HOST2);
    cp_free(f->ctx, out);

    /* an external CSP whose replay fails (its second parm call) */
    seed_all(f);
    host_reset_faults(&f->h[0]);
    host_reset_faults(&f->h[2]);
    f->h[2].fail_point = "parm";
    f->h[1].fail_point = "parm";
    f->h[1].fail_nth = 2;
    log_clear(&g_log);
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_ROLLBACK);
    assert_non_null(strstr(out, marked));
    assert_true(log_find(&g_log, 0, "HOST rollback") >= 0);
    expect_tree(&f->h[0], TREE_HOST);
    cp_free(f->ctx, out);

    /* re-entering the path during the replay fails */
    seed_all(f);
    host_reset_faults(&f->h[1]);
    host_reset_faults(&f->h[2]);
    f->h[2].fail_point = "parm";
    f->h[1].fail_point = "char_enter";
    f->h[1].fail_nth = 3; /* HOST2, HOST2/a, then the replay's HOST2 */
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_ROLLBACK);
    cp_free(f->ctx, out);
    host_reset_faults(&f->h[1]);
    host_reset_faults(&f->h[2]);
    no_bad_cookies(f);
}

/* A host commit failing after another CSP committed cannot be undone. */
static void test_commit_after_commit(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
            "</characteristic><characteristic type=\"HOST2\">"
            "<characteristic type=\"a\"><parm name=\"p\" value=\"5\"/>"
            "</characteristic></characteristic>");
    char *out;
    uint32_t v;
    warm_up(f);
    f->h[1].fail_point = "commit";
    assert_int_equal(run(f, xml, CP_ROLE_MANAGER, 0, &out), CP_E_ROLLBACK);
    assert_null(strstr(out, "-error"));
    assert_string_equal(cp_ctx_error_message(f->ctx),
                        "HOST2 commit failed: HOST2 injected failure at commit");
    assert_int_equal(f->h[0].commits, 1);
    assert_true(ent_find(&f->h[0], "HOST", "a", 0) >= 0); /* kept */
    expect_tree(&f->h[1], TREE_HOST2); /* rolled back */
    cp_free(f->ctx, out);

    /* a store-backed CSP commits first: a later host failure is partial */
    host_reset_faults(&f->h[1]);
    f->h[0].fail_point = "commit";
    seed_all(f);
    assert_int_equal(
        run(f,
            DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4105\" "
                "value=\"6\"/></characteristic><characteristic type=\"HOST\">"
                "<parm name=\"a\" value=\"1\"/></characteristic>"),
            CP_ROLE_MANAGER, 0, &out),
        CP_E_ROLLBACK);
    assert_int_equal(cp_policy_get(f->ctx, 4105, &v), CP_OK);
    assert_int_equal(v, 6);
    expect_tree(&f->h[0], TREE_HOST);
    cp_free(f->ctx, out);
    host_reset_faults(&f->h[0]);
}

/* ==== re-entrance and threads ============================================================== */

static void test_reentrance(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
            "</characteristic>");
    cp_csp_ops o = host_ops(0);
    f->h[0].reenter = 1;
    expect_echo(f, xml, CP_ROLE_MANAGER);
    assert_int_equal(f->h[0].re_process, CP_E_BUSY);
    assert_int_equal(f->h[0].re_wbxml, CP_E_BUSY);
    assert_int_equal(f->h[0].re_register, CP_E_BUSY);
    assert_int_equal(f->h[0].re_unregister, CP_E_BUSY);
    assert_int_equal(f->h[0].re_meta, CP_E_BUSY);
    assert_true(ent_find(&f->h[0], "HOST", "a", 0) >= 0);
    assert_int_equal(f->h[0].commits, 1);
    f->h[0].reenter = 0;
    /* outside a call everything works again */
    assert_int_equal(cp_csp_register(f->ctx, "LATE", &o, &f->h[0]), CP_OK);
    assert_int_equal(cp_csp_unregister(f->ctx, "LATE"), CP_OK);
    expect_echo(f, DOC(""), CP_ROLE_MANAGER);
}

#define THREAD_ROUNDS 400

typedef struct worker {
    cp_ctx *ctx;
    int id;
    long ok, busy, other;
    int last_ok;
} worker;

/* Each round is retried while the context is busy (bounded). */
static void *work(void *arg)
{
    worker *w = arg;
    int i;
    long tries = 0;
    w->last_ok = -1;
    for (i = 0; i < THREAD_ROUNDS; i++) {
        char xml[256], *out = NULL;
        size_t len = 0;
        cp_status st;
        if (tries++ > 50L * 1000 * 1000)
            break;
        snprintf(xml, sizeof xml,
                 DOC("<characteristic type=\"HOST\"><characteristic "
                     "type=\"t%d\"><parm name=\"v\" value=\"%d\"/>"
                     "<parm-query name=\"v\"/></characteristic>"
                     "</characteristic>"),
                 w->id, i);
        st = cp_process_config_xml(w->ctx, xml, strlen(xml), CP_ROLE_MANAGER,
                                   0, &out, &len);
        if (st == CP_OK) {
            char want[256];
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"HOST\"><characteristic "
                         "type=\"t%d\"><parm name=\"v\" value=\"%d\"/>"
                         "<parm name=\"v\" value=\"%d\"/></characteristic>"
                         "</characteristic>"),
                     w->id, i, i);
            if (out != NULL && strcmp(out, want) == 0)
                w->ok++;
            else
                w->other++;
            w->last_ok = i;
        } else if (st == CP_E_BUSY && out == NULL) {
            w->busy++;
            i--; /* again */
        } else {
            w->other++;
        }
        cp_free(w->ctx, out);
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    NEED_XML();
    cp_ctx *ctx;
    host *h = calloc(1, sizeof *h);
    static calllog tlog;
    worker w[2];
    pthread_t th[2];
    int i;
    char want[256];
    (void)state;
    assert_non_null(h);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    host_init(h, "HOST", ctx);
    h->log = &tlog;
    host_register(h, CP_CSP_INTERNAL_TX);
    for (i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].ctx = ctx;
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    print_message("threads: ok %ld+%ld, busy %ld+%ld\n", w[0].ok, w[1].ok,
                  w[0].busy, w[1].busy);
    assert_int_equal(w[0].other + w[1].other, 0);
    assert_int_equal(w[0].ok, THREAD_ROUNDS);
    assert_int_equal(w[1].ok, THREAD_ROUNDS);
    assert_int_equal(w[0].last_ok, THREAD_ROUNDS - 1);
    assert_int_equal(h->commits, w[0].ok + w[1].ok);
    assert_int_equal(h->rollbacks, 0);
    assert_int_equal(h->bad_cookies, 0);
    /* the tree holds what each thread wrote last */
    want[0] = '\0';
    {
        size_t len = 0;
        len += (size_t)snprintf(want + len, sizeof want - len, "C HOST\n");
        for (i = 0; i < 2; i++)
            if (w[i].last_ok >= 0)
                len += (size_t)snprintf(want + len, sizeof want - len,
                                        "C HOST/t%d\nP HOST/t%d v=%d\n", i, i,
                                        w[i].last_ok);
    }
    expect_tree(h, want);
    cp_ctx_free(ctx);
    free(h);
}

/* ==== failing allocations ============================================================== */

static void test_nomem_every_allocation(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"81\"/><parm-query name=\"name\"/>"
            "<noparm name=\"flag\"/></characteristic>"
            "<characteristic-query type=\"old\"/>"
            "<characteristic type=\"fresh\"><parm name=\"f\" value=\"1\"/>"
            "</characteristic></characteristic>"
            "<characteristic type=\"HOST2\"><characteristic type=\"a\">"
            "<parm name=\"p\" value=\"5\"/><noparm name=\"q\"/>"
            "</characteristic><nocharacteristic type=\"b\"/>"
            "<characteristic type=\"n\"><parm name=\"x\" value=\"y\"/>"
            "</characteristic></characteristic>"
            "<characteristic type=\"SecurityPolicy\">"
            "<parm name=\"4105\" value=\"6\"/><parm-query name=\"4119\"/>"
            "</characteristic>");
    uint32_t v;
    cp_meta m;
    long n, fails = 0;
    cp_status st = CP_E_NOMEM;
    char *out = NULL;
    snap *s;
    /* the caller reaches MANAGER only through policy 4119 */
    assert_int_equal(cp_policy_get(f->ctx, CP_POLICY_GRANT_MANAGER, &v), CP_OK);
    assert_int_equal(cp_policy_set(f->ctx, CP_POLICY_GRANT_MANAGER,
                                   v | CP_ROLE_USER_AUTH, CP_ROLE_MANAGER),
                     CP_OK);
    set_meta(f, "HOST2/a/p", CP_ROLE_MANAGER | CP_ROLE_USER_AUTH, 3);
    warm_up(f);
    for (n = 1; st != CP_OK; n++) {
        long live;
        assert_int_equal(cp_meta_get(f->ctx, "HOST/x", &m, NULL), CP_OK);
        s = snap_take(f);
        live = f->t.live;
        f->t.fail_at = f->t.calls + n;
        log_clear(&g_log);
        st = run(f, xml, CP_ROLE_USER_AUTH, 0, &out);
        f->t.fail_at = 0;
        if (st != CP_OK) {
            if (st != CP_E_NOMEM)
                print_message("allocation %ld: %d (%s) %s\n", n, st,
                              cp_ctx_error_message(f->ctx),
                              out ? out : "(null)");
            assert_int_equal(st, CP_E_NOMEM);
            cp_free(f->ctx, out);
            out = NULL;
            snap_check(f, s);
            assert_int_equal(cp_meta_get(f->ctx, "HOST/x", &m, NULL), CP_OK);
            if (f->t.live != live)
                print_message("allocation %ld: live %ld, was %ld\n", n,
                              f->t.live, live);
            assert_int_equal(f->t.live, live);
            fails++;
            no_bad_cookies(f);
        }
        snap_free(s);
        assert_true(n < 5000);
    }
    print_message("%ld failing allocations checked (last n %ld)\n", fails,
                  n - 1);
    assert_true(fails > 20);
    assert_non_null(out);
    assert_non_null(strstr(out, "<parm name=\"4119\" value=\""));
    cp_free(f->ctx, out);
    assert_int_equal(cp_policy_get(f->ctx, 4105, &v), CP_OK);
    assert_int_equal(v, 6);
    expect_tree(&f->h[1], "C HOST2\nC HOST2/a\nP HOST2/a p=5\nC HOST2/n\n"
                          "P HOST2/n x=y\n");
}

/* The same on a cold context each time (a new one per allocation), so that
   the lazy loads of the policies and the metabase fail inside the call. */
static void test_nomem_cold_context(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char xml[] =
        DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
            "<parm name=\"port\" value=\"81\"/></characteristic>"
            "</characteristic><characteristic type=\"HOST2\">"
            "<characteristic type=\"a\"><parm name=\"p\" value=\"5\"/>"
            "</characteristic></characteristic>"
            "<characteristic type=\"SecurityPolicy\">"
            "<parm name=\"4105\" value=\"6\"/></characteristic>");
    cp_ctx *warm = f->ctx;
    cp_status st = CP_E_NOMEM;
    uint32_t v;
    long n, fails = 0;
    snap *s0;
    assert_int_equal(cp_policy_get(warm, CP_POLICY_GRANT_MANAGER, &v), CP_OK);
    assert_int_equal(cp_policy_set(warm, CP_POLICY_GRANT_MANAGER,
                                   v | CP_ROLE_USER_AUTH, CP_ROLE_MANAGER),
                     CP_OK);
    set_meta(f, "HOST2/a/p", CP_ROLE_MANAGER | CP_ROLE_USER_AUTH, 3);
    warm_up(f);
    s0 = snap_take(f);
    for (n = 1; st != CP_OK; n++) {
        tu_alloc t;
        cp_config cfg;
        cp_ctx *c;
        char *out = NULL;
        int k;
        cp_config_init(&cfg);
        tu_alloc_setup(&cfg, &t, 0);
        ms_attach(&cfg, &f->ms);
        assert_int_equal(cp_ctx_new(&cfg, &c), CP_OK);
        for (k = 0; k < 3; k++) {
            f->h[k].ctx = c;
            host_register(&f->h[k], k == 1 ? 0 : CP_CSP_INTERNAL_TX);
        }
        assert_int_equal(cp_csp_register_builtins(c), CP_OK);
        t.fail_at = t.calls + n;
        st = cp_process_config_xml(c, xml, strlen(xml), CP_ROLE_USER_AUTH, 0,
                                   &out, NULL);
        t.fail_at = 0;
        if (st != CP_OK) {
            if (st != CP_E_NOMEM)
                print_message("allocation %ld: %d (%s)\n", n, st,
                              cp_ctx_error_message(c));
            assert_int_equal(st, CP_E_NOMEM);
            fails++;
            f->ctx = c;
            snap_check(f, s0);
            f->ctx = warm;
        }
        cp_free(c, out);
        cp_ctx_free(c);
        assert_int_equal(t.live, 0);
        assert_true(n < 5000);
    }
    print_message("%ld failing allocations checked (cold)\n", fails);
    for (n = 0; n < 3; n++)
        f->h[n].ctx = warm;
    assert_true(fails > 20);
    assert_int_equal(cp_policy_get(warm, 4105, &v), CP_OK);
    snap_free(s0);
}

/* ==== the WBXML twin and the input rules =============================================== */

static uint8_t *to_wbxml(fx *f, const char *xml, size_t *len)
{
    cp_doc *d = NULL;
    uint8_t *wb = NULL;
    assert_int_equal(cp_doc_parse_xml(f->ctx, xml, strlen(xml), &d), CP_OK);
    assert_int_equal(cp_doc_encode_wbxml(f->ctx, d, 0, &wb, len), CP_OK);
    cp_doc_free(d);
    return wb;
}

static void test_wbxml_twin(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char *const docs[] = {rich_doc,
                                       DOC("<characteristic-query "
                                           "type=\"HOST2\"/>"),
                                       DOC("<characteristic type=\"HOST\">"
                                           "<parm-query name=\"nope\"/>"
                                           "</characteristic>")};
    size_t i;
    for (i = 0; i < ARRAY_LEN(docs); i++) {
        char *xo, *wo = NULL, tree[3][8192];
        size_t wl, ol = 0;
        uint8_t *wb;
        int k;
        seed_all(f);
        assert_int_equal(run(f, docs[i], CP_ROLE_MANAGER, 0, &xo), CP_OK);
        for (k = 0; k < 3; k++)
            host_dump(&f->h[k], tree[k], sizeof tree[k]);
        seed_all(f);
        wb = to_wbxml(f, docs[i], &wl);
        assert_int_equal(cp_process_config_wbxml(f->ctx, wb, wl,
                                                 CP_ROLE_MANAGER, 0, &wo, &ol),
                         CP_OK);
        assert_string_equal(wo, xo);
        assert_int_equal(ol, strlen(xo));
        for (k = 0; k < 3; k++)
            expect_tree(&f->h[k], tree[k]);
        /* cp_process_config_xml takes WBXML too (first octet) */
        seed_all(f);
        cp_free(f->ctx, wo);
        assert_int_equal(cp_process_config_xml(f->ctx, (const char *)wb, wl,
                                               CP_ROLE_MANAGER, 0, &wo, NULL),
                         CP_OK);
        assert_string_equal(wo, xo);
        cp_free(f->ctx, wo);
        cp_free(f->ctx, xo);
        cp_free(f->ctx, wb);
    }
    /* metadata through WBXML, and a denial */
    {
        static const char q[] =
            DOC("<characteristic type=\"HOST2\"><parm name=\"p\" value=\"7\"/>"
                "</characteristic>");
        size_t wl;
        uint8_t *wb = to_wbxml(f, q, &wl);
        char *wo;
        assert_int_equal(cp_process_config_wbxml(f->ctx, wb, wl,
                                                 CP_ROLE_MANAGER, CP_METADATA,
                                                 &wo, NULL),
                         CP_OK);
        assert_string_equal(wo, DOC("<characteristic type=\"HOST2\"><parm "
                                    "name=\"p\" value=\"7\" rw-access=\"3\"/>"
                                    "</characteristic>"));
        cp_free(f->ctx, wo);
        assert_int_equal(cp_process_config_wbxml(f->ctx, wb, wl,
                                                 CP_ROLE_USER_UNAUTH, 0, &wo,
                                                 NULL),
                         CP_E_ACCESS_DENIED);
        assert_non_null(strstr(wo, "<parm-error name=\"p\""));
        cp_free(f->ctx, wo);
        cp_free(f->ctx, wb);
    }
}

static void test_input_rules(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char ok[] = DOC("<characteristic type=\"HOST\"/>");
    static const unsigned bad_flags[] = {0x4, 0x8, 0x100, 0x80000000u,
                                         CP_PROCESS | 0x10};
    static const struct {
        const char *xml, *want;
    } answers[] = {
        {DOC("<characteristic type=\"HOST\"><parm-error name=\"a\" "
             "value=\"1\" desc=\"x\"/></characteristic>"),
         DOC("<characteristic type=\"HOST\"><parm-error name=\"a\" value=\"1\" "
             "desc=\"parm-error is an answer, not a request\"/>"
             "</characteristic>")},
        {DOC("<characteristic-error type=\"HOST\" desc=\"x\">"
             "</characteristic-error>"),
         DOC("<characteristic-error type=\"HOST\" desc=\"characteristic-error "
             "is an answer, not a request\"></characteristic-error>")},
        {DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
             "<noparm-error name=\"a\" desc=\"x\"/></characteristic>"
             "</characteristic>"),
         DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
             "<noparm-error name=\"a\" desc=\"noparm-error is an answer, not "
             "a request\"/></characteristic></characteristic>")},
        {DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
             "<characteristic-query-error type=\"q\" desc=\"x\"/>"
             "</characteristic>"),
         DOC("<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
             "<characteristic-query-error type=\"q\" desc=\"characteristic-"
             "query-error is an answer, not a request\"/></characteristic>")},
    };
    size_t i, wl;
    char *out = (char *)1;
    uint8_t *wb;
    cp_doc *d;

    for (i = 0; i < ARRAY_LEN(bad_flags); i++) {
        assert_int_equal(run(f, ok, CP_ROLE_MANAGER, bad_flags[i], &out),
                         CP_E_INVALID_ARG);
        assert_null(out);
        wb = to_wbxml(f, ok, &wl);
        out = (char *)1;
        assert_int_equal(cp_process_config_wbxml(f->ctx, wb, wl,
                                                 CP_ROLE_MANAGER, bad_flags[i],
                                                 &out, NULL),
                         CP_E_INVALID_ARG);
        assert_null(out);
        assert_int_equal(cp_doc_parse_xml(f->ctx, ok, strlen(ok), &d), CP_OK);
        out = (char *)1;
        assert_int_equal(cp_process_config_doc(f->ctx, d, CP_ROLE_MANAGER,
                                               bad_flags[i], &out, NULL),
                         CP_E_INVALID_ARG);
        assert_null(out);
        cp_doc_free(d);
        cp_free(f->ctx, wb);
    }
    assert_int_equal(g_log.n, 0);
    assert_int_equal(cp_process_config_xml(NULL, ok, strlen(ok), 0, 0, &out,
                                           NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_process_config_xml(f->ctx, NULL, 3, 0, 0, &out, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_process_config_xml(f->ctx, ok, strlen(ok), 0, 0, NULL,
                                           NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_process_config_wbxml(f->ctx, NULL, 3, 0, 0, &out,
                                             NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_process_config_doc(f->ctx, NULL, 0, 0, &out, NULL),
                     CP_E_INVALID_ARG);

    /* answers are not requests: refused before any CSP call */
    for (i = 0; i < ARRAY_LEN(answers); i++) {
        char *wo;
        log_clear(&g_log);
        expect(f, answers[i].xml, CP_ROLE_MANAGER, 0, CP_E_BAD_DOC,
               answers[i].want);
        wb = to_wbxml(f, answers[i].xml, &wl);
        assert_int_equal(cp_process_config_wbxml(f->ctx, wb, wl,
                                                 CP_ROLE_MANAGER, 0, &wo,
                                                 NULL),
                         CP_E_BAD_DOC);
        assert_string_equal(wo, answers[i].want);
        cp_free(f->ctx, wo);
        cp_free(f->ctx, wb);
        assert_int_equal(g_log.n, 0);
    }
    expect_tree(&f->h[0], TREE_HOST);

    /* undecodable input: no output at all */
    {
        static const uint8_t junk[] = {0x03, 0x0B, 0x6A, 0x00, 0x45};
        out = (char *)1;
        assert_true(cp_process_config_wbxml(f->ctx, junk, sizeof junk,
                                            CP_ROLE_MANAGER, 0, &out,
                                            NULL) < 0);
        assert_null(out);
        out = (char *)1;
        assert_int_equal(run(f, "<wap-provisioningdoc>", CP_ROLE_MANAGER, 0,
                             &out),
                         CP_E_XML);
        assert_null(out);
    }
}

/* ---- depth bounds (documents built through the API: no XML) ---------------------- */

/* The CSP "DEEP": takes every characteristic, and answers a
   characteristic_query with levels nested characteristics. */
typedef struct deep_csp {
    size_t levels;
    size_t entered;    /* cp_csp_emit_enter calls that succeeded */
    cp_status refused; /* the first refused one, else CP_OK */
} deep_csp;

static cp_status deep_enter(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *parent_cookie,
                            void **cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)type;
    (void)parent_cookie;
    *cookie = NULL;
    return CP_OK;
}

static cp_status deep_leave(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)type;
    (void)cookie;
    return CP_OK;
}

static cp_status deep_query(void *user, cp_csp_session *s, const char *path,
                            int recursive, void *cookie)
{
    deep_csp *d = user;
    cp_status st = CP_OK;
    size_t i;
    (void)path;
    (void)recursive;
    (void)cookie;
    d->entered = 0;
    d->refused = CP_OK;
    while (d->entered < d->levels && st == CP_OK) {
        st = cp_csp_emit_enter(s, d->entered == 0 ? "DEEP" : "L");
        if (st == CP_OK)
            d->entered++;
        else
            d->refused = st;
    }
    for (i = 0; i < d->entered && st == CP_OK; i++)
        st = cp_csp_emit_leave(s);
    return st;
}

/* levels nested characteristics DEEP/L/L/..., or for 0 a
   characteristic-query of DEEP; run as MANAGER. */
static cp_status deep_run(cp_ctx *ctx, size_t levels)
{
    cp_doc *d = NULL;
    const cp_node *n;
    char *out = NULL;
    size_t i, len = 0;
    cp_status st;
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = cp_doc_root(d);
    if (levels == 0) {
        assert_int_equal(cp_node_add(d, n, CP_NODE_CHARACTERISTIC_QUERY, &n),
                         CP_OK);
        assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, "DEEP"), CP_OK);
    }
    for (i = 0; i < levels; i++) {
        assert_int_equal(cp_node_add(d, n, CP_NODE_CHARACTERISTIC, &n), CP_OK);
        assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, i ? "L" : "DEEP"),
                         CP_OK);
    }
    st = cp_process_config_doc(ctx, d, CP_ROLE_MANAGER, 0, &out, &len);
    if (st == CP_OK) /* on failure *out is the error document, or NULL */
        assert_non_null(out);
    cp_free(ctx, out);
    cp_doc_free(d);
    return st;
}

/*
 * The engine walks a document, and a CSP's query answer, recursively: the
 * depth is bounded by limits.max_depth (root = 1, default 32). 31 nested
 * characteristics pass, 32 are refused before any CSP call, and so are
 * 20000 (which no recursion could survive); an answer is held to the same
 * depth. No XML: this runs in NO_XML builds and on every cross target.
 */
static void test_depth_bounds(void **state)
{
    const size_t max = CP_DEFAULT_MAX_DEPTH;
    cp_ctx *ctx = NULL;
    deep_csp dc;
    cp_csp_ops o;
    (void)state;
    memset(&dc, 0, sizeof dc);
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.flags = CP_CSP_INTERNAL_TX;
    o.char_enter = deep_enter;
    o.char_leave = deep_leave;
    o.characteristic_query = deep_query;
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    assert_int_equal(cp_csp_register(ctx, "DEEP", &o, &dc), CP_OK);
    assert_int_equal(deep_run(ctx, max - 1), CP_OK);
    assert_int_equal(deep_run(ctx, max), CP_E_LIMIT);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_LIMIT);
    assert_int_equal(deep_run(ctx, 20000), CP_E_LIMIT);
    dc.levels = max - 1;
    assert_int_equal(deep_run(ctx, 0), CP_OK);
    assert_int_equal(dc.entered, max - 1);
    assert_int_equal(dc.refused, CP_OK);
    dc.levels = max;
    assert_int_not_equal(deep_run(ctx, 0), CP_OK);
    assert_int_equal(dc.entered, max - 1);
    assert_int_equal(dc.refused, CP_E_LIMIT);
    cp_ctx_free(ctx);
}

/*
 * cp_process_config_doc reads the caller's document and never changes it:
 * queries answered, metadata added, the failing element marked, all land
 * in the output only, which is the one cp_process_config_xml gives.
 */
static void test_caller_doc_untouched(void **state)
{
    NEED_XML();
    fx *f = *state;
    static const char *const docs[] = {
        /* queries: answered in place */
        "<wap-provisioningdoc version=\"1.1\">"
        "<characteristic type=\"HOST\"><characteristic type=\"net\">"
        "<parm name=\"port\" value=\"81\"/><parm-query name=\"name\"/>"
        "</characteristic><characteristic-query type=\"old\"/>"
        "</characteristic></wap-provisioningdoc>",
        /* a failure after work was done: rolled back, the element marked */
        "<wap-provisioningdoc version=\"1.1\">"
        "<characteristic type=\"HOST\"><parm name=\"a\" value=\"1\"/>"
        "</characteristic><characteristic type=\"NOSUCH\"/>"
        "</wap-provisioningdoc>",
        /* a plain write */
        "<wap-provisioningdoc version=\"1.1\">"
        "<characteristic type=\"HOST\"><parm name=\"b\" value=\"2\"/>"
        "</characteristic></wap-provisioningdoc>",
    };
    static const unsigned flags[] = {0, CP_METADATA};
    size_t i, k;
    for (i = 0; i < ARRAY_LEN(docs); i++) {
        for (k = 0; k < ARRAY_LEN(flags); k++) {
            cp_doc *d;
            char *before, *after, *via_doc, *via_xml;
            cp_status st_doc, st_xml;
            assert_int_equal(
                cp_doc_parse_xml(f->ctx, docs[i], strlen(docs[i]), &d), CP_OK);
            assert_int_equal(cp_doc_write_xml(f->ctx, d, 0, &before, NULL),
                             CP_OK);
            seed_all(f);
            st_doc = cp_process_config_doc(f->ctx, d, CP_ROLE_MANAGER,
                                           flags[k], &via_doc, NULL);
            assert_int_equal(cp_doc_write_xml(f->ctx, d, 0, &after, NULL),
                             CP_OK);
            assert_string_equal(after, before);
            seed_all(f);
            st_xml = run(f, docs[i], CP_ROLE_MANAGER, flags[k], &via_xml);
            assert_int_equal(st_doc, st_xml);
            assert_non_null(via_doc);
            assert_non_null(via_xml);
            assert_string_equal(via_doc, via_xml);
            if (i == 0 && flags[k] == 0) /* the query was answered */
                assert_non_null(strstr(via_doc, "value=\"alpha\""));
            if (i == 1) { /* refused, the element marked in the answer */
                assert_int_not_equal(st_doc, CP_OK);
                assert_non_null(strstr(via_doc, "characteristic-error"));
            }
            cp_free(f->ctx, before);
            cp_free(f->ctx, after);
            cp_free(f->ctx, via_doc);
            cp_free(f->ctx, via_xml);
            cp_doc_free(d);
        }
    }
    no_bad_cookies(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_register),
        T(test_routing_case),
        T(test_unknown_type),
        T(test_call_sequence),
        T(test_queries),
        T(test_query_recursion),
        T(test_deletes),
        T(test_unsupported),
        T(test_metadata),
        T(test_meta_api),
        T(test_access_check),
        T(test_access_leaf_cache),
        T(test_grant_policies),
        T(test_value_rules),
        T(test_all_or_nothing_prepass),
        T(test_all_or_nothing_late_denial),
        T(test_all_or_nothing_csp_failure),
        T(test_storage_commit_failure),
        T(test_fail_every_call_internal),
        T(test_fail_every_call_external),
        T(test_fail_every_call_middle),
        T(test_fail_points),
        T(test_rollback_failure),
        T(test_commit_after_commit),
        T(test_reentrance),
        cmocka_unit_test(test_two_threads),
        T(test_nomem_every_allocation),
        T(test_nomem_cold_context),
        T(test_wbxml_twin),
        T(test_input_rules),
        cmocka_unit_test(test_depth_bounds),
        T(test_caller_doc_untouched),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
