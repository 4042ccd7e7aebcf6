/* tool.h - shared pieces of the omacp command-line tool (the .c files beside it). */
#ifndef CP_TOOL_H
#define CP_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "omacp.h"

/* Exit statuses (sysexits.h values where one fits). */
#define EXIT_OK 0
#define EXIT_REFUSED 1   /* not authentic / refused / rolled back */
#define EXIT_USAGE 2
#define EXIT_DATAERR 65  /* malformed input */
#define EXIT_NOINPUT 66  /* an input file cannot be opened */
#define EXIT_SOFTWARE 70 /* internal error */
#define EXIT_CANTCREAT 73 /* an output file cannot be created */
#define EXIT_IOERR 74     /* a write failed (stdout, stderr, an output file), or
                             the device state cannot be stored or read */
#define EXIT_NOTFOUND EXIT_REFUSED /* spc remove / policy get of an unknown one */

/* ---- options: long options with "--name value", "--name=value", "--" ---- */

typedef struct tool_opt {
    const char *name; /* "--sec", or a short "-o" */
    int has_arg;      /* 1: takes a value */
    int id;           /* > 0, returned by tool_next */
} tool_opt;

typedef struct tool_args {
    int argc;
    char **argv;
    int i;            /* next argument */
    int rest_only;    /* after "--": every argument is positional */
    const char *cmd;  /* "omacp decode", for messages */
    const char *arg;  /* the option's value, or the positional argument */
} tool_args;

/* Arguments argv[first..argc-1] of the command named cmd. */
void tool_args_init(tool_args *a, const char *cmd, int argc, char **argv,
                    int first);
/* The next argument: an option id (> 0; a->arg its value or NULL), 0 for a
   positional argument (a->arg), -1 at the end, or EXIT_USAGE negated (-2)
   after printing why (unknown option, missing or unexpected value). opts
   ends with a {NULL, 0, 0} entry. */
int tool_next(tool_args *a, const tool_opt *opts);
/* "omacp CMD: surplus argument 'ARG'"; returns EXIT_USAGE. */
int tool_surplus(const char *cmd, const char *arg);

/* ---- output --------------------------------------------------------------- */

/* "0x1014 ANY_PUSH_SOURCE|OPERATOR|USER_AUTH" (names in alphabetical order;
   "0x0 NONE"; unnamed bits as "0x..."). */
const char *tool_roles(uint32_t roles, char *buf, size_t cap);
#define TOOL_ROLES_MAX 240
/* A JSON string (quoted, escaped) on f; NULL gives null. */
void tool_json_str(FILE *f, const char *s);
/* "key": string, with a leading comma unless first. */
void tool_json_kv(FILE *f, int first, const char *key, const char *s);
/* the role mask as "KEY": number and "KEY_names": "0x.. NAMES" */
void tool_json_roles(FILE *f, const char *key, uint32_t roles);
/* An IMSI for display: MCC+MNC and the last two digits, the rest '*'. */
const char *tool_mask_imsi(const char *imsi, char *buf, size_t cap);
/* 1 when s is an IMSI (13-15 decimal digits). */
int tool_is_imsi(const char *s);

/* Read FILE (or stdin for NULL / "-") into a malloc'd buffer, at most max bytes. */
int tool_read_input(const char *path, size_t max, uint8_t **out, size_t *len);
/* Write all bytes to path (or stdout for NULL / "-"). 0 on success;
   EXIT_CANTCREAT when path cannot be created, EXIT_IOERR when a write
   fails (with the system's reason). */
int tool_write_output(const char *path, const void *data, size_t len);
/* Print "omacp: <what>: <ctx error detail>" and map st to an exit status;
   CP_E_STORAGE prints "omacp: storage failed: <the store's reason>" and
   maps to EXIT_IOERR whatever what says. */
int tool_fail(cp_ctx *ctx, cp_status st, const char *what);
/* Make a context with default settings, or print why not. */
cp_ctx *tool_ctx(void);

int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_mac(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_device(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_sms(int argc, char **argv);
int cmd_process(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_spc(int argc, char **argv);
int cmd_pdu(int argc, char **argv);
int cmd_sms_split(int argc, char **argv);

#endif
