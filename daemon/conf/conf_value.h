/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_value.h - the values of coopvmm.conf (conf_value.c): parsers that
 * return an error, and checks of one value that report it at its line.
 * The parsers are also the unit tests'.
 */
#ifndef COOPVMM_CONF_VALUE_H
#define COOPVMM_CONF_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_pctx.h"
#include "conf_types.h"

/* "err", "warning", ... by enum conf_loglevel. */
extern const char *const conf_loglevels[];

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
/* "N%", 1..100, as a fraction; -EINVAL or -ERANGE. */
int conf_parse_pct(const char *s, double *frac);

/* A duration's range and how the error message spells it. */
struct conf_range {
    uint64_t min, max;
    const char *text;           /* "100ms..60s" */
};
extern const struct conf_range conf_range_interval, conf_range_halflife,
                               conf_range_holdoff;

/*
 * Checks of one value `s` of option `name`, given at `line`: the value
 * into *out (or the return), any error reported in p at `line`.
 */
void conf_value_dur(struct pctx *p, const char *name, const char *s,
                    unsigned int line, const struct conf_range *r,
                    uint64_t *out);
/* 0 when `s` is "" (unset) or invalid. */
uint32_t conf_value_uint(struct pctx *p, const char *name, const char *s,
                         unsigned int line, uint32_t min, uint32_t max);
void conf_value_path(struct pctx *p, const char *name, const char *s,
                     unsigned int line, bool may_be_empty, size_t max);
void conf_value_effect_min(struct pctx *p, const char *s, unsigned int line,
                           double *frac);
enum conf_loglevel conf_value_loglevel(struct pctx *p, const char *s,
                                       unsigned int line);
/* 1 if `s` is `b`, else 0 (and an error unless it is `a`). */
int conf_value_choice(struct pctx *p, const char *name, const char *s,
                      unsigned int line, const char *a, const char *b);
void conf_value_weight(struct pctx *p, const char *s, unsigned int line,
                       enum policy_weight_kind *kind, uint32_t *v);
int conf_value_share(struct pctx *p, const char *s, unsigned int line,
                     uint32_t *v);
void conf_value_cap(struct pctx *p, const char *s, unsigned int line,
                    enum policy_cap_kind *kind, uint32_t *v);
int conf_value_number(struct pctx *p, const char *name, const char *s,
                      unsigned int line, double *v);

/*
 * Check one value of option `name` of a section of `kind` (SEC_NONE:
 * the top level) on its own, as it was at `line`: for a value a later
 * setting replaces, which the checks of its section never see.
 */
void conf_check_value(struct pctx *p, enum sec_kind kind, const char *name,
                      const char *s, unsigned int line);

#endif /* COOPVMM_CONF_VALUE_H */
