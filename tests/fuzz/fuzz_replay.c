/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_replay.c - libFuzzer target for the recording reader (replay.c).
 *
 * Each input is handed to the real replay backend as a file (a memfd, so
 * nothing touches the disk; one for the whole run, rewritten for each
 * input) and played to its end or its first error, with scheduler sets
 * applied to the model as the daemon would.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "replay.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct policy_sample s[64];
    static int fd = -1;
    struct backend_args a = { .speed = 0, .max_domains = 64 };
    struct backend *b;
    char path[64];
    uint64_t now;
    int n, i, polls = 0;

    if ( fd < 0 )
    {
        fd = memfd_create("rec", 0);
        log_init(true, 0);      /* errors are expected; keep quiet */
    }
    if ( fd < 0 || ftruncate(fd, 0) < 0 ||
         pwrite(fd, data, size, 0) != (ssize_t)size )
        return 0;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    a.replay_path = path;
    if ( backend_replay.open(&b, &a) == 0 )
    {
        while ( polls++ < 1000 &&
                (n = backend_replay.sample(b, s, 64, &now)) >= 0 )
            for ( i = 0; i < n; i++ )
                backend_replay.set(b, &s[i], POLICY_SET_WEIGHT, 512, 0);
        backend_replay.close(b);
    }
    return 0;
}
