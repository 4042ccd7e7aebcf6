/*
 * bench_mem.c - section 6: memory, through counting allocator hooks on the
 * context (bench_util.c): the payload bytes the library holds at its peak,
 * and the number of allocations.
 *
 * - Decode: peak of cp_doc_decode_wbxml alone over what was held before
 *   it, per PROV document of section 1 (the token-dense one included);
 *   target (issue 18): input + 32 B x elements + 8 KB, the elements
 *   (cp_doc_element_count: characteristics and parms, the root too)
 *   counted on the decoded document. (The detail gives decode + cp_doc_write_xml as well.)
 * - Push: peak of one cp_push_process of the signed bootstrap of section
 *   4 on a fresh device, over what the device held before the call;
 *   target 6 x PDU size + 32 KB. (The detail gives the peak of
 *   cp_process_config_doc alone on the decoded document.)
 * - MAC: allocations (alloc and realloc calls) during cp_mac_verify of the
 *   bootstrap's body (USERNETWPIN: the IMSI and the PIN); target 0.
 *   Allocations libtomcrypt might make with
 *   malloc would not be seen, but the library computes its HMAC on the
 *   stack (lib/trust/auth.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Elements of the document d, decoded outside the counted window. */
static size_t elements_of(cp_ctx *ctx, const bench_doc *d)
{
    cp_doc *doc = NULL;
    size_t n = 0;
    if (cp_doc_decode_wbxml(ctx, d->wbxml, d->len, &doc) == CP_OK)
        n = cp_doc_element_count(doc);
    cp_doc_free(doc);
    return n;
}

static void decode_rows(cp_ctx *ctx, bench_counter *c, const bench_doc *docs,
                        int n)
{
    char fig[80], val[32], tgt[32];
    int i;

    for (i = 0; i < n; i++) {
        const bench_doc *d = &docs[i];
        cp_doc *doc = NULL;
        char *xml = NULL;
        size_t xml_len = 0, base, dec, all, target, elems;
        cp_status st;
        bench_mark m;

        snprintf(fig, sizeof fig, "decode peak, %s (%lu B)", d->name,
                 (unsigned long)d->len);
        if (d->wbxml == NULL) {
            bench_row_error(fig, "-", "document not available");
            bench_goal_note(BENCH_G_HEAP, "n/a", BENCH_ERROR);
            continue;
        }
        elems = elements_of(ctx, d);
        target = d->len + 32 * elems + 8192;
        snprintf(tgt, sizeof tgt, "<= %lu", (unsigned long)target);
        base = c->cur;
        c->peak = c->cur;
        st = cp_doc_decode_wbxml(ctx, d->wbxml, d->len, &doc);
        dec = c->peak - base;
        if (st == CP_OK)
            st = cp_doc_write_xml(ctx, doc, 0, &xml, &xml_len);
        all = c->peak - base;
        cp_free(ctx, xml);
        cp_doc_free(doc);
        if (st != CP_OK || elems == 0) {
            bench_row_error(fig, tgt, "libomacp failed: %s", cp_strerror(st));
            bench_goal_note(BENCH_G_HEAP, "n/a", BENCH_ERROR);
            continue;
        }
        snprintf(val, sizeof val, "%lu B", (unsigned long)dec);
        m = bench_mark_of(dec <= target);
        bench_row(fig, val, tgt, m,
                  "%.1f x WBXML, %.1f B an element (%lu elements); "
                  "decode + write XML %lu B",
                  (double)dec / (double)d->len,
                  (double)dec / (double)elems, (unsigned long)elems,
                  (unsigned long)all);
        bench_goal(BENCH_G_HEAP, (double)dec / (double)target, m);
    }
}

/*
 * Peak of cp_process_config_doc alone (the bootstrap decoded beforehand,
 * with the roles of a NETWPIN message) on a fresh counted device; 0 when
 * it fails.
 */
static size_t apply_peak(const bench_boot *b)
{
    cp_config cfg;
    bench_counter c;
    bench_device d;
    cp_doc *doc = NULL;
    char *out = NULL;
    size_t out_len = 0, base, peak = 0;
    cp_status st;

    cp_config_init(&cfg);
    bench_counter_hooks(&cfg, &c);
    if (bench_device_new(&d, &cfg) != 0)
        return 0;
    st = cp_doc_decode_wbxml(d.ctx, b->body, b->body_len, &doc);
    base = c.peak = c.cur;
    if (st == CP_OK)
        st = cp_process_config_doc(d.ctx, doc,
                                   CP_ROLE_ANY_PUSH_SOURCE | CP_ROLE_OPERATOR,
                                   CP_PROCESS, &out, &out_len);
    if (st == CP_OK)
        peak = c.peak - base;
    cp_free(d.ctx, out);
    cp_doc_free(doc);
    bench_device_free(&d);
    return peak;
}

static void push_row(const bench_boot *b)
{
    cp_config cfg;
    bench_counter c;
    bench_device d;
    cp_push_hooks h;
    cp_push_result r;
    cp_status st;
    size_t base, peak, target = 6 * b->pdu_len + 32768;
    unsigned long calls;
    char val[32], tgt[32];

    snprintf(tgt, sizeof tgt, "<= %lu", (unsigned long)target);
    cp_config_init(&cfg);
    bench_counter_hooks(&cfg, &c);
    if (bench_device_new(&d, &cfg) != 0) {
        bench_row_error("push peak, signed bootstrap", tgt, "no device");
        return;
    }
    bench_push_hooks(&h);
    cp_push_result_init(&r);
    base = c.peak = c.cur;
    calls = c.calls;
    st = cp_push_process(d.ctx, b->pdu, b->pdu_len, NULL, &h, &r);
    peak = c.peak - base;
    calls = c.calls - calls;
    cp_free(d.ctx, r.output);
    bench_device_free(&d);
    if (st != CP_OK || r.outcome != CP_OUTCOME_APPLIED) {
        bench_row_error("push peak, signed bootstrap", tgt,
                        "push not accepted: %s", cp_strerror(st));
        return;
    }
    snprintf(val, sizeof val, "%lu B", (unsigned long)peak);
    bench_row("push peak, signed bootstrap", val, tgt,
              bench_mark_of(peak <= target),
              "%.1f x the %lu B PDU; %lu allocations in the call; "
              "cp_process_config_doc alone: %lu B",
              (double)peak / (double)b->pdu_len, (unsigned long)b->pdu_len,
              calls, (unsigned long)apply_peak(b));
}

static void mac_row(const bench_boot *b)
{
    static const char *const imsis[1] = {BENCH_IMSI};
    cp_config cfg;
    bench_counter c;
    cp_ctx *ctx = NULL;
    cp_push push;
    cp_status st;
    unsigned long c0, parse_calls, mac_calls;
    size_t idx = 0;
    char val[32];

    cp_config_init(&cfg);
    bench_counter_hooks(&cfg, &c);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK) {
        bench_row_error("MAC verify allocations", "0", "no context");
        return;
    }
    cp_push_init(&push);
    c0 = c.calls;
    st = cp_wsp_parse_push(ctx, b->pdu, b->pdu_len, &push);
    parse_calls = c.calls - c0;
    c0 = c.calls;
    if (st == CP_OK)
        st = cp_mac_verify(ctx, push.sec, imsis, 1, BENCH_PIN, push.mac, NULL,
                           push.body, push.body_len, &idx);
    mac_calls = c.calls - c0;
    cp_ctx_free(ctx);
    if (st != CP_OK) {
        bench_row_error("MAC verify allocations", "0", "not authentic: %s",
                        cp_strerror(st));
        return;
    }
    snprintf(val, sizeof val, "%lu", mac_calls);
    bench_row("MAC verify allocations (cp_mac_verify)", val, "0",
              bench_mark_of(mac_calls == 0),
              "ctx allocator calls; cp_wsp_parse_push made %lu", parse_calls);
}

void bench_sec_memory(const bench_doc *docs, int n)
{
    cp_config cfg;
    bench_counter c;
    cp_ctx *ctx = NULL;
    bench_boot b;

    bench_section("6. memory (counting allocator hooks on the context)",
                  "peak payload bytes held during the call, over what was "
                  "held before it; decode target: input + 32 B x elements "
                  "+ 8 KB");
    cp_config_init(&cfg);
    bench_counter_hooks(&cfg, &c);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK) {
        bench_row_error("decode peak", "-", "no context");
        bench_goal_note(BENCH_G_HEAP, "n/a", BENCH_ERROR);
    } else {
        decode_rows(ctx, &c, docs, n);
        cp_ctx_free(ctx);
    }
    if (bench_boot_make(&b) != 0) {
        bench_row_error("push peak, signed bootstrap", "-", "no bootstrap");
        bench_row_error("MAC verify allocations", "0", "no bootstrap");
        return;
    }
    push_row(&b);
    mac_row(&b);
    bench_boot_free(&b);
}
