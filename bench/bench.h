/*
 * bench.h - shared helpers of the decode benchmark (not part of the library).
 *
 * The bench is a POSIX program: it times with clock_gettime(CLOCK_MONOTONIC)
 * and links libwbxml2 as the baseline. It uses only libomacp's public API.
 */
#ifndef CP_BENCH_H
#define CP_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "omacp.h"

/* One input document of the bench; wbxml is malloc'd and owned here. */
typedef struct bench_doc {
    char name[40];
    uint8_t *wbxml;
    size_t len;
} bench_doc;

/* ---- bench_util.c ------------------------------------------------------- */

/* Seconds on the monotonic clock. */
double bench_now(void);

/* $CP_VECTORS when set and non-empty, else ../shared/vectors. */
const char *bench_vectors_dir(void);

/*
 * Read the "wbxml_hex" field of the JSON vector dir/file and decode it.
 * Returns a malloc'd buffer (*len its size), or NULL with a message on
 * stderr when the file or field is missing or the hex is bad.
 */
uint8_t *bench_vector_wbxml(const char *dir, const char *file, size_t *len);

/*
 * Counting allocator: every block carries a size header, so the counter
 * knows the payload bytes held now (cur) and at most (peak).
 */
typedef struct bench_counter {
    size_t cur, peak;
    unsigned long calls;
} bench_counter;

/* Put the counting hooks, with state c (zeroed here), into cfg. */
void bench_counter_hooks(cp_config *cfg, bench_counter *c);

/*
 * Compare two XML texts modulo the prolog (XML declaration, DOCTYPE: all
 * before the first "<wap-provisioningdoc"), whitespace between tags, and
 * "<x .../>" versus "<x ...></x>". Returns 1 when equal; otherwise 0 and
 * *where is the offset of the first difference in the normalised text of
 * a. Returns -1 when out of memory.
 */
int bench_xml_same(const char *a, size_t alen, const char *b, size_t blen,
                   size_t *where);

/* ---- bench_gen.c -------------------------------------------------------- */

/*
 * Build a realistic provisioning document of about target bytes of WBXML
 * (repeated NAPDEF, PXLOGICAL/PXPHYSICAL/PORT and APPLICATION/RESOURCE
 * blocks with varying ids, addresses and names) with the public builder API
 * and encode it with cp_doc_encode_wbxml (string table on). *out is
 * malloc'd. On failure returns the failing status and names the failing
 * step on stderr.
 */
cp_status bench_gen_doc(cp_ctx *ctx, size_t target, uint8_t **out,
                        size_t *out_len);

#endif /* CP_BENCH_H */
