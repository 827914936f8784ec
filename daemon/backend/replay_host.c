/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay_host.c - the replay's host kept in a file (replay_host.h): what
 * lets the crash tests kill a replayed daemon and start it again on a
 * host that kept what the killed one set, and lets a replay start from
 * chosen values or carry on from where another left the host.
 *
 * Only ever the file named on the command line: never the live daemon's
 * state.  Lookups are linear in the guests of the file: meant for tests
 * and tuning, not for thousands of guests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"
#include "replay_host.h"
#include "uuid.h"

struct host_guest {
    uint8_t uuid[16];
    uint32_t weight, cap;
    uint32_t rec_weight, rec_cap;
    bool recorded;              /* false: "-", the file's values rule */
};

struct replay_host {
    char *path;
    struct host_guest *g;
    unsigned int n, max;
    bool dirty;
};

static struct host_guest *find(struct replay_host *h, const uint8_t uuid[16])
{
    unsigned int i;

    for ( i = 0; i < h->n; i++ )
        if ( !memcmp(h->g[i].uuid, uuid, 16) )
            return &h->g[i];
    return NULL;
}

static struct host_guest *add(struct replay_host *h)
{
    if ( h->n == h->max )
    {
        unsigned int nmax = h->max ? h->max * 2 : 16;
        struct host_guest *ng = realloc(h->g, nmax * sizeof(*ng));

        if ( !ng )
            return NULL;
        h->g = ng;
        h->max = nmax;
    }
    memset(&h->g[h->n], 0, sizeof(h->g[0]));
    return &h->g[h->n++];
}

static int parse_u32(const char *tok, uint32_t max, uint32_t *v)
{
    char *end;
    unsigned long x;

    if ( !tok || *tok < '0' || *tok > '9' )
        return -1;
    errno = 0;
    x = strtoul(tok, &end, 10);
    if ( errno || *end || x > max )
        return -1;
    *v = x;
    return 0;
}

/* 0, -EINVAL (malformed, or a guest named twice) or -ENOMEM. */
static int parse_line(struct replay_host *h, char *line)
{
    char *tok[6], *save = NULL;
    struct host_guest g = { .recorded = true };
    unsigned int i;

    for ( i = 0; i < 6; i++ )
        tok[i] = strtok_r(i ? NULL : line, " \t", &save);
    if ( !tok[4] || tok[5] || uuid_from_text(tok[0], g.uuid) ||
         parse_u32(tok[1], POLICY_WEIGHT_MAX, &g.weight) || !g.weight ||
         parse_u32(tok[2], UINT16_MAX - 1, &g.cap) )
        return -EINVAL;
    if ( !strcmp(tok[3], "-") && !strcmp(tok[4], "-") )
        g.recorded = false;
    else if ( parse_u32(tok[3], POLICY_WEIGHT_MAX, &g.rec_weight) ||
              parse_u32(tok[4], UINT16_MAX - 1, &g.rec_cap) )
        return -EINVAL;
    if ( find(h, g.uuid) )
        return -EINVAL;
    if ( !add(h) )
        return -ENOMEM;
    h->g[h->n - 1] = g;
    return 0;
}

static int load(struct replay_host *h)
{
    FILE *f = fopen(h->path, "re");
    char line[256];
    unsigned int lineno = 0;
    int rc = 0;

    if ( !f )
        return errno == ENOENT ? 0 : -errno;
    while ( !rc && fgets(line, sizeof(line), f) )
    {
        size_t len = strlen(line);

        lineno++;
        if ( !len || line[len - 1] != '\n' )
            rc = -EINVAL;
        else
        {
            line[len - 1] = '\0';
            if ( lineno == 1 )
                rc = strcmp(line, REPLAY_HOST_MAGIC) ? -EINVAL : 0;
            else if ( line[0] != '#' && line[0] )
                rc = parse_line(h, line);
        }
        if ( rc == -EINVAL )
            log_warnx("%s:%u: %s", h->path, lineno, lineno == 1 ?
                      "not a replay host file (no \"" REPLAY_HOST_MAGIC
                      "\" line)" : "malformed line");
    }
    fclose(f);
    return rc;
}

int replay_host_open(struct replay_host **out, const char *path)
{
    struct replay_host *h = calloc(1, sizeof(*h));
    int rc;

    if ( !h || !(h->path = strdup(path)) )
    {
        free(h);
        return -ENOMEM;
    }
    rc = load(h);
    if ( rc )
    {
        if ( rc != -EINVAL )
        {
            errno = -rc;
            log_warn("cannot read the replay host file %s", path);
        }
        replay_host_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

static int save(struct replay_host *h)
{
    char *tmp = NULL, u[UUID_TEXT_LEN + 1], rw[12], rc_[12];
    unsigned int i;
    FILE *f = NULL;
    int fd, rc = 0;

    if ( asprintf(&tmp, "%s.XXXXXX", h->path) < 0 )
        return -ENOMEM;
    fd = mkostemp(tmp, O_CLOEXEC);
    if ( fd < 0 || !(f = fdopen(fd, "w")) )
    {
        rc = -errno;
        if ( fd >= 0 )
            close(fd);
        goto out;
    }
    fprintf(f, "%s\n", REPLAY_HOST_MAGIC);
    for ( i = 0; i < h->n; i++ )
    {
        const struct host_guest *g = &h->g[i];

        uuid_to_text(g->uuid, u);
        snprintf(rw, sizeof(rw), g->recorded ? "%u" : "-", g->rec_weight);
        snprintf(rc_, sizeof(rc_), g->recorded ? "%u" : "-", g->rec_cap);
        fprintf(f, "%s %u %u %s %s\n", u, g->weight, g->cap, rw, rc_);
    }
    if ( fflush(f) || ferror(f) )
        rc = -errno;
    if ( fclose(f) && !rc )
        rc = -errno;
    /* A kill leaves the old file or the new one, never half of one. */
    if ( !rc && rename(tmp, h->path) )
        rc = -errno;
 out:
    if ( rc )
    {
        if ( f || fd >= 0 )
            unlink(tmp);
        errno = -rc;
        log_warn("cannot write the replay host file %s", h->path);
    }
    else
        h->dirty = false;
    free(tmp);
    return rc;
}

void replay_host_close(struct replay_host *h)
{
    if ( !h )
        return;
    if ( h->dirty )
        save(h);
    free(h->g);
    free(h->path);
    free(h);
}

int replay_host_recorded(struct replay_host *h, const uint8_t uuid[16],
                         uint32_t *weight, uint32_t *cap)
{
    struct host_guest *g = find(h, uuid);

    if ( !g )
    {
        if ( !(g = add(h)) )
            return -ENOMEM;
        memcpy(g->uuid, uuid, 16);
        g->recorded = true;
        g->weight = g->rec_weight = *weight;
        g->cap = g->rec_cap = *cap;
        h->dirty = true;
        return 0;
    }
    if ( g->recorded && (g->rec_weight != *weight || g->rec_cap != *cap) )
    {
        /* Changed on the recorded host: that change wins. */
        g->weight = g->rec_weight = *weight;
        g->cap = g->rec_cap = *cap;
        h->dirty = true;
    }
    *weight = g->weight;
    *cap = g->cap;
    return 0;
}

int replay_host_set(struct replay_host *h, const uint8_t uuid[16],
                    uint32_t weight, uint32_t cap)
{
    struct host_guest *g = find(h, uuid);

    if ( !g )
        return -ESRCH;
    g->weight = weight;
    g->cap = cap;
    h->dirty = true;
    return save(h);
}
