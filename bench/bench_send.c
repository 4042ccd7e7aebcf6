/*
 * bench_send.c - section 8: the sending side. cp_push_build (USERPIN,
 * the MAC included) + cp_sms_split of a 2 KB WBXML body, against
 * cp_mac_compute over the same body alone. Target (issue 14): <= 2x.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define BODY 2048u
#define TARGET 2.0

typedef struct send_state {
    cp_ctx *ctx;
    uint8_t body[BODY];
    cp_push_build_options o;
} send_state;

static double run_send(void *state, unsigned long iters)
{
    send_state *ss = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        uint8_t *pdu = NULL;
        size_t len = 0, n = 0;
        cp_sms_part *parts = NULL;
        if (cp_push_build(ss->ctx, &ss->o, ss->body, BODY, &pdu, &len, NULL,
                          0) != CP_OK ||
            cp_sms_split(ss->ctx, NULL, pdu, len, &parts, &n) != CP_OK) {
            cp_free(ss->ctx, pdu);
            return -1.0;
        }
        cp_free(ss->ctx, parts);
        cp_free(ss->ctx, pdu);
    }
    return bench_now() - t0;
}

static double run_mac(void *state, unsigned long iters)
{
    send_state *ss = state;
    char mac[CP_MAC_TEXT_SIZE];
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++)
        if (cp_mac_compute(ss->ctx, CP_SEC_USERPIN, NULL, "1234", NULL,
                           ss->body, BODY, mac, sizeof mac) != CP_OK)
            return -1.0;
    return bench_now() - t0;
}

void bench_sec_send(const bench_settings *s)
{
    static send_state ss;
    bench_side sd[2];
    char val[48], a[32], b[32];
    const char *fig = "push_build + sms_split, 2 KB WBXML (USERPIN)";
    bench_ratio r;
    size_t i;

    bench_section("8. the sending side: build and split vs the MAC alone",
                  "cp_push_build (MAC included) + cp_sms_split over "
                  "cp_mac_compute, same 2 KB body and key");
    memset(&ss, 0, sizeof ss);
    if (cp_ctx_new(NULL, &ss.ctx) != CP_OK) {
        bench_row_error(fig, "<= 2x", "cannot make a context");
        return;
    }
    ss.body[0] = 0x03; /* a WBXML version octet: sent as it is */
    for (i = 1; i < BODY; i++)
        ss.body[i] = (uint8_t)(i * 131u + 7u);
    cp_push_build_options_init(&ss.o);
    ss.o.sec = CP_SEC_USERPIN;
    ss.o.pin = "1234";
    memset(sd, 0, sizeof sd);
    sd[0].run = run_send;
    sd[1].run = run_mac;
    sd[0].state = sd[1].state = &ss;
    sd[0].ok = sd[1].ok = 1;
    bench_measure(sd, 2, s);
    if (bench_pair_ratio(&sd[0], &sd[1], 1.0, s->reps, &r) != 0) {
        bench_row_error(fig, "<= 2x", "a side failed while timed");
    } else {
        bench_row(fig, bench_fmt_ratio(val, sizeof val, &r, 2, "x"), "<= 2x",
                  bench_mark_of(r.med <= TARGET),
                  "build+split %s, MAC alone %s; 17 SMS",
                  bench_fmt_time(a, sizeof a, sd[0].median),
                  bench_fmt_time(b, sizeof b, sd[1].median));
    }
    cp_ctx_free(ss.ctx);
}
