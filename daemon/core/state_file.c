/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state_file.c - the state file: base values that must never be lost.
 *
 * Read once, treating the file as outside input: a damaged line costs
 * that line only, never the intact ones.  Written whole and atomically
 * (temporary file, fsync, rename, fsync of the directory), private to
 * its owner whatever the umask, through the directory opened once, so
 * that nothing planted in it (a symlink, a file of the same name) is
 * ever followed or trusted.  Only the caller decides when to write.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"
#include "state_file.h"
#include "uuid.h"

#define TMP_INFIX       ".tmp-"
#define BAD_SUFFIX      ".bad"
#define LINE_MAX_LEN    256
#define REPORT_MAX      10      /* damaged lines reported one by one */
/* Entries a file may hold: every domid, and guests that left. */
#define ENT_MAX         (2 * POLICY_DOMID_LIMIT)

/* --------------------------------------------------------- directory */

/* Create the missing directories of `dir`; the last one private. */
static void make_dirs(const char *dir)
{
    char *copy = strdup(dir), *p;

    if ( !copy )
        return;
    for ( p = strchr(copy + 1, '/'); ; p = strchr(p + 1, '/') )
    {
        if ( p )
            *p = '\0';
        if ( mkdir(copy, p ? 0755 : 0700) && errno != EEXIST )
            break;
        if ( !p )
            break;
        *p = '/';
    }
    free(copy);
}

/* Remove what a run killed in the middle of a write left behind. */
static void clean_tmp(struct state *st)
{
    int fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t plen = strlen(st->name);
    struct dirent *de;
    DIR *dir;

    if ( fd < 0 || !(dir = fdopendir(fd)) )
    {
        if ( fd >= 0 )
            close(fd);
        return;
    }
    while ( (de = readdir(dir)) )
        if ( !strncmp(de->d_name, st->name, plen) &&
             !strncmp(de->d_name + plen, TMP_INFIX, strlen(TMP_INFIX)) &&
             !unlinkat(st->dirfd, de->d_name, 0) )
            log_info("%s/%s: removed (left by a killed run)", st->dir,
                     de->d_name);
    closedir(dir);
}

static int open_dir(struct state *st)
{
    if ( st->dirfd >= 0 )
        return 0;
    st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( st->dirfd < 0 && errno == ENOENT )
    {
        make_dirs(st->dir);
        st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if ( st->dirfd < 0 )
        return -errno;
    clean_tmp(st);
    return 0;
}

/* Keep the file as it is now as PATH.bad (a link: the file stays). */
static void keep_bad(struct state *st)
{
    char bad[NAME_MAX + 1];

    if ( snprintf(bad, sizeof(bad), "%s" BAD_SUFFIX, st->name) >=
         (int)sizeof(bad) )
        return;
    unlinkat(st->dirfd, bad, 0);
    if ( linkat(st->dirfd, st->name, st->dirfd, bad, 0) )
        log_warn("%s: cannot keep a copy as %s", st->path, bad);
    else
        log_warnx("%s: the file as it was is kept as %s/%s", st->path,
                  st->dir, bad);
}

/* ------------------------------------------------------------- parse */

/* A decimal number, digits only, at most `max`. */
static int parse_num(const char *s, uint32_t max, uint32_t *v)
{
    uint64_t x = 0;

    if ( !*s || strlen(s) > 10 )
        return -1;
    for ( ; *s; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return -1;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    if ( x > max )
        return -1;
    *v = x;
    return 0;
}

/* A value of ours: "-" for none, else as parse_num within min..max. */
static int parse_ours(const char *s, uint32_t min, uint32_t max,
                      uint32_t *v, bool *has)
{
    *has = strcmp(s, "-") != 0;
    return *has && (parse_num(s, max, v) || *v < min) ? -1 : 0;
}

static const char *parse_fields(char **tok, unsigned int ntok,
                                struct state_ent *e)
{
    static const uint32_t lo[] = { POLICY_WEIGHT_MIN, 0 };
    static const uint32_t hi[] = { POLICY_WEIGHT_MAX, UINT16_MAX - 1 };
    unsigned int f;

    if ( uuid_from_text(tok[0], e->uuid) )
        return "not a UUID";
    if ( parse_num(tok[1], POLICY_DOMID_LIMIT - 1, &e->domid) )
        return "not a domid";
    for ( f = 0; f < STATE_NFIELDS; f++ )
    {
        struct state_field *v = &e->f[f];

        if ( parse_num(tok[2 + f], hi[f], &v->base) || v->base < lo[f] )
            return f == STATE_WEIGHT ? "base weight out of 1..65535"
                                     : "base cap out of 0..65534";
        if ( parse_ours(tok[4 + f], lo[f], hi[f], &v->set, &v->has_set) ||
             (ntok > 6 &&
              parse_ours(tok[6 + f], lo[f], hi[f], &v->next, &v->has_next)) )
            return "a value set by coopvmm out of range";
        /* Equal to the base: nothing to tell apart. */
        v->has_set = v->has_set && v->set != v->base;
        v->has_next = v->has_next && v->next != v->base;
    }
    return NULL;
}

/*
 * One entry line (without its newline) into a new entry at the end of
 * the table; NULL, or why it is damaged.  Out of memory: NULL with the
 * table unchanged.
 */
static const char *parse_line(struct state *st, const char *p, size_t len,
                              unsigned int ntok)
{
    char line[LINE_MAX_LEN], *tok[8], *s, *save = NULL;
    struct state_ent e = { 0 };
    const char *why;
    unsigned int n = 0;
    uint32_t i;

    if ( len >= sizeof(line) )
        return "line too long";
    if ( memchr(p, '\0', len) )
        return "NUL byte";
    memcpy(line, p, len);
    line[len] = '\0';
    /* Exactly one space between fields, as coopvmm writes them. */
    if ( !len || line[0] == ' ' || line[len - 1] == ' ' || strstr(line, "  ") )
        return len ? "stray spaces" : "empty line";
    for ( s = strtok_r(line, " ", &save); s; s = strtok_r(NULL, " ", &save) )
    {
        if ( n == ntok )
            return "too many fields";
        tok[n++] = s;
    }
    if ( n != ntok )
        return "too few fields";
    if ( (why = parse_fields(tok, ntok, &e)) )
        return why;
    if ( state_table_find(st, e.domid, e.uuid) != STATE_NO_ENT )
        return "the same guest and domid as an earlier line";
    if ( st->nent >= ENT_MAX )
        return "too many entries";
    i = st->nent;
    if ( !state_table_add(st) )
        return NULL;            /* ENOMEM: the caller sees nent unchanged */
    st->ent[i] = e;
    st->map[e.domid] = i;
    return NULL;
}

int state_parse(struct state *st, const char *buf, size_t len,
                const char *name)
{
    const char *p = buf, *end = buf + len, *why;
    unsigned int lineno = 0, ntok = 0, bad = 0;

    while ( p < end )
    {
        const char *nl = memchr(p, '\n', end - p);
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        unsigned int before = st->nent;

        lineno++;
        if ( lineno == 1 )
        {
            if ( nl && ll == strlen(STATE_MAGIC) && !memcmp(p, STATE_MAGIC, ll) )
                ntok = 8;
            else if ( nl && ll == strlen(STATE_MAGIC_V1) &&
                      !memcmp(p, STATE_MAGIC_V1, ll) )
                ntok = 6;
            else
            {
                log_warnx("%s:1: not a coopvmm state file (no \"%s\" line): "
                          "every line ignored", name, STATE_MAGIC);
                return 1;
            }
        }
        else
        {
            why = nl ? parse_line(st, p, ll, ntok)
                     : "cut short (no newline at the end)";
            if ( !why && st->nent == before )
                return -ENOMEM;
            if ( why && ++bad <= REPORT_MAX )
                log_warnx("%s:%u: damaged entry skipped: %s", name, lineno,
                          why);
        }
        p = nl ? nl + 1 : end;
    }
    if ( !lineno )
    {
        log_warnx("%s: empty, not a coopvmm state file", name);
        return 1;
    }
    if ( bad > REPORT_MAX )
        log_warnx("%s: %u more damaged entries skipped", name,
                  bad - REPORT_MAX);
    return bad;
}

/* -------------------------------------------------------------- load */

/* Whether a file we are about to trust could have been written by others. */
static const char *untrusted(const struct stat *sb)
{
    if ( !S_ISREG(sb->st_mode) )
        return "not a regular file";
    if ( sb->st_uid != geteuid() )
        return "owned by another user";
    if ( sb->st_mode & (S_IWGRP | S_IWOTH) )
        return "writable by group or others";
    if ( sb->st_size > STATE_FILE_MAX )
        return "too large for a state file";
    return NULL;
}

static int read_all(int fd, char *buf, size_t max, size_t *len)
{
    ssize_t r;

    *len = 0;
    while ( *len < max )
    {
        r = read(fd, buf + *len, max - *len);
        if ( r < 0 && errno == EINTR )
            continue;
        if ( r < 0 )
            return -errno;
        if ( !r )
            break;
        *len += r;
    }
    return 0;
}

static int load_fd(struct state *st, int fd)
{
    struct stat sb;
    const char *why;
    char *buf;
    size_t len;
    int rc, bad;

    if ( fstat(fd, &sb) )
        return -errno;
    if ( (why = untrusted(&sb)) )
    {
        log_warnx("%s: %s (mode %04o, uid %u): not trusted, ignored; base "
                  "values are taken from the hypervisor", st->path, why,
                  (unsigned int)(sb.st_mode & 07777), (unsigned int)sb.st_uid);
        if ( S_ISREG(sb.st_mode) )
            keep_bad(st);
        return 0;
    }
    buf = malloc(sb.st_size + 1);
    if ( !buf )
        return -ENOMEM;
    rc = read_all(fd, buf, sb.st_size + 1, &len);
    if ( !rc && len > (size_t)sb.st_size )
        rc = -EAGAIN;           /* grew while read: not ours */
    if ( !rc )
    {
        st->nent = 0;
        state_table_remap(st, false);
        bad = state_parse(st, buf, len, st->path);
        rc = bad < 0 ? bad : 0;
        if ( rc )
            st->nent = 0;
        if ( bad > 0 )
        {
            log_warnx("%s: %u intact entr%s kept", st->path, st->nent,
                      st->nent == 1 ? "y" : "ies");
            keep_bad(st);
        }
    }
    free(buf);
    return rc;
}

int state_file_load(struct state *st)
{
    int fd, rc;

    if ( st->loaded || !st->path )
        return 0;
    if ( (rc = open_dir(st)) )
        return rc;
    fd = openat(st->dirfd, st->name,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if ( fd < 0 )
    {
        rc = -errno;
        if ( rc == -ENOENT )
            rc = 0;
        else if ( rc == -ELOOP )
        {
            log_warnx("%s: a symlink: not trusted, ignored; base values are "
                      "taken from the hypervisor", st->path);
            rc = 0;
        }
        else
        {
            errno = -rc;
            log_warn("cannot read the state file %s", st->path);
            return rc;
        }
    }
    else
    {
        rc = load_fd(st, fd);
        close(fd);
        if ( rc )
        {
            errno = -rc;
            log_warn("cannot read the state file %s", st->path);
            return rc;
        }
        log_info("state file %s: %u entr%s", st->path, st->nent,
                 st->nent == 1 ? "y" : "ies");
    }
    st->loaded = true;
    state_table_remap(st, false);
    return 0;
}

/* ------------------------------------------------------------- write */

static int put(struct state *st, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int put(struct state *st, size_t *off, const char *fmt, ...)
{
    va_list ap;
    int n;

    if ( !st->buf && !(st->buf = malloc(st->buf_max = 4096)) )
    {
        st->buf_max = 0;
        return -ENOMEM;
    }
    for ( ;; )
    {
        va_start(ap, fmt);
        n = vsnprintf(st->buf + *off, st->buf_max - *off, fmt, ap);
        va_end(ap);
        if ( n < 0 )
            return -EINVAL;
        if ( *off + n < st->buf_max )
            break;
        /* Rare: the table grew past what the buffer has held. */
        {
            size_t nmax = st->buf_max * 2;
            char *nb = realloc(st->buf, nmax);

            if ( !nb )
                return -ENOMEM;
            st->buf = nb;
            st->buf_max = nmax;
        }
    }
    *off += n;
    return 0;
}

static void ours_text(char *out, size_t len, bool has, uint32_t v)
{
    snprintf(out, len, has ? "%u" : "-", v);
}

int state_format(struct state *st, const char **text, size_t *len)
{
    char uuid[UUID_TEXT_LEN + 1], o[4][12];
    unsigned int i;
    int rc;

    *len = 0;
    if ( (rc = put(st, len, "%s\n", STATE_MAGIC)) )
        return rc;
    for ( i = 0; i < st->nent; i++ )
    {
        const struct state_ent *e = &st->ent[i];
        const struct state_field *w = &e->f[STATE_WEIGHT];
        const struct state_field *c = &e->f[STATE_CAP];

        uuid_to_text(e->uuid, uuid);
        ours_text(o[0], sizeof(o[0]), w->has_set, w->set);
        ours_text(o[1], sizeof(o[1]), c->has_set, c->set);
        ours_text(o[2], sizeof(o[2]), w->has_next, w->next);
        ours_text(o[3], sizeof(o[3]), c->has_next, c->next);
        if ( (rc = put(st, len, "%s %u %u %u %s %s %s %s\n", uuid, e->domid,
                       w->base, c->base, o[0], o[1], o[2], o[3])) )
            return rc;
    }
    *text = st->buf;
    return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
    ssize_t r;

    while ( len )
    {
        r = write(fd, buf, len);
        if ( r < 0 && errno == EINTR )
            continue;
        if ( r < 0 )
            return -errno;
        buf += r;
        len -= r;
    }
    return 0;
}

/* An exclusive temporary file no one can guess the name of. */
static int open_tmp(struct state *st, char *tmp, size_t len)
{
    unsigned int tries;
    uint64_t rnd;
    int fd = -1;

    for ( tries = 0; tries < 16 && fd < 0; tries++ )
    {
        if ( getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd) )
            return -errno;
        if ( snprintf(tmp, len, "%s" TMP_INFIX "%016llx", st->name,
                      (unsigned long long)rnd) >= (int)len )
            return -ENAMETOOLONG;
        fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                    O_CLOEXEC, 0600);
        if ( fd < 0 && errno != EEXIST )
            return -errno;
    }
    if ( fd < 0 )
        return -EEXIST;
    /* 0600 whatever the umask took away or left. */
    if ( fchmod(fd, 0600) )
    {
        int rc = -errno;

        close(fd);
        unlinkat(st->dirfd, tmp, 0);
        return rc;
    }
    return fd;
}

static int write_file(struct state *st)
{
    char tmp[NAME_MAX + 1];
    const char *text;
    size_t len;
    int fd, rc;

    if ( (rc = state_format(st, &text, &len)) )
        return rc;
    fd = open_tmp(st, tmp, sizeof(tmp));
    if ( fd < 0 )
        return fd;
    rc = write_all(fd, text, len);
    if ( !rc && fsync(fd) )
        rc = -errno;
    if ( close(fd) && !rc )
        rc = -errno;
    if ( !rc && renameat(st->dirfd, tmp, st->dirfd, st->name) )
        rc = -errno;
    if ( rc )
    {
        unlinkat(st->dirfd, tmp, 0);
        return rc;
    }
    return fsync(st->dirfd) ? -errno : 0;
}

static void report(struct state *st, int rc)
{
    if ( !rc && st->err )
        log_notice("state file %s written again: scheduler changes resume",
                   st->path);
    else if ( rc && rc != st->err )
    {
        errno = -rc;
        log_warn("cannot write the state file %s; until it can be written, "
                 "no weight or cap is moved away from its base", st->path);
    }
    st->err = rc;
}

int state_file_write(struct state *st)
{
    int rc;

    if ( !st->path )
    {
        st->dirty = st->need_sync = false;
        return 0;
    }
    if ( !st->loaded )
    {
        rc = state_file_load(st);
        if ( !rc )
        {
            /* The table now holds the file's entries, not this poll's. */
            st->just_loaded = true;
            report(st, 0);
            rc = -EAGAIN;
        }
        else
            report(st, rc);
        return rc;
    }
    rc = open_dir(st);
    if ( !rc )
        rc = write_file(st);
    if ( rc && st->dirfd >= 0 )
    {
        /* The directory may be gone or replaced: open it again next time. */
        close(st->dirfd);
        st->dirfd = -1;
    }
    report(st, rc);
    if ( !rc )
    {
        st->dirty = st->need_sync = false;
        st->written = st->poll;
    }
    return rc;
}

/* ------------------------------------------------------- open, close */

int state_file_open(struct state *st, const char *path)
{
    const char *slash;

    st->dirfd = -1;
    if ( !path || !*path )
    {
        st->loaded = true;
        return 0;
    }
    slash = strrchr(path, '/');
    st->path = strdup(path);
    st->dir = slash && slash != path ? strndup(path, slash - path)
                                     : strdup(slash ? "/" : ".");
    st->name = strdup(slash ? slash + 1 : path);
    if ( !st->path || !st->dir || !st->name )
        return -ENOMEM;
    if ( !*st->name )
    {
        log_warnx("state file %s: no file name", path);
        return 0;
    }
    if ( state_file_load(st) == -ENOMEM )
        return -ENOMEM;
    return 0;
}

void state_file_close(struct state *st)
{
    if ( st->dirfd >= 0 )
        close(st->dirfd);
    st->dirfd = -1;
    free(st->path);
    free(st->dir);
    free(st->name);
    free(st->buf);
}
