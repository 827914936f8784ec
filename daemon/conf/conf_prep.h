/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_prep.h - step 1 of the parse: coopvmm.conf's text made ready for
 * libconfuse (conf_prep.c).
 */
#ifndef COOPVMM_CONF_PREP_H
#define COOPVMM_CONF_PREP_H

#include <stdbool.h>
#include <stddef.h>

#include "conf_pctx.h"

/*
 * The text of `in` without comments, bare words quoted, `__sec=N` after
 * each section's opening brace; malloc'd, NULL on error (reported in p).
 */
char *conf_prep(struct pctx *p, const char *in, size_t len);

/* Would libconfuse take these n bytes whole as a bare word? */
bool conf_word_safe(const char *s, size_t n);

#endif /* COOPVMM_CONF_PREP_H */
