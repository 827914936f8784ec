/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_dump.c - print the effective configuration (`coopvmmd -n -v`) in a
 * stable, diff-friendly form that parses back to the same struct conf:
 * strings quoted where a bare word would not survive, durations in their
 * largest whole unit, every default spelt out.
 *
 * It only formats a struct conf that was built and checked already: it
 * must not parse, check or change anything.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf_check.h"
#include "conf_dump.h"
#include "conf_prep.h"

static void dump_str(FILE *f, const char *key, const char *s)
{
    const char *q;

    if ( s[0] && conf_word_safe(s, strlen(s)) )
    {
        fprintf(f, "%s %s\n", key, s);
        return;
    }
    fprintf(f, "%s \"", key);
    for ( q = s; *q; q++ )
    {
        /* `$` too: "${" in double quotes would be an error. */
        if ( *q == '"' || *q == '\\' || *q == '$' )
            fprintf(f, "\\%c", *q);
        else if ( isprint((unsigned char)*q) )
            fputc(*q, f);
        else
            fprintf(f, "\\x%02x", (unsigned char)*q);
    }
    fprintf(f, "\"\n");
}

static void dump_dur(FILE *f, const char *key, uint64_t ns)
{
    static const struct { const char *u; uint64_t ns; } units[] = {
        { "h", 3600 * NS_S }, { "m", 60 * NS_S }, { "s", NS_S },
        { "ms", NS_MS },
    };
    unsigned int i;

    for ( i = 0; i < 3 && (!ns || ns % units[i].ns); i++ )
        ;
    if ( !ns )
        i = 2;
    fprintf(f, "%s %llu%s\n", key, (unsigned long long)(ns / units[i].ns),
            units[i].u);
}

/* `dwell`: the global dwell, which a class without its own follows. */
static void dump_class(FILE *f, const struct policy_class *c,
                       unsigned int dwell)
{
    static const char *const wk[] = { "keep", "", "%" };
    unsigned int i;

    fprintf(f, "class %s match %s\n", c->name,
            !c->ncond ? "always" : c->match_all ? "all" : "any");
    for ( i = 0; i < c->ncond; i++ )
        fprintf(f, "  when %s %s %.15g leave %.15g%s\n",
                policy_metric_name(c->cond[i].metric),
                c->cond[i].below ? "below" : "above",
                c->cond[i].enter, c->cond[i].leave,
                c->cond[i].skip_missing ? " missing skip" : "");
    if ( c->weight_kind == POLICY_WEIGHT_KEEP )
        fprintf(f, "  weight keep\n");
    else if ( c->weight_kind == POLICY_WEIGHT_SHARE )
        fprintf(f, "  share %u%%\n", c->weight);
    else
        fprintf(f, "  weight %u%s\n", c->weight, wk[c->weight_kind]);
    switch ( c->cap_kind )
    {
    case POLICY_CAP_KEEP:
        fprintf(f, "  cap keep\n");
        break;
    case POLICY_CAP_NONE:
        fprintf(f, "  cap none\n");
        break;
    case POLICY_CAP_REST:
        fprintf(f, "  cap rest\n");
        break;
    default:
        fprintf(f, "  cap %u%s\n", c->cap,
                c->cap_kind == POLICY_CAP_PCT_VCPU ? "%" : "");
    }
    if ( c->dwell )
        fprintf(f, "  dwell %u\n", c->dwell);
    else
        fprintf(f, "  dwell %u (the global dwell)\n", dwell);
}

static void dump_bound(FILE *f, const char *key, uint32_t v)
{
    if ( v )
        fprintf(f, "  %s %u\n", key, v);
    else
        fprintf(f, "  %s none\n", key);
}

void conf_dump(const struct conf *c, FILE *f)
{
    const struct policy_config *pc = &c->policy;
    unsigned int i;

    dump_str(f, "name", c->name);
    dump_dur(f, "interval", c->interval_ns);
    dump_dur(f, "half-life", pc->halflife_ns);
    fprintf(f, "dwell %u\n", pc->dwell);
    fprintf(f, "effect-check %u\n", pc->effect_polls);
    fprintf(f, "effect-min %.15g%%\n", pc->effect_min * 100);
    dump_dur(f, "hold-off", pc->holdoff_ns);
    fprintf(f, "dry-run %s\n", c->dry_run ? "yes" : "no");
    fprintf(f, "restore-on-exit %s\n", c->restore_on_exit ? "yes" : "no");
    fprintf(f, "manage-dom0 %s\n", pc->manage_dom0 ? "yes" : "no");
    fprintf(f, "stubdom-follows-guest %s\n",
            pc->stub_follows_guest ? "yes" : "no");
    dump_str(f, "state-file", c->state_file);
    dump_str(f, "socket", c->socket_path);
    dump_str(f, "socket-group", c->socket_group);
    dump_str(f, "metrics-file", c->metrics_file);
    fprintf(f, "log-level %s\n", conf_loglevels[c->log_level]);
    for ( i = 0; i < pc->nclass; i++ )
        dump_class(f, &pc->cls[i], pc->dwell);
    for ( i = 0; i < pc->noverride; i++ )
    {
        const struct policy_override *o = &pc->ovr[i];

        fprintf(f, "domain ");
        dump_str(f, o->by_uuid ? "uuid" : "name", o->pattern);
        fprintf(f, "  exclude %s\n", o->exclude ? "yes" : "no");
        fprintf(f, "  pin %s\n", o->pin < 0 ? "none" : pc->cls[o->pin].name);
        dump_bound(f, "weight-min", o->weight_min);
        dump_bound(f, "weight-max", o->weight_max);
    }
}
