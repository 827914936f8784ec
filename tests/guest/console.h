/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Line-oriented report output through Xen's debug console port 0xe9.
 *
 * Every byte written to 0xe9 is one port write that Xen emulates and counts,
 * so each line ends with " con=NNNNNNNNNN": the total number of console bytes
 * the guest has written so far, this line and its newline included.  A test
 * can then subtract the console's share from the hv-patch counters exactly.
 */
#ifndef COOPVMM_GUEST_CONSOLE_H
#define COOPVMM_GUEST_CONSOLE_H

#include <stdint.h>

void con_begin(const char *tag);
void con_str(const char *s);
void con_strn(const char *s, uint32_t n);
void con_u64(uint64_t v);
void con_hex(uint32_t v);
void con_kv(const char *key, uint64_t v);
void con_kx(const char *key, uint32_t v);
void con_end(void);
uint32_t con_bytes(void);

#endif /* COOPVMM_GUEST_CONSOLE_H */
