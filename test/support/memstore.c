/*
 * memstore.c - the tests' cp_storage: counting and failing hooks in front
 * of a library in-memory store (cp_store_mem_open). The tests' own
 * bookkeeping is only the list of names, so that they can walk the blobs.
 */
#include <stdlib.h>
#include <string.h>

#include "memstore.h"

/* Out of memory or a broken test: nothing sensible to go on with. */
static void need(int ok)
{
    if (!ok)
        abort();
}

void ms_init(memstore *m)
{
    memset(m, 0, sizeof *m);
    need(cp_store_mem_open(&m->mem) == CP_OK);
    m->got = calloc(MS_MAX, sizeof *m->got);
    need(m->got != NULL);
}

void ms_free(memstore *m)
{
    int i;
    if (m->got != NULL)
        for (i = 0; i < MS_MAX; i++)
            free(m->got[i]);
    free(m->got);
    cp_store_mem_close(&m->mem);
    memset(m, 0, sizeof *m);
}

static int find(const memstore *m, const char *name)
{
    int i;
    for (i = 0; i < m->n; i++)
        if (strcmp(m->name[i], name) == 0)
            return i;
    return -1;
}

/* Name a blob in the list (once). */
static void note(memstore *m, const char *name)
{
    if (find(m, name) >= 0)
        return;
    need(m->n < MS_MAX && strlen(name) <= CP_STORE_NAME_MAX);
    strcpy(m->name[m->n++], name);
}

void ms_put(memstore *m, const char *name, const void *data, size_t len)
{
    need(m->mem.save(m->mem.user, name, data, len) == CP_OK);
    note(m, name);
}

const uint8_t *ms_get(const memstore *m, const char *name, size_t *len)
{
    int i = find(m, name);
    size_t n = 0;
    uint8_t *copy;
    if (i < 0 || m->mem.load(m->mem.user, name, NULL, 0, &n) == CP_E_NOT_FOUND)
        return NULL;
    copy = malloc(n ? n : 1);
    need(copy != NULL &&
         m->mem.load(m->mem.user, name, copy, n, &n) == CP_OK);
    free(m->got[i]);
    m->got[i] = copy;
    if (len)
        *len = n;
    return copy;
}

const char *ms_name(const memstore *m, int i)
{
    need(i >= 0 && i < m->n);
    return m->name[i];
}

static cp_status ms_load(void *user, const char *name, uint8_t *buf,
                         size_t cap, size_t *len)
{
    memstore *m = user;
    return m->mem.load(m->mem.user, name, buf, cap, len);
}

static cp_status ms_save(void *user, const char *name, const uint8_t *data,
                         size_t len)
{
    memstore *m = user;
    cp_status st;
    m->saves++;
    if (m->fail_after_journal == 2 && strcmp(name, "journal") != 0)
        return CP_E_IO;
    if (m->fail_after_journal == 1 && strcmp(name, "journal") == 0)
        m->fail_after_journal = 2;
    if (m->fail_saves > 0) {
        m->fail_saves--;
        return CP_E_IO;
    }
    st = m->mem.save(m->mem.user, name, data, len);
    if (st == CP_OK)
        note(m, name);
    return st;
}

void ms_attach(cp_config *cfg, memstore *m)
{
    cfg->storage.load = ms_load;
    cfg->storage.save = ms_save;
    cfg->storage.user = m;
}

void ms_snap_take(const memstore *m, ms_snap *s)
{
    int i;
    s->n = 0;
    for (i = 0; i < m->n; i++) {
        size_t len = 0;
        const uint8_t *d = ms_get(m, m->name[i], &len);
        need(d != NULL);
        strcpy(s->b[i].name, m->name[i]);
        s->b[i].data = malloc(len ? len : 1);
        need(s->b[i].data != NULL);
        memcpy(s->b[i].data, d, len);
        s->b[i].len = len;
        s->n = i + 1;
    }
}

void ms_snap_free(ms_snap *s)
{
    int i;
    for (i = 0; i < s->n; i++)
        free(s->b[i].data);
    memset(s, 0, sizeof *s);
}
