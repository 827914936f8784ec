/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.c - coopvmmd's control socket, the connection half: the socket
 * itself (run directory, stale socket, group, mode), clients with their
 * credentials, request buffers, replies and deadlines.  Each complete
 * request line goes to control_dispatch() (control_cmd.c); status and
 * metrics replies are control_build.c's, shared by every client of a
 * daemon generation.
 *
 * Runs inside the poll() loop and must never block it or let clients
 * hold it, whoever they are and however many: every socket is
 * non-blocking; a client gets one reply at a time (it must read it
 * before its next request is looked at) and must read it within
 * CONTROL_WRITE_NS; requests are bounded, and so are the replies alive
 * at once (CONTROL_OUT_MAX); clients are bounded in number, per uid,
 * with the last slots kept for root, and dropped when idle; accept()
 * failing for want of descriptors backs off instead of spinning.  The
 * socket is created with its final mode and group in place (umask and
 * effective group at bind()), so no chown or chmod by path can be
 * redirected.  It must not look inside a request or change the daemon's
 * state: that is the dispatcher's, through the daemon_* calls of
 * daemon.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "control.h"
#include "control_build.h"
#include "control_client.h"
#include "control_cmd.h"
#include "daemon.h"
#include "log.h"

#define ACCEPT_BURST    256     /* refusing is cheap: empty the backlog */

/* ------------------------------------------------------------ socket */

/*
 * The run directory: made 0755 whatever the umask (group members must
 * reach the socket), by mkdir's mode alone: nothing is changed by path
 * after it exists.
 */
static int mkdir_p(const char *dir)
{
    char buf[PATH_MAX], *p;
    mode_t old;
    bool last;
    int rc = 0;

    if ( strlen(dir) >= sizeof(buf) )
        return -ENAMETOOLONG;
    strcpy(buf, dir);
    old = umask(022);
    for ( p = buf + 1; ; p++ )
    {
        if ( *p != '/' && *p != '\0' )
            continue;
        last = *p == '\0';
        *p = '\0';
        if ( mkdir(buf, 0755) < 0 && errno != EEXIST )
        {
            rc = -errno;
            break;
        }
        if ( last )
            break;
        *p = '/';
    }
    umask(old);
    return rc;
}

/* Is something listening on `path`?  Removes it if it is a dead socket. */
static int clear_stale(const struct sockaddr_un *sun)
{
    struct stat st;
    int fd, rc;

    if ( lstat(sun->sun_path, &st) < 0 )
        return errno == ENOENT ? 0 : -errno;
    if ( !S_ISSOCK(st.st_mode) )
    {
        log_warnx("control socket %s: exists and is not a socket",
                  sun->sun_path);
        return -EEXIST;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return -errno;
    rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
    close(fd);
    if ( rc == 0 )
    {
        log_warnx("control socket %s: another daemon answers on it",
                  sun->sun_path);
        return -EADDRINUSE;
    }
    if ( errno != ECONNREFUSED )
    {
        rc = -errno;
        log_warn("control socket %s: cannot tell if it is stale",
                 sun->sun_path);
        return rc;
    }
    if ( unlink(sun->sun_path) < 0 && errno != ENOENT )
        return -errno;
    log_info("control socket %s: removed a stale socket", sun->sun_path);
    return 0;
}

static int lookup_group(const char *group, gid_t *gid)
{
    struct group *gr;

    *gid = 0;
    if ( !group || !*group )
        return 0;
    errno = 0;
    gr = getgrnam(group);
    if ( !gr )
    {
        log_warnx("control socket: group '%s' not found", group);
        return errno ? -errno : -ENOENT;
    }
    *gid = gr->gr_gid;
    return 0;
}

/*
 * A listening socket at sun: its node is born mode 0660 (umask) and
 * group `gid` (effective group at bind()), so no chown or chmod by path
 * follows, and no link planted after bind() can redirect one.
 */
static int bind_listen(const struct sockaddr_un *sun, gid_t gid)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    gid_t egid = getegid();
    bool swap = geteuid() == 0 && gid != egid;
    mode_t old;
    int rc;

    if ( fd < 0 )
        return -errno;
    if ( swap && setegid(gid) < 0 )
    {
        rc = -errno;
        close(fd);
        return rc;
    }
    old = umask(0117);
    rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
    umask(old);
    if ( rc < 0 )
        rc = -errno;
    if ( swap && setegid(egid) < 0 )
        fatal("control socket: cannot take back group %u", (unsigned)egid);
    if ( !rc && listen(fd, SOMAXCONN) < 0 )
    {
        rc = -errno;
        unlink(sun->sun_path);
    }
    if ( rc )
    {
        close(fd);
        return rc;
    }
    return fd;
}

/* A directory others may write: the socket in it could be replaced. */
static void check_dir(const struct control *c)
{
    struct stat st;

    if ( fstat(c->dirfd, &st) == 0 &&
         (st.st_uid != geteuid() || (st.st_mode & 0022)) )
        log_warnx("control socket %s: its directory can be written by "
                  "others, who could replace the socket; use a directory "
                  "only root can write", c->path);
}

/* Descriptors left for clients under RLIMIT_NOFILE. */
static unsigned int fd_room(void)
{
    struct rlimit rl;
    unsigned int open_now = 0;
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *e;
    rlim_t room;

    if ( getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY )
        return CONTROL_MAX_CLIENTS;
    while ( dir && (e = readdir(dir)) )
        open_now += e->d_name[0] != '.';
    if ( dir )
        closedir(dir);
    room = rl.rlim_cur > open_now + CONTROL_FD_RESERVE ?
           rl.rlim_cur - open_now - CONTROL_FD_RESERVE : 0;
    /* One at least: root can always take it (see admit()). */
    return room < 1 ? 1 : room < CONTROL_MAX_CLIENTS ? (unsigned int)room
                                                     : CONTROL_MAX_CLIENTS;
}

int control_open(struct control **out, const char *path, const char *group)
{
    struct control *c;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char dir[PATH_MAX], *slash;
    int rc, i;

    *out = NULL;
    if ( !path || !*path )
        path = CONTROL_DEFAULT_PATH;
    if ( strlen(path) >= sizeof(sun.sun_path) )
    {
        log_warnx("control socket %s: path too long", path);
        return -ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);
    c = calloc(1, sizeof(*c));
    if ( !c || !(c->path = strdup(path)) ||
         !(c->group = strdup(group ? group : "")) )
    {
        if ( c )
            free(c->path);
        free(c);
        return -ENOMEM;
    }
    c->fd = c->dirfd = -1;
    for ( i = 0; i < CONTROL_MAX_POLLFDS; i++ )
        c->map[i] = -1;
    for ( i = 0; i < CONTROL_SHARED__COUNT; i++ )
        c->build[i] = (struct cbuild){ 0 };
    rc = lookup_group(group, &c->gid);
    if ( rc )
        goto fail;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    c->base = strrchr(c->path, '/') ? strrchr(c->path, '/') + 1 : c->path;
    if ( slash && slash != dir )
    {
        *slash = '\0';
        rc = mkdir_p(dir);
        if ( rc )
        {
            log_warnx("control socket: cannot create %s: %s", dir,
                      strerror(-rc));
            goto fail;
        }
    }
    else
        snprintf(dir, sizeof(dir), slash ? "/" : ".");
    c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( c->dirfd < 0 )
    {
        rc = -errno;
        log_warn("control socket: %s", dir);
        goto fail;
    }
    check_dir(c);
    rc = clear_stale(&sun);
    if ( rc )
        goto fail;
    c->fd = bind_listen(&sun, c->gid);
    if ( c->fd < 0 )
    {
        rc = c->fd;
        errno = -rc;
        log_warn("control socket %s", path);
        goto fail;
    }
    c->max_clients = fd_room();
    log_info("control socket %s: listening (mode 0660, group %s, %u "
             "clients at most)", path, group && *group ? group : "root",
             c->max_clients);
    *out = c;
    return 0;

 fail:
    if ( c->fd >= 0 )
        close(c->fd);
    if ( c->dirfd >= 0 )
        close(c->dirfd);
    free(c->group);
    free(c->path);
    free(c);
    return rc;
}

unsigned int control_pollfds(struct control *c, struct pollfd *pfd,
                             unsigned int max)
{
    unsigned int i, k = 0;
    struct client *cl;

    c->nmap = 0;
    if ( !max )
        return 0;
    pfd[k].fd = c->fd;
    /* Out of descriptors: leave the backlog alone until then. */
    pfd[k].events = c->accept_after_ns ? 0 : POLLIN;
    pfd[k].revents = 0;
    c->map[k++] = -1;
    for ( i = 0; i < CONTROL_MAX_CLIENTS && k < max; i++ )
    {
        cl = c->cl[i];
        if ( !cl )
            continue;
        pfd[k].fd = cl->fd;
        /*
         * A request already read but not served (the round's budget ran
         * out) waits for POLLOUT, which a live socket reports at once.
         * A client waiting for a shared reply waits for nothing.
         */
        pfd[k].events = cl->out || client_has_request(cl) ? POLLOUT :
                        (cl->closing || cl->eof ||
                         cl->wait != CONTROL_SHARED_NONE) ? 0 : POLLIN;
        pfd[k].revents = 0;
        c->map[k++] = (int)i;
    }
    c->nmap = k;
    return k;
}

void control_events(struct control *c, const struct pollfd *pfd,
                    unsigned int n, struct daemon *d, uint64_t now_ns)
{
    unsigned int i, k;
    int slot;

    c->d = d;
    c->budget = CONTROL_SERVE_BURST;
    if ( c->accept_after_ns && now_ns >= c->accept_after_ns )
        c->accept_after_ns = 0;
    for ( i = 0; i < n && i < c->nmap; i++ )
    {
        if ( !pfd[i].revents )
            continue;
        slot = c->map[i];
        if ( slot < 0 )
        {
            if ( pfd[i].fd != c->fd || c->accept_after_ns )
                continue;
            for ( k = 0; k < ACCEPT_BURST && client_accept(c, now_ns); k++ )
                ;
            continue;
        }
        if ( !c->cl[slot] || c->cl[slot]->fd != pfd[i].fd )
            continue;               /* closed since control_pollfds() */
        client_event(c, (unsigned int)slot, pfd[i].revents, d, now_ns);
    }
    c->nmap = 0;
    /* Shared replies: a slice of work, then write out what is done. */
    control_build_run(c, d, clock_mono_ns() + CONTROL_SLICE_NS);
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] && c->cl[i]->out && !c->cl[i]->outoff )
            client_flush(c, i, now_ns);
    client_drop_idle(c, now_ns);
}

int control_timeout_ms(struct control *c, uint64_t now_ns)
{
    uint64_t next = UINT64_MAX;
    unsigned int i;

    /* Expired ones go now, or the caller would poll with 0 and spin. */
    client_drop_idle(c, now_ns);
    if ( control_build_pending(c) )
        return 0;
    if ( c->accept_after_ns )
        next = c->accept_after_ns;
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
    {
        const struct client *cl = c->cl[i];

        if ( !cl )
            continue;
        if ( cl->out && cl->write_deadline_ns < next )
            next = cl->write_deadline_ns;
        else if ( !cl->out && cl->deadline_ns < next )
            next = cl->deadline_ns;
    }
    if ( next == UINT64_MAX )
        return -1;
    if ( next <= now_ns )
        return 0;
    return (int)((next - now_ns + 999999) / 1000000);
}

unsigned int control_nclients(const struct control *c)
{
    return c->ncl;
}

void control_close(struct control *c, struct daemon *d)
{
    unsigned int i;

    if ( !c )
        return;
    c->d = d;
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] )
            client_drop(c, i, "daemon exits");
    control_build_free(c);
    if ( c->fd >= 0 )
        close(c->fd);
    /* Relative to the directory opened at start: not through a link. */
    unlinkat(c->dirfd, c->base, 0);
    close(c->dirfd);
    free(c->group);
    free(c->path);
    free(c);
}

/*
 * The socket-group changed on reload: access follows the configuration.
 * The daemon's own check uses the new group at once, for every client
 * already connected too; the socket node gets the group by a new socket
 * renamed over the old one (the node's group is set at its birth: no
 * chown by path).  If that fails, members of the old group can still
 * connect but are refused every command: said clearly.
 */
void control_set_group(struct control *c, const char *group)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char rnd[8] = "", tmp[sizeof(sun.sun_path)], *name;
    unsigned char r[6];
    unsigned int i;
    gid_t gid;
    int fd, n;

    if ( !c || !strcmp(group, c->group) )
        return;
    if ( lookup_group(group, &gid) )
    {
        log_warnx("control socket %s: socket-group '%s' not found; access "
                  "stays with %s", c->path, group,
                  c->group[0] ? c->group : "root");
        return;
    }
    name = strdup(group);
    if ( !name )
    {
        log_warnx("control socket %s: socket-group '%s': out of memory; "
                  "access stays with %s", c->path, group,
                  c->group[0] ? c->group : "root");
        return;
    }
    free(c->group);
    c->group = name;
    c->gid = gid;
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] )
            c->cl[i]->may_read = c->cl[i]->uid == 0 ||
                                 client_in_group(c->cl[i], gid);
    if ( getrandom(r, sizeof(r), 0) == (ssize_t)sizeof(r) )
        for ( i = 0; i < sizeof(r); i++ )
            rnd[i] = "abcdefghijklmnopqrstuvwxyz012345"[r[i] % 32];
    n = snprintf(tmp, sizeof(tmp), "%s.%s", c->path, rnd);
    fd = -ENAMETOOLONG;
    if ( rnd[0] && n > 0 && (size_t)n < sizeof(tmp) )
    {
        strcpy(sun.sun_path, tmp);
        fd = bind_listen(&sun, gid);
    }
    if ( fd >= 0 && renameat(c->dirfd, strrchr(tmp, '/') ?
                             strrchr(tmp, '/') + 1 : tmp,
                             c->dirfd, c->base) < 0 )
    {
        int err = errno;

        close(fd);
        unlink(tmp);
        fd = -err;
    }
    if ( fd < 0 )
    {
        log_warnx("control socket %s: socket-group is now %s, but the "
                  "socket keeps its old group until restart (%s): that "
                  "group can connect, and is refused every command",
                  c->path, group[0] ? group : "none (root only)",
                  strerror(-fd));
        return;
    }
    close(c->fd);
    c->fd = fd;
    log_notice("control socket %s: now for root%s%s", c->path,
               group[0] ? " and group " : " only", group);
}
