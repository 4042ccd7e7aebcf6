/*
 * fuzz_process.c - libFuzzer harness: cp_process_config_xml with random
 * roles on a device with the built-in CSPs, settings CSPs and a memory
 * store that already holds settings.
 *
 * Input: roles(4, little-endian) flags(1: bit 0 CP_PROCESS, bit 1
 * CP_METADATA) document(rest).
 *
 * Invariants: when the call returns non-OK, every stored blob is
 * byte-identical to before the call (all or nothing), no blob appeared or
 * vanished; and unless the roles hold CP_ROLE_EXEMPT (the UI), the output
 * never holds a stored secret (the seed's AUTHSECRET, AAUTHSECRET and
 * PXAUTH-PW values are write-only) that the input did not carry itself;
 * else abort(). The store is cp_store_mem_open wrapped so that
 * every name the library loads or saves is known and can be compared.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NAMES 64
#define NAME_CAP 64

struct blob {
    char name[NAME_CAP];
    int present;
    uint8_t *data;
    size_t len;
};

struct wrap {
    cp_storage inner;
    char names[MAX_NAMES][NAME_CAP];
    size_t n;
};

static void note(struct wrap *w, const char *name)
{
    size_t i;
    if (strlen(name) >= NAME_CAP)
        return;
    for (i = 0; i < w->n; i++)
        if (strcmp(w->names[i], name) == 0)
            return;
    if (w->n == MAX_NAMES)
        abort(); /* raise MAX_NAMES */
    strcpy(w->names[w->n++], name);
}

static cp_status w_load(void *user, const char *name, uint8_t *buf,
                        size_t cap, size_t *len)
{
    struct wrap *w = user;
    note(w, name);
    return w->inner.load(w->inner.user, name, buf, cap, len);
}

static cp_status w_save(void *user, const char *name, const uint8_t *data,
                        size_t len)
{
    struct wrap *w = user;
    note(w, name);
    return w->inner.save(w->inner.user, name, data, len);
}

/* Read one blob from the inner store into b (malloc'd copy). */
static void read_blob(const cp_storage *s, const char *name, struct blob *b)
{
    size_t len = 0;
    cp_status st;

    strcpy(b->name, name);
    b->present = 0;
    b->data = NULL;
    b->len = 0;
    st = s->load(s->user, name, NULL, 0, &len);
    if (st == CP_E_NOT_FOUND)
        return;
    if (st != CP_OK && st != CP_E_BUFFER_TOO_SMALL)
        abort();
    b->present = 1;
    b->len = len;
    b->data = malloc(len + 1);
    if (b->data == NULL)
        abort();
    if (len != 0 && s->load(s->user, name, b->data, len, &len) != CP_OK)
        abort();
}

/* The state a set-up document leaves, captured once, copied per input. */
static struct blob seed[MAX_NAMES];
static size_t n_seed;

static const char setup_doc[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\">"
    "<parm name=\"NAPID\" value=\"NAP1\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
    "<parm name=\"NAME\" value=\"Internet\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "<characteristic type=\"NAPAUTHINFO\">"
    "<parm name=\"AUTHTYPE\" value=\"PAP\"/>"
    "<parm name=\"AUTHSECRET\" value=\"Zq7Secret-Nap\"/>"
    "</characteristic>"
    "</characteristic>"
    "<characteristic type=\"APPLICATION\">"
    "<parm name=\"APPID\" value=\"w2\"/>"
    "<parm name=\"NAME\" value=\"Browser\"/>"
    "<parm name=\"TO-NAPID\" value=\"NAP1\"/>"
    "<characteristic type=\"APPAUTH\">"
    "<parm name=\"AAUTHSECRET\" value=\"Zq7Secret-App\"/>"
    "</characteristic>"
    "</characteristic>"
    "<characteristic type=\"PXLOGICAL\">"
    "<parm name=\"PROXY-ID\" value=\"PX1\"/>"
    "<parm name=\"NAME\" value=\"Proxy\"/>"
    "<characteristic type=\"PXAUTHINFO\">"
    "<parm name=\"PXAUTH-TYPE\" value=\"HTTP-BASIC\"/>"
    "<parm name=\"PXAUTH-PW\" value=\"Zq7Secret-Px\"/>"
    "</characteristic>"
    "</characteristic>"
    "</wap-provisioningdoc>";

/* Every stored secret starts with this; the input is checked for it too. */
#define SECRET_MARK "Zq7Secret"

static int has_mark(const uint8_t *p, size_t n)
{
    size_t k = sizeof SECRET_MARK - 1, i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(p + i, SECRET_MARK, k) == 0)
            return 1;
    return 0;
}

static cp_ctx *make_device(struct wrap *w)
{
    static const char *const types[] = {"NAPDEF", "APPLICATION", "ACCESS",
                                        "PXLOGICAL", "BOOTSTRAP"};
    cp_config cfg;
    cp_ctx *ctx = NULL;
    size_t i;

    cp_config_init(&cfg);
    cfg.storage.load = w_load;
    cfg.storage.save = w_save;
    cfg.storage.user = w;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        abort();
    if (cp_csp_register_builtins(ctx) != CP_OK)
        abort();
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        (void)cp_csp_register_settings(ctx, types[i]); /* may be a builtin */
    return ctx;
}

static void capture_seed(void)
{
    struct wrap w;
    cp_ctx *ctx;
    char *out = NULL;
    size_t out_len = 0, i;

    memset(&w, 0, sizeof w);
    if (cp_store_mem_open(&w.inner) != CP_OK)
        abort();
    ctx = make_device(&w);
#ifndef CP_NO_XML
    if (cp_process_config_xml(ctx, setup_doc, sizeof setup_doc - 1,
                              CP_ROLE_MANAGER, CP_PROCESS, &out,
                              &out_len) != CP_OK)
        abort();
#else
    /* A WBXML-only build cannot read the XML seed document: start empty
       (documents in the corpus that are WBXML still go through the engine). */
    (void)setup_doc;
    (void)out_len;
#endif
    cp_free(ctx, out);
    cp_ctx_free(ctx);
    for (i = 0; i < w.n; i++)
        read_blob(&w.inner, w.names[i], &seed[n_seed++]);
    cp_store_mem_close(&w.inner);
}

static void free_blobs(struct blob *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(b[i].data);
}

/* Every known blob as it was (before[0..n_before)), none new. */
static void compare(const struct wrap *w, const struct blob *before,
                    size_t n_before)
{
    size_t i, j;
    struct blob now;

    for (i = 0; i < w->n; i++) {
        const struct blob *b = NULL;
        for (j = 0; j < n_before; j++)
            if (strcmp(before[j].name, w->names[i]) == 0)
                b = &before[j];
        read_blob(&w->inner, w->names[i], &now);
        if (b == NULL ? now.present
                      : (now.present != b->present || now.len != b->len ||
                         (now.len != 0 &&
                          memcmp(now.data, b->data, now.len) != 0)))
            abort(); /* a failed call changed the stored state */
        free(now.data);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static struct blob before[MAX_NAMES];
    struct wrap w;
    cp_ctx *ctx;
    uint32_t roles;
    unsigned flags;
    char *out = NULL;
    size_t out_len = 0, i, n_before;
    cp_status st;

    if (size < 5)
        return 0;
    if (!ready) {
        capture_seed();
        ready = 1;
    }
    roles = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
            (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    flags = data[4] & 3u;
    memset(&w, 0, sizeof w);
    if (cp_store_mem_open(&w.inner) != CP_OK)
        abort();
    for (i = 0; i < n_seed; i++)
        if (seed[i].present &&
            w.inner.save(w.inner.user, seed[i].name, seed[i].data,
                         seed[i].len) != CP_OK)
            abort();
    ctx = make_device(&w);
    /* Let the context load its state first, then snapshot what it knows. */
    (void)cp_state_load(ctx);
    for (i = 0; i < n_seed; i++)
        note(&w, seed[i].name);
    n_before = w.n;
    for (i = 0; i < n_before; i++)
        read_blob(&w.inner, w.names[i], &before[i]);
    st = cp_process_config_xml(ctx, (const char *)data + 5, size - 5, roles,
                               flags, &out, &out_len);
    if (out != NULL && out[out_len] != '\0')
        abort();
    if (out != NULL && !(roles & CP_ROLE_EXEMPT) &&
        has_mark((const uint8_t *)out, out_len) && !has_mark(data, size))
        abort(); /* a write-only secret came back to the caller */
    if (st != CP_OK)
        compare(&w, before, n_before);
    cp_free(ctx, out);
    free_blobs(before, n_before);
    cp_ctx_free(ctx);
    cp_store_mem_close(&w.inner);
    return 0;
}
