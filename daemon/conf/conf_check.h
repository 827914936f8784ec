/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_check.h - step 3 of the parse and the checks of single blocks
 * during step 2: libconfuse's values into struct conf, each error with
 * its line (conf_check.c).  Its value parsers are also the unit tests'.
 */
#ifndef COOPVMM_CONF_CHECK_H
#define COOPVMM_CONF_CHECK_H

#include <confuse.h>
#include <stdint.h>

#include "conf_pctx.h"
#include "conf_types.h"

/* "err", "warning", ... by enum conf_loglevel. */
extern const char *const conf_loglevels[];

/* Values of a section or of the file into struct conf. */
void conf_build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c);
void conf_class_values(struct pctx *p, cfg_t *sec, struct policy_class *c);
void conf_override_values(struct pctx *p, cfg_t *sec,
                          struct policy_override *o);
int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c);
int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c);

/*
 * Value parsers.  Each returns 0, or -EINVAL (not of that form) / -ERANGE
 * (out of range) with *why set to the rest of an error message ("needs a
 * unit (ms, s, m or h)").
 */
int conf_parse_duration(const char *s, uint64_t *ns, const char **why);
int conf_parse_weight(const char *s, enum policy_weight_kind *kind,
                      uint32_t *value, const char **why);
/* share = N%, 1%..99% of the cpupool. */
int conf_parse_share(const char *s, uint32_t *value, const char **why);
int conf_parse_cap(const char *s, enum policy_cap_kind *kind,
                   uint32_t *value, const char **why);
/* A plain decimal number >= 0 (12, 0.5, 1e6); -EINVAL otherwise. */
int conf_parse_number(const char *s, double *v);

#endif /* COOPVMM_CONF_CHECK_H */
