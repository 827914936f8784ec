/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_dm.c - the xen backend's device models: an HVM guest's emulated
 * devices are served by a QEMU process in dom0 (qemu-xen), whose CPU is
 * charged to dom0, not to the guest.  Its work is the guest's emulated
 * I/O, so its CPU time and how often it runs are that guest's I/O signal
 * on a hypervisor without the ioreq counters.
 *
 * Why these two system calls per device model and poll: the process's
 * CPU clock (clock_gettime on clock_getcpuclockid()) gives the CPU time
 * of all its threads, the exited ones included (QEMU's I/O workers come
 * and go), in ns; /proc/PID/schedstat gives how often its main thread,
 * the one that serves the ioreqs, was scheduled in (a round trip to the
 * device model is a wake-up of that thread).  /proc/PID/stat would give
 * the CPU in 10 ms ticks and no run count; taskstats over netlink would
 * batch all processes in two calls, but loses the CPU time of exited
 * threads unless delay accounting is switched on (it is off by default
 * since Linux 5.14) and has no run count for the group either.  The
 * schedstat file is opened through the /proc/PID directory that was
 * checked (its command line names the domain), so it stays bound to that
 * process; it is read after the clock, so a clock read is kept only when
 * the same process was still alive after it: a pid reused by another
 * process is never read as the device model.
 *
 * A stub domain's device model runs in that domain: its own CPU time is
 * its guest's device-model CPU (no run count is visible); xen_dom.c adds
 * it, where stub domains are tied to their guests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xen_dm.h"
#include "xen_text.h"

#define XEN_DM_CMDLINE_MAX  8192    /* "-xen-domid" comes early in it */

void xen_dm_init(struct xen_dm *dm)
{
    memset(dm, 0, sizeof(*dm));
    dm->fd = -1;
    dm->stub = -1;
}

/* Stop counting the current process; what it did stays counted. */
static void dm_drop(struct backend *b, struct xen_dm *dm)
{
    if ( dm->fd >= 0 )
    {
        close(dm->fd);
        b->ndm--;
    }
    dm->fd = -1;
    dm->pid = 0;
    dm->carry_ns += dm->ns;
    dm->carry_runs += dm->runs;
    dm->ns = dm->runs = 0;
}

void xen_dm_release(struct backend *b, struct xen_dm *dm)
{
    dm_drop(b, dm);
}

/* Read a whole small file below dirfd into buf.  Length or -errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t r = 0;

    if ( fd < 0 )
        return -errno;
    while ( got < len && (r = read(fd, buf + got, len - got)) > 0 )
        got += r;
    if ( r < 0 )
        r = -errno;
    close(fd);
    return r < 0 ? r : (ssize_t)got;
}

/* One reading: CPU ns of all threads, then the main thread's runs. */
static int dm_read(int fd, clockid_t clk, uint64_t *ns, uint64_t *runs)
{
    uint64_t run_ns, wait_ns;
    struct timespec ts;
    char buf[96];
    ssize_t r;

    if ( clock_gettime(clk, &ts) )
        return -errno;
    r = pread(fd, buf, sizeof(buf), 0);
    if ( r < 0 )
        return -errno;
    if ( xen_text_schedstat(buf, r, &run_ns, &wait_ns, runs) )
        return -EPROTO;
    *ns = (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
    return 0;
}

/*
 * Check that pid is the QEMU serving domid and open what each poll reads,
 * all through one /proc/PID directory.  0, -ESRCH (no such process),
 * -EPERM (not the domain's QEMU), or another -errno.
 */
static int dm_open(struct xen_dm *dm, uint32_t domid, int32_t pid)
{
    static char cmd[XEN_DM_CMDLINE_MAX];
    char path[32], stat[1024];
    uint64_t start = 0;
    uint32_t served;
    clockid_t clk;
    ssize_t len;
    int dir, fd = -1, rc;

    snprintf(path, sizeof(path), "/proc/%d", pid);
    dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if ( dir < 0 )
        return errno == ENOENT ? -ESRCH : -errno;
    len = read_at(dir, "cmdline", cmd, sizeof(cmd));
    rc = len < 0 ? (int)len : 0;
    if ( !rc && (xen_text_cmdline_domid(cmd, len, &served) ||
                 served != domid) )
        rc = -EPERM;
    if ( !rc && (len = read_at(dir, "stat", stat, sizeof(stat))) < 0 )
        rc = len;
    if ( !rc && xen_text_stat_start(stat, len, &start) )
        rc = -EPROTO;
    /* No schedstat while the rest is there: no CONFIG_SCHED_INFO. */
    if ( !rc && (fd = openat(dir, "schedstat", O_RDONLY | O_CLOEXEC)) < 0 )
        rc = errno == ENOENT ? -EOPNOTSUPP : -errno;
    if ( !rc && clock_getcpuclockid(pid, &clk) )
        rc = -ESRCH;
    if ( !rc )
        rc = dm_read(fd, clk, &dm->origin_ns, &dm->origin_runs);
    close(dir);
    if ( rc )
    {
        if ( fd >= 0 )
            close(fd);
        return rc == -ENOENT ? -ESRCH : rc;
    }
    dm->fd = fd;
    dm->clk = clk;
    dm->pid = pid;
    dm->start = start;
    dm->ns = dm->runs = 0;
    return 0;
}

void xen_dm_attach(struct backend *b, struct xen_dom *d)
{
    struct xen_dm *dm = &d->dm;
    int rc;

    if ( !b->dm_visible || (dm->pid && dm->pid == dm->xs_pid) )
        return;
    if ( dm->pid )
    {
        log_info("d%u: device model pid %d is no longer the one xenstore "
                 "names (%d)", d->domid, dm->pid, dm->xs_pid);
        dm_drop(b, dm);
    }
    if ( dm->xs_pid <= 0 ||
         (dm->xs_pid == dm->refused && dm->refusals >= XEN_DM_TRIES) )
        return;
    rc = dm_open(dm, d->domid, dm->xs_pid);
    if ( !rc )
    {
        b->ndm++;
        dm->refused = 0;
        dm->refusals = 0;
        log_info("d%u: device model: pid %d (started %llu ticks after boot)",
                 d->domid, dm->pid, (unsigned long long)dm->start);
        return;
    }
    if ( dm->xs_pid != dm->refused )
        dm->refusals = 0;
    dm->refused = dm->xs_pid;
    /* Not QEMU (yet), or not there (yet): look again next poll. */
    if ( (rc == -EPERM || rc == -ESRCH) && ++dm->refusals < XEN_DM_TRIES )
        return;
    dm->refusals = XEN_DM_TRIES;
    if ( rc == -EPERM )
        log_warnx("d%u: device-model-pid %d is not a QEMU serving d%u "
                  "(no \"-xen-domid %u\" in its command line): not counted",
                  d->domid, dm->xs_pid, d->domid, d->domid);
    else if ( rc == -ESRCH )
        log_info("d%u: device-model-pid %d: no such process", d->domid,
                 dm->xs_pid);
    else if ( rc == -EOPNOTSUPP || rc == -EPROTO )
    {
        if ( !b->dm_schedstat_logged )
            log_warnx("d%u: /proc/%d/schedstat is %s (a kernel without "
                      "CONFIG_SCHED_INFO?): device models not counted",
                      d->domid, dm->xs_pid,
                      rc == -EPROTO ? "not understood" : "missing");
        b->dm_schedstat_logged = true;
    }
    else
    {
        errno = -rc;
        log_warn("d%u: device model pid %d", d->domid, dm->xs_pid);
    }
}

void xen_dm_sample(struct backend *b, struct xen_dom *d,
                   struct policy_sample *s)
{
    struct xen_dm *dm = &d->dm;
    uint64_t ns, runs;

    s->dm_pid = dm->pid;
    if ( dm->fd < 0 )
        return;
    if ( dm_read(dm->fd, dm->clk, &ns, &runs) )
    {
        log_info("d%u: device model pid %d has gone", d->domid, dm->pid);
        dm_drop(b, dm);
        s->dm_pid = 0;
        d->xs_due = b->poll + 1;    /* is there another one? */
        return;
    }
    /* Both only grow for one process; a fall would be a new process. */
    if ( ns >= dm->origin_ns )
        dm->ns = ns - dm->origin_ns;
    if ( runs >= dm->origin_runs )
        dm->runs = runs - dm->origin_runs;
}

void xen_dm_counters(const struct xen_dm *dm, uint64_t *cpu_ns,
                     uint64_t *runs)
{
    *cpu_ns = dm->carry_ns + dm->ns + dm->stub_ns;
    *runs = dm->carry_runs + dm->runs;
}
