/* memstore.h - an in-memory cp_storage for tests, with fault injection. */
#ifndef CP_MEMSTORE_H
#define CP_MEMSTORE_H

#include "omacp.h"

#define MS_MAX 16

typedef struct memstore {
    struct {
        char name[32];
        uint8_t *data;
        size_t len;
    } blob[MS_MAX];
    int n;
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
/* The blob under name, or NULL. */
const uint8_t *ms_get(const memstore *m, const char *name, size_t *len);

#endif
