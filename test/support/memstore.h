/*
 * memstore.h - the tests' cp_storage: a library in-memory store
 * (cp_store_mem_open) behind hooks that count saves and inject faults, and
 * that remember the blob names in the order of their first save (so that
 * tests can list and snapshot every blob).
 */
#ifndef CP_MEMSTORE_H
#define CP_MEMSTORE_H

#include "omacp.h"

#define MS_MAX 16

typedef struct memstore {
    cp_storage mem; /* where the blobs are: cp_store_mem_open */
    int n;          /* blobs named so far */
    char name[MS_MAX][CP_STORE_NAME_MAX + 1]; /* in order of first save */
    uint8_t **got;  /* ms_get's copy of each blob (MS_MAX of them) */
    int fail_saves; /* > 0: that many next saves fail with CP_E_IO */
    /* 1: once a blob named "journal" is saved, every later save of
       another blob fails (a commit whose journal alone is stored) */
    int fail_after_journal;
    long saves;
} memstore;

void ms_init(memstore *m);
void ms_free(memstore *m);
void ms_attach(cp_config *cfg, memstore *m);
/* Put raw bytes under name (for corrupt-blob tests). */
void ms_put(memstore *m, const char *name, const void *data, size_t len);
/* A copy of the blob under name (valid until the next ms_get of that blob
   or ms_free), or NULL. */
const uint8_t *ms_get(const memstore *m, const char *name, size_t *len);
/* The name of blob i (0 <= i < m->n), in order of first save. */
const char *ms_name(const memstore *m, int i);

/* ---- snapshots: every blob, copied ---------------------------------------- */

typedef struct ms_snap {
    int n;
    struct {
        char name[CP_STORE_NAME_MAX + 1];
        uint8_t *data; /* malloc'd, never NULL */
        size_t len;
    } b[MS_MAX];
} ms_snap;

/* Copy every blob of m into s (whatever s held is overwritten, not freed). */
void ms_snap_take(const memstore *m, ms_snap *s);
/* Free the copies; s is empty after. */
void ms_snap_free(ms_snap *s);

#endif
