/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.c - the state file: base values that must never be lost, and
 * the base values of each poll's samples (state_bases()).
 *
 * Written atomically (temp file, fsync, rename, fsync of the directory)
 * and only when something changed, never on every poll.  Format, one
 * domain a line after a version line:
 *
 *   coopvmm-state 1
 *   <uuid> <domid> <base-weight> <base-cap> <set-weight|-> <set-cap|->
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "uuid.h"

#define STATE_MAGIC "coopvmm-state 1"

/* A state file that cannot be written is said once, not every poll. */
static struct log_repeat save_rl;
#define NO_ENT      UINT32_MAX

struct state {
    char *path;
    struct state_ent *ent;
    unsigned int nent, nent_max;
    uint32_t *map;              /* domid -> entry, for O(1) look-ups */
    bool dirty;
};

static void remap(struct state *st)
{
    unsigned int i;

    for ( i = 0; i < POLICY_DOMID_LIMIT; i++ )
        st->map[i] = NO_ENT;
    for ( i = 0; i < st->nent; i++ )
        if ( st->ent[i].domid < POLICY_DOMID_LIMIT )
            st->map[st->ent[i].domid] = i;
}

static struct state_ent *add(struct state *st)
{
    if ( st->nent == st->nent_max )
    {
        unsigned int nmax = st->nent_max ? st->nent_max * 2 : 64;
        struct state_ent *ne = realloc(st->ent, nmax * sizeof(*ne));

        if ( !ne )
            return NULL;
        st->ent = ne;
        st->nent_max = nmax;
    }
    memset(&st->ent[st->nent], 0, sizeof(st->ent[0]));
    return &st->ent[st->nent++];
}

static int parse_set(const char *tok, uint32_t *v, bool *has)
{
    char *end;
    unsigned long x;

    *has = strcmp(tok, "-") != 0;
    if ( !*has )
        return 0;
    errno = 0;
    x = strtoul(tok, &end, 10);
    if ( errno || *end || x > UINT32_MAX )
        return -1;
    *v = x;
    return 0;
}

static int load_line(struct state *st, char *line)
{
    char uuid[64], sw[16], sc[16];
    unsigned int domid, bw, bc;
    struct state_ent *e;

    if ( sscanf(line, "%63s %u %u %u %15s %15s", uuid, &domid, &bw, &bc,
                sw, sc) != 6 )
        return -1;
    e = add(st);
    if ( !e )
        return -ENOMEM;
    e->domid = domid;
    e->base_w = bw;
    e->base_c = bc;
    if ( uuid_from_text(uuid, e->uuid) || parse_set(sw, &e->set_w, &e->has_set_w) ||
         parse_set(sc, &e->set_c, &e->has_set_c) )
    {
        st->nent--;
        return -1;
    }
    return 0;
}

/* Never blocked by a FIFO or a device in the state file's place. */
static FILE *open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat sb;
    FILE *f;

    if ( fd < 0 )
        return NULL;
    if ( fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
         fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "r")) )
    {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    return f;
}

static void load(struct state *st)
{
    FILE *f = open_regular(st->path);
    char line[256], bad[4096];
    unsigned int lineno = 0;

    if ( !f )
    {
        if ( errno == EINVAL )
            log_warnx("%s: the state file is not a regular file; ignored",
                      st->path);
        else if ( errno != ENOENT )
            log_warn("%s: cannot read the state file", st->path);
        return;
    }
    while ( fgets(line, sizeof(line), f) )
    {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if ( lineno == 1 ? strcmp(line, STATE_MAGIC) != 0
                         : load_line(st, line) != 0 )
        {
            snprintf(bad, sizeof(bad), "%s.bad", st->path);
            log_warnx("%s:%u: damaged state file, set aside as %s; base "
                      "values are taken from the hypervisor", st->path,
                      lineno, bad);
            fclose(f);
            if ( rename(st->path, bad) )
                log_warn("rename %s", st->path);
            st->nent = 0;
            return;
        }
    }
    fclose(f);
    log_info("state file %s: %u domains", st->path, st->nent);
}

struct state *state_open(const char *path)
{
    struct state *st = calloc(1, sizeof(*st));

    if ( !st )
        return NULL;
    st->map = malloc(POLICY_DOMID_LIMIT * sizeof(*st->map));
    if ( !st->map )
    {
        free(st);
        return NULL;
    }
    if ( path && *path )
    {
        st->path = strdup(path);
        if ( !st->path )
        {
            state_close(st);
            return NULL;
        }
        load(st);
    }
    remap(st);
    return st;
}

void state_close(struct state *st)
{
    if ( !st )
        return;
    free(st->path);
    free(st->ent);
    free(st->map);
    free(st);
}

struct state_ent *state_get(struct state *st, uint32_t domid,
                            const uint8_t uuid[16], uint32_t weight,
                            uint32_t cap, bool *created)
{
    uint32_t i = domid < POLICY_DOMID_LIMIT ? st->map[domid] : NO_ENT;
    struct state_ent *e;

    *created = false;
    if ( i != NO_ENT && !memcmp(st->ent[i].uuid, uuid, 16) )
        return &st->ent[i];
    /* New domain, or a reused domid: the old entry goes at the sweep. */
    e = add(st);
    if ( !e )
        return NULL;
    if ( domid < POLICY_DOMID_LIMIT )
        st->map[domid] = st->nent - 1;
    e->domid = domid;
    memcpy(e->uuid, uuid, 16);
    e->base_w = weight;
    e->base_c = cap;
    *created = true;
    st->dirty = true;
    return e;
}

/* Before a poll: nothing seen yet. */
static void state_begin(struct state *st)
{
    unsigned int i;

    for ( i = 0; i < st->nent; i++ )
        st->ent[i].seen = false;
}

/* After it: drop the entries of domains not seen. */
static void state_sweep(struct state *st)
{
    unsigned int i, j;

    for ( i = j = 0; i < st->nent; i++ )
        if ( st->ent[i].seen )
            st->ent[j++] = st->ent[i];
    if ( j == st->nent )
        return;
    st->dirty = true;
    st->nent = j;
    remap(st);
}

/* A value that is neither the base nor ours: the administrator's. */
static void adopt_manual(struct state *st, const struct policy_sample *s,
                         struct state_ent *e)
{
    if ( s->weight != e->base_w &&
         !(e->has_set_w && s->weight == e->set_w) )
    {
        log_notice("d%u %s: weight set to %u by hand (was %u): "
                   "it is the new base", s->domid, s->name,
                   s->weight, e->has_set_w ? e->set_w : e->base_w);
        e->base_w = s->weight;
        e->has_set_w = false;
        state_dirty(st);
    }
    if ( s->cap != e->base_c &&
         !(e->has_set_c && s->cap == e->set_c) )
    {
        log_notice("d%u %s: cap set to %u by hand (was %u): "
                   "it is the new base", s->domid, s->name, s->cap,
                   e->has_set_c ? e->set_c : e->base_c);
        e->base_c = s->cap;
        e->has_set_c = false;
        state_dirty(st);
    }
}

int state_bases(struct state *st, struct policy_sample *samples,
                unsigned int n, bool first_poll)
{
    unsigned int i;

    state_begin(st);
    for ( i = 0; i < n; i++ )
    {
        struct policy_sample *s = &samples[i];
        struct state_ent *e;
        bool created;

        e = state_get(st, s->domid, s->uuid, s->weight, s->cap,
                      &created);
        if ( !e )
            return -ENOMEM;
        e->seen = true;
        if ( !created && first_poll &&
             ((e->has_set_w && s->weight == e->set_w) ||
              (e->has_set_c && s->cap == e->set_c)) )
            log_notice("d%u %s: weight %u cap %u were set by a previous "
                       "run; base weight %u cap %u will be put back",
                       s->domid, s->name, s->weight, s->cap, e->base_w,
                       e->base_c);
        if ( !created && s->sched != POLICY_SCHED_OTHER )
            adopt_manual(st, s, e);
        else if ( created )
            log_debug("d%u %s: base weight %u cap %u", s->domid, s->name,
                      s->weight, s->cap);
        s->base_weight = e->base_w;
        s->base_cap = e->base_c;
    }
    state_sweep(st);
    return 0;
}

struct state_ent *state_next(struct state *st, unsigned int *idx)
{
    return *idx < st->nent ? &st->ent[(*idx)++] : NULL;
}

void state_dirty(struct state *st)
{
    st->dirty = true;
}

static int fsync_dir(const char *path)
{
    char *copy = strdup(path);
    int fd, rc = 0;

    if ( !copy )
        return -ENOMEM;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if ( fd < 0 || fsync(fd) )
        rc = -errno;
    if ( fd >= 0 )
        close(fd);
    free(copy);
    return rc;
}

/* Create the state file's directories if missing (first start). */
static void make_parent(const char *path)
{
    char *copy = strdup(path), *p;

    if ( !copy )
        return;
    for ( p = strchr(copy + 1, '/'); p; p = strchr(p + 1, '/') )
    {
        *p = '\0';
        /* A failure shows when the file is written: logged there. */
        if ( mkdir(copy, 0755) && errno != EEXIST )
            break;
        *p = '/';
    }
    free(copy);
}

int state_save(struct state *st)
{
    char tmp[4096], uuid[UUID_TEXT_LEN + 1], sw[16], sc[16];
    unsigned int i;
    FILE *f;
    int rc = 0;

    if ( !st->dirty || !st->path )
        return 0;
    snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
    make_parent(st->path);
    f = fopen(tmp, "w");
    if ( !f )
    {
        rc = -errno;
        log_fail(&save_rl, LOG_ERR, -rc, "cannot write the state file %s",
                 tmp);
        return rc;
    }
    fprintf(f, "%s\n", STATE_MAGIC);
    for ( i = 0; i < st->nent; i++ )
    {
        const struct state_ent *e = &st->ent[i];

        uuid_to_text(e->uuid, uuid);
        snprintf(sw, sizeof(sw), e->has_set_w ? "%u" : "-", e->set_w);
        snprintf(sc, sizeof(sc), e->has_set_c ? "%u" : "-", e->set_c);
        fprintf(f, "%s %u %u %u %s %s\n", uuid, e->domid, e->base_w,
                e->base_c, sw, sc);
    }
    if ( fflush(f) || fsync(fileno(f)) )
        rc = -errno;
    if ( fclose(f) && !rc )
        rc = -errno;
    if ( !rc && rename(tmp, st->path) )
        rc = -errno;
    if ( !rc )
        rc = fsync_dir(st->path);
    if ( rc )
    {
        log_fail(&save_rl, LOG_ERR, -rc, "cannot write the state file %s",
                 st->path);
        unlink(tmp);
        return rc;
    }
    log_ok(&save_rl, "state file %s", st->path);
    st->dirty = false;
    return 0;
}
