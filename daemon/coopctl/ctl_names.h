/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_names.h - domain names in a terminal's columns (ctl_names.c):
 * their display width, and fitting them into a column so that a cut is
 * visible and two different names never read the same.
 */
#ifndef COOPVMM_CTL_NAMES_H
#define COOPVMM_CTL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Longest fitted text, bytes with the NUL: 64 columns of 4-byte characters. */
#define CTL_FIT_MAX     260

/*
 * Terminal columns of UTF-8 text in the current locale (setlocale must
 * have been called).  In a locale that is not UTF-8, or for a byte that
 * starts no character, one column a byte.
 */
size_t ctl_display_width(const char *s);

/*
 * `n` names fitted to `width` columns (1..64), into out[i] (CTL_FIT_MAX
 * bytes each).  A name that fits is shown whole; a longer one as its
 * head, a marker ("…" in a UTF-8 locale, "~" otherwise) and its tail.
 * Where two different names would then read the same, each is shown as
 * its head, the marker and "#DOMID" instead.  Outside a UTF-8 locale a
 * byte that is not ASCII shows as '?' (and the same rule keeps names
 * apart).
 */
void ctl_fit_names(char (*out)[CTL_FIT_MAX], const char *const *names,
                   const long long *domids, unsigned int n, int width);

#endif /* COOPVMM_CTL_NAMES_H */
