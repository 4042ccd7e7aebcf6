/* memstore.c - an in-memory cp_storage for tests. */
#include <stdlib.h>
#include <string.h>

#include "memstore.h"

void ms_init(memstore *m)
{
    memset(m, 0, sizeof *m);
}

void ms_free(memstore *m)
{
    int i;
    for (i = 0; i < m->n; i++)
        free(m->blob[i].data);
    memset(m, 0, sizeof *m);
}

static int find(const memstore *m, const char *name)
{
    int i;
    for (i = 0; i < m->n; i++)
        if (strcmp(m->blob[i].name, name) == 0)
            return i;
    return -1;
}

void ms_put(memstore *m, const char *name, const void *data, size_t len)
{
    int i = find(m, name);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, data, len);
    if (i < 0) {
        if (m->n == MS_MAX)
            abort();
        i = m->n++;
        strncpy(m->blob[i].name, name, sizeof m->blob[i].name - 1);
    } else {
        free(m->blob[i].data);
    }
    m->blob[i].data = copy;
    m->blob[i].len = len;
}

const uint8_t *ms_get(const memstore *m, const char *name, size_t *len)
{
    int i = find(m, name);
    if (i < 0)
        return NULL;
    if (len)
        *len = m->blob[i].len;
    return m->blob[i].data;
}

static cp_status ms_load(void *user, const char *name, uint8_t *buf,
                         size_t cap, size_t *len)
{
    memstore *m = user;
    int i = find(m, name);
    if (i < 0)
        return CP_E_NOT_FOUND;
    *len = m->blob[i].len;
    if (cap < m->blob[i].len)
        return CP_E_BUFFER_TOO_SMALL;
    memcpy(buf, m->blob[i].data, m->blob[i].len);
    return CP_OK;
}

static cp_status ms_save(void *user, const char *name, const uint8_t *data,
                         size_t len)
{
    memstore *m = user;
    m->saves++;
    if (m->fail_after_journal == 2 && strcmp(name, "journal") != 0)
        return CP_E_IO;
    if (m->fail_after_journal == 1 && strcmp(name, "journal") == 0)
        m->fail_after_journal = 2;
    if (m->fail_saves > 0) {
        m->fail_saves--;
        return CP_E_IO;
    }
    ms_put(m, name, data, len);
    return CP_OK;
}

void ms_attach(cp_config *cfg, memstore *m)
{
    cfg->storage.load = ms_load;
    cfg->storage.save = ms_save;
    cfg->storage.user = m;
}
