/* tool.h - shared pieces of the omacp command-line tool (examples/omacp*.c). */
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
#define EXIT_CANTCREAT 73 /* an output file cannot be written */
#define EXIT_IOERR 74     /* the device state cannot be stored or read (CP_E_STORAGE) */

/* Read FILE (or stdin for NULL / "-") into a malloc'd buffer, at most max bytes. */
int tool_read_input(const char *path, size_t max, uint8_t **out, size_t *len);
/* Write all bytes to path (or stdout for NULL / "-"). 0 on success. */
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
