/* ntab.c - a table of named records by hash, for the stores' blob lookups. */
#include <string.h>

#include "base.h"

static size_t name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a, 32 bits however wide size_t is */
    for (; *s; s++)
        h = (uint32_t)(((unsigned long)(h ^ (uint8_t)*s) * 16777619ul) &
                       0xFFFFFFFFul);
    return (size_t)h;
}

void cp_ntab__init(cp_ntab *t, const char *(*name_of)(const void *item))
{
    t->slot = NULL;
    t->cap = t->count = 0;
    t->name_of = name_of;
}

void *cp_ntab__find(const cp_ntab *t, const char *name)
{
    size_t i, k;
    if (t->cap == 0)
        return NULL;
    i = name_hash(name) & (t->cap - 1);
    for (k = 0; k < t->cap && t->slot[i] != NULL; k++) {
        if (strcmp(t->name_of(t->slot[i]), name) == 0)
            return t->slot[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

static void place(void **slot, size_t cap, void *item, const char *name)
{
    size_t i = name_hash(name) & (cap - 1);
    while (slot[i] != NULL)
        i = (i + 1) & (cap - 1);
    slot[i] = item;
}

cp_status cp_ntab__put(cp_ntab *t, const cp_allocator *a, void *item)
{
    if ((t->count + 1) * 2 > t->cap) { /* at most half full */
        size_t cap = t->cap ? t->cap * 2 : 16, i;
        void **s;
        if (cap > (size_t)-1 / sizeof *s)
            return CP_E_NOMEM;
        s = cp_mem__alloc(a, cap * sizeof *s);
        if (s == NULL)
            return CP_E_NOMEM;
        for (i = 0; i < cap; i++)
            s[i] = NULL;
        for (i = 0; i < t->cap; i++)
            if (t->slot[i] != NULL)
                place(s, cap, t->slot[i], t->name_of(t->slot[i]));
        cp_mem__free(a, t->slot);
        t->slot = s;
        t->cap = cap;
    }
    place(t->slot, t->cap, item, t->name_of(item));
    t->count++;
    return CP_OK;
}

void cp_ntab__free(cp_ntab *t, const cp_allocator *a)
{
    cp_mem__free(a, t->slot);
    t->slot = NULL;
    t->cap = t->count = 0;
}
