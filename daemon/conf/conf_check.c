/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_check.c - the checks that turn a parsed libconfuse tree into
 * struct conf (step 3 of the parse, see conf.c), and those of single
 * blocks as they close (step 2), each error reported with the line of
 * the option or block at fault.  The values themselves are
 * conf_value.c's; what the file means as a whole (a class no domain can
 * reach, a group this host does not have) is checked here.
 *
 * It only reads the cfg_t and fills the struct conf it is given: it must
 * not know the option tables' layout beyond the names it reads, nor touch
 * the running daemon.
 */
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "conf_check.h"
#include "uuid.h"

static unsigned int sec_line(struct pctx *p, cfg_t *sec)
{
    int s = conf_sec_index(p, sec);

    return s >= 0 ? p->sec[s].line : (unsigned int)sec->line;
}

static unsigned int opt_line(struct pctx *p, cfg_t *sec, const char *name)
{
    struct popt *o = conf_opt_find(p, conf_sec_index(p, sec), name);

    return o ? o->line : sec_line(p, sec);
}

static bool opt_set(struct pctx *p, cfg_t *sec, const char *name)
{
    return conf_opt_find(p, conf_sec_index(p, sec), name) != NULL;
}

/* Option `name` of section `sec` and the line it was set at. */
#define VAL(sec, name)  cfg_getstr(sec, name), opt_line(p, sec, name)

static char *get_path(struct pctx *p, cfg_t *cfg, const char *name,
                      bool may_be_empty, size_t max)
{
    conf_value_path(p, name, VAL(cfg, name), may_be_empty, max);
    return strdup(cfg_getstr(cfg, name));
}

void conf_build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c)
{
    const char *m = cfg_title(w);
    bool above = opt_set(p, w, "above"), below = opt_set(p, w, "below");
    const char *lv = below ? "below" : "above";
    unsigned int line = sec_line(p, w);
    int k, i;

    k = policy_metric_lookup(m);
    if ( k < 0 )
    {
        char names[256] = "";

        for ( i = 0; i < M__COUNT; i++ )
            snprintf(names + strlen(names), sizeof(names) - strlen(names),
                     "%s%s", i ? ", " : "", policy_metric_name(i));
        conf_perr(p, line, "when %s: unknown metric '%s' (one of: %s)",
                  m, m, names);
        k = 0;
    }
    c->metric = k;
    c->below = below;
    if ( above && below )
    {
        conf_perr(p, opt_line(p, w, "below"),
                  "when %s: set either above or below, not both", m);
        return;
    }
    if ( !above && !below )
    {
        conf_perr(p, line, "when %s: needs above = N or below = N", m);
        return;
    }
    if ( conf_value_number(p, lv, VAL(w, lv), &c->enter) )
        return;
    c->skip_missing = conf_value_choice(p, "missing", VAL(w, "missing"),
                                        "fail", "skip");
    c->leave = c->enter;
    if ( !opt_set(p, w, "leave") )
        return;
    if ( conf_value_number(p, "leave", VAL(w, "leave"), &c->leave) )
        return;
    if ( below ? c->leave < c->enter : c->leave > c->enter )
        conf_perr(p, opt_line(p, w, "leave"),
                  "when %s: leave %s must be %s %s %s", m,
                  cfg_getstr(w, "leave"), below ? ">=" : "<=", lv,
                  cfg_getstr(w, lv));
}

static bool class_name_ok(struct pctx *p, cfg_t *sec, const char *n)
{
    size_t i, len = strlen(n);
    unsigned int line = sec_line(p, sec);

    if ( len == 0 || len >= POLICY_CLASS_MAX )
    {
        conf_perr(p, line, "class '%s': the name must have 1 to %d characters",
                  n, POLICY_CLASS_MAX - 1);
        return false;
    }
    for ( i = 0; i < len; i++ )
        if ( !isalnum((unsigned char)n[i]) && !strchr("_.-", n[i]) )
        {
            conf_perr(p, line, "class '%s': the name may hold only letters, "
                      "digits, '-', '_' and '.'", n);
            return false;
        }
    if ( !strcmp(n, "none") )
    {
        conf_perr(p, line, "class 'none': the name is reserved");
        return false;
    }
    return true;
}

static bool checked(struct pctx *p, cfg_t *sec)
{
    int s = conf_sec_index(p, sec);

    return s >= 0 && p->sec[s].checked;
}

void conf_class_values(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    const char *n = cfg_title(sec);

    p->quiet = checked(p, sec);
    if ( class_name_ok(p, sec, n) )
        snprintf(c->name, sizeof(c->name), "%s", n);
    c->match_all = !conf_value_choice(p, "match", VAL(sec, "match"), "all",
                                      "any");
    conf_value_weight(p, VAL(sec, "weight"), &c->weight_kind, &c->weight);
    if ( opt_set(p, sec, "share") )
    {
        if ( opt_set(p, sec, "weight") )
            conf_perr(p, opt_line(p, sec, "share"), "class '%s': set "
                      "weight or share, not both", n);
        else if ( !conf_value_share(p, VAL(sec, "share"), &c->weight) )
            c->weight_kind = POLICY_WEIGHT_SHARE;
    }
    conf_value_cap(p, VAL(sec, "cap"), &c->cap_kind, &c->cap);
    c->dwell = opt_set(p, sec, "dwell")
               ? conf_value_uint(p, "dwell", VAL(sec, "dwell"), 1, 1000) : 0;
    p->quiet = false;
}

static int build_class(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    unsigned int i;

    conf_class_values(p, sec, c);
    c->ncond = cfg_size(sec, "when");
    c->cond = calloc(c->ncond + 1, sizeof(*c->cond));
    if ( !c->cond )
        return -ENOMEM;
    for ( i = 0; i < c->ncond; i++ )
    {
        cfg_t *w = cfg_getnsec(sec, "when", i);

        p->quiet = checked(p, w);
        conf_build_cond(p, w, &c->cond[i]);
        p->quiet = false;
    }
    return 0;
}

void conf_override_values(struct pctx *p, cfg_t *sec,
                                 struct policy_override *o)
{
    const char *pat = cfg_title(sec);
    unsigned int line = sec_line(p, sec);

    p->quiet = checked(p, sec);
    o->line = line;
    o->pin = -1;
    if ( !pat[0] || strlen(pat) >= POLICY_NAME_MAX )
        conf_perr(p, line, "domain '%s': the pattern must have 1 to %d "
                  "characters", pat, POLICY_NAME_MAX - 1);
    snprintf(o->pattern, sizeof(o->pattern), "%s", pat);
    o->by_uuid = uuid_from_text(pat, o->uuid) == 0;
    o->exclude = cfg_getbool(sec, "exclude");
    o->weight_min = conf_value_uint(p, "weight-min", VAL(sec, "weight-min"),
                                    POLICY_WEIGHT_MIN, POLICY_WEIGHT_MAX);
    o->weight_max = conf_value_uint(p, "weight-max", VAL(sec, "weight-max"),
                                    POLICY_WEIGHT_MIN, POLICY_WEIGHT_MAX);
    if ( o->weight_min && o->weight_max && o->weight_min > o->weight_max )
        conf_perr(p, opt_line(p, sec, "weight-max"), "domain '%s': weight-min "
                  "%u is greater than weight-max %u", pat, o->weight_min,
                  o->weight_max);
    p->quiet = false;
}

/* After the whole file: a class may be written after the domain. */
static void override_pin(struct pctx *p, cfg_t *cfg, cfg_t *sec,
                         struct policy_override *o)
{
    const char *pat = cfg_title(sec), *pin = cfg_getstr(sec, "pin");
    unsigned int i;

    if ( !pin[0] )
        return;
    for ( i = 0; i < cfg_size(cfg, "class"); i++ )
        if ( !strcmp(cfg_title(cfg_getnsec(cfg, "class", i)), pin) )
            o->pin = i;
    if ( o->pin < 0 )
        conf_perr(p, opt_line(p, sec, "pin"), "domain '%s': pin: no class "
                  "named '%s'", pat, pin);
    else if ( o->exclude )
        conf_perr(p, opt_line(p, sec, "pin"), "domain '%s': an excluded "
                  "domain cannot be pinned", pat);
}

/* The group must exist on this host, or start-up would fail later. */
static void check_group(struct pctx *p, cfg_t *cfg, const char *group)
{
    struct group *gr;

    if ( !p->system || !group[0] )
        return;
    errno = 0;
    gr = getgrnam(group);
    if ( gr )
        return;
    if ( errno && errno != ENOENT && errno != ESRCH )
        conf_perr(p, opt_line(p, cfg, "socket-group"), "socket-group: "
                  "cannot look up group '%s': %s", group, strerror(errno));
    else
        conf_perr(p, opt_line(p, cfg, "socket-group"), "socket-group: no "
                  "group '%s' on this host", group);
}

int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c)
{
    struct policy_config *pc = &c->policy;

    c->name = strdup(cfg_getstr(cfg, "name"));
    conf_value_dur(p, "interval", VAL(cfg, "interval"), &conf_range_interval,
                   &c->interval_ns);
    conf_value_dur(p, "half-life", VAL(cfg, "half-life"),
                   &conf_range_halflife, &pc->halflife_ns);
    pc->dwell = conf_value_uint(p, "dwell", VAL(cfg, "dwell"), 1, 1000);
    pc->effect_polls = conf_value_uint(p, "effect-check",
                                       VAL(cfg, "effect-check"), 0, 1000);
    conf_value_effect_min(p, VAL(cfg, "effect-min"), &pc->effect_min);
    conf_value_dur(p, "hold-off", VAL(cfg, "hold-off"), &conf_range_holdoff,
                   &pc->holdoff_ns);
    c->dry_run = cfg_getbool(cfg, "dry-run");
    c->restore_on_exit = cfg_getbool(cfg, "restore-on-exit");
    pc->manage_dom0 = cfg_getbool(cfg, "manage-dom0");
    pc->stub_follows_guest = cfg_getbool(cfg, "stubdom-follows-guest");
    c->state_file = get_path(p, cfg, "state-file", false, PATH_MAX);
    c->socket_path = get_path(p, cfg, "socket", false,
                              sizeof(((struct sockaddr_un *)0)->sun_path));
    c->socket_group = strdup(cfg_getstr(cfg, "socket-group"));
    c->metrics_file = get_path(p, cfg, "metrics-file", true, PATH_MAX);
    c->log_level = conf_value_loglevel(p, VAL(cfg, "log-level"));
    if ( !c->name || !c->state_file || !c->socket_path ||
         !c->socket_group || !c->metrics_file )
        return -ENOMEM;
    check_group(p, cfg, c->socket_group);
    return 0;
}

/*
 * Classes are tried in order and a class without conditions matches
 * every domain: the classes after it can only be reached by a pin.
 */
static void check_reachable(struct pctx *p, cfg_t *cfg,
                            const struct policy_config *pc)
{
    unsigned int i, all;

    if ( !pc->nclass )
        conf_pwarn(p, 0, "no class: every domain stays at its base values "
                   "(coopvmmd observes only)");
    for ( all = 0; all < pc->nclass && pc->cls[all].ncond; all++ )
        ;
    for ( i = all + 1; i < pc->nclass; i++ )
        conf_pwarn(p, sec_line(p, cfg_getnsec(cfg, "class", i)),
                   "class '%s' can never match: class '%s' at line %u has "
                   "no conditions and takes every domain first (only a pin "
                   "can reach it)", pc->cls[i].name, pc->cls[all].name,
                   sec_line(p, cfg_getnsec(cfg, "class", all)));
}

int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c)
{
    struct policy_config *pc = &c->policy;
    unsigned int n;

    if ( conf_globals(p, cfg, c) )
        return -ENOMEM;
    n = cfg_size(cfg, "class");
    pc->cls = calloc(n + 1, sizeof(*pc->cls));
    if ( !pc->cls )
        return -ENOMEM;
    for ( pc->nclass = 0; pc->nclass < n; pc->nclass++ )
        if ( build_class(p, cfg_getnsec(cfg, "class", pc->nclass),
                         &pc->cls[pc->nclass]) )
            return -ENOMEM;
    check_reachable(p, cfg, pc);

    n = cfg_size(cfg, "domain");
    pc->ovr = calloc(n + 1, sizeof(*pc->ovr));
    if ( !pc->ovr )
        return -ENOMEM;
    for ( pc->noverride = 0; pc->noverride < n; pc->noverride++ )
    {
        cfg_t *sec = cfg_getnsec(cfg, "domain", pc->noverride);

        conf_override_values(p, sec, &pc->ovr[pc->noverride]);
        override_pin(p, cfg, sec, &pc->ovr[pc->noverride]);
    }
    return 0;
}
