/*
 * settings.h - the generic settings CSP's internals, shared by its rooms.
 * Not installed.
 *
 *   settings_item.c   identity of a stored item and the item index
 *   settings_page.c   storage: page blobs "s.TYPE.N", load, save, drop
 *   settings_merge.c  a pending item merged into the stored document
 *   settings_ops.c    the CSP handlers (parm, noparm, queries, commit ...)
 *   settings.c        registration and canonical names
 *   settings_px.c     PXLOGICAL: the gateways of the trust layer
 *
 * Each room calls only rooms listed above it, never back.
 */
#ifndef CP_CSP_SETTINGS_H
#define CP_CSP_SETTINGS_H

#include "csp_int.h"

enum { MODE_PENDING = 1, MODE_ADDRESS = 2, MODE_CHILD = 3 };

/* One open characteristic of the running call (the handlers' cookie). */
typedef struct frame {
    int mode;
    cp_node *node; /* pending node (in s->pend) or stored node (in s->doc) */
} frame;

#define MAX_FRAMES 64
#define PAGE_ITEMS 8      /* stored items per page blob */
#define PAGE_TYPE_MAX 50  /* "s." + type + "." + 10 digits <= 63 */

/* One page: the stored items it holds, in document order. */
typedef struct page {
    cp_node *it[PAGE_ITEMS];
    unsigned n;
    int dirty;
} page;

/* Item reference -> page number; ref 0: free, PM_TOMB: deleted. */
typedef struct pent {
    uint32_t ref, page;
} pent;

/* One slot of the item index: an item (NULL: free; TOMB: deleted) and its hash. */
typedef struct ient {
    uint32_t h;
    /* the item index: the whole identity's hash (APPLICATION: APPID and
       PROVIDER-ID), so apps sharing an APPID are told apart unread;
       other tables: h again */
    uint32_t full;
    cp_node *n;
} ient;

typedef struct settings {
    char type[CP_TYPE_MAX + 1];
    const char *key;     /* the identity parm (key_parm of type), or NULL */
    int is_app, is_client; /* APPLICATION, CLIENTIDENTITY */
    int prov;              /* a PROV type: PROV names have one spelling */
    int tree;              /* another type (Registry, CM_GPRSEntries): one
                              tree, merged level by level */
    char blob[CP_TYPE_MAX + 3];
    cp_ctx *ctx;
    cp_doc *doc;  /* stored items: children of doc->root */
    int loaded, dirty;
    size_t load_count; /* st->doc's elements when loaded */
    /*
     * Items of the running call, merged at char_leave. PEND_BORROWS: its
     * strings are the ones the engine passes in (the processed document's,
     * which outlives the call; pend is freed at commit or rollback), so
     * they are not copied; the stored document copies what it keeps.
     */
    cp_doc *pend;
    /* the stored items by identity hash (open addressing), valid when ixok */
    ient *ix;
    size_t ixcap, ixused, ixlive;
    int ixok;
    /* storage pages (settings_page.c); paged: the type's names fit */
    int paged, hdr_dirty;
    page *pages;
    size_t npages, pcap;
    size_t ptrail;     /* page blobs that may exist in the store */
    size_t *dlist;     /* the dirty pages, each once */
    size_t ndirty, dcap;
    int dlost;         /* out of memory for dlist: every page is written */
    pent *pmap; /* item reference -> page, open addressing */
    size_t pmcap, pmused, pmlive;
    frame fr[MAX_FRAMES];
    int nfr;
    char err[160];
    cp_status (*on_commit)(struct settings *st); /* PXLOGICAL: gateways */
    cp_status (*check_parm)(struct settings *st, cp_csp_session *s,
                            const char *name, const char *value);
    /* after each change of a top-level item (PXLOGICAL: trusted gateways) */
    cp_status (*check_doc)(struct settings *st, cp_csp_session *s);
} settings;

/* ---- settings_item.c: identity and the item index ---- */

/* The identity parm of a type (NAPDEF: NAPID ...), or NULL. */
const char *cp_set__key_parm(const char *type);
/* The first parm of item named name, or NULL. */
const cp_node *cp_set__find_parm(const cp_node *item, const char *name);
/* Its value ("" for a parm without one), or NULL when there is none. */
const char *cp_set__parm_value(const cp_node *item, const char *name);
/* The child characteristic of n whose type is type, or NULL. */
cp_node *cp_set__child_char(const cp_node *n, const char *type);
/* FNV-1a over s (NULL: nothing), then one more round marking its end. */
uint32_t cp_set__fnv(uint32_t h, const char *s);
/* Slots of a fresh open-addressing table for live entries of esize bytes. */
size_t cp_set__tab_cap(size_t live, size_t esize);
/* Put (h, n) in the first free slot of tab (cap a power of 2, not full). */
void cp_set__ix_put(ient *tab, size_t cap, uint32_t h, cp_node *n);
void cp_set__ix_free(settings *st);
/* A new stored top-level item / one about to be unlinked. */
cp_status cp_set__ix_add(settings *st, cp_node *item);
void cp_set__ix_del(settings *st, const cp_node *item);
/* A parm name written or deleted in place: the identity may have changed. */
void cp_set__identity_touch(settings *st, const frame *f, const char *name);
/* The stored item whose identity value is key (Windows Mobile addressing). */
cp_node *cp_set__item_by_key(settings *st, const char *key);
/* The stored item a pending item updates, or NULL. */
cp_node *cp_set__item_like(settings *st, const cp_node *p);

/* ---- settings_page.c: storage ---- */

/* Read the stored items once per cache lifetime. */
cp_status cp_set__load(settings *st);
/* Forget the cache (stored document, index, pages) and the pending items. */
void cp_set__drop(settings *st);
/* Write what changed since the last load or save. */
cp_status cp_set__save(settings *st);
/* The stored item holding n changed / a stored item is taken away. */
void cp_set__touch(settings *st, cp_node *n);
void cp_set__item_unlink(settings *st, cp_node *item);
/* Put a new stored item on the last page; dirty: to be written. */
cp_status cp_set__page_add(settings *st, cp_node *item, int dirty);
/* Every stored item is gone. */
void cp_set__pages_clear(settings *st);

/* ---- settings_merge.c ---- */

/* Merge the pending top-level item p into the stored items. */
cp_status cp_set__commit_item(settings *st, cp_csp_session *s, cp_node *p);

/* ---- settings_ops.c ---- */

/* The handlers of every settings CSP; user is its settings. */
extern const cp_csp_ops cp_set__ops;

#endif
