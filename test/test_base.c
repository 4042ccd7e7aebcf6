/* test_base.c - floor 1 (context, memory, errors, reader, text) and the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "codec/docint.h"
#include "support/testutil.h"

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(cp_version(), CP_VERSION_STRING);
    assert_int_equal(cp_version_number(), CP_VERSION_NUMBER);
    assert_true(CP_VERSION_CHECK(0, 1, 0));
    assert_false(CP_VERSION_CHECK(99, 0, 0));
}

static void test_strerror(void **state)
{
    int c, d;
    (void)state;
    assert_string_equal(cp_strerror(CP_OK), "success");
    assert_string_equal(cp_strerror(12345), "unknown error");
    assert_string_equal(cp_strerror(-9999), "unknown error");
    /* Every code in use has its own message. */
    for (c = CP_E_BAD_DOC; c < 0; c++) {
        assert_non_null(cp_strerror(c));
        assert_string_not_equal(cp_strerror(c), "unknown error");
        for (d = c + 1; d < 0; d++)
            assert_string_not_equal(cp_strerror(c), cp_strerror(d));
    }
}

static void test_ctx_config(void **state)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    const cp_limits *l;
    (void)state;

    assert_int_equal(cp_ctx_new(NULL, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    l = cp_ctx_limits(ctx);
    assert_int_equal(l->max_doc_bytes, CP_DEFAULT_MAX_DOC_BYTES);
    assert_int_equal(l->max_depth, CP_DEFAULT_MAX_DEPTH);
    assert_int_equal(l->max_elements, CP_DEFAULT_MAX_ELEMENTS);
    assert_int_equal(l->max_strtbl_bytes, CP_DEFAULT_MAX_STRTBL_BYTES);
    assert_int_equal(l->max_attr_bytes, CP_DEFAULT_MAX_ATTR_BYTES);
    cp_ctx_free(ctx);
    cp_ctx_free(NULL);

    cp_config_init(&cfg);
    assert_int_equal(cfg.struct_size, sizeof cfg);
    cfg.limits.max_depth = 3;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_ctx_limits(ctx)->max_depth, 3);
    assert_int_equal(cp_ctx_limits(ctx)->max_elements, CP_DEFAULT_MAX_ELEMENTS);
    cp_ctx_free(ctx);

    /* A struct_size the library does not know. */
    cfg.struct_size = 4;
    ctx = (cp_ctx *)&cfg;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_E_VERSION);
    assert_null(ctx);
    cfg.struct_size = 0;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_E_VERSION);

    /* Allocator hooks only partly set. */
    cp_config_init(&cfg);
    {
        tu_alloc t;
        tu_alloc_setup(&cfg, &t, 0);
        cfg.allocator.realloc = NULL;
        assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_E_INVALID_ARG);
    }
}

static void test_ctx_allocator_and_errors(void **state)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    tu_alloc t;
    void *p;
    (void)state;

    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 1);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_E_NOMEM);
    assert_int_equal(t.live, 0);

    tu_alloc_setup(&cfg, &t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(t.live, 1);
    p = cp_alloc(ctx, 100);
    assert_non_null(p);
    assert_int_equal(t.live, 2);
    cp_free(ctx, p);
    cp_free(ctx, NULL);

    assert_int_equal(cp_ctx_error_code(ctx), CP_OK);
    assert_string_equal(cp_ctx_error_message(ctx), "");
    assert_int_equal(cp_ctx_error_offset(ctx), CP_NO_OFFSET);
    assert_int_equal(cp_err__set(ctx, CP_E_TRUNCATED, 17, "cut at %d", 17),
                     CP_E_TRUNCATED);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_TRUNCATED);
    assert_string_equal(cp_ctx_error_message(ctx), "cut at 17");
    assert_int_equal(cp_ctx_error_offset(ctx), 17);
    assert_int_equal(cp_ctx_error_line(ctx), 0);
    cp_err__set_path(ctx, "/wap-provisioningdoc");
    assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc");
    cp_err__set_lc(ctx, CP_E_XML, 3, 9, "bad");
    assert_int_equal(cp_ctx_error_line(ctx), 3);
    assert_int_equal(cp_ctx_error_column(ctx), 9);
    assert_int_equal(cp_ctx_error_offset(ctx), CP_NO_OFFSET);
    assert_string_equal(cp_ctx_error_path(ctx), "");
    cp_ctx_clear_error(ctx);
    assert_int_equal(cp_ctx_error_code(ctx), CP_OK);
    cp_ctx_free(ctx);
    assert_int_equal(t.live, 0);
    assert_int_equal(t.cur, 0);
}

static void test_mbu32(void **state)
{
    static const struct {
        const char *hex;
        cp_status st;
        uint32_t v;
        size_t used;
    } rows[] = {
        {"00", CP_OK, 0, 1},
        {"7F", CP_OK, 127, 1},
        {"8100", CP_OK, 128, 2},
        {"817F", CP_OK, 255, 2},
        {"8F FF FF FF 7F", CP_OK, 0xFFFFFFFFu, 5},
        {"90 80 80 80 00", CP_E_OVERFLOW, 0, 0},
        {"80 80 80 80 80 00", CP_E_MALFORMED, 0, 0},
        {"81", CP_E_TRUNCATED, 0, 0},
        {"", CP_E_TRUNCATED, 0, 0},
        {"80 80 80 80 01 02", CP_OK, 1, 5},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char clean[64];
        size_t n = 0, j, len = 0;
        uint8_t *b;
        cp_rd r;
        uint32_t v = 12345;
        for (j = 0; rows[i].hex[j]; j++)
            if (rows[i].hex[j] != ' ')
                clean[n++] = rows[i].hex[j];
        clean[n] = 0;
        b = tu_hex(clean, &len);
        assert_non_null(b);
        cp_rd__init(&r, b, len);
        assert_int_equal(cp_rd__mbu32(&r, &v), rows[i].st);
        if (rows[i].st == CP_OK) {
            assert_int_equal(v, rows[i].v);
            assert_int_equal(cp_rd__off(&r), rows[i].used);
        }
        free(b);
    }
}

static void test_reader(void **state)
{
    static const uint8_t d[] = {1, 2, 3};
    cp_rd r;
    uint8_t c;
    (void)state;
    cp_rd__init(&r, d, sizeof d);
    assert_int_equal(cp_rd__peek(&r, &c), CP_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cp_rd__u8(&r, &c), CP_OK);
    assert_int_equal(cp_rd__left(&r), 2);
    assert_int_equal(cp_rd__skip(&r, 3), CP_E_TRUNCATED);
    assert_int_equal(cp_rd__skip(&r, 2), CP_OK);
    assert_int_equal(cp_rd__u8(&r, &c), CP_E_TRUNCATED);
    assert_int_equal(cp_rd__peek(&r, &c), CP_E_TRUNCATED);
    assert_int_equal(cp_rd__off(&r), 3);
}

static void test_utf8(void **state)
{
    static const struct {
        const char *hex;
        int ok;
    } rows[] = {
        {"41", 1},         {"C3A9", 1},       {"E282AC", 1},
        {"F09F9880", 1},   {"00", 0},         {"C0AF", 0},
        {"C3", 0},         {"E0800A", 0},     {"EDA080", 0},
        {"F4908080", 0},   {"FF", 0},         {"80", 0},
        {"E282", 0},       {"F5808080", 0},   {"EFBFBF", 1},
    };
    size_t i;
    uint8_t out[4];
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len;
        uint8_t *b = tu_hex(rows[i].hex, &len);
        assert_int_equal(cp_utf8__valid(b, len), rows[i].ok);
        free(b);
    }
    assert_int_equal(cp_utf8__encode(0x41, out), 1);
    assert_int_equal(cp_utf8__encode(0xE9, out), 2);
    assert_memory_equal(out, "\xC3\xA9", 2);
    assert_int_equal(cp_utf8__encode(0x20AC, out), 3);
    assert_memory_equal(out, "\xE2\x82\xAC", 3);
    assert_int_equal(cp_utf8__encode(0x1F600, out), 4);
    assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(cp_utf8__encode(0, out), 0);
    assert_int_equal(cp_utf8__encode(0xD800, out), 0);
    assert_int_equal(cp_utf8__encode(0x110000, out), 0);
    assert_int_equal(cp_str__casecmp("NapDef", "NAPDEF"), 0);
    assert_true(cp_str__casecmp("NAPDEF", "NAPDEFX") != 0);
}

static void test_buf(void **state)
{
    cp_allocator a;
    cp_buf b;
    uint8_t *out;
    size_t len, i;
    (void)state;
    cp_mem__default(&a);
    cp_buf__init(&b, &a);
    for (i = 0; i < 10000; i++)
        assert_int_equal(cp_buf__putc(&b, (uint8_t)('a' + i % 26)), CP_OK);
    assert_int_equal(cp_buf__puts(&b, "END"), CP_OK);
    assert_int_equal(cp_buf__take(&b, &out, &len), CP_OK);
    assert_int_equal(len, 10003);
    assert_int_equal(out[len], 0);
    assert_memory_equal(out + 10000, "END", 3);
    assert_int_equal(out[27], 'b');
    free(out);
    cp_buf__init(&b, &a);
    b.max = 4;
    assert_int_equal(cp_buf__put(&b, "abcd", 4), CP_OK);
    assert_int_equal(cp_buf__putc(&b, 'e'), CP_E_LIMIT);
    cp_buf__free(&b);
}

static void test_arena(void **state)
{
    cp_config cfg;
    tu_alloc t;
    cp_arena ar;
    cp_allocator a;
    size_t i;
    (void)state;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    a = cfg.allocator;
    cp_arena__init(&ar, &a, 0);
    for (i = 1; i < 2000; i++) {
        char *p = cp_arena__alloc(&ar, i % 97 + 1);
        assert_non_null(p);
        assert_int_equal(((uintptr_t)p) % sizeof(void *), 0);
        memset(p, 0x5A, i % 97 + 1);
    }
    assert_string_equal(cp_arena__strndup(&ar, "hello world", 5), "hello");
    assert_true(t.calls < 20); /* chunks grow geometrically */
    cp_arena__free(&ar);
    assert_int_equal(t.live, 0);
}

static void test_doc_builder(void **state)
{
    cp_ctx *ctx;
    cp_doc *doc;
    const cp_node *root, *c, *p, *q;
    char path[128];
    (void)state;
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    root = cp_doc_root(doc);
    assert_int_equal(cp_node_get_kind(root), CP_NODE_DOC);
    assert_int_equal(cp_node_set_attr(doc, root, CP_ATTR_VERSION, "1.1"), CP_OK);
    assert_string_equal(cp_node_attr(root, CP_ATTR_VERSION), "1.1");
    assert_int_equal(cp_node_set_attr(doc, root, CP_ATTR_TYPE, "x"), CP_E_GRAMMAR);
    /* parm may not stand at the root */
    assert_int_equal(cp_node_add(doc, root, CP_NODE_PARM, &p), CP_E_GRAMMAR);
    assert_null(p);
    assert_int_equal(cp_node_add(doc, root, CP_NODE_CHARACTERISTIC, &c), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, c, CP_ATTR_TYPE, "NAPDEF"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, c, CP_ATTR_MWID, "1"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, c, CP_ATTR_TRANSLATION, "install"), CP_OK);
    assert_int_equal(cp_node_add(doc, c, CP_NODE_PARM, &p), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_NAME, "NAME"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, "caf\xC3\xA9"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, "bad\xC3"), CP_E_CHARSET);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_RECURSIVE, "true"), CP_E_GRAMMAR);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_DATATYPE, "string"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_DATATYPE, NULL), CP_OK);
    assert_null(cp_node_attr(p, CP_ATTR_DATATYPE));
    assert_int_equal(cp_node_add(doc, p, CP_NODE_PARM, &q), CP_E_GRAMMAR);
    assert_int_equal(cp_node_add(doc, c, CP_NODE_PARM_QUERY, &q), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, q, CP_ATTR_NAME, "NAPID"), CP_OK);
    assert_int_equal(cp_node_add(doc, root, CP_NODE_CHARACTERISTIC_QUERY, NULL), CP_OK);

    assert_ptr_equal(cp_node_first_child(root), c);
    assert_ptr_equal(cp_node_parent(p), c);
    assert_ptr_equal(cp_node_next(p), q);
    assert_string_equal(cp_node_attr(c, CP_ATTR_TYPE), "NAPDEF");
    assert_string_equal(cp_node_attr(c, CP_ATTR_MWID), "1");
    assert_string_equal(cp_node_attr(c, CP_ATTR_TRANSLATION), "install");
    assert_string_equal(cp_node_attr(p, CP_ATTR_VALUE), "caf\xC3\xA9");
    assert_null(cp_node_attr(root, CP_ATTR_VALUE));
    assert_int_equal(cp_doc_element_count(doc), 5);
    cp_doc__path(p, path, sizeof path);
    assert_string_equal(path,
                        "/wap-provisioningdoc/characteristic[NAPDEF]/parm[NAME]");
    cp_doc__path(p, path, 20);
    assert_true(strlen(path) < 20);
    {   /* a node of another document is refused, not linked across */
        cp_doc *other;
        assert_int_equal(cp_doc_new(ctx, &other), CP_OK);
        assert_int_equal(cp_node_add(other, c, CP_NODE_PARM, &q),
                         CP_E_INVALID_ARG);
        assert_int_equal(cp_node_set_attr(other, p, CP_ATTR_NAME, "X"),
                         CP_E_INVALID_ARG);
        assert_int_equal(cp_doc_element_count(other), 1);
        cp_doc_free(other);
    }
    cp_doc_free(doc);
    cp_doc_free(NULL);
    cp_ctx_free(ctx);
}

/*
 * Nodes live in blocks and link by reference: build a tree out of order
 * (parents first, then children added to parents in a scrambled order, so
 * appends both hit and miss the last-child cache) across many blocks, and
 * check every link through the public traversal.
 */
/* A pooled arena's chunks go back to the pool and the next arena reuses them. */
static void test_arena_pool(void **state)
{
    cp_config cfg;
    tu_alloc t;
    cp_allocator a;
    cp_arena ar;
    cp_pool *pool;
    long calls, live;
    size_t i;
    (void)state;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    a = cfg.allocator;
    pool = cp_pool__new(&a, (size_t)1 << 20);
    assert_non_null(pool);
    cp_arena__init_pooled(&ar, &a, 0, pool);
    for (i = 1; i < 3000; i++)
        assert_non_null(cp_arena__alloc(&ar, i % 61 + 1));
    assert_non_null(cp_arena__alloc(&ar, 40000)); /* a chunk of its own */
    cp_arena__free(&ar);
    live = t.live;
    assert_int_equal(live, 2); /* the pool and the one chunk it keeps */
    calls = t.calls;
    /* the same work again: no new allocation, nothing more held */
    cp_arena__init_pooled(&ar, &a, 0, pool);
    for (i = 1; i < 3000; i++) {
        char *p = cp_arena__alloc(&ar, i % 61 + 1);
        assert_non_null(p);
        memset(p, 0xA5, i % 61 + 1);
    }
    assert_non_null(cp_arena__alloc(&ar, 40000));
    assert_string_equal(cp_arena__strndup(&ar, "kept", 4), "kept");
    assert_int_equal(t.calls, calls);
    cp_arena__free(&ar);
    assert_int_equal(t.live, live);
    /* more than before: a larger chunk replaces the kept one */
    cp_arena__init_pooled(&ar, &a, 0, pool);
    for (i = 0; i < 25; i++) /* 750 000 bytes, under the cap */
        assert_non_null(cp_arena__alloc(&ar, 30000));
    cp_arena__free(&ar);
    assert_int_equal(t.live, 2);
    calls = t.calls;
    cp_arena__init_pooled(&ar, &a, 0, pool);
    for (i = 0; i < 25; i++) /* 750 000 bytes, under the cap */
        assert_non_null(cp_arena__alloc(&ar, 30000));
    assert_int_equal(t.calls, calls);
    cp_arena__free(&ar);
    /* two arenas at once: whichever is freed first, the larger is kept */
    for (i = 0; i < 2; i++) {
        cp_arena big, small;
        size_t j;
        cp_arena__init_pooled(&big, &a, 0, pool); /* takes the kept chunk */
        cp_arena__init_pooled(&small, &a, 0, pool);
        assert_non_null(cp_arena__alloc(&small, 100));
        if (i == 0) {
            cp_arena__free(&small);
            cp_arena__free(&big);
        } else {
            cp_arena__free(&big);
            cp_arena__free(&small);
        }
        assert_int_equal(t.live, 2);
        calls = t.calls;
        cp_arena__init_pooled(&big, &a, 0, pool);
        for (j = 0; j < 25; j++)
            assert_non_null(cp_arena__alloc(&big, 30000));
        assert_int_equal(t.calls, calls);
        cp_arena__free(&big);
    }
    cp_pool__trim(pool);
    assert_int_equal(t.live, 1);
    cp_pool__release(pool);
    assert_int_equal(t.live, 0);
}

/* A pool keeps no arena over its cap, and lives as long as an arena does. */
static void test_arena_pool_cap_and_life(void **state)
{
    cp_config cfg;
    tu_alloc t;
    cp_allocator a;
    cp_arena ar, small;
    cp_pool *pool;
    (void)state;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    a = cfg.allocator;
    pool = cp_pool__new(&a, 4096);
    assert_non_null(pool);
    cp_arena__init_pooled(&ar, &a, 0, pool);
    assert_non_null(cp_arena__alloc(&ar, 5000));
    cp_arena__free(&ar);
    assert_int_equal(t.live, 1); /* over the cap: freed */
    cp_arena__init_pooled(&small, &a, 0, pool);
    assert_non_null(cp_arena__alloc(&small, 100));
    cp_pool__release(pool); /* the owner goes; the arena holds it */
    assert_int_equal(t.live, 2);
    cp_arena__free(&small);
    assert_int_equal(t.live, 0);
}

/* On the default allocator documents outlive their context; trim is safe. */
static void test_ctx_pool_documents(void **state)
{
    cp_ctx *ctx;
    cp_doc *doc, *other;
    const cp_node *ch;
    int round;
    (void)state;
    cp_ctx_trim(NULL);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    for (round = 0; round < 3; round++) {
        int i;
        assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
        for (i = 0; i < 500 * (round + 1); i++)
            assert_int_equal(cp_node_add(doc, cp_doc_root(doc),
                                         CP_NODE_CHARACTERISTIC, &ch), CP_OK);
        assert_int_equal(cp_node_set_attr(doc, ch, CP_ATTR_TYPE, "LAST"), CP_OK);
        assert_int_equal(cp_doc_element_count(doc), 1 + 500 * (round + 1));
        if (round == 1)
            cp_ctx_trim(ctx);
        cp_doc_free(doc);
    }
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    assert_int_equal(cp_doc_new(ctx, &other), CP_OK); /* no pool left: fresh */
    assert_int_equal(cp_node_add(doc, cp_doc_root(doc), CP_NODE_CHARACTERISTIC,
                                 &ch), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, ch, CP_ATTR_TYPE, "AFTER"), CP_OK);
    cp_ctx_free(ctx);
    cp_doc_free(other);
    assert_string_equal(cp_node_attr(cp_node_first_child(cp_doc_root(doc)),
                                     CP_ATTR_TYPE), "AFTER");
    cp_doc_free(doc); /* the last one frees the pool (valgrind, ASan) */
}

/* With allocator hooks the context keeps nothing once a document is freed. */
static void test_ctx_hooks_keep_nothing(void **state)
{
    cp_config cfg;
    tu_alloc t;
    cp_ctx *ctx;
    cp_doc *doc;
    const cp_node *ch;
    long live;
    int i;
    (void)state;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    live = t.live;
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    for (i = 0; i < 2000; i++)
        assert_int_equal(cp_node_add(doc, cp_doc_root(doc),
                                     CP_NODE_CHARACTERISTIC, &ch), CP_OK);
    cp_doc_free(doc);
    assert_int_equal(t.live, live);
    cp_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

static void test_doc_many_nodes(void **state)
{
    enum { CHARS = 700, PARMS = 5 };
    cp_ctx *ctx;
    cp_doc *doc;
    const cp_node *root, *ch[CHARS], *n, *k;
    char buf[32], has_dt[CHARS];
    int i, j, seen;
    (void)state;
    memset(has_dt, 0, sizeof has_dt);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    root = cp_doc_root(doc);
    for (i = 0; i < CHARS; i++) {
        snprintf(buf, sizeof buf, "T%d", i);
        assert_int_equal(cp_node_add(doc, root, CP_NODE_CHARACTERISTIC, &ch[i]),
                         CP_OK);
        assert_int_equal(cp_node_set_attr(doc, ch[i], CP_ATTR_TYPE, buf), CP_OK);
    }
    for (j = 0; j < PARMS; j++)
        for (i = 0; i < CHARS; i++) {
            int t = (i * 3 + j * 11) % CHARS; /* 3 is prime to CHARS: a permutation */
            const cp_node *pn;
            snprintf(buf, sizeof buf, "P%d_%d", t, j);
            assert_int_equal(cp_node_add(doc, ch[t], CP_NODE_PARM, &pn), CP_OK);
            assert_int_equal(cp_node_set_attr(doc, pn, CP_ATTR_NAME, buf), CP_OK);
            if (j == 0 && i % 50 == 0) { /* rare attributes, some nodes */
                assert_int_equal(cp_node_set_attr(doc, pn, CP_ATTR_DATATYPE,
                                                  "string"), CP_OK);
                has_dt[t] = 1;
            }
        }
    assert_int_equal(cp_doc_element_count(doc), 1 + CHARS * (1 + PARMS));
    for (n = cp_node_first_child(root), i = 0; n != NULL;
         n = cp_node_next(n), i++) {
        assert_true(i < CHARS);
        assert_ptr_equal(n, ch[i]);
        assert_ptr_equal(cp_node_parent(n), root);
        snprintf(buf, sizeof buf, "T%d", i);
        assert_string_equal(cp_node_attr(n, CP_ATTR_TYPE), buf);
        for (k = cp_node_first_child(n), seen = 0; k != NULL;
             k = cp_node_next(k), seen++) {
            assert_true(seen < PARMS);
            assert_ptr_equal(cp_node_parent(k), n);
            snprintf(buf, sizeof buf, "P%d_%d", i, seen);
            assert_string_equal(cp_node_attr(k, CP_ATTR_NAME), buf);
            assert_int_equal(cp_node_attr(k, CP_ATTR_DATATYPE) != NULL,
                             seen == 0 && has_dt[i]);
        }
        assert_int_equal(seen, PARMS);
    }
    assert_int_equal(i, CHARS);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
}

/* A kind under which some kind may stand. */
static int is_container(cp_node_kind kind)
{
    int c;
    for (c = 0; c < CP_NODE_KIND_COUNT; c++)
        if (cp_doc__child_allowed(kind, (cp_node_kind)c))
            return 1;
    return 0;
}

static void test_doc_names(void **state)
{
    int k, a;
    (void)state;
    for (k = 0; k < CP_NODE_KIND_COUNT; k++) {
        const char *n = cp_node_kind_name((cp_node_kind)k);
        assert_non_null(n);
        assert_int_equal(cp_doc__kind_from_name(n, strlen(n)), k);
    }
    for (a = 0; a < CP_ATTR_COUNT; a++) {
        const char *n = cp_attr_name((cp_attr)a);
        assert_non_null(n);
        assert_int_equal(cp_doc__attr_from_name(n, strlen(n)), a);
    }
    assert_null(cp_node_kind_name(CP_NODE_KIND_COUNT));
    assert_null(cp_attr_name(CP_ATTR_COUNT));
    assert_int_equal(cp_doc__kind_from_name("parmx", 5), -1);
    assert_int_equal(cp_doc__kind_from_name("par", 3), -1);
    assert_string_equal(cp_node_kind_name(CP_NODE_NOPARM_ERROR), "noparm-error");
    assert_true(is_container(CP_NODE_CHARACTERISTIC_ERROR));
    assert_false(is_container(CP_NODE_PARM));
    assert_int_equal(cp_doc__required_attr(CP_NODE_PARM_QUERY), CP_ATTR_NAME);
    assert_int_equal(cp_doc__required_attr(CP_NODE_DOC), -1);
}

static void test_doc_element_limit(void **state)
{
    cp_config cfg;
    cp_ctx *ctx;
    cp_doc *doc;
    int i;
    (void)state;
    cp_config_init(&cfg);
    cfg.limits.max_elements = 4;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    for (i = 0; i < 3; i++)
        assert_int_equal(cp_node_add(doc, cp_doc_root(doc),
                                     CP_NODE_CHARACTERISTIC, NULL), CP_OK);
    assert_int_equal(cp_node_add(doc, cp_doc_root(doc), CP_NODE_CHARACTERISTIC,
                                 NULL), CP_E_LIMIT);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
}

static void test_doc_alloc_failures(void **state)
{
    long n;
    (void)state;
    for (n = 1; n < 200; n++) {
        cp_config cfg;
        tu_alloc t;
        cp_ctx *ctx;
        cp_doc *doc = NULL;
        cp_status st;
        int i;
        cp_config_init(&cfg);
        tu_alloc_setup(&cfg, &t, 0);
        assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
        t.fail_at = t.calls + n;
        st = cp_doc_new(ctx, &doc);
        for (i = 0; st == CP_OK && i < 300; i++) {
            const cp_node *c;
            st = cp_node_add(doc, cp_doc_root(doc), CP_NODE_CHARACTERISTIC, &c);
            if (st == CP_OK)
                st = cp_node_set_attr(doc, c, CP_ATTR_TYPE, "APPLICATION-LONG-NAME");
        }
        if (st != CP_OK)
            assert_int_equal(st, CP_E_NOMEM);
        cp_doc_free(doc);
        cp_ctx_free(ctx);
        assert_int_equal(t.live, 0);
        if (st == CP_OK)
            break;
    }
    assert_true(n < 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_ctx_config),
        cmocka_unit_test(test_ctx_allocator_and_errors),
        cmocka_unit_test(test_mbu32),
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_arena_pool),
        cmocka_unit_test(test_arena_pool_cap_and_life),
        cmocka_unit_test(test_ctx_pool_documents),
        cmocka_unit_test(test_ctx_hooks_keep_nothing),
        cmocka_unit_test(test_doc_builder),
        cmocka_unit_test(test_doc_many_nodes),
        cmocka_unit_test(test_doc_names),
        cmocka_unit_test(test_doc_element_limit),
        cmocka_unit_test(test_doc_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
