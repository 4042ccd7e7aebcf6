/*
 * store.h - floor 1: named blobs through the ctx storage hooks (or the
 * built-in memory store), with transactions that make a commit touching
 * several blobs atomic: the new contents go first into one "journal" blob
 * (atomic by the storage contract), then into their own blobs, then the
 * journal is emptied. An interrupted commit is finished (rolled forward)
 * by the next recovery, or never happened if the journal was not written.
 */
#ifndef CP_STORE_H
#define CP_STORE_H

#include "base.h"

/* Load the blob name into out (replacing its content). CP_E_NOT_FOUND if absent. */
cp_status cp_store__load(cp_ctx *ctx, const char *name, cp_buf *out);
/* Save (or, inside a transaction, stage) a blob. */
cp_status cp_store__save(cp_ctx *ctx, const char *name, const uint8_t *data,
                         size_t len);
/* Start staging saves. CP_E_BUSY if a transaction is open. */
cp_status cp_store__begin(cp_ctx *ctx);
/* Write every staged blob atomically as a set. On failure nothing staged
   is lost: the caller may abort. */
cp_status cp_store__commit(cp_ctx *ctx);
/* Drop every staged blob and every cached state loaded from them. */
void cp_store__abort(cp_ctx *ctx);
/* Finish an interrupted commit, once per context, before the first load. */
cp_status cp_store__recover(cp_ctx *ctx);
/* Free the built-in memory store and any staged data (cp_ctx_free). */
void cp_store__free(cp_ctx *ctx);
/* Drop cached state of the upper floors (they reload from storage). */
void cp_store__invalidate(cp_ctx *ctx);

/*
 * The in-memory store (store_mem.c): the context's built-in store and the
 * public cp_store_mem_open are both one of these. Its memory, the store's
 * own included, comes from a (copied). new: NULL when out of memory. The
 * load and save hooks take the store as user, as cp_storage's do.
 */
struct cp_memstore *cp_store__mem_new(const cp_allocator *a);
void cp_store__mem_free(struct cp_memstore *ms);
cp_status cp_store__mem_load(void *ms, const char *name, uint8_t *buf,
                             size_t cap, size_t *len);
cp_status cp_store__mem_save(void *ms, const char *name, const uint8_t *data,
                             size_t len);

/* The store's words for why a hook failed with hook_st (never NULL). */
const char *cp_store__reason(cp_ctx *ctx, cp_status hook_st);

/* CRC-32 (IEEE 802.3), for blob formats. */
uint32_t cp_crc32__ieee(const uint8_t *p, size_t n);
void cp_be32__put(uint8_t *p, uint32_t v);
uint32_t cp_be32__get(const uint8_t *p);

#endif
