/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_crowd.c - unit tests of the control socket under crowds and
 * hostile clients (daemon/control/): who gets a slot (per uid, root
 * always), accept() out of descriptors, shared status and metrics
 * replies built in slices from a snapshot, the bound on the replies
 * alive, and a socket-group changed by a reload.
 *
 * The code under test is compiled into this file (as test_control.c
 * does), so that its static functions can be driven directly; the daemon
 * is tests/ctl/fixture.h's, grown to more domains than one build step.
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
#include <grp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <jansson.h>

#include "../../daemon/control/control.c"
#include "../../daemon/control/control_build.c"
#include "../../daemon/control/control_client.c"
#include "../../daemon/control/control_cmd.c"
#include "../../daemon/core/metrics.c"
#include "../../daemon/lib/log.c"

#include <cmocka.h>

#include "../ctl/fixture.h"

#define NBIG    300             /* > DOMS_PER_STEP: a build takes steps */

static struct daemon dm;
static struct policy_sample big_s[NBIG];
static struct policy_decision big_d[NBIG];
static char sdir[64], spath[128];

static int setup(void **state)
{
    unsigned int i;

    (void)state;
    log_init(true, 0);
    fixture_init(&dm);
    for ( i = 0; i < NBIG; i++ )
    {
        big_s[i] = fix_s[1 + i % 4];
        big_d[i] = fix_d[1 + i % 4];
        big_s[i].domid = big_d[i].domid = 100 + i;
        snprintf(big_s[i].name, sizeof(big_s[i].name), "vm%u", i);
    }
    dm.samples = big_s;
    dm.decisions = big_d;
    dm.ndoms = dm.ndoms_max = NBIG;
    strcpy(sdir, "/tmp/coopvmm-crowd-XXXXXX");
    assert_non_null(mkdtemp(sdir));
    snprintf(spath, sizeof(spath), "%s/c.sock", sdir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", sdir);
    return system(cmd);
}

/* A client in slot i, as accept would make it, on one end of a pair. */
static struct client *fake_client(struct control *c, unsigned int i,
                                  uid_t uid, uint64_t since, int *peer)
{
    struct client *cl = calloc(1, sizeof(*cl));
    int sv[2];

    assert_non_null(cl);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
                                sv), 0);
    cl->fd = sv[0];
    cl->uid = uid;
    cl->since_ns = since;
    cl->wait = CONTROL_SHARED_NONE;
    cl->may_read = true;
    cl->may_write = uid == 0;
    cl->deadline_ns = UINT64_MAX;
    c->cl[i] = cl;
    c->ncl++;
    if ( peer )
        *peer = sv[1];
    else
        close(sv[1]);
    return cl;
}

static struct control *fake_control(void)
{
    struct control *c = calloc(1, sizeof(*c));

    assert_non_null(c);
    c->fd = c->dirfd = -1;
    c->max_clients = CONTROL_MAX_CLIENTS;
    c->d = &dm;
    return c;
}

static void free_control(struct control *c)
{
    unsigned int i;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] )
            client_drop(c, i, "test over");
    control_build_free(c);
    assert_int_equal(c->out_bytes, 0);     /* every reply freed */
    free(c);
}

/* C7: read-only clients of one user cannot take root's way in. */
static void test_admission(void **state)
{
    struct control *c = fake_control();
    unsigned int i;

    (void)state;
    for ( i = 0; i < CONTROL_MAX_PER_UID; i++ )
        fake_client(c, i, 65534, 10 + i, NULL);
    assert_non_null(admit(c, 65534));           /* that user's share */
    assert_null(admit(c, 1000));                /* another user's is not */
    for ( ; i < CONTROL_MAX_CLIENTS - CONTROL_ROOT_RESERVE; i++ )
        fake_client(c, i, 2000 + i, 10 + i, NULL);
    assert_string_equal(admit(c, 1000), "too many clients, try again later");
    assert_null(admit(c, 0));                   /* the reserve is root's */
    for ( ; i < CONTROL_MAX_CLIENTS; i++ )
        fake_client(c, i, 0, 10 + i, NULL);
    /* Every slot taken: root still gets in, the oldest other client goes. */
    c->cl[5]->since_ns = 1;
    assert_int_equal(c->ncl, CONTROL_MAX_CLIENTS);
    assert_null(admit(c, 0));
    assert_int_equal(c->ncl, CONTROL_MAX_CLIENTS - 1);
    assert_null(c->cl[5]);
    /* Only root's clients left to make way: none does. */
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] && c->cl[i]->uid )
            client_drop(c, i, "test");
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( !c->cl[i] )
            fake_client(c, i, 0, 5, NULL);
    assert_non_null(admit(c, 0));
    free_control(c);
}

/* Run the loop's control half once, at `now`. */
static void pump(struct control *c, uint64_t now)
{
    struct pollfd pfd[CONTROL_MAX_POLLFDS];
    unsigned int n = control_pollfds(c, pfd, CONTROL_MAX_POLLFDS);

    poll(pfd, n, 20);
    control_events(c, pfd, n, &dm, now);
}

/* C10: no descriptor for accept(): back off, leave the listener alone. */
static void test_accept_backoff(void **state)
{
    struct control *c;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct pollfd pfd[CONTROL_MAX_POLLFDS];
    struct rlimit old, tight;
    int fd, probe, ms;

    (void)state;
    assert_int_equal(control_open(&c, spath, NULL), 0);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sun.sun_path, spath);
    /* No descriptor left: the highest in use is the last allowed. */
    probe = dup(0);
    close(probe);
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    tight = old;
    tight.rlim_cur = (rlim_t)probe;
    assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
    pump(c, 1000);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_int_equal(control_nclients(c), 0);
    assert_int_equal(c->accept_after_ns, 1000 + CONTROL_ACCEPT_BACKOFF_NS);
    /* Not polled meanwhile: no spinning on a readable listener. */
    control_pollfds(c, pfd, CONTROL_MAX_POLLFDS);
    assert_int_equal(pfd[0].events, 0);
    ms = control_timeout_ms(c, 1000);
    assert_int_equal(ms, CONTROL_ACCEPT_BACKOFF_NS / 1000000);
    assert_true(c->accept_rl.failing);
    /* Once the time is up, the waiting connection is taken. */
    pump(c, 1000 + CONTROL_ACCEPT_BACKOFF_NS);
    pump(c, 1001 + CONTROL_ACCEPT_BACKOFF_NS);
    assert_int_equal(control_nclients(c), 1);
    assert_false(c->accept_rl.failing);
    close(fd);
    control_close(c, &dm);
}

/* The status reply a waiting client got, parsed. */
static json_t *got(struct client *cl)
{
    json_error_t e;
    json_t *j;

    assert_non_null(cl->out);
    j = json_loadb(cl->out->text, cl->out->len - 1, 0, &e);
    assert_non_null(j);
    return j;
}

/*
 * C9: one build for every client of a generation, in slices, from a
 * snapshot: a poll between two slices does not show in the reply.
 */
static void test_shared_build(void **state)
{
    struct control *c = fake_control();
    struct client *cl[8];
    char *want;
    json_t *r;
    unsigned int i;

    (void)state;
    for ( i = 0; i < 8; i++ )
    {
        cl[i] = fake_client(c, i, 0, 1, NULL);
        cl[i]->wait = CONTROL_SHARED_STATUS;
        cl[i]->wait_gen = dm.gen;
    }
    want = control_build_now(&dm, CONTROL_SHARED_STATUS);
    /* One slice (until_ns 0: one step of DOMS_PER_STEP domains). */
    assert_true(control_build_run(c, &dm, 0));
    assert_true(c->build[CONTROL_SHARED_STATUS].active);
    assert_null(cl[0]->out);
    /* A poll: new values, a new generation. */
    big_s[0].weight = 4321;
    dm.gen++;
    while ( control_build_run(c, &dm, 0) && !cl[0]->out )
        ;
    /* All eight have the same reply, built once, of the snapshot. */
    for ( i = 0; i < 8; i++ )
        assert_ptr_equal(cl[i]->out, cl[0]->out);
    assert_int_equal(cl[0]->out->refs, 8 + 1);     /* and the cache */
    assert_int_equal(strlen(want) + 1, cl[0]->out->len);
    assert_memory_equal(cl[0]->out->text, want, strlen(want));
    r = got(cl[0]);
    assert_int_equal(json_array_size(json_object_get(r, "domains")), NBIG);
    json_decref(r);
    /* A client of the new generation gets a new build, with the poll. */
    reply_put(c, cl[1]->out);
    cl[1]->out = NULL;
    cl[1]->wait = CONTROL_SHARED_STATUS;
    cl[1]->wait_gen = dm.gen;
    while ( control_build_run(c, &dm, UINT64_MAX) )
        ;
    assert_ptr_not_equal(cl[1]->out, cl[0]->out);
    r = got(cl[1]);
    assert_int_equal(json_integer_value(json_object_get(
        json_array_get(json_object_get(r, "domains"), 0), "weight")), 4321);
    json_decref(r);
    free(want);
    free_control(c);
}

/* A reload frees the configuration a build's snapshot names: restart. */
static void test_build_reload(void **state)
{
    static struct conf other;
    struct control *c = fake_control();
    struct client *cl = fake_client(c, 0, 0, 1, NULL);
    json_t *r;

    (void)state;
    other = fix_conf;
    other.name = "reloaded";
    cl->wait = CONTROL_SHARED_STATUS;
    cl->wait_gen = dm.gen;
    assert_true(control_build_run(c, &dm, 0));
    dm.conf = &other;
    dm.gen++;
    while ( control_build_run(c, &dm, 0) )
        ;
    r = got(cl);
    assert_string_equal(json_string_value(json_object_get(
        json_object_get(r, "daemon"), "policy")), "reloaded");
    json_decref(r);
    free_control(c);
}

/* C8: past CONTROL_OUT_MAX, no new build: the last reply, a little old. */
static void test_reply_bound(void **state)
{
    struct control *c = fake_control();
    struct client *a = fake_client(c, 0, 0, 1, NULL);
    struct client *b = fake_client(c, 1, 0, 1, NULL);
    struct reply *first;

    (void)state;
    a->wait = CONTROL_SHARED_METRICS;
    a->wait_gen = dm.gen;
    while ( control_build_run(c, &dm, UINT64_MAX) )
        ;
    first = a->out;
    assert_non_null(first);
    dm.gen++;
    c->out_bytes += CONTROL_OUT_MAX;        /* as if slow readers held it */
    b->wait = CONTROL_SHARED_METRICS;
    b->wait_gen = dm.gen;
    control_build_run(c, &dm, UINT64_MAX);
    assert_ptr_equal(b->out, first);
    assert_false(c->build[CONTROL_SHARED_METRICS].active);
    c->out_bytes -= CONTROL_OUT_MAX;
    free_control(c);
}

/* C8: a reply not read in time: its client goes. */
static void test_slow_reader(void **state)
{
    struct control *c = fake_control();
    int peer;
    struct client *cl = fake_client(c, 0, 0, 1, &peer);

    (void)state;
    cl->out = reply_new(c, strdup("{}"), 2);
    cl->write_deadline_ns = 5000;
    client_drop_idle(c, 4999);
    assert_int_equal(c->ncl, 1);
    client_drop_idle(c, 5000);
    assert_int_equal(c->ncl, 0);
    close(peer);
    free_control(c);
}

/* C12, F4: socket-group changed on reload, on the node and for clients. */
static void test_set_group(void **state)
{
    struct control *c;
    struct group *gr = getgrnam("nogroup");
    struct stat st;
    struct client *cl;

    (void)state;
    if ( geteuid() != 0 || !gr )
        skip();
    assert_int_equal(control_open(&c, spath, "nogroup"), 0);
    assert_int_equal(stat(spath, &st), 0);
    assert_int_equal(st.st_gid, gr->gr_gid);
    assert_int_equal(st.st_mode & 0777, 0660);
    cl = fake_client(c, 0, 65534, 1, NULL);
    cl->gid = gr->gr_gid;
    control_set_group(c, "");
    assert_false(cl->may_read);
    assert_int_equal(stat(spath, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_gid, 0);
    assert_int_equal(st.st_mode & 0777, 0660);
    control_set_group(c, "nogroup");
    assert_true(cl->may_read);
    assert_int_equal(stat(spath, &st), 0);
    assert_int_equal(st.st_gid, gr->gr_gid);
    control_close(c, &dm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_admission, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_backoff, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shared_build, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_group, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
