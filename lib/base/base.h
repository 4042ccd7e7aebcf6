/*
 * base.h - floor 1 internals: the context, memory, errors, buffers and the
 * bounds-checked reader. Not installed.
 */
#ifndef CP_BASE_H
#define CP_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "omacp/common.h"
#include "omacp/ctx.h"

#if defined(__GNUC__) || defined(__clang__)
#define CP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CP_PRINTF(f, a)
#endif

#define CP_ERRMSG_MAX 200
#define CP_ERRPATH_MAX 256

/* ---- memory ------------------------------------------------------------- */

/* The allocator with defaults filled in (never has NULL hooks). */
void *cp_mem__alloc(const cp_allocator *a, size_t n);
void *cp_mem__realloc(const cp_allocator *a, void *p, size_t n);
void cp_mem__free(const cp_allocator *a, void *p);
/* Fill a with the C library's hooks. */
void cp_mem__default(cp_allocator *a);

/* ---- versioned structs (version.c) -------------------------------------- */

/*
 * The size of a struct through member m: the minimum struct_size of a
 * versioned struct is this for the last member of its first release,
 * frozen (never sizeof, which grows with every appended member).
 */
#define CP_SIZE_THROUGH(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))
/*
 * The sizeof a struct had in its first release: CP_SIZE_THROUGH its last
 * member then rounded up to the struct's alignment, as the compiler did.
 * What the 0.1.0 symbols of the *_init functions write, and the layout a
 * 0.1.0 caller gets. A file using it declares CP_ALIGN_DECL(type) first.
 */
#define CP_ALIGN_DECL(type)                                                  \
    typedef struct {                                                         \
        char c;                                                              \
        type t;                                                              \
    } cp_align__##type
#define CP_ALIGN_OF(type) offsetof(cp_align__##type, t)
#define CP_FIRST_SIZE(type, last)                                            \
    ((CP_SIZE_THROUGH(type, last) + CP_ALIGN_OF(type) - 1) /                 \
     CP_ALIGN_OF(type) * CP_ALIGN_OF(type))
/* The largest struct_size taken: anything above is garbage, not a release. */
#define CP_STRUCT_SIZE_MAX ((size_t)1 << 16)

/* Which release's layouts a context's caller was compiled against. */
#define CP_ABI__CURRENT 0
#define CP_ABI__010 1
#define CP_VERSION__0_1_0 0x000100UL
#define CP_VERSION__0_2_0 0x000200UL

/*
 * What every public *_init_size does first: zero size bytes of p (the
 * caller's struct, as big as the caller compiled it) and set its
 * struct_size to size. NULL or a size below a size_t: nothing.
 */
void cp_struct__init(void *p, size_t size);
/* The same, then the defaults (a struct of cur bytes, this library's
   layout) copied into what size covers, struct_size kept. */
void cp_struct__init_from(void *p, size_t size, const void *defaults,
                          size_t cur);
/* 1 when size is a struct_size to take: min <= size <= CP_STRUCT_SIZE_MAX. */
int cp_struct__size_ok(size_t size, size_t min);
/*
 * Take a caller's struct in: src starts with its struct_size; dst (cur
 * bytes, this library's layout, already holding the defaults) receives the
 * bytes both layouts have; dst's struct_size says cur. CP_E_VERSION when
 * the caller's size is below min or absurd (dst untouched).
 */
cp_status cp_struct__take(void *dst, size_t cur, const void *src, size_t min);
/*
 * Give a struct out: dst is the caller's, starting with its struct_size;
 * it receives the bytes of src (cur bytes, this library's layout) that its
 * size covers and keeps its struct_size. CP_E_VERSION as above.
 */
cp_status cp_struct__give(void *dst, const void *src, size_t cur, size_t min);
/*
 * The same, recording in ctx (when not NULL) which struct (type, e.g.
 * "cp_auth_options") had a size this library does not know; _check only
 * checks p's struct_size.
 */
cp_status cp_struct__check(cp_ctx *ctx, const char *type, const void *p,
                           size_t min);
cp_status cp_struct__take_in(cp_ctx *ctx, const char *type, void *dst,
                             size_t cur, const void *src, size_t min);
cp_status cp_struct__give_out(cp_ctx *ctx, const char *type, void *dst,
                              const void *src, size_t cur, size_t min);
/*
 * Fill a struct the call itself prepares (a verdict, a result, a
 * description: the caller passes it uninitialised, so its struct_size
 * cannot be read): out gets src (cur bytes, this library's layout) in the
 * layout of the release ctx's cp_config came from: the first layout
 * (first bytes) for a 0.1.0 caller, this one otherwise; its struct_size
 * says which.
 */
void cp_struct__fill(const cp_ctx *ctx, void *out, const void *src,
                     size_t cur, size_t first);
/*
 * Take a cp_config (NULL: keep c's defaults) from a caller compiled
 * against header_version: a 0.1.0 one is translated, a later one taken by
 * the rule, with the structs it holds by value checked too. *abi: the
 * layouts to fill for that caller (CP_ABI__010 for a 0.1.0 program, by
 * its header_version or its config's size).
 */
cp_status cp_config__take(cp_config *c, const cp_config *cfg,
                          unsigned long header_version, int *abi);
/*
 * The limits as a caller of release abi reads them: l itself, or a copy in
 * the 0.1.0 layout written into space (space_len bytes, 5 size_t).
 */
const void *cp_limits__for_abi(const cp_limits *l, int abi, void *space,
                               size_t space_len);

/*
 * A cp_storage the stores' open and close functions fill or read: size is
 * the caller's sizeof(cp_storage), the 0.1.0 size meaning the 0.1.0
 * layout (no struct_size). _size_ok: a size one of them may be; _put
 * writes s into out in that layout; _get reads it back.
 */
size_t cp_storage__size_010(void);
int cp_storage__size_ok(size_t size);
void cp_storage__put(void *out, size_t size, const cp_storage *s);
void cp_storage__get(const void *in, size_t size, cp_storage *s);

/* ---- named records by hash (ntab.c) ------------------------------------ */

/*
 * Records found by their name; the table holds pointers, the records their
 * names (name_of). No removal: a store keeps a blob's record once made.
 */
typedef struct cp_ntab {
    void **slot;
    size_t cap, count;
    const char *(*name_of)(const void *item);
} cp_ntab;

void cp_ntab__init(cp_ntab *t, const char *(*name_of)(const void *item));
void *cp_ntab__find(const cp_ntab *t, const char *name);
/* Add item (whose name is not in t yet). */
cp_status cp_ntab__put(cp_ntab *t, const cp_allocator *a, void *item);
void cp_ntab__free(cp_ntab *t, const cp_allocator *a);

/* ---- the context -------------------------------------------------------- */

typedef struct cp_error_detail {
    cp_status code;
    size_t offset;
    unsigned long line, column;
    char message[CP_ERRMSG_MAX];
    char path[CP_ERRPATH_MAX];
} cp_error_detail;

#define CP_IMSI_MAX_DIGITS 15

/*
 * Per-floor slots. An upper floor keeps its state for a context in a slot
 * it registers: a kind (a static struct of its own, whose address is the
 * key) and a pointer. Base knows no upper floor by name: it only calls
 * the kind's hooks. drop: forget what is cached from storage (an aborted
 * transaction, or another process may have changed it; may be NULL);
 * free: release the state (cp_ctx_free, after drop).
 */
typedef struct cp_slot_kind {
    const char *name; /* for debugging: "trust", "engine" */
    void (*drop)(cp_ctx *ctx, void *state);
    void (*free)(cp_ctx *ctx, void *state);
} cp_slot_kind;

#define CP_CTX_SLOTS 4

typedef struct cp_slot {
    const cp_slot_kind *kind;
    void *state;
} cp_slot;

struct cp_ctx {
    cp_allocator alloc;
    cp_limits limits;
    cp_error_detail err;
    cp_storage storage;
    cp_profile profile;
    cp_tier tier;
    char imsis[CP_MAX_IMSIS][CP_IMSI_MAX_DIGITS + 1];
    size_t n_imsis;
    unsigned min_pinmac_digits;
    unsigned auth_compat;
    int strict_validation;
    int abi;               /* CP_ABI__*: the caller's release (cp_config) */
    size_t limits_010[5];  /* limits in the 0.1.0 layout, for such a caller */
    /* State of the upper floors, owned by them (cp_ctx__slot). */
    cp_slot slots[CP_CTX_SLOTS];
    /* Storage: the built-in memory store when the host gives none. */
    struct cp_memstore *mem; /* made on the first save (store_mem.c) */
    struct cp_staged *staged; /* saves staged by an open transaction */
    cp_ntab staged_tab;       /* staged by name */
    int in_txn;
    int recovered;
    int commit_pending; /* the last commit stored only its journal */
    int busy; /* inside cp_process_config_xml / cp_push_process */
    /* Storage lock hooks (0.2.0); held from enter to leave. lock_failed:
       this call could not take it, so storage access fails. */
    cp_storage_ext storage_ext;
    int lock_held, lock_failed;
    /* The chunks of the last freed document, for the next one (alloc.c);
       NULL with allocator hooks. */
    struct cp_pool *pool;
};

/* The state kept in ctx's slot of kind, or NULL. */
void *cp_ctx__slot(const cp_ctx *ctx, const cp_slot_kind *kind);
/*
 * Keep state in ctx's slot of kind (replacing what it held, without
 * freeing it; NULL empties the slot). CP_E_LIMIT when every slot is taken.
 */
cp_status cp_ctx__set_slot(cp_ctx *ctx, const cp_slot_kind *kind,
                           void *state);
/* Call every slot's drop hook (cached stored state is stale). */
void cp_ctx__drop_slots(cp_ctx *ctx);
/* Call every slot's free hook, last registered first, and empty them. */
void cp_ctx__free_slots(cp_ctx *ctx);

/*
 * Record a failure and return st. offset may be CP_NO_OFFSET. The message
 * is printf-formatted and cut to fit. The path is cleared.
 */
cp_status cp_err__set(cp_ctx *ctx, cp_status st, size_t offset,
                      const char *fmt, ...) CP_PRINTF(4, 5);
/* The same with a line and column (XML). */
cp_status cp_err__set_lc(cp_ctx *ctx, cp_status st, unsigned long line,
                         unsigned long column, const char *fmt, ...)
    CP_PRINTF(5, 6);
/* Set the element path of the recorded failure. */
void cp_err__set_path(cp_ctx *ctx, const char *path);

/*
 * TERSE builds (-DCP_TERSE=1, make TERSE=1 or FIRMWARE=1) keep a failure's
 * status, offset or line and column, and path, but its message is
 * cp_strerror's short text: the calls become cp_err__code and
 * cp_err__code_lc, and the format with its arguments only stays inside
 * sizeof, which the compiler type-checks (CP_PRINTF) but never evaluates
 * or emits, so no format string reaches the binary. (No call passes an
 * argument with a side effect.)
 */
#if defined(CP_TERSE) && CP_TERSE
cp_status cp_err__code(cp_ctx *ctx, cp_status st, size_t offset);
cp_status cp_err__code_lc(cp_ctx *ctx, cp_status st, unsigned long line,
                          unsigned long column);
/* Never defined: only named inside sizeof. */
int cp_err__fmt(const char *fmt, ...) CP_PRINTF(1, 2);
#define cp_err__set(ctx, st, offset, ...)                                    \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)), cp_err__code((ctx), (st), (offset)))
#define cp_err__set_lc(ctx, st, line, column, ...)                           \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)),                                 \
     cp_err__code_lc((ctx), (st), (line), (column)))
#endif

/*
 * For static analyzers only (clang-tidy's defines __clang_analyzer__,
 * .ci/analyze defines CP_ANALYZER for gcc -fanalyzer): they see one file at
 * a time, so they cannot know that these return their st argument and
 * follow impossible "failed, yet returned CP_OK" paths. Show them the value.
 * ctx.c, which defines the functions, sets CP_ERR_DEFINE. No effect on a
 * normal build.
 */
#if (defined(__clang_analyzer__) || defined(CP_ANALYZER)) && \
    !defined(CP_ERR_DEFINE) && !(defined(CP_TERSE) && CP_TERSE)
#define cp_err__set(ctx, st, ...) \
    (cp_err__set((ctx), (st), __VA_ARGS__), (st))
#define cp_err__set_lc(ctx, st, ...) \
    (cp_err__set_lc((ctx), (st), __VA_ARGS__), (st))
#endif

/* ---- growable byte buffer ---------------------------------------------- */

typedef struct cp_buf {
    uint8_t *p;
    size_t len, cap;
    const cp_allocator *a;
    size_t max; /* 0: no cap; else growing past it fails with CP_E_LIMIT */
} cp_buf;

void cp_buf__init(cp_buf *b, const cp_allocator *a);
cp_status cp_buf__reserve(cp_buf *b, size_t extra);
cp_status cp_buf__put(cp_buf *b, const void *data, size_t n);
cp_status cp_buf__putc(cp_buf *b, uint8_t c);
cp_status cp_buf__puts(cp_buf *b, const char *s);
/* Hand the bytes over (NUL-terminated, not counted); the buffer is reset. */
cp_status cp_buf__take(cp_buf *b, uint8_t **out, size_t *out_len);
void cp_buf__free(cp_buf *b);

/* ---- bounds-checked reader --------------------------------------------- */

typedef struct cp_rd {
    const uint8_t *start, *p, *end;
} cp_rd;

void cp_rd__init(cp_rd *r, const uint8_t *p, size_t n);
size_t cp_rd__off(const cp_rd *r);
size_t cp_rd__left(const cp_rd *r);
cp_status cp_rd__u8(cp_rd *r, uint8_t *out);
cp_status cp_rd__peek(const cp_rd *r, uint8_t *out);
/* Big-endian 16- and 32-bit values (stored blobs). */
cp_status cp_rd__be16(cp_rd *r, uint16_t *out);
cp_status cp_rd__be32(cp_rd *r, uint32_t *out);
/* The next n octets: borrowed (*out points into the input) or copied. */
cp_status cp_rd__take(cp_rd *r, size_t n, const uint8_t **out);
cp_status cp_rd__copy(cp_rd *r, void *out, size_t n);
cp_status cp_rd__skip(cp_rd *r, size_t n);
/* WBXML mb_u_int32 / WSP uintvar: at most 5 octets, value <= 0xFFFFFFFF. */
cp_status cp_rd__mbu32(cp_rd *r, uint32_t *out);

/* ---- arena ------------------------------------------------------------- */

typedef struct cp_arena_chunk cp_arena_chunk;
typedef struct cp_pool cp_pool;
typedef struct cp_arena {
    cp_allocator a;
    cp_arena_chunk *head;
    size_t next_size; /* size of the next chunk to get */
    cp_pool *pool; /* where the memory goes back to, or NULL */
    size_t held;   /* bytes of every chunk, headers included */
} cp_arena;

void cp_arena__init(cp_arena *ar, const cp_allocator *a, size_t first);
/*
 * The same, starting with the chunk pool keeps from a freed arena (when
 * it has one); cp_arena__free gives the memory back to the pool. pool may
 * be NULL (cp_arena__init).
 */
void cp_arena__init_pooled(cp_arena *ar, const cp_allocator *a, size_t first,
                           cp_pool *pool);
void *cp_arena__alloc(cp_arena *ar, size_t n); /* aligned for any object */
/* The largest object cp_arena__alloc can place without a new chunk. */
size_t cp_arena__room(const cp_arena *ar);
char *cp_arena__strndup(cp_arena *ar, const char *s, size_t n);
void cp_arena__free(cp_arena *ar);

/*
 * A context's pool: the memory of the largest freed document arena,
 * as one chunk of at most cap bytes, kept so that the next document reuses
 * memory the process has already faulted in instead of getting fresh pages
 * from the C library. Only contexts on the default allocator have one (with hooks
 * the host's allocator decides). A document holds a reference, so the pool
 * outlives its context while documents made with it live; the slot and the
 * count are atomic, so documents may be freed on any thread.
 */
cp_pool *cp_pool__new(const cp_allocator *a, size_t cap);
void cp_pool__release(cp_pool *pool); /* drop a reference */
void cp_pool__trim(cp_pool *pool);    /* free the chunk kept */

/* ---- text -------------------------------------------------------------- */

/* 1 when s[0..n) is valid UTF-8 without NUL, no overlongs or surrogates. */
int cp_utf8__valid(const uint8_t *s, size_t n);
/* Encode code point cp (<= 0x10FFFF, not a surrogate) into out; bytes written, 0 if invalid. */
size_t cp_utf8__encode(uint32_t cp, uint8_t out[4]);
/* 1 when name is a valid blob name (omacp/ctx.h, CP_STORE_NAME_MAX). */
int cp_store__name_ok(const char *name);
/* ASCII case-insensitive compare of NUL-terminated strings (0 when equal). */
int cp_str__casecmp(const char *a, const char *b);

/*
 * Enter / leave a context for a whole call. cp_ctx__enter returns
 * CP_E_BUSY when another call (another thread, or a callback re-entering
 * the library) is inside; the flag is set atomically where the compiler
 * offers atomics. With storage lock hooks, enter also takes the lock
 * (waiting for it) and drops the caches of stored state; when the lock
 * cannot be taken enter still succeeds and every storage access of the
 * call fails with CP_E_STORAGE (so callers need no new failure path).
 * leave releases it.
 */
cp_status cp_ctx__enter(cp_ctx *ctx);
void cp_ctx__leave(cp_ctx *ctx);

/* Overflow-checked size_t addition: 0 on success. */
static inline int cp_add__ovf(size_t a, size_t b, size_t *out)
{
    if (a > (size_t)-1 - b)
        return 1;
    *out = a + b;
    return 0;
}

#endif /* CP_BASE_H */
