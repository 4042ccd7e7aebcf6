/*
 * csp_example.c - a firmware's view of libomacp's engine: register a
 * configuration service provider (CSP) for a characteristic type, then let
 * cp_process_config_xml() route documents to it with the caller's roles.
 *
 * The CSP here keeps "Ringtone" settings (two parms, VOLUME and FILE) in a
 * plain struct, and lets the engine do the undo (external transactioning):
 * before every write the engine asks parm_query for the old value and puts
 * it back if the document fails.
 *
 * Build: cc csp_example.c $(pkg-config --cflags --libs omacp)
 */
#include <stdio.h>
#include <string.h>

#include <omacp.h>

struct ringtone {
    char volume[8];
    char file[64];
};

static char *slot(struct ringtone *r, const char *name)
{
    if (strcmp(name, "VOLUME") == 0)
        return r->volume;
    if (strcmp(name, "FILE") == 0)
        return r->file;
    return NULL;
}

static cp_status rt_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    char *dst = slot(user, name);
    size_t cap = strcmp(name, "VOLUME") == 0 ? 8 : 64;
    (void)s;
    (void)path;
    (void)cookie;
    if (dst == NULL || value == NULL || strlen(value) >= cap)
        return CP_E_BAD_DOC; /* the engine reports it on the element */
    memcpy(dst, value, strlen(value) + 1);
    return CP_OK;
}

static cp_status rt_noparm(void *user, cp_csp_session *s, const char *path,
                           const char *name, void *cookie)
{
    char *dst = slot(user, name);
    (void)s;
    (void)path;
    (void)cookie;
    if (dst == NULL || dst[0] == '\0')
        return CP_E_NOT_FOUND;
    dst[0] = '\0';
    return CP_OK;
}

static cp_status rt_query(void *user, cp_csp_session *s, const char *path,
                          const char *name, void *cookie)
{
    const char *v = slot(user, name);
    (void)path;
    (void)cookie;
    if (v == NULL || v[0] == '\0')
        return CP_E_NOT_FOUND;
    return cp_csp_answer(s, v);
}

static void show(cp_ctx *ctx, const char *what, const char *doc, uint32_t roles)
{
    char *out = NULL;
    size_t len = 0;
    cp_status st = cp_process_config_xml(ctx, doc, strlen(doc), roles,
                                         CP_PROCESS, &out, &len);
    printf("%s: %s\n  %s\n", what, st ? cp_strerror(st) : "applied",
           out ? out : "(no output)");
    cp_free(ctx, out);
}

int main(void)
{
    static const cp_csp_ops ops = {
        sizeof(cp_csp_ops), 0 /* external transactioning */, NULL, NULL, NULL,
        rt_parm, rt_noparm, rt_query, NULL, NULL, NULL, NULL, NULL};
    struct ringtone rt = {"5", "classic.mid"};
    cp_config cfg;
    cp_ctx *ctx;
    cp_meta m;
    uint32_t app_roles;

    cp_config_init(&cfg);
    cfg.tier = CP_TIER_TWO;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return 1;
    cp_csp_register_builtins(ctx);                /* SecurityPolicy, BOOTSTRAP, ... */
    cp_csp_register_settings(ctx, "NAPDEF");      /* a stored settings tree per type */
    cp_csp_register_settings(ctx, "APPLICATION");
    cp_csp_register(ctx, "Ringtone", &ops, &rt);  /* our own CSP */

    /* Who may touch it: by default only MANAGER. Let the user change it. */
    cp_meta_init(&m);
    m.access_roles = CP_ROLE_MANAGER | CP_ROLE_USER_AUTH;
    cp_meta_set(ctx, "Ringtone", &m);

    /* A normal application on a two-tier device is USER_AUTH. */
    cp_source_roles(ctx, CP_SOURCE_API_NORMAL, NULL, &app_roles);
    show(ctx, "query", "<wap-provisioningdoc><characteristic type=\"Ringtone\">"
                       "<parm-query name=\"VOLUME\"/></characteristic>"
                       "</wap-provisioningdoc>", app_roles);
    show(ctx, "set", "<wap-provisioningdoc><characteristic type=\"Ringtone\">"
                     "<parm name=\"VOLUME\" value=\"7\"/></characteristic>"
                     "</wap-provisioningdoc>", app_roles);
    /* All or nothing: the second characteristic is refused (SecurityPolicy
       needs MANAGER), so the ringtone change in the same document is undone. */
    show(ctx, "mixed", "<wap-provisioningdoc><characteristic type=\"Ringtone\">"
                       "<parm name=\"FILE\" value=\"loud.mid\"/></characteristic>"
                       "<characteristic type=\"SecurityPolicy\">"
                       "<parm name=\"4097\" value=\"1\"/></characteristic>"
                       "</wap-provisioningdoc>", app_roles);
    printf("ringtone now: VOLUME=%s FILE=%s\n", rt.volume, rt.file);
    cp_ctx_free(ctx);
    return strcmp(rt.file, "classic.mid") == 0 && strcmp(rt.volume, "7") == 0
               ? 0
               : 1;
}
