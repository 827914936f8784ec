/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_update.c - is the running coopvmm hypervisor behind Debian's
 * installed hypervisor package?  Asked once, at start-up (xen_open),
 * never per poll: the answer changes only with a reboot or a package
 * upgrade.  It must not fail the start: whatever it cannot read, it says
 * at DEBUG and gives up.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xen_update.h"

#define XEN_UPDATE_LABEL    "-coopvmm"
#define XEN_UPDATE_BOOT     "/boot"
#define XEN_UPDATE_MAXBOOT  32
/* ${db:Status-Abbrev}: "ii " for an installed package. */
#define XEN_UPDATE_DPKG     "dpkg-query -W -f '${Package} ${Version} " \
                            "${db:Status-Abbrev}\\n' 'xen-hypervisor-*' " \
                            "2>/dev/null"

/* dpkg's character order: '~' first, then the end, letters, the rest. */
static int xen_update_order(int c)
{
    if ( c == '~' )
        return -1;
    if ( !c || isdigit(c) )
        return 0;
    if ( isalpha(c) )
        return c;
    return c + 256;
}

/* Compare two upstream or revision parts, dpkg's way. */
static int xen_update_part(const char *a, const char *b)
{
    while ( *a || *b )
    {
        int first = 0;

        while ( (*a && !isdigit((unsigned char)*a)) ||
                (*b && !isdigit((unsigned char)*b)) )
        {
            int d = xen_update_order((unsigned char)*a) -
                    xen_update_order((unsigned char)*b);

            if ( d )
                return d;
            a++;
            b++;
        }
        while ( *a == '0' )
            a++;
        while ( *b == '0' )
            b++;
        while ( isdigit((unsigned char)*a) && isdigit((unsigned char)*b) )
        {
            if ( !first )
                first = *a - *b;
            a++;
            b++;
        }
        if ( isdigit((unsigned char)*a) )
            return 1;
        if ( isdigit((unsigned char)*b) )
            return -1;
        if ( first )
            return first;
    }
    return 0;
}

/* Split "E:U-R" into epoch, upstream and revision (in buf). */
static void xen_update_split(const char *v, char *buf, size_t len,
                             long *epoch, char **up, char **rev)
{
    char *colon, *dash;

    snprintf(buf, len, "%s", v);
    *epoch = 0;
    *up = buf;
    colon = strchr(buf, ':');
    if ( colon && colon != buf )
    {
        *epoch = strtol(buf, NULL, 10);
        *up = colon + 1;
    }
    dash = strrchr(*up, '-');
    *rev = dash ? dash + 1 : *up + strlen(*up);
    if ( dash )
        *dash = '\0';
}

int xen_update_vercmp(const char *a, const char *b)
{
    char ba[128], bb[128], *ua, *ub, *ra, *rb;
    long ea, eb;
    int d;

    xen_update_split(a, ba, sizeof(ba), &ea, &ua, &ra);
    xen_update_split(b, bb, sizeof(bb), &eb, &ub, &rb);
    if ( ea != eb )
        return ea < eb ? -1 : 1;
    d = xen_update_part(ua, ub);
    return d ? d : xen_update_part(ra, rb);
}

int xen_update_running(unsigned int major, unsigned int minor,
                       const char *extra, const char *const *boot,
                       size_t nboot, char *out, size_t outlen)
{
    char want[64];
    size_t n = strlen(extra), l = strlen(XEN_UPDATE_LABEL), i, found = 0;

    if ( n > l && !strcmp(extra + n - l, XEN_UPDATE_LABEL) )
    {
        snprintf(out, outlen, "%u.%u%.*s", major, minor, (int)(n - l), extra);
        return 0;
    }
    /* Cut to 15 characters by the old XENVER_extraversion? */
    if ( n < 15 )
        return -ENOENT;
    snprintf(want, sizeof(want), "xen-%u.%u%s", major, minor, extra);
    for ( i = 0; i < nboot; i++ )
    {
        size_t bl = strlen(boot[i]), sl = strlen(XEN_UPDATE_LABEL ".gz");

        if ( !strncmp(boot[i], want, strlen(want)) && bl > sl &&
             !strcmp(boot[i] + bl - sl, XEN_UPDATE_LABEL ".gz") )
        {
            snprintf(out, outlen, "%.*s", (int)(bl - sl - 4), boot[i] + 4);
            found++;
        }
    }
    return found == 1 ? 0 : -ERANGE;
}

int xen_update_newest(const char *dpkg, char *pkg, size_t pkglen,
                      char *ver, size_t verlen)
{
    const char *line = dpkg;
    int found = 0;

    while ( line && *line )
    {
        char p[96], v[96], st[8];
        const char *nl = strchr(line, '\n');

        if ( sscanf(line, "%95s %95s %7s", p, v, st) == 3 &&
             !strcmp(st, "ii") &&
             (!found || xen_update_vercmp(v, ver) > 0) )
        {
            snprintf(pkg, pkglen, "%s", p);
            snprintf(ver, verlen, "%s", v);
            found = 1;
        }
        line = nl ? nl + 1 : NULL;
    }
    return found ? 0 : -ENOENT;
}

/* The running hypervisor's extra version, as long as this libxc can read. */
static int xen_update_extra(xc_interface *xch, char *out, size_t len)
{
#ifdef XENVER_extraversion2
    char *s = xc_xenver_extraversion(xch);

    if ( s )
    {
        snprintf(out, len, "%s", s);
        free(s);
        return 0;
    }
#endif
    {
        xen_extraversion_t e;

        if ( xc_version(xch, XENVER_extraversion, &e) < 0 )
            return -errno;
        snprintf(out, len, "%.*s", (int)sizeof(e), e);
    }
    return 0;
}

void xen_update_check(xc_interface *xch)
{
    char extra[128], running[128], pkg[96], ver[96], out[4096];
    char *names[XEN_UPDATE_MAXBOOT];
    size_t nboot = 0, got = 0, i;
    struct dirent *de;
    DIR *dir;
    FILE *p;
    int v = xc_version(xch, XENVER_version, NULL), rc;

    if ( v < 0 || xen_update_extra(xch, extra, sizeof(extra)) )
    {
        log_debug("Xen version unreadable: no update check");
        return;
    }
    dir = opendir(XEN_UPDATE_BOOT);
    while ( dir && (de = readdir(dir)) && nboot < XEN_UPDATE_MAXBOOT )
        if ( strstr(de->d_name, XEN_UPDATE_LABEL ".gz") &&
             (names[nboot] = strdup(de->d_name)) )
            nboot++;
    if ( dir )
        closedir(dir);
    rc = xen_update_running(v >> 16, v & 0xffff, extra,
                            (const char *const *)names, nboot, running,
                            sizeof(running));
    for ( i = 0; i < nboot; i++ )
        free(names[i]);
    if ( rc )
    {
        log_debug("Xen %d.%d%s: %s", v >> 16, v & 0xffff, extra,
                  rc == -ENOENT ? "not a coopvmm build"
                                : "coopvmm build of unknown version");
        return;
    }
    p = popen(XEN_UPDATE_DPKG, "r");
    if ( p )
    {
        got = fread(out, 1, sizeof(out) - 1, p);
        pclose(p);
    }
    out[got] = '\0';
    if ( xen_update_newest(out, pkg, sizeof(pkg), ver, sizeof(ver)) )
        log_debug("running coopvmm hypervisor %s; no xen-hypervisor "
                  "package installed to compare with", running);
    else if ( xen_update_vercmp(ver, running) > 0 )
        log_notice("Xen: the installed %s %s is newer than the running "
                   "coopvmm hypervisor %s, which lacks its fixes: rebuild "
                   "it from that version's source and install it "
                   "(hv-patch/build --check)", pkg, ver, running);
    else
        log_info("Xen: the running coopvmm hypervisor %s is up to date "
                 "with the installed %s %s", running, pkg, ver);
}
