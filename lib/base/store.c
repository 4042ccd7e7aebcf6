/*
 * store.c - named blobs, through the host's storage hooks or the built-in
 * memory store (an in-memory store of store_mem.c in context memory, made
 * on the first save), and atomic multi-blob commits.
 */
#include <stdio.h>
#include <string.h>

#include "store.h"

#define JOURNAL "journal"

struct cp_staged {
    struct cp_staged *next;
    char name[CP_STORE_NAME_MAX + 1];
    uint8_t *data;
    size_t len;
};

/*
 * CRC-32 (IEEE, reflected 0xEDB88320), a nibble at a time: a 64-byte
 * table (a byte table would cost 1 KB). Four octets are folded in at once
 * (the CRC is reflected: the first octet is the low one), so the loop
 * runs once a word; the result is the octet-wise one.
 */
uint32_t cp_crc32__ieee(const uint8_t *p, size_t n)
{
    static const uint32_t t[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
        0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    uint32_t c = 0xFFFFFFFFu;
    for (; n >= 4; n -= 4, p += 4) {
        c ^= (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
             ((uint32_t)p[3] << 24);
        c = (c >> 4) ^ t[c & 15u]; /* unrolled: a counted loop costs */
        c = (c >> 4) ^ t[c & 15u]; /* as much as the step itself */
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
    }
    for (; n > 0; n--) {
        c ^= *p++;
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
    }
    return ~c;
}

void cp_be32__put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t cp_be32__get(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static const char *staged_name(const void *item)
{
    return ((const struct cp_staged *)item)->name;
}

/* ---- the built-in memory store ------------------------------------------ */

static cp_status mem_save(cp_ctx *ctx, const char *name, const uint8_t *data,
                          size_t len)
{
    if (ctx->mem == NULL) {
        ctx->mem = cp_store__mem_new(&ctx->alloc);
        if (ctx->mem == NULL)
            return CP_E_NOMEM;
    }
    return cp_store__mem_save(ctx->mem, name, data, len);
}

/* ---- raw load and save (no transaction) ----------------------------------- */

/*
 * A storage hook failed: CP_E_STORAGE (CP_E_NOMEM stays itself), with the
 * blob and the store's reason in the ctx message.
 */
static cp_status storage_failed(cp_ctx *ctx, cp_status hook_st,
                                const char *verb, const char *name)
{
    if (hook_st == CP_E_NOMEM)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory in storage: cannot %s blob %s", verb,
                           name);
    return cp_err__set(ctx, CP_E_STORAGE, CP_NO_OFFSET,
                       "storage: cannot %s blob %s: %s", verb, name,
                       cp_store__reason(ctx, hook_st));
}

const char *cp_store__reason(cp_ctx *ctx, cp_status hook_st)
{
    const char *r = NULL;
    if (ctx->storage_ext.reason != NULL)
        r = ctx->storage_ext.reason(ctx->storage_ext.user);
    return r != NULL && r[0] != '\0' ? r : cp_strerror(hook_st);
}

/* This call could not lock the storage: no access at all. */
static cp_status lock_failed(cp_ctx *ctx)
{
    return cp_err__set(ctx, CP_E_STORAGE, CP_NO_OFFSET,
                       "storage: cannot lock it: %s",
                       cp_store__reason(ctx, CP_E_IO));
}

static cp_status raw_save(cp_ctx *ctx, const char *name, const uint8_t *data,
                          size_t len)
{
    cp_status st;
    if (ctx->lock_failed)
        return lock_failed(ctx);
    if (ctx->storage.save == NULL)
        return mem_save(ctx, name, data, len);
    st = ctx->storage.save(ctx->storage.user, name, data, len);
    return st == CP_OK ? CP_OK : storage_failed(ctx, st, "save", name);
}

static cp_status raw_load(cp_ctx *ctx, const char *name, cp_buf *out)
{
    cp_storage s = ctx->storage;
    size_t need = 0;
    cp_status st;
    out->len = 0;
    if (ctx->lock_failed)
        return lock_failed(ctx);
    if (s.load == NULL) { /* the built-in store, if anything was saved */
        if (ctx->mem == NULL)
            return CP_E_NOT_FOUND;
        s.load = cp_store__mem_load;
        s.user = ctx->mem;
    }
    st = cp_buf__reserve(out, 256);
    if (st)
        return st;
    for (;;) {
        st = s.load(s.user, name, out->p, out->cap - 1, &need);
        if (st != CP_E_BUFFER_TOO_SMALL)
            break;
        if (need <= out->cap - 1) /* the hook contradicts itself */
            return storage_failed(ctx, CP_E_INTERNAL, "load", name);
        st = cp_buf__reserve(out, need);
        if (st)
            return st;
    }
    if (st == CP_E_NOT_FOUND)
        return st;
    if (st != CP_OK || need > out->cap - 1)
        return storage_failed(ctx, st != CP_OK ? st : CP_E_INTERNAL, "load",
                              name);
    out->len = need;
    return CP_OK;
}

/* ---- transactions ---------------------------------------------------------- */

static struct cp_staged *staged_find(cp_ctx *ctx, const char *name)
{
    return cp_ntab__find(&ctx->staged_tab, name);
}

static void staged_free(cp_ctx *ctx)
{
    struct cp_staged *s = ctx->staged;
    while (s != NULL) {
        struct cp_staged *next = s->next;
        cp_mem__free(&ctx->alloc, s->data);
        cp_mem__free(&ctx->alloc, s);
        s = next;
    }
    ctx->staged = NULL;
    cp_ntab__free(&ctx->staged_tab, &ctx->alloc);
}

cp_status cp_store__load(cp_ctx *ctx, const char *name, cp_buf *out)
{
    struct cp_staged *s;
    cp_status st;
    if (!cp_store__name_ok(name))
        return CP_E_INVALID_ARG;
    if (!ctx->recovered) {
        st = cp_store__recover(ctx);
        if (st)
            return st;
    }
    s = ctx->in_txn ? staged_find(ctx, name) : NULL;
    if (s != NULL) { /* read your own staged write */
        out->len = 0;
        return cp_buf__put(out, s->data, s->len);
    }
    return raw_load(ctx, name, out);
}

cp_status cp_store__save(cp_ctx *ctx, const char *name, const uint8_t *data,
                         size_t len)
{
    struct cp_staged *s;
    uint8_t *copy;
    if (!cp_store__name_ok(name) || strcmp(name, JOURNAL) == 0)
        return CP_E_INVALID_ARG;
    if (len > 0xFFFFFFFFu)
        return CP_E_LIMIT; /* the journal records 32-bit lengths */
    if (!ctx->in_txn) {
        /* a pending journal must not later replay over this newer save */
        if (!ctx->recovered) {
            cp_status st = cp_store__recover(ctx);
            if (st)
                return st;
        }
        return raw_save(ctx, name, data, len);
    }
    copy = cp_mem__alloc(&ctx->alloc, len);
    if (copy == NULL)
        return CP_E_NOMEM;
    if (len)
        memcpy(copy, data, len);
    s = staged_find(ctx, name);
    if (s == NULL) {
        s = cp_mem__alloc(&ctx->alloc, sizeof *s);
        if (s == NULL) {
            cp_mem__free(&ctx->alloc, copy);
            return CP_E_NOMEM;
        }
        memcpy(s->name, name, strlen(name) + 1);
        ctx->staged_tab.name_of = staged_name;
        if (cp_ntab__put(&ctx->staged_tab, &ctx->alloc, s) != CP_OK) {
            cp_mem__free(&ctx->alloc, s);
            cp_mem__free(&ctx->alloc, copy);
            return CP_E_NOMEM;
        }
        s->next = ctx->staged;
        ctx->staged = s;
    } else {
        cp_mem__free(&ctx->alloc, s->data);
    }
    s->data = copy;
    s->len = len;
    return CP_OK;
}

cp_status cp_store__begin(cp_ctx *ctx)
{
    cp_status st;
    if (ctx->in_txn)
        return CP_E_BUSY;
    ctx->commit_pending = 0;
    if (!ctx->recovered) {
        st = cp_store__recover(ctx);
        if (st)
            return st;
    }
    ctx->in_txn = 1;
    return CP_OK;
}

/*
 * Journal: "CPJ1", u32 count, then per blob: u8 name length, name, u32
 * length, data; then a CRC-32 of all before it.
 */
static cp_status write_journal(cp_ctx *ctx)
{
    cp_buf j;
    struct cp_staged *s;
    uint8_t w[4];
    uint32_t count = 0;
    cp_status st;
    cp_buf__init(&j, &ctx->alloc);
    for (s = ctx->staged; s != NULL; s = s->next)
        count++;
    st = cp_buf__put(&j, "CPJ1", 4);
    cp_be32__put(w, count);
    if (!st)
        st = cp_buf__put(&j, w, 4);
    for (s = ctx->staged; s != NULL && !st; s = s->next) {
        uint8_t nl = (uint8_t)strlen(s->name);
        st = cp_buf__putc(&j, nl);
        if (!st)
            st = cp_buf__put(&j, s->name, nl);
        cp_be32__put(w, (uint32_t)s->len);
        if (!st)
            st = cp_buf__put(&j, w, 4);
        if (!st)
            st = cp_buf__put(&j, s->data, s->len);
    }
    cp_be32__put(w, cp_crc32__ieee(j.p, j.len));
    if (!st)
        st = cp_buf__put(&j, w, 4);
    if (!st)
        st = raw_save(ctx, JOURNAL, j.p, j.len);
    cp_buf__free(&j);
    return st;
}

/*
 * The journal of a commit reached storage, some of its blobs did not.
 * The commit is not durable as it stands: try once to finish it now (the
 * fault may have passed); if that fails too it stays pending, to be
 * finished by the next recovery, and the caller hears CP_E_STORAGE: it
 * must not report it applied (nor cleanly undone).
 */
static cp_status finish_journaled(cp_ctx *ctx, cp_status st)
{
    char why[CP_ERRMSG_MAX];
    snprintf(why, sizeof why, "%s", ctx->err.message);
    ctx->recovered = 0;
    if (st != CP_E_NOMEM && cp_store__recover(ctx) == CP_OK)
        return CP_OK;
    ctx->recovered = 0;
    ctx->commit_pending = 1;
    return cp_err__set(ctx, CP_E_STORAGE, CP_NO_OFFSET,
                       "commit pending, only its journal is stored (%s); "
                       "the next access finishes it",
                       why);
}

cp_status cp_store__commit(cp_ctx *ctx)
{
    struct cp_staged *s;
    cp_status st = CP_OK;
    int many;
    if (!ctx->in_txn)
        return CP_E_INTERNAL;
    many = ctx->staged != NULL && ctx->staged->next != NULL;
    if (many) {
        st = write_journal(ctx);
        if (st) {
            /* The journal may have landed even though the save failed
               (e.g. the directory fsync): empty it, so that the commit
               the caller sees as failed is never rolled forward later. */
            (void)raw_save(ctx, JOURNAL, NULL, 0);
            return st;
        }
    }
    for (s = ctx->staged; s != NULL && !st; s = s->next)
        st = raw_save(ctx, s->name, s->data, s->len);
    if (st == CP_OK && many && raw_save(ctx, JOURNAL, NULL, 0) != CP_OK) {
        /* Every blob is stored: the commit is durable. The full journal
           only replays the same contents, before anything newer (every
           access recovers first while recovered is 0). */
        ctx->recovered = 0;
    } else if (st && many) {
        st = finish_journaled(ctx, st);
    }
    if (st == CP_OK) {
        staged_free(ctx);
        ctx->in_txn = 0;
    }
    return st;
}

void cp_store__invalidate(cp_ctx *ctx)
{
    cp_ctx__drop_slots(ctx);
}

void cp_store__abort(cp_ctx *ctx)
{
    staged_free(ctx);
    ctx->in_txn = 0;
    cp_store__invalidate(ctx);
}

/* Apply a valid journal; a corrupt one never finished being written. */
static cp_status replay(cp_ctx *ctx, const uint8_t *p, size_t n)
{
    size_t off = 8, i;
    uint32_t count;
    if (n < 12 || memcmp(p, "CPJ1", 4) != 0 ||
        cp_be32__get(p + n - 4) != cp_crc32__ieee(p, n - 4))
        return CP_OK;
    count = cp_be32__get(p + 4);
    n -= 4;
    for (i = 0; i < count; i++) {
        char name[CP_STORE_NAME_MAX + 1];
        size_t nl, dl;
        cp_status st;
        if (off >= n)
            return CP_E_CORRUPT;
        nl = p[off++];
        if (nl == 0 || nl > CP_STORE_NAME_MAX || n - off < nl + 4)
            return CP_E_CORRUPT;
        memcpy(name, p + off, nl);
        name[nl] = '\0';
        if (strlen(name) != nl || strcmp(name, JOURNAL) == 0)
            return CP_E_CORRUPT;
        off += nl;
        dl = cp_be32__get(p + off);
        off += 4;
        if (n - off < dl)
            return CP_E_CORRUPT;
        st = raw_save(ctx, name, p + off, dl);
        if (st)
            return st;
        off += dl;
    }
    return off == n ? CP_OK : CP_E_CORRUPT;
}

cp_status cp_store__recover(cp_ctx *ctx)
{
    cp_buf j;
    cp_status st;
    cp_buf__init(&j, &ctx->alloc);
    st = raw_load(ctx, JOURNAL, &j);
    if (st == CP_E_NOT_FOUND || (st == CP_OK && j.len == 0)) {
        cp_buf__free(&j);
        ctx->recovered = 1;
        return CP_OK;
    }
    if (st != CP_OK) { /* the journal cannot be read: that failure itself */
        cp_buf__free(&j);
        return st;
    }
    st = replay(ctx, j.p, j.len);
    cp_buf__free(&j);
    if (st == CP_OK)
        st = raw_save(ctx, JOURNAL, NULL, 0);
    if (st == CP_OK) {
        ctx->recovered = 1;
    } else if (st == CP_E_NOMEM) {
        cp_err__set(ctx, st, CP_NO_OFFSET,
                    "out of memory finishing an interrupted commit");
    } else if (st == CP_E_CORRUPT) {
        cp_err__set(ctx, st, CP_NO_OFFSET,
                    "cannot finish an interrupted commit: its journal is "
                    "corrupt");
    } else {
        char why[CP_ERRMSG_MAX];
        snprintf(why, sizeof why, "%s", ctx->err.message);
        st = cp_err__set(ctx, CP_E_STORAGE, CP_NO_OFFSET,
                         "interrupted commit pending, cannot be finished: %s",
                         why);
    }
    return st;
}

void cp_store__free(cp_ctx *ctx)
{
    staged_free(ctx);
    cp_store__mem_free(ctx->mem);
    ctx->mem = NULL;
}
