/*
 * meta.h - what the metabase's two rooms share, not installed.
 *
 * meta_table.c  the tables (entries, built-in defaults, path hashes) and
 *               their stored form, the "metabase" blob
 * metabase.c    lookups, access checks and the entry points; it uses
 *               meta_table.c, never the other way round
 *
 * The rest of the engine sees only engine.h's cp_meta__ functions.
 */
#ifndef CP_META_INT_H
#define CP_META_INT_H

#include <string.h>

#include "engine.h"

/* The longest path of an entry, whether set by the host or stored. */
#define CP_META__PATH_LIMIT 1024

/* *m as cp_meta_init leaves it (the current layout, MANAGER rw). */
void cp_meta__defaults(cp_meta *m);

/* ---- paths: compared folded (ASCII case, '\\' as '/') -------------------- */

/* Inline: every octet of a path hashed or compared goes through them. */
static inline uint8_t cp_meta__fold(uint8_t c)
{
    if (c == '\\')
        return '/';
    /* 'A'..'Z' gain 0x20: one unsigned compare */
    return (uint8_t)(c | ((unsigned)(c - 'A') < 26u ? 0x20u : 0u));
}

/* '/' or '\\': both separate levels. */
static inline int cp_meta__is_sep(char c)
{
    return c == '/' || c == '\\';
}

/*
 * The octets of v that are separators, as their high bits: v XOR a
 * separator repeated has a zero octet where the separator was, and
 * (x - 0x01..) & ~x & 0x80.. is nonzero exactly when x has one.
 */
static inline uint32_t cp_meta__sep_bits(uint32_t v)
{
    const uint32_t ones = 0x01010101u;
    uint32_t a = v ^ 0x2F2F2F2Fu, b = v ^ 0x5C5C5C5Cu; /* '/', '\\' */
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & 0x80808080u;
}

/* 1 when s[0..k) holds a separator: four octets a step, the last step
   overlapping the one before (k need not be a multiple of 4). */
static inline int cp_meta__has_sep(const char *s, size_t k)
{
    uint32_t v, last;
    if (k < 4) {
        for (; k > 0; k--, s++)
            if (cp_meta__is_sep(*s))
                return 1;
        return 0;
    }
    for (; k > 8; s += 4, k -= 4) {
        memcpy(&v, s, 4);
        if (cp_meta__sep_bits(v))
            return 1;
    }
    memcpy(&v, s, 4); /* 4 <= k <= 8: the first and the last four */
    memcpy(&last, s + k - 4, 4);
    return (cp_meta__sep_bits(v) | cp_meta__sep_bits(last)) != 0;
}

/*
 * One octet more of cp_meta__hash: FNV-1a over the octets with 0x20 set
 * ('\\' as '/'). Octets that fold alike hash alike, which is all a hash
 * must do (a few others do too, as '@' and '`': the compare tells them
 * apart), and it costs no range test.
 */
static inline uint32_t cp_meta__hash_step(uint32_t h, char c)
{
    uint8_t o = (uint8_t)c;
    return (h ^ (o == '\\' ? (uint32_t)'/' : (uint32_t)(o | 0x20u))) *
           16777619u;
}
/* The hash of path[0..n) (cp_meta__hash_step): the same for every spelling. */
uint32_t cp_meta__hash(const char *path, size_t n);
/* The hash of a path continued by s[0..n) (h: the path's hash). */
uint32_t cp_meta__hash_more(uint32_t h, const char *s, size_t n);

/*
 * The '/'-prefixes of a path with their hashes, computed in one pass: a
 * lookup probes the path and each ancestor in two tables.
 */
#define CP_META__PFX_MAX 32
typedef struct cp_meta_pfxs {
    size_t n[CP_META__PFX_MAX + 1];
    uint32_t h[CP_META__PFX_MAX + 1];
    size_t count; /* n[0] < n[1] < ...; the last is the whole path (a
                     deeper path: the levels past CP_META__PFX_MAX are
                     hashed when probed) */
} cp_meta_pfxs;

void cp_meta__prefixes(const char *path, size_t len, cp_meta_pfxs *p);

/* May t hold an entry directly below the parent path whose hash is ph?
   (cp_meta_tab.kids; 0 is certain, 1 may be a collision) */
static inline int cp_meta__kids_maybe(const cp_meta_tab *t, uint32_t ph)
{
    return t->live != 0 && ((t->kids[(ph >> 5) & 7u] >> (ph & 31u)) & 1u);
}

/*
 * The prefixes of the parent of the path looked up last (the parms of one
 * characteristic share it), so a lookup hashes only its leaf.
 */
#define CP_META__PCACHE_PATH 192
struct cp_meta_pcache {
    cp_meta_pfxs p; /* the parent's, then the leaf's entry appended */
    size_t count;   /* the parent's p.count */
    size_t len;     /* path[0..len) is the parent; (size_t)-1: none */
    char path[CP_META__PCACHE_PATH];
    /* the parent's nearest entries in e->meta [0] and e->defaults [1]
       and their lengths, while near_ok and the tables' gens are these */
    const cp_meta_ent *near[2];
    size_t near_len[2];
    unsigned long gen[2];
    int near_ok;
    /* leaf_ok: neither table holds an entry directly below the parent,
       so every leaf of it (one level, this exact spelling) has the entry
       in force leaf_m; kept with near[] (same gens, same parent) */
    int leaf_ok;
    cp_meta leaf_m;
    /* changes with path[] and len (never 0 once a parent is held): a
       caller that kept it knows its parent is still this one */
    unsigned long serial;
};

/* ---- the hash table --------------------------------------------------------- */

/* The slot holding path[0..n), whose cp_meta__hash is h, or NULL. */
cp_meta_ent *cp_meta__tab_find_h(const cp_meta_tab *t, const char *path,
                                 size_t n, uint32_t h);
/* The slot holding path[0..n), or NULL. */
cp_meta_ent *cp_meta__tab_find(const cp_meta_tab *t, const char *path,
                               size_t n);
/* Set path's entry to *m (its texts stay when it was there). */
cp_status cp_meta__tab_put(cp_ctx *ctx, cp_meta_tab *t, const char *path,
                           const cp_meta *m);
/* Remove path's entry: 1 when there was one. */
int cp_meta__tab_del(cp_ctx *ctx, cp_meta_tab *t, const char *path);

/* ---- the texts of an entry (engine.h, CP_META__UI_*) ------------------------ */

/* One record of a list of texts; lang and text point into the list. */
typedef struct cp_meta_ui_rec {
    uint8_t kind;
    const uint8_t *lang, *text;
    size_t lang_len, text_len;
} cp_meta_ui_rec;

/* The next record of the list r reads. */
cp_status cp_meta__ui_next(cp_rd *r, cp_meta_ui_rec *u);
/* 1 when ui[0..n) is a well-formed list of texts. */
int cp_meta__ui_valid(const uint8_t *ui, size_t n);
/* Replace e's texts by a copy of ui[0..n) (CP_E_CORRUPT: not a list). */
cp_status cp_meta__set_ui(cp_ctx *ctx, cp_meta_ent *e, const uint8_t *ui,
                          size_t n);

/* ---- the stored form ---------------------------------------------------------- */

/* Write e->meta as the "metabase" blob. */
cp_status cp_meta__save(cp_ctx *ctx, cp_engine *e);
/*
 * The engine state of ctx with its persisted table read (once). A blob
 * that cannot be read leaves the table empty and e->meta_damaged set,
 * and CP_OK: lookups then deny.
 */
cp_status cp_meta__load(cp_ctx *ctx, cp_engine **out);

#endif
