/*
 * store_mem.c - cp_storage kept in host memory: a list of named blobs that
 * outlives the contexts using it (tests, simulators). Each save stores a
 * copy, so the caller's buffer may go away. Replacing a blob swaps one
 * pointer, so a failed save (out of memory) leaves the old content.
 *
 * Host memory (malloc), not context memory: the store belongs to no context.
 */
#include <stdlib.h>
#include <string.h>

#include "omacp/store.h"
#include "../base/base.h"

#define NAME_MAX_LEN 63

struct mblob {
    struct mblob *next;
    char name[NAME_MAX_LEN + 1];
    uint8_t *data; /* NULL when len is 0 */
    size_t len;
};

struct mstore {
    struct mblob *head;
    cp_ntab tab; /* the blobs by name */
    cp_allocator a; /* the C library's, for the table */
};

static const char *mblob_name(const void *item)
{
    return ((const struct mblob *)item)->name;
}

/* The same names as the file store: letters, digits, '.', '_', '-'. */
static int name_ok(const char *name)
{
    static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz"
                                  "0123456789._-";
    size_t i;
    if (name == NULL || name[0] == '\0' || name[0] == '.')
        return 0;
    for (i = 0; name[i] != '\0'; i++)
        if (i >= NAME_MAX_LEN || strchr(allowed, name[i]) == NULL)
            return 0;
    return 1;
}

static struct mblob *find(const struct mstore *ms, const char *name)
{
    return cp_ntab__find(&ms->tab, name);
}

static cp_status ms_load(void *user, const char *name, uint8_t *buf,
                         size_t cap, size_t *len)
{
    const struct mstore *ms = user;
    const struct mblob *b;
    if (ms == NULL || len == NULL || (buf == NULL && cap != 0) ||
        !name_ok(name))
        return CP_E_INVALID_ARG;
    b = find(ms, name);
    if (b == NULL)
        return CP_E_NOT_FOUND;
    *len = b->len;
    if (b->len > cap)
        return CP_E_BUFFER_TOO_SMALL;
    if (b->len != 0)
        memcpy(buf, b->data, b->len);
    return CP_OK;
}

static cp_status ms_save(void *user, const char *name, const uint8_t *data,
                         size_t len)
{
    struct mstore *ms = user;
    struct mblob *b;
    uint8_t *copy = NULL;
    if (ms == NULL || (data == NULL && len != 0) || !name_ok(name))
        return CP_E_INVALID_ARG;
    if (len != 0) {
        copy = malloc(len);
        if (copy == NULL)
            return CP_E_NOMEM;
        memcpy(copy, data, len);
    }
    b = find(ms, name);
    if (b == NULL) {
        b = malloc(sizeof *b);
        if (b == NULL) {
            free(copy);
            return CP_E_NOMEM;
        }
        memcpy(b->name, name, strlen(name) + 1);
        if (cp_ntab__put(&ms->tab, &ms->a, b) != CP_OK) {
            free(b);
            free(copy);
            return CP_E_NOMEM;
        }
        b->next = ms->head;
        ms->head = b;
    } else {
        free(b->data);
    }
    b->data = copy;
    b->len = len;
    return CP_OK;
}

CP_EXPORT cp_status cp_store_mem_open(cp_storage *out)
{
    struct mstore *ms;
    if (out == NULL)
        return CP_E_INVALID_ARG;
    memset(out, 0, sizeof *out);
    ms = malloc(sizeof *ms);
    if (ms == NULL)
        return CP_E_NOMEM;
    ms->head = NULL;
    cp_mem__default(&ms->a);
    cp_ntab__init(&ms->tab, mblob_name);
    out->load = ms_load;
    out->save = ms_save;
    out->user = ms;
    return CP_OK;
}

CP_EXPORT void cp_store_mem_close(cp_storage *s)
{
    struct mstore *ms;
    struct mblob *b;
    if (s == NULL || s->load != ms_load || s->user == NULL)
        return;
    ms = s->user;
    b = ms->head;
    while (b != NULL) {
        struct mblob *next = b->next;
        free(b->data);
        free(b);
        b = next;
    }
    cp_ntab__free(&ms->tab, &ms->a);
    free(ms);
    s->load = NULL;
    s->save = NULL;
    s->user = NULL;
}
