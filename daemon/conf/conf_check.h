/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_check.h - step 3 of the parse and the checks of single blocks
 * during step 2: libconfuse's values into struct conf, each error with
 * its line (conf_check.c).  The values are conf_value.h's.
 */
#ifndef COOPVMM_CONF_CHECK_H
#define COOPVMM_CONF_CHECK_H

#include <confuse.h>
#include <stdint.h>

#include "conf_pctx.h"
#include "conf_types.h"
#include "conf_value.h"

/* Values of a section or of the file into struct conf. */
void conf_build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c);
void conf_class_values(struct pctx *p, cfg_t *sec, struct policy_class *c);
void conf_override_values(struct pctx *p, cfg_t *sec,
                          struct policy_override *o);
int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c);
int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c);

#endif /* COOPVMM_CONF_CHECK_H */
