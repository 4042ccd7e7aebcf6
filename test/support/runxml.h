/*
 * runxml.h - running XML documents through a device in the cmocka suites:
 * the role shorthands, a device fixture on a memstore, the call of
 * cp_process_config_xml that hands back a copy of the output, and small
 * checks of device state. Needs <cmocka.h> (its helpers assert).
 */
#ifndef CP_RUNXML_H
#define CP_RUNXML_H

#include "omacp.h"
#include "support/memstore.h"

#define MGR CP_ROLE_MANAGER
#define UA CP_ROLE_USER_AUTH
#define OP CP_ROLE_OPERATOR
#define TPS CP_ROLE_OPERATOR_TPS
#define UNAUTH CP_ROLE_USER_UNAUTH

/* A device on a test store: setups fill it, tu_teardown frees it. */
typedef struct tu_fixture {
    memstore ms;
    cp_ctx *ctx;
} tu_fixture;

/* cmocka teardown of a malloc'd tu_fixture in *state. */
int tu_teardown(void **state);

/*
 * Process in (XML text) as roles with flags. *out (unless out is NULL)
 * gets a malloc'd copy of the output, or NULL when there is none; the
 * output must be text of its stated length.
 */
cp_status tu_proc_flags(cp_ctx *ctx, uint32_t roles, const char *in,
                        unsigned int flags, char **out);
/* The same with CP_PROCESS. */
cp_status tu_proc(cp_ctx *ctx, uint32_t roles, const char *in, char **out);

#if defined(__GNUC__)
#define TU_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TU_PRINTF(f, a)
#endif

/* A growable string (for documents and expected answers); start it as
   {NULL, 0, 0}, free p. It is NUL-terminated once anything is put. */
typedef struct tu_sbuf {
    char *p;
    size_t len, cap;
} tu_sbuf;

void tu_sb_putn(tu_sbuf *b, const char *s, size_t n);
void tu_sb_put(tu_sbuf *b, const char *s);
void tu_sb_add(tu_sbuf *b, const char *fmt, ...) TU_PRINTF(2, 3);

/* Set policy id to value as the manager; it must succeed. */
void tu_setpol(cp_ctx *ctx, uint32_t id, uint32_t value);
/* The TPS the device holds is url (NULL: it holds none). */
void tu_tps_is(cp_ctx *ctx, const char *url);

#endif
