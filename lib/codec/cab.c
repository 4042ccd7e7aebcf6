/*
 * cab.c - the cabinet (.cab) reader of .cpf files: the header and the
 * Authenticode signature area read here by hand (bounds-checked), the
 * member list and the decompression (MSZIP, LZX, Quantum, stored) by
 * libmspack, the one file that includes mspack.h.
 *
 * libmspack does its I/O and allocation through a struct mspack_system;
 * ours reads the cabinet from memory, writes the member into a capped
 * buffer (so a compression bomb stops at the document limit while it is
 * being decompressed) and allocates through the context's allocator.
 * Nothing touches the file system.
 *
 * Cabinet header (all little-endian), as the Microsoft cabinet format
 * defines it: "MSCF", reserved1 u32, cbCabinet u32, reserved2 u32,
 * coffFiles u32, reserved3 u32, versionMinor u8, versionMajor u8,
 * cFolders u16, cFiles u16, flags u16, setID u16, iCabinet u16, then with
 * flag RESERVE_PRESENT: cbCFHeader u16, cbCFFolder u8, cbCFData u8 and
 * cbCFHeader octets of reserve. An Authenticode-signed cabinet has a
 * 20-octet reserve: u32 0x00100000, u32 offset and u32 size of the
 * signature (a PKCS#7 SignedData appended after the cabinet, padded to 8
 * octets), 8 zero octets; its digest covers octets 0-3, 8-33 and 56 up to
 * the signature (the reserve's signature fields and iCabinet are not
 * digested, so they are checked here to hold their only allowed values).
 */
#include <string.h>

#include "cab.h"

#ifndef CP_NO_CPF
#include <mspack.h>

#define FLAG_PREV 0x0001u
#define FLAG_NEXT 0x0002u
#define FLAG_RESERVE 0x0004u
#define HDR_LEN 36u
#define SIGNED_HDR_LEN 60u
#define AC_RESERVE 20u
#define AC_MARKER 0x00100000u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static cp_status bad(cp_ctx *ctx, size_t off, const char *what)
{
    return cp_err__set(ctx, CP_E_MALFORMED, off, "not a single .cpf cabinet: %s",
                       what);
}

/* The Authenticode reserve of a cabinet whose header says RESERVE_PRESENT. */
static cp_status signed_layout(cp_ctx *ctx, const uint8_t *p, size_t n,
                               size_t cab_len, cp_cab_layout *out)
{
    size_t sig_off, sig_len;
    if (n < SIGNED_HDR_LEN)
        return bad(ctx, n, "the header ends inside its reserved area");
    if (le16(p + 36) != AC_RESERVE || p[38] != 0 || p[39] != 0)
        return bad(ctx, 36, "its reserved area is not an Authenticode "
                            "signature header (20 octets, no folder or "
                            "data reserve)");
    if (le32(p + 40) != AC_MARKER || !all_zero(p + 52, 4))
        return bad(ctx, 40, "its reserved area is not an Authenticode "
                            "signature header");
    sig_off = le32(p + 44);
    sig_len = le32(p + 48);
    if (sig_off == 0 && sig_len == 0) { /* reserve present, never signed */
        if (cab_len != n)
            return bad(ctx, 8, "its size field does not match the file");
        return CP_OK;
    }
    /* declared, so it must verify: a signature that cannot even be found
       is refused, never read as "unsigned" */
    if (sig_off < SIGNED_HDR_LEN || sig_off > n || sig_len == 0 ||
        sig_len != n - sig_off || sig_off != cab_len)
        return cp_err__set(ctx, CP_E_REFUSED, 44,
                           "the cabinet's signature is not where its header "
                           "says (offset %lu, %lu octets, cabinet %lu, file "
                           "%lu octets): refused",
                           (unsigned long)sig_off, (unsigned long)sig_len,
                           (unsigned long)cab_len, (unsigned long)n);
    out->is_signed = 1;
    out->sig_off = sig_off;
    out->sig_len = sig_len;
    out->hashed[0].off = 0;
    out->hashed[0].len = 4;
    out->hashed[1].off = 8;
    out->hashed[1].len = 26;
    out->hashed[2].off = 56;
    out->hashed[2].len = sig_off - 56;
    out->n_hashed = 3;
    return CP_OK;
}

cp_status cp_cab__layout(cp_ctx *ctx, const uint8_t *p, size_t n,
                         cp_cab_layout *out)
{
    unsigned flags;
    size_t cab_len;
    memset(out, 0, sizeof *out);
    if (n < HDR_LEN || memcmp(p, "MSCF", 4) != 0)
        return bad(ctx, 0, "no cabinet header (MSCF)");
    if (!all_zero(p + 4, 4) || !all_zero(p + 12, 4) || !all_zero(p + 20, 4))
        return bad(ctx, 4, "reserved header fields are not zero");
    if (p[25] != 1 || p[24] != 3)
        return bad(ctx, 24, "cabinet format version is not 1.3");
    flags = le16(p + 30);
    if (flags & (FLAG_PREV | FLAG_NEXT))
        return bad(ctx, 30, "it is part of a multi-cabinet set");
    if (flags & ~(FLAG_PREV | FLAG_NEXT | FLAG_RESERVE))
        return bad(ctx, 30, "unknown header flags");
    if (le16(p + 34) != 0)
        return bad(ctx, 34, "it is not the first cabinet of its set");
    cab_len = le32(p + 8);
    out->cab_len = cab_len;
    if (flags & FLAG_RESERVE)
        return signed_layout(ctx, p, n, cab_len, out);
    if (cab_len != n)
        return bad(ctx, 8, "its size field does not match the file");
    return CP_OK;
}

/* ---- libmspack over memory ---------------------------------------------- */

/* What a "file name" handed to libmspack points at. */
typedef struct mem_desc {
    int writable;
    const uint8_t *p; /* read: the cabinet */
    size_t n;
    cp_buf *out;      /* write: the member, capped at max */
    size_t max;
    int over;         /* the member grew past max */
} mem_desc;

typedef struct mem_file {
    mem_desc *d;
    size_t pos;
} mem_file;

/*
 * The allocator of the cp_cab__extract call running on this thread.
 * libmspack hands its decompressors a copy of our mspack_system (with its
 * own read and write), so alloc() cannot find the context from its self
 * pointer; and free() gets no system pointer at all, so each block also
 * carries its allocator in front.
 */
#if defined(__GNUC__) || defined(__clang__)
static __thread const cp_allocator *cur_alloc;
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
static _Thread_local const cp_allocator *cur_alloc;
#else /* no thread-local storage: one cabinet at a time per process */
static const cp_allocator *cur_alloc;
#endif

typedef union blk_hdr {
    const cp_allocator *a;
    long double align_ld;
    void *align_p;
    uint64_t align_u;
} blk_hdr;

static void *ms_alloc(struct mspack_system *self, size_t bytes)
{
    const cp_allocator *a = cur_alloc;
    blk_hdr *h;
    (void)self;
    if (a == NULL || bytes > (size_t)-1 - sizeof *h)
        return NULL;
    h = cp_mem__alloc(a, sizeof *h + bytes);
    if (h == NULL)
        return NULL;
    h->a = a;
    return h + 1;
}

static void ms_free(void *ptr)
{
    blk_hdr *h;
    if (ptr == NULL)
        return;
    h = (blk_hdr *)ptr - 1;
    cp_mem__free(h->a, h);
}

static struct mspack_file *ms_open(struct mspack_system *self,
                                   const char *name, int mode)
{
    mem_desc *d = (mem_desc *)(uintptr_t)name; /* see mem_desc */
    mem_file *f;
    if (d == NULL || (mode == MSPACK_SYS_OPEN_READ) == d->writable ||
        (mode != MSPACK_SYS_OPEN_READ && mode != MSPACK_SYS_OPEN_WRITE))
        return NULL;
    f = ms_alloc(self, sizeof *f);
    if (f == NULL)
        return NULL;
    f->d = d;
    f->pos = 0;
    return (struct mspack_file *)(void *)f;
}

static void ms_close(struct mspack_file *file)
{
    ms_free(file);
}

static int ms_read(struct mspack_file *file, void *buf, int bytes)
{
    mem_file *f = (mem_file *)(void *)file;
    size_t k;
    if (bytes < 0 || f->d->writable)
        return -1;
    k = f->d->n - f->pos;
    if (k > (size_t)bytes)
        k = (size_t)bytes;
    if (k)
        memcpy(buf, f->d->p + f->pos, k);
    f->pos += k;
    return (int)k;
}

static int ms_write(struct mspack_file *file, void *buf, int bytes)
{
    mem_file *f = (mem_file *)(void *)file;
    mem_desc *d = f->d;
    if (bytes < 0 || !d->writable)
        return -1;
    if ((size_t)bytes > d->max - d->out->len) {
        d->over = 1; /* stop the decompressor now */
        return -1;
    }
    if (cp_buf__put(d->out, buf, (size_t)bytes) != CP_OK)
        return -1;
    f->pos = d->out->len;
    return bytes;
}

static int ms_seek(struct mspack_file *file, off_t offset, int mode)
{
    mem_file *f = (mem_file *)(void *)file;
    size_t n = f->d->writable ? f->d->out->len : f->d->n, base;
    switch (mode) {
    case MSPACK_SYS_SEEK_START: base = 0; break;
    case MSPACK_SYS_SEEK_CUR: base = f->pos; break;
    case MSPACK_SYS_SEEK_END: base = n; break;
    default: return -1;
    }
    if (offset < 0 ? (uint64_t)-(offset + 1) + 1 > base
                   : (uint64_t)offset > n - base)
        return -1;
    f->pos = offset < 0 ? base - (size_t)((uint64_t)-(offset + 1) + 1)
                        : base + (size_t)offset;
    return 0;
}

static off_t ms_tell(struct mspack_file *file)
{
    return (off_t)((mem_file *)(void *)file)->pos;
}

static void ms_message(struct mspack_file *file, const char *format, ...)
{
    (void)file; /* libmspack's warnings: the status says what failed */
    (void)format;
}

static void ms_copy(void *src, void *dest, size_t bytes)
{
    memmove(dest, src, bytes);
}

static int is_sep(char c)
{
    return c == '/' || c == '\\' || c == ':';
}

/* The one member: its name, place and declared size. */
static cp_status check_member(cp_ctx *ctx, const struct mscabd_cabinet *cab,
                              size_t max)
{
    const struct mscabd_file *f = cab->files;
    size_t nf = 0, nd = 0, i;
    const struct mscabd_folder *fo;
    for (; f != NULL; f = f->next)
        nf++;
    for (fo = cab->folders; fo != NULL; fo = fo->next)
        nd++;
    f = cab->files;
    if (nf != 1)
        return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "the cabinet holds %lu members; a .cpf holds "
                           "exactly one, _setup.xml",
                           (unsigned long)nf);
    if (nd != 1 || f->folder != cab->folders || f->offset != 0)
        return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "the cabinet's member is not alone at the start "
                           "of its one folder");
    for (i = 0; f->filename[i]; i++)
        if (is_sep(f->filename[i]))
            return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                               "the cabinet's member name has a path "
                               "component; a .cpf holds _setup.xml only");
    if (cp_str__casecmp(f->filename, "_setup.xml") != 0)
        return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "the cabinet's member is not named _setup.xml");
    if (f->length > max)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "_setup.xml declares %lu octets, over the "
                           "document limit of %lu",
                           (unsigned long)f->length, (unsigned long)max);
    return CP_OK;
}

static cp_status ms_status(cp_ctx *ctx, int err, const mem_desc *out)
{
    if (out != NULL && out->over)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "_setup.xml decompresses past its declared size "
                           "or the document limit of %lu octets",
                           (unsigned long)out->max);
    if (err == MSPACK_ERR_NOMEMORY)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory reading the cabinet");
    if (err == MSPACK_ERR_CHECKSUM)
        return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "a data block of the cabinet fails its checksum");
    return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                       "the cabinet is damaged or truncated (libmspack "
                       "error %d)",
                       err);
}

static cp_status extract_one(cp_ctx *ctx, struct mscab_decompressor *d,
                             mem_desc *in, size_t max, cp_buf *b)
{
    struct mscabd_cabinet *cab;
    mem_desc out;
    cp_status st;
    int err;
    cab = d->open(d, (const char *)(void *)in);
    if (cab == NULL)
        return ms_status(ctx, d->last_error(d), NULL);
    st = check_member(ctx, cab, max);
    if (st == CP_OK) {
        memset(&out, 0, sizeof out);
        out.writable = 1;
        out.out = b;
        out.max = cab->files->length; /* never more than it declared */
        err = d->extract(d, cab->files, (const char *)(void *)&out);
        if (err != MSPACK_ERR_OK || out.over)
            st = ms_status(ctx, err, &out);
        else if (b->len != cab->files->length)
            st = cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                             "_setup.xml is shorter than its declared size");
    }
    d->close(d, cab);
    return st;
}

cp_status cp_cab__extract(cp_ctx *ctx, const uint8_t *p, size_t cab_len,
                          size_t max, uint8_t **out, size_t *out_len)
{
    struct mspack_system s;
    struct mscab_decompressor *d;
    mem_desc in;
    cp_buf b;
    cp_status st;
    int test;
    *out = NULL;
    *out_len = 0;
    MSPACK_SYS_SELFTEST(test);
    if (test != MSPACK_ERR_OK)
        return cp_err__set(ctx, CP_E_UNSUPPORTED, CP_NO_OFFSET,
                           "libmspack was built with another off_t size");
    memset(&s, 0, sizeof s);
    s.open = ms_open;
    s.close = ms_close;
    s.read = ms_read;
    s.write = ms_write;
    s.seek = ms_seek;
    s.tell = ms_tell;
    s.message = ms_message;
    s.alloc = ms_alloc;
    s.free = ms_free;
    s.copy = ms_copy;
    cur_alloc = &ctx->alloc;
    d = mspack_create_cab_decompressor(&s);
    if (d == NULL) {
        cur_alloc = NULL;
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory reading the cabinet");
    }
    /* no salvage, no MSZIP repair: a damaged cabinet is an error */
    d->set_param(d, MSCABD_PARAM_SALVAGE, 0);
    d->set_param(d, MSCABD_PARAM_FIXMSZIP, 0);
    memset(&in, 0, sizeof in);
    in.p = p;
    in.n = cab_len;
    cp_buf__init(&b, &ctx->alloc);
    st = extract_one(ctx, d, &in, max, &b);
    mspack_destroy_cab_decompressor(d);
    cur_alloc = NULL;
    if (st == CP_OK)
        st = cp_buf__take(&b, out, out_len);
    cp_buf__free(&b);
    return st;
}

#endif /* CP_NO_CPF */
