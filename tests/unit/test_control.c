/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_control.c - unit tests of the control socket (daemon/control/) and
 * the metrics exposition (daemon/core/metrics.c).
 *
 * The dispatcher is driven with request lines against the fixed struct
 * daemon of tests/ctl/fixture.h; the socket layer with real UNIX sockets
 * in a temporary directory, pumped by hand as the poll loop would.  Each
 * test checks an outcome that would differ if the code were wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <jansson.h>

/*
 * The code under test is compiled into this file, as Xen's tools/tests
 * do; the daemon core it calls is linked (TEST_SRC_control).  Before
 * cmocka.h, whose fail() macro would rename control_cmd.c's fail().
 */
#include "../../daemon/control/control.c"
#include "../../daemon/control/control_build.c"
#include "../../daemon/control/control_client.c"
#include "../../daemon/control/control_cmd.c"
#include "../../daemon/core/metrics.c"
#include "metrics_file.h"
#include "../../daemon/lib/log.c"

#include <cmocka.h>

#include "../ctl/fixture.h"

static struct daemon dm;

static json_t *ask(const char *line, bool r, bool w)
{
    char *out = control_handle_request(&dm, line, strlen(line), r, w);
    json_error_t e;
    json_t *j;

    assert_non_null(out);
    assert_null(strchr(out, '\n'));
    j = json_loads(out, 0, &e);
    free(out);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    return j;
}

static bool is_ok(json_t *j)
{
    return json_is_true(json_object_get(j, "ok"));
}

static const char *err_of(json_t *j)
{
    const char *e = json_string_value(json_object_get(j, "error"));

    return e ? e : "";
}

static json_t *dom_named(json_t *rep, const char *name)
{
    json_t *a = json_object_get(rep, "domains"), *o;
    size_t i;

    json_array_foreach(a, i, o)
        if ( !strcmp(json_string_value(json_object_get(o, "name")), name) )
            return o;
    fail_msg("no domain %s in the reply", name);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    log_init(true, 0);
    fixture_init(&dm);
    return 0;
}

/* ----------------------------------------------------------- dispatcher */

static void test_status_json(void **state)
{
    json_t *r = ask("{\"version\":1,\"command\":\"status\"}\n", true, false);
    json_t *dmn = json_object_get(r, "daemon"), *web, *b, *d0, *fr;

    (void)state;
    assert_true(is_ok(r));
    assert_string_equal(json_string_value(json_object_get(dmn, "version")),
                        "9.8.7");
    assert_string_equal(json_string_value(json_object_get(dmn, "backend")),
                        "fixture");
    assert_int_equal(json_integer_value(json_object_get(dmn, "domains")), 6);
    assert_int_equal(json_integer_value(json_object_get(dmn, "managed")), 5);
    assert_int_equal(json_integer_value(json_object_get(dmn,
                                                        "interval_ms")), 1000);
    assert_int_equal(json_array_size(json_object_get(r, "domains")), 6);

    web = dom_named(r, "web");
    assert_string_equal(json_string_value(json_object_get(web, "class")),
                        "io-bound");
    assert_int_equal(json_integer_value(json_object_get(web, "weight")), 512);
    assert_int_equal(json_integer_value(json_object_get(web, "base_weight")),
                     256);
    assert_true(json_real_value(json_object_get(web, "ioreq_per_s")) == 3500);
    assert_true(json_real_value(json_object_get(web, "ioreq_dm_share")) ==
                0.25);
    assert_true(json_real_value(json_object_get(web, "class_age_s")) == 90);
    assert_string_equal(json_string_value(json_object_get(web, "sched")),
                        "credit2");

    b = dom_named(r, "batch");
    assert_true(json_is_true(json_object_get(b, "pinned")));
    assert_int_equal(json_integer_value(json_object_get(b, "cap")), 160);

    d0 = dom_named(r, "Domain-0");
    assert_true(json_is_false(json_object_get(d0, "managed")));
    assert_string_equal(json_string_value(json_object_get(d0, "unmanaged")),
                        "dom0");

    /* No rates yet, and no ioreq signal: null, not 0. */
    fr = dom_named(r, "fresh");
    assert_true(json_is_null(json_object_get(fr, "ioreq_per_s")));
    assert_true(json_is_null(json_object_get(fr, "cpu_pct")));

    /* Hostile bytes cleaned, NaN/inf not written as numbers. */
    {
        json_t *o = json_array_get(json_object_get(r, "domains"), 3);

        assert_string_equal(json_string_value(json_object_get(o, "name")),
                            "o\"d\\d?x?\xc3\xa9");
        assert_true(json_is_null(json_object_get(o, "cpu_pct")));
        assert_true(json_is_null(json_object_get(o, "ioreq_per_s")));
        o = json_array_get(json_object_get(r, "domains"), 5);
        assert_int_equal(strlen(json_string_value(json_object_get(o, "name"))),
                         POLICY_NAME_MAX);
    }
    json_decref(r);
}

/* Two cpupools as the xen backend lists them: credit and credit2. */
static int fix_cpupools(struct backend *b, struct backend_cpupool *out,
                        unsigned int max)
{
    static const struct backend_cpupool p[2] = {
        { 0, "credit", 3, "0-2", 30, 1000 },
        { 5, "credit2", 1, "3", -1, 500 },
    };
    unsigned int i;

    (void)b;
    for ( i = 0; i < 2 && i < max; i++ )
        out[i] = p[i];
    return 2;
}

/* What the stock-Xen signals and issue 18's read-only facts add. */
static void test_status_stock_fields(void **state)
{
    static struct backend_ops ops;
    json_t *r, *web, *fr, *pools, *p;

    (void)state;
    r = ask("{\"version\":1,\"command\":\"status\"}", true, false);
    /*
     * The fixture's backend cannot list cpupools: the one its domains are
     * in, from the samples, without the pCPU list or parameters.
     */
    pools = json_object_get(r, "cpupools");
    assert_int_equal(json_array_size(pools), 1);
    p = json_array_get(pools, 0);
    assert_int_equal(json_integer_value(json_object_get(p, "cpus")), 4);
    assert_true(json_is_null(json_object_get(p, "cpu_list")));
    assert_true(json_is_null(json_object_get(p, "ratelimit_us")));
    json_decref(r);

    ops = fix_ops;
    ops.cpupools = fix_cpupools;
    dm.ops = &ops;
    fix_s[1].signals |= POLICY_HAS_DM;
    fix_s[1].dm_pid = 4711;
    fix_s[1].affinity_cpus = 1;
    fix_s[1].flags |= POLICY_DOM_PINNED;
    fix_d[1].metric[M_DM_CPU] = 12.5;
    fix_d[1].metric[M_DM_RUNS] = 300;
    fix_d[1].metric_valid[M_DM_CPU] = fix_d[1].metric_valid[M_DM_RUNS] = true;
    dm.gen++;                   /* new data, as after a poll */
    r = ask("{\"version\":1,\"command\":\"status\"}", true, false);
    assert_true(is_ok(r));
    web = dom_named(r, "web");
    assert_int_equal(json_integer_value(json_object_get(web, "dm_pid")), 4711);
    assert_true(json_real_value(json_object_get(web, "dm_cpu_pct")) == 12.5);
    assert_true(json_real_value(json_object_get(web, "dm_runs_per_s")) == 300);
    assert_int_equal(json_integer_value(json_object_get(web, "pool_cpus")), 4);
    assert_int_equal(json_integer_value(json_object_get(web,
                                                        "affinity_cpus")), 1);
    assert_true(json_is_true(json_object_get(web, "hard_pinned")));
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(web, "signals"), 4)), "dm");
    /* No device model, no affinity read, no signal: null and false. */
    fr = dom_named(r, "fresh");
    assert_true(json_is_null(json_object_get(fr, "dm_pid")));
    assert_true(json_is_null(json_object_get(fr, "dm_cpu_pct")));
    assert_true(json_is_null(json_object_get(fr, "dm_runs_per_s")));
    assert_true(json_is_null(json_object_get(fr, "affinity_cpus")));
    assert_true(json_is_false(json_object_get(fr, "hard_pinned")));

    pools = json_object_get(r, "cpupools");
    assert_int_equal(json_array_size(pools), 2);
    p = json_array_get(pools, 0);
    assert_int_equal(json_integer_value(json_object_get(p, "id")), 0);
    assert_string_equal(json_string_value(json_object_get(p, "sched")),
                        "credit");
    assert_int_equal(json_integer_value(json_object_get(p, "cpus")), 3);
    assert_string_equal(json_string_value(json_object_get(p, "cpu_list")),
                        "0-2");
    assert_int_equal(json_integer_value(json_object_get(p, "tslice_ms")), 30);
    assert_int_equal(json_integer_value(json_object_get(p, "ratelimit_us")),
                     1000);
    /* credit2 has no time slice: null, not -1. */
    p = json_array_get(pools, 1);
    assert_int_equal(json_integer_value(json_object_get(p, "id")), 5);
    assert_true(json_is_null(json_object_get(p, "tslice_ms")));
    assert_int_equal(json_integer_value(json_object_get(p, "ratelimit_us")),
                     500);
    json_decref(r);
    dm.ops = &fix_ops;
}

static void test_permissions(void **state)
{
    json_t *r;

    (void)state;
    r = ask("{\"version\":1,\"command\":\"status\"}", false, false);
    assert_false(is_ok(r));
    assert_string_equal(err_of(r), "permission denied: status is for root "
                        "and the socket's group");
    json_decref(r);

    r = ask("{\"version\":1,\"command\":\"pause\"}", true, false);
    assert_false(is_ok(r));
    assert_string_equal(err_of(r), "permission denied: pause is for root only");
    assert_int_equal(fix.pause, 0);
    assert_false(dm.paused);
    json_decref(r);

    r = ask("{\"version\":1,\"command\":\"pin\",\"domain\":\"web\","
            "\"class\":\"idle\"}", true, false);
    assert_false(is_ok(r));
    assert_int_equal(fix.pin, 0);
    json_decref(r);

    r = ask("{\"version\":1,\"command\":\"pause\"}", true, true);
    assert_true(is_ok(r));
    assert_int_equal(fix.pause, 1);
    assert_true(dm.paused);
    json_decref(r);

    r = ask("{\"version\":1,\"command\":\"resume\"}", true, true);
    assert_true(is_ok(r));
    assert_int_equal(fix.resume, 1);
    assert_false(dm.paused);
    json_decref(r);
}

static void test_pin_unpin(void **state)
{
    json_t *r;

    (void)state;
    r = ask("{\"version\":1,\"command\":\"pin\",\"domain\":\"web\","
            "\"class\":\"cpu-hog\"}", true, true);
    assert_true(is_ok(r));
    assert_string_equal(json_string_value(json_object_get(r, "message")),
                        "pinned web to class cpu-hog");
    assert_int_equal(fix.pin, 1);
    assert_string_equal(fix.pin_domain, "web");
    assert_string_equal(fix.pin_class, "cpu-hog");
    json_decref(r);

    r = ask("{\"version\":1,\"command\":\"unpin\",\"domain\":\"2\"}", true,
            true);
    assert_true(is_ok(r));
    assert_int_equal(fix.unpin, 1);
    assert_string_equal(fix.pin_domain, "2");
    json_decref(r);

    /* The daemon's own message comes back. */
    r = ask("{\"version\":1,\"command\":\"unpin\",\"domain\":\"nope\"}",
            true, true);
    assert_false(is_ok(r));
    assert_string_equal(err_of(r), "no domain nope");
    json_decref(r);

    /* Missing or bad arguments never reach daemon_pin. */
    r = ask("{\"version\":1,\"command\":\"pin\",\"domain\":\"web\"}", true,
            true);
    assert_false(is_ok(r));
    assert_string_equal(err_of(r), "pin: \"class\" must be a class name");
    json_decref(r);
    r = ask("{\"version\":1,\"command\":\"pin\",\"domain\":7,"
            "\"class\":\"idle\"}", true, true);
    assert_false(is_ok(r));
    json_decref(r);
    assert_int_equal(fix.pin, 1);
    assert_int_equal(fix.unpin, 2);
}

static void test_reload_errors(void **state)
{
    json_t *r, *e;

    (void)state;
    fix.reload_rc = -EINVAL;
    fix.reload_errors = "a.conf:3: bad interval\na.conf:9: no class x\n";
    r = ask("{\"version\":1,\"command\":\"reload\"}", true, true);
    assert_false(is_ok(r));
    assert_int_equal(fix.reload, 1);
    assert_non_null(strstr(err_of(r), "old configuration stays"));
    e = json_object_get(r, "errors");
    assert_int_equal(json_array_size(e), 2);
    assert_string_equal(json_string_value(json_array_get(e, 1)),
                        "a.conf:9: no class x");
    json_decref(r);

    fix.reload_rc = 0;
    fix.reload_errors = NULL;
    r = ask("{\"version\":1,\"command\":\"reload\"}", true, true);
    assert_true(is_ok(r));
    json_decref(r);
}

static void test_malformed(void **state)
{
    static const struct { const char *req, *err; } t[] = {
        { "", "malformed request" },
        { "status", "malformed request" },
        { "{\"version\":1,\"command\":\"status\"", "malformed request" },
        { "[]", "request is not a JSON object" },
        { "{\"command\":\"status\"}", "request has no protocol \"version\"" },
        { "{\"version\":\"1\",\"command\":\"status\"}",
          "request has no protocol \"version\"" },
        { "{\"version\":2,\"command\":\"status\"}",
          "protocol version 2 not supported (coopvmmd speaks 1): update "
          "coopctl" },
        { "{\"version\":1}", "request has no \"command\"" },
        { "{\"version\":1,\"command\":\"Status\"}", "unknown command" },
        { "{\"version\":1,\"command\":\"stat\"}", "unknown command" },
        { "{\"version\":1,\"command\":\"status\",\"domain\":\"x\"}",
          "status: unknown argument \"domain\"" },
        { "{\"version\":1,\"command\":\"iotrace\",\"domain\":\"web\"}",
          "iotrace: only over a control connection" },
        { "{\"version\":1,\"command\":\"status\"} {}", "malformed request" },
    };
    unsigned int i;
    json_t *r;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        r = ask(t[i].req, true, true);
        assert_false(is_ok(r));
        if ( strncmp(err_of(r), t[i].err, strlen(t[i].err)) )
            fail_msg("request %s: error '%s', expected '%s'", t[i].req,
                     err_of(r), t[i].err);
        json_decref(r);
    }
    assert_int_equal(fix.trace_on, 0);
}

/* -------------------------------------------------------------- metrics */

static char *metrics_text(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    assert_int_equal(metrics_format(&dm, f), 0);
    fclose(f);
    return text;
}

static void test_metrics_format(void **state)
{
    char *t = metrics_text();
    size_t n = strlen(t);

    (void)state;
    assert_true(n > 7 && !strcmp(t + n - 6, "# EOF\n"));
    assert_non_null(strstr(t, "# TYPE coopvmm_polls_total counter\n"
                              "coopvmm_polls_total 42\n"));
    assert_non_null(strstr(t, "coopvmm_failed_calls_total 1\n"));
    assert_non_null(strstr(t, "coopvmm_poll_duration_seconds 0.0015\n"));
    assert_non_null(strstr(t, "coopvmm_build_info{version=\"9.8.7\","
                              "backend=\"fixture\",schema=\"3\"} 1\n"));
    assert_non_null(strstr(t, "coopvmm_domain_weight{domid=\"1\","
                              "name=\"web\"} 512\n"));
    assert_non_null(strstr(t, "coopvmm_domain_ioreq_dm_ratio{domid=\"1\","
                              "name=\"web\"} 0.25\n"));
    assert_non_null(strstr(t, "coopvmm_domain_cpu_ratio{domid=\"2\","
                              "name=\"batch\"} 0.98\n"));
    assert_non_null(strstr(t, "coopvmm_domain_class_info{domid=\"2\","
                              "name=\"batch\",class=\"cpu-hog\"} 1\n"));
    /* Label escaping and cleaning of the hostile name. */
    assert_non_null(strstr(t, "name=\"o\\\"d\\\\d?x?\xc3\xa9\""));
    /* No rate for a domain without rates, NaN for a NaN. */
    assert_null(strstr(t, "coopvmm_domain_ioreqs_per_second{domid=\"9\""));
    assert_non_null(strstr(t, "coopvmm_domain_cpu_ratio{domid=\"7\","));
    assert_non_null(strstr(t, "} NaN\n"));
    assert_non_null(strstr(t, "} +Inf\n"));
    /* The fixture has no device-model signal: no such gauge. */
    assert_null(strstr(t, "coopvmm_domain_dm_cpu_ratio{"));
    assert_non_null(strstr(t, "coopvmm_signal_live{signal=\"dm\"} 0\n"));
    free(t);
    fix_s[1].signals |= POLICY_HAS_DM;
    fix_d[1].metric[M_DM_CPU] = 12.5;
    fix_d[1].metric[M_DM_RUNS] = 300;
    fix_d[1].metric_valid[M_DM_CPU] = fix_d[1].metric_valid[M_DM_RUNS] = true;
    t = metrics_text();
    assert_non_null(strstr(t, "coopvmm_domain_dm_cpu_ratio{domid=\"1\","
                              "name=\"web\"} 0.125\n"));
    assert_non_null(strstr(t, "coopvmm_domain_dm_runs_per_second{domid=\"1\","
                              "name=\"web\"} 300\n"));
    assert_null(strstr(t, "coopvmm_domain_dm_runs_per_second{domid=\"2\""));
    free(t);
}

static void test_metrics_file(void **state)
{
    char dir[] = "/tmp/coopvmm-test-XXXXXX", path[64], *want, got[65536];
    struct stat st;
    ssize_t n;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/m.prom", dir);
    assert_int_equal(metrics_write_file(&dm, path), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    fd = open(path, O_RDONLY);
    n = read(fd, got, sizeof(got) - 1);
    close(fd);
    assert_true(n > 0);
    got[n] = '\0';
    want = metrics_text();
    assert_string_equal(got, want);
    free(want);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);    /* no temporary left behind */

    snprintf(path, sizeof(path), "%s/gone/m.prom", dir);
    assert_int_equal(metrics_write_file(&dm, path), -ENOENT);
}

static void test_clean_text(void **state)
{
    static const struct { const char *in, *out; size_t dst; } t[] = {
        { "plain", "plain", 64 },
        { "caf\xc3\xa9", "caf\xc3\xa9", 64 },
        { "tab\there", "tab?here", 64 },
        { "\xff\xfe", "??", 64 },
        { "\xc3", "?", 64 },                    /* cut sequence */
        { "\xe0\x80\x80", "???", 64 },          /* overlong */
        { "\xed\xa0\x80", "???", 64 },          /* surrogate */
        { "\xf4\x90\x80\x80", "????", 64 },     /* above U+10FFFF */
        { "\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!", 64 },
        { "abcdef", "abc", 4 },
        { "ab\xc3\xa9", "ab", 4 },              /* no half sequences */
    };
    char buf[64];
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        metrics_clean_text(buf, t[i].dst, t[i].in, strlen(t[i].in));
        if ( strcmp(buf, t[i].out) )
            fail_msg("case %u: got '%s'", i, buf);
    }
}

/* ------------------------------------------------------------- sockets */

static char sdir[64];
static char spath[128];

/* Bytes received per client fd and not yet consumed as a reply. */
#define RBUF (1 << 18)
static char *rbuf[1024];
static size_t rlen[1024];

static int conn(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(sun.sun_path, spath);
    assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    assert_true(fd < 1024);
    rlen[fd] = 0;               /* a new connection: nothing pending */
    return fd;
}

/* One pass of the poll loop, with `now` as the daemon's clock. */
static void pump(struct control *c, uint64_t now)
{
    struct pollfd pfd[CONTROL_MAX_POLLFDS];
    unsigned int n = control_pollfds(c, pfd, CONTROL_MAX_POLLFDS);

    poll(pfd, n, 20);
    control_events(c, pfd, n, &dm, now);
}

/* Send a request and pump until a reply line is there; returns it. */
static json_t *roundtrip(struct control *c, int fd, const char *req)
{
    char *nl = NULL;
    ssize_t r;
    size_t len;
    int i;
    json_t *j;
    json_error_t e;

    assert_true(fd < 1024);
    if ( !rbuf[fd] )
        assert_non_null(rbuf[fd] = malloc(RBUF));
    if ( req )
        assert_int_equal(write(fd, req, strlen(req)), strlen(req));
    for ( i = 0; i < 200; i++ )
    {
        nl = memchr(rbuf[fd], '\n', rlen[fd]);
        if ( nl )
            break;
        pump(c, 1);
        r = recv(fd, rbuf[fd] + rlen[fd], RBUF - rlen[fd], MSG_DONTWAIT);
        if ( r > 0 )
            rlen[fd] += (size_t)r;
    }
    assert_non_null(nl);
    len = (size_t)(nl - rbuf[fd]);
    j = json_loadb(rbuf[fd], len, 0, &e);
    rlen[fd] -= len + 1;
    memmove(rbuf[fd], nl + 1, rlen[fd]);
    return j;
}

static bool peer_closed(struct control *c, int fd)
{
    char b[4096];
    int i;

    for ( i = 0; i < 50; i++ )
    {
        pump(c, 1);
        if ( recv(fd, b, sizeof(b), MSG_DONTWAIT) == 0 )
            return true;
    }
    return false;
}

static int sock_setup(void **state)
{
    setup(state);
    strcpy(sdir, "/tmp/coopvmm-sock-XXXXXX");
    assert_non_null(mkdtemp(sdir));
    snprintf(spath, sizeof(spath), "%s/run/sub/c.sock", sdir);
    return 0;
}

static int sock_teardown(void **state)
{
    char cmd[256];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", sdir);
    return system(cmd);
}

static void test_socket_open(void **state)
{
    struct control *c, *c2;
    struct stat st;
    char dir[160];
    int fd;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    (void)state;
    assert_int_equal(control_open(&c, spath, NULL), 0);
    assert_int_equal(stat(spath, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0660);
    snprintf(dir, sizeof(dir), "%s/run/sub", sdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755);

    /* Someone answers: refuse, and leave the socket alone. */
    assert_int_equal(control_open(&c2, spath, NULL), -EADDRINUSE);
    assert_int_equal(stat(spath, &st), 0);
    control_close(c, &dm);
    assert_int_equal(stat(spath, &st), -1);

    /* A stale socket nobody listens on is replaced. */
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sun.sun_path, spath);
    assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    close(fd);
    assert_int_equal(control_open(&c, spath, NULL), 0);
    control_close(c, &dm);

    /* Not a socket: never removed. */
    fd = open(spath, O_CREAT | O_WRONLY, 0600);
    close(fd);
    assert_int_equal(control_open(&c, spath, NULL), -EEXIST);
    assert_int_equal(stat(spath, &st), 0);
    unlink(spath);

    assert_int_equal(control_open(&c, spath, "no-such-group-coopvmm"),
                     -ENOENT);
}

static void test_socket_requests(void **state)
{
    static const char two[] = "{\"version\":1,\"command\":\"pause\"}\n"
                              "{\"version\":1,\"command\":\"status\"}\n";
    struct control *c;
    json_t *r;
    int fd, fd2;

    (void)state;
    if ( geteuid() != 0 )
        skip();
    assert_int_equal(control_open(&c, spath, NULL), 0);
    fd = conn();
    /* Two requests in one write: both answered, in order. */
    assert_int_equal(write(fd, two, strlen(two)), strlen(two));
    r = roundtrip(c, fd, NULL);
    assert_true(is_ok(r));
    assert_string_equal(json_string_value(json_object_get(r, "command")),
                        "pause");
    json_decref(r);
    r = roundtrip(c, fd, NULL);
    assert_string_equal(json_string_value(json_object_get(r, "command")),
                        "status");
    assert_true(json_is_true(json_object_get(json_object_get(r, "daemon"),
                                             "paused")));
    json_decref(r);

    /* iotrace: records on start and on each request; one tracer only. */
    fix.trace_left = 300;
    r = roundtrip(c, fd, "{\"version\":1,\"command\":\"iotrace\","
                  "\"domain\":\"web\"}\n");
    assert_true(is_ok(r));
    assert_int_equal(fix.trace_on, 1);
    assert_int_equal(fix.trace_domid, 1);
    assert_int_equal(json_array_size(json_object_get(r, "records")), 300);
    assert_int_equal(json_integer_value(json_object_get(r, "overruns")), 6);
    json_decref(r);
    fd2 = conn();
    r = roundtrip(c, fd2, "{\"version\":1,\"command\":\"iotrace\","
                  "\"domain\":\"1\"}\n");
    assert_false(is_ok(r));
    assert_string_equal(err_of(r), "iotrace: domain 1 is already traced by "
                        "another client");
    json_decref(r);
    fix.trace_left = 2;
    r = roundtrip(c, fd, "{\"version\":1,\"command\":\"iotrace\"}\n");
    assert_int_equal(json_array_size(json_object_get(r, "records")), 2);
    {
        json_t *t = json_array_get(json_object_get(r, "records"), 0);

        assert_string_equal(json_string_value(json_object_get(t, "kind")),
                            "mmio");
        assert_string_equal(json_string_value(json_object_get(t, "addr")),
                            "0xfed00000");
        assert_string_equal(json_string_value(json_object_get(t, "rip")),
                            "0xffffffff81000000");
        assert_string_equal(json_string_value(json_object_get(t, "data")),
                            "0x41");
    }
    json_decref(r);
    assert_int_equal(fix.trace_off, 0);
    close(fd);
    assert_true(peer_closed(c, fd2) == false);  /* fd2 stays */
    assert_int_equal(fix.trace_off, 1);         /* the tracer went away */
    assert_int_equal(control_nclients(c), 1);

    /* A malformed request: error reply, then the daemon closes. */
    r = roundtrip(c, fd2, "nonsense\n");
    assert_false(is_ok(r));
    json_decref(r);
    assert_true(peer_closed(c, fd2));
    close(fd2);
    control_close(c, &dm);
}

static void test_socket_limits(void **state)
{
    static int fds[CONTROL_MAX_CLIENTS + 1];
    struct control *c;
    char big[CONTROL_REQ_MAX + 16];
    json_t *r;
    unsigned int i;
    int fd;

    (void)state;
    if ( geteuid() != 0 )
        skip();
    assert_int_equal(control_open(&c, spath, NULL), 0);

    /* Oversized: refused once 64 KiB arrived without a newline. */
    fd = conn();
    memset(big, 'x', sizeof(big));
    (void)!send(fd, big, sizeof(big), MSG_DONTWAIT);
    r = roundtrip(c, fd, NULL);
    assert_string_equal(err_of(r), "request too long (limit 65536 bytes)");
    json_decref(r);
    assert_true(peer_closed(c, fd));
    close(fd);

    /* Idle: dropped once the daemon's clock passes the deadline. */
    fd = conn();
    pump(c, 1);
    assert_int_equal(control_nclients(c), 1);
    assert_true(control_timeout_ms(c, 1) > 9000);
    pump(c, 1 + CONTROL_IDLE_NS - 1);
    assert_int_equal(control_nclients(c), 1);
    assert_int_equal(control_timeout_ms(c, 2 + CONTROL_IDLE_NS), -1);
    assert_int_equal(control_nclients(c), 0);
    close(fd);

    /* A crowd: at most CONTROL_SERVE_BURST answered per round. */
    for ( i = 0; i < 40; i++ )
    {
        fds[i] = conn();
        pump(c, 1);
    }
    for ( i = 0; i < 40; i++ )
        assert_int_equal(write(fds[i], "{\"version\":1,\"command\":"
                               "\"status\"}\n", 34), 34);
    {
        char b[65536];
        unsigned int answered = 0;

        usleep(50000);
        pump(c, 1);
        for ( i = 0; i < 40; i++ )
            answered += recv(fds[i], b, sizeof(b), MSG_DONTWAIT) > 0;
        assert_int_equal(answered, CONTROL_SERVE_BURST);
        pump(c, 1);
        pump(c, 1);
        for ( i = 0; i < 40; i++ )
            answered += recv(fds[i], b, sizeof(b), MSG_DONTWAIT) > 0;
        assert_int_equal(answered, 40);
    }
    for ( i = 0; i < 40; i++ )
        close(fds[i]);
    pump(c, 1);
    assert_int_equal(control_nclients(c), 0);

    /* Bounded: the client past the limit is told so and closed. */
    for ( i = 0; i <= CONTROL_MAX_CLIENTS; i++ )
    {
        fds[i] = conn();
        pump(c, 1);
    }
    assert_int_equal(control_nclients(c), CONTROL_MAX_CLIENTS);
    r = roundtrip(c, fds[CONTROL_MAX_CLIENTS], NULL);
    assert_string_equal(err_of(r), "too many clients, try again later");
    json_decref(r);
    /* ... and the others are still served. */
    r = roundtrip(c, fds[0], "{\"version\":1,\"command\":\"metrics\"}\n");
    assert_true(is_ok(r));
    json_decref(r);
    for ( i = 0; i <= CONTROL_MAX_CLIENTS; i++ )
        close(fds[i]);
    control_close(c, &dm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_status_json, setup),
        cmocka_unit_test_setup(test_status_stock_fields, setup),
        cmocka_unit_test_setup(test_permissions, setup),
        cmocka_unit_test_setup(test_pin_unpin, setup),
        cmocka_unit_test_setup(test_reload_errors, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_metrics_format, setup),
        cmocka_unit_test_setup(test_metrics_file, setup),
        cmocka_unit_test(test_clean_text),
        cmocka_unit_test_setup_teardown(test_socket_open, sock_setup,
                                        sock_teardown),
        cmocka_unit_test_setup_teardown(test_socket_requests, sock_setup,
                                        sock_teardown),
        cmocka_unit_test_setup_teardown(test_socket_limits, sock_setup,
                                        sock_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
