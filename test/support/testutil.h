/* testutil.h - shared helpers for the cmocka suites (not part of the library). */
#ifndef CP_TESTUTIL_H
#define CP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "omacp.h"

/* Decode hex (either case, no separators) into a malloc'd buffer; NULL on bad hex. */
uint8_t *tu_hex(const char *hex, size_t *len);

/*
 * Read the first string value of "key" in the JSON file $CP_VECTORS/file
 * (the shared test vectors). Returns a malloc'd, unescaped string, or NULL
 * (and the test fails) if the file or key is missing. Nested keys are found
 * too: the first occurrence in the file wins; pass "outer.inner" style keys
 * with tu_vector_field_n to take the n-th occurrence.
 */
char *tu_vector_field(const char *file, const char *key);
char *tu_vector_field_n(const char *file, const char *key, int n);
/* The whole file $CP_VECTORS/file as a malloc'd NUL-terminated string. */
char *tu_read_vector_file(const char *file);
/* Whole file by path, malloc'd; *len gets the size. */
uint8_t *tu_read_file(const char *path, size_t *len);

/*
 * Counting allocator with failure injection. fail_at = N makes the N-th
 * allocation (alloc or realloc, counting from 1) fail; 0 never fails.
 */
typedef struct tu_alloc {
    long fail_at;
    long calls;      /* allocations attempted */
    long live;       /* blocks currently held */
    size_t cur, peak; /* bytes held now / at most */
} tu_alloc;

/* Put tu_alloc hooks (with state t, reset to zero except fail_at) into cfg. */
void tu_alloc_setup(cp_config *cfg, tu_alloc *t, long fail_at);

#endif
