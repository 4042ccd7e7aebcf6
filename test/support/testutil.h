/* testutil.h - shared helpers for the cmocka suites (not part of the library). */
#ifndef CP_TESTUTIL_H
#define CP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "omacp.h"

/* A provisioning document around body (XML text). */
#define DOC(body) "<wap-provisioningdoc>" body "</wap-provisioningdoc>"

/* A NO_XML build (make NO_XML=1) has no XML text front end: the tests that
   need it skip themselves there (cmocka's skip()). */
#ifdef CP_NO_XML
#define NEED_XML() skip()
#else
#define NEED_XML() ((void)0)
#endif

/* Origin roles by gateway, without Push-Flag (wm-model.md 1.1). */
#define O_ANY CP_ROLE_ANY_PUSH_SOURCE
#define O_KNOWN (O_ANY | CP_ROLE_KNOWN_PPG)
#define O_TRUSTED (O_KNOWN | CP_ROLE_TRUSTED_PPG)

/* Decode hex (either case, no separators) into a malloc'd buffer; NULL on bad hex. */
uint8_t *tu_hex(const char *hex, size_t *len);
/* The value of one hex digit (either case); -1 for any other character. */
int tu_hexval(int c);

/* Write v as a WSP uintvar (7 bits an octet, most significant first, 0x80:
   more) into out (5 octets at most); returns the octets written. */
size_t tu_uintvar(uint8_t *out, size_t v);

/* Document builders: a parm name=value / a characteristic of type under
   parent. Any failure aborts (the tests build only valid documents). */
void tu_add_parm(cp_doc *doc, const cp_node *parent, const char *name,
                 const char *value);
const cp_node *tu_add_char(cp_doc *doc, const cp_node *parent,
                           const char *type);

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
