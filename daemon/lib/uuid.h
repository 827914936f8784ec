/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * uuid.h - a domain's UUID (Xen's handle) as text, the one form every
 * file of coopvmm writes and reads: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
 * (uuid.c).
 */
#ifndef COOPVMM_UUID_H
#define COOPVMM_UUID_H

#include <stdint.h>

#define UUID_TEXT_LEN   36      /* without the NUL */

/* Lower-case hex, into out[UUID_TEXT_LEN + 1]. */
void uuid_to_text(const uint8_t u[16], char out[UUID_TEXT_LEN + 1]);

/*
 * The same form back, hex digits in either case (RFC 4122); nothing
 * before or after.  0, or -EINVAL with u unchanged.
 */
int uuid_from_text(const char *s, uint8_t u[16]);

#endif /* COOPVMM_UUID_H */
