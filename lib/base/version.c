/*
 * version.c - the one rule for versioned structs (DESIGN.md, "API shape").
 *
 * Every struct a caller fills or receives starts with size_t struct_size:
 * the size of the struct as the caller compiled it. Structs only grow at
 * the end, so the bytes an older caller's struct_size covers mean what
 * they meant in its release. Taking a struct in copies those bytes over
 * this library's defaults; giving one out copies this library's answer
 * into the part of the caller's struct it knows. A struct_size below the
 * first release's layout (CP_SIZE_THROUGH of its last member, frozen) or
 * absurdly large is CP_E_VERSION.
 *
 * The one exception is cp_config of 0.1.0: cp_limits and cp_storage, which
 * it holds by value, gained a struct_size in 0.2.0, so its later members
 * moved. Its layout is frozen here and translated (cp_config__take).
 */
#include <string.h>

#include "base.h"

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

int cp_struct__size_ok(size_t size, size_t min)
{
    return size >= min && size <= CP_STRUCT_SIZE_MAX;
}

cp_status cp_struct__take(void *dst, size_t cur, const void *src, size_t min)
{
    size_t size;
    memcpy(&size, src, sizeof size);
    if (!cp_struct__size_ok(size, min))
        return CP_E_VERSION;
    memcpy(dst, src, min_size(size, cur));
    memcpy(dst, &cur, sizeof cur); /* dst is this library's layout */
    return CP_OK;
}

cp_status cp_struct__give(void *dst, const void *src, size_t cur, size_t min)
{
    size_t size;
    memcpy(&size, dst, sizeof size);
    if (!cp_struct__size_ok(size, min))
        return CP_E_VERSION;
    memcpy(dst, src, min_size(size, cur));
    memcpy(dst, &size, sizeof size); /* the caller's struct_size stays */
    return CP_OK;
}

void cp_struct__init(void *p, size_t size)
{
    if (p == NULL || size < sizeof size)
        return;
    memset(p, 0, size);
    memcpy(p, &size, sizeof size);
}

static cp_status unknown_size(cp_ctx *ctx, const char *type, const void *p)
{
    size_t size;
    memcpy(&size, p, sizeof size);
    if (ctx == NULL)
        return CP_E_VERSION;
    return cp_err__set(ctx, CP_E_VERSION, CP_NO_OFFSET,
                       "%s.struct_size %lu is not a size this library "
                       "knows (set it with the *_init macro)",
                       type, (unsigned long)size);
}

cp_status cp_struct__check(cp_ctx *ctx, const char *type, const void *p,
                           size_t min)
{
    size_t size;
    memcpy(&size, p, sizeof size);
    return cp_struct__size_ok(size, min) ? CP_OK : unknown_size(ctx, type, p);
}

cp_status cp_struct__take_in(cp_ctx *ctx, const char *type, void *dst,
                             size_t cur, const void *src, size_t min)
{
    cp_status st = cp_struct__take(dst, cur, src, min);
    return st == CP_OK ? st : unknown_size(ctx, type, src);
}

cp_status cp_struct__give_out(cp_ctx *ctx, const char *type, void *dst,
                              const void *src, size_t cur, size_t min)
{
    cp_status st = cp_struct__give(dst, src, cur, min);
    return st == CP_OK ? st : unknown_size(ctx, type, dst);
}

void cp_struct__fill(const cp_ctx *ctx, void *out, const void *src,
                     size_t cur, size_t first)
{
    size_t size = ctx != NULL && ctx->abi == CP_ABI__010 ? first : cur;
    memcpy(out, src, size);
    memcpy(out, &size, sizeof size);
}

void cp_struct__init_from(void *p, size_t size, const void *defaults,
                          size_t cur)
{
    cp_struct__init(p, size);
    if (p != NULL && size >= sizeof size)
        (void)cp_struct__give(p, defaults, cur, sizeof size);
}

/* ---- cp_config as 0.1.0 laid it out ------------------------------------- */

typedef struct limits_010 {
    size_t max_doc_bytes, max_depth, max_elements, max_strtbl_bytes,
        max_attr_bytes;
} limits_010;

typedef struct storage_010 {
    cp_status (*load)(void *user, const char *name, uint8_t *buf, size_t cap,
                      size_t *len);
    cp_status (*save)(void *user, const char *name, const uint8_t *data,
                      size_t len);
    void *user;
} storage_010;

typedef struct config_010 {
    size_t struct_size;
    cp_allocator allocator;
    limits_010 limits;
    storage_010 storage;
    cp_profile profile;
    cp_tier tier;
    const char *const *imsis;
    size_t n_imsis;
    unsigned int min_pinmac_digits;
    unsigned int auth_compat;
    int strict_validation;
} config_010;

/* Since 0.2.0: the first layout with struct_size in limits and storage. */
#define CONFIG_MIN_SIZE CP_SIZE_THROUGH(cp_config, strict_validation)

static void limits_from_010(cp_limits *l, const limits_010 *o)
{
    l->struct_size = sizeof *l;
    l->max_doc_bytes = o->max_doc_bytes;
    l->max_depth = o->max_depth;
    l->max_elements = o->max_elements;
    l->max_strtbl_bytes = o->max_strtbl_bytes;
    l->max_attr_bytes = o->max_attr_bytes;
}

static void config_from_010(cp_config *c, const config_010 *o)
{
    c->allocator = o->allocator;
    limits_from_010(&c->limits, &o->limits);
    c->storage.struct_size = sizeof c->storage;
    c->storage.load = o->storage.load;
    c->storage.save = o->storage.save;
    c->storage.user = o->storage.user;
    c->profile = o->profile;
    c->tier = o->tier;
    c->imsis = o->imsis;
    c->n_imsis = o->n_imsis;
    c->min_pinmac_digits = o->min_pinmac_digits;
    c->auth_compat = o->auth_compat;
    c->strict_validation = o->strict_validation;
}

/*
 * A struct held by value inside cp_config: its struct_size is 0 (a caller
 * that zeroed it or assigned a compound literal: the layout of the
 * cp_config holding it) or a size this library takes. Its part of the
 * config is replaced by what the taken bytes say.
 */
static cp_status take_inner(void *field, size_t cur, size_t min)
{
    uint8_t copy[256];
    size_t size;
    memcpy(&size, field, sizeof size);
    if (size == 0)
        size = cur;
    if (cur > sizeof copy || !cp_struct__size_ok(size, min))
        return CP_E_VERSION;
    memset(copy, 0, cur);
    memcpy(copy, field, min_size(size, cur));
    memcpy(copy, &cur, sizeof cur);
    memcpy(field, copy, cur);
    return CP_OK;
}

cp_status cp_config__take(cp_config *c, const cp_config *cfg,
                          unsigned long header_version, int *abi)
{
    cp_status st;
    size_t size;
    /* The layouts this library fills: 0.1.0's for a 0.1.0 program, this
       release's for any later one (a later release maps each version it
       knows to the layouts that release had). */
    *abi = header_version < CP_VERSION__0_2_0 ? CP_ABI__010 : CP_ABI__CURRENT;
    if (header_version < CP_VERSION__0_1_0)
        return CP_E_VERSION;
    if (cfg == NULL)
        return CP_OK;
    memcpy(&size, cfg, sizeof size);
    if (size == sizeof(config_010)) {
        config_from_010(c, (const config_010 *)(const void *)cfg);
        *abi = CP_ABI__010;
        return CP_OK;
    }
    st = cp_struct__take(c, sizeof *c, cfg, CONFIG_MIN_SIZE);
    /* A member the caller's size covers only in part is not read. */
    if (st == CP_OK && size < CP_SIZE_THROUGH(cp_config, storage_ext))
        memset(&c->storage_ext, 0, sizeof c->storage_ext);
    if (st == CP_OK)
        st = take_inner(&c->limits, sizeof c->limits,
                        CP_SIZE_THROUGH(cp_limits, max_attr_bytes));
    if (st == CP_OK)
        st = take_inner(&c->storage, sizeof c->storage,
                        CP_SIZE_THROUGH(cp_storage, user));
    if (st == CP_OK)
        st = take_inner(&c->storage_ext, sizeof c->storage_ext,
                        CP_SIZE_THROUGH(cp_storage_ext, user));
    return st;
}

const void *cp_limits__for_abi(const cp_limits *l, int abi, void *space,
                               size_t space_len)
{
    limits_010 *o = space;
    if (abi != CP_ABI__010 || space_len < sizeof *o)
        return l;
    o->max_doc_bytes = l->max_doc_bytes;
    o->max_depth = l->max_depth;
    o->max_elements = l->max_elements;
    o->max_strtbl_bytes = l->max_strtbl_bytes;
    o->max_attr_bytes = l->max_attr_bytes;
    return o;
}

/* ---- cp_config_init ------------------------------------------------------ */

CP_EXPORT void cp_config_init_size(cp_config *cfg, size_t size)
{
    cp_struct__init(cfg, size);
    if (cfg == NULL || size == sizeof(config_010))
        return; /* the 0.1.0 layout: all zero but struct_size */
    if (size >= CP_SIZE_THROUGH(cp_config, limits.struct_size))
        cfg->limits.struct_size = sizeof cfg->limits;
    if (size >= CP_SIZE_THROUGH(cp_config, storage.struct_size))
        cfg->storage.struct_size = sizeof cfg->storage;
    if (size >= CP_SIZE_THROUGH(cp_config, storage_ext.struct_size))
        cfg->storage_ext.struct_size = sizeof cfg->storage_ext;
}

/*
 * The symbol programs built against 0.1.0 call (its header had no macro):
 * it prepares the 0.1.0 layout, which is all it may write. The header now
 * maps cp_config_init to cp_config_init_size with the caller's sizeof.
 */
#undef cp_config_init
CP_EXPORT void cp_config_init(cp_config *cfg);
CP_EXPORT void cp_config_init(cp_config *cfg)
{
    cp_config_init_size(cfg, sizeof(config_010));
}

/* ---- cp_storage filled by the library (the stores' open and close) ----- */

#define STORAGE_MIN_SIZE CP_SIZE_THROUGH(cp_storage, user)

size_t cp_storage__size_010(void)
{
    return sizeof(storage_010);
}

int cp_storage__size_ok(size_t size)
{
    return size == sizeof(storage_010) ||
           cp_struct__size_ok(size, STORAGE_MIN_SIZE);
}

void cp_storage__put(void *out, size_t size, const cp_storage *s)
{
    if (size == sizeof(storage_010)) {
        storage_010 o;
        o.load = s->load;
        o.save = s->save;
        o.user = s->user;
        memcpy(out, &o, sizeof o);
        return;
    }
    memset(out, 0, size);
    memcpy(out, s, min_size(size, sizeof *s));
    memcpy(out, &size, sizeof size);
}

void cp_storage__get(const void *in, size_t size, cp_storage *s)
{
    memset(s, 0, sizeof *s);
    if (size == sizeof(storage_010)) {
        storage_010 o;
        memcpy(&o, in, sizeof o);
        s->load = o.load;
        s->save = o.save;
        s->user = o.user;
    } else {
        memcpy(s, in, min_size(size, sizeof *s));
    }
    s->struct_size = sizeof *s;
}
