/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cputime: run a command and print the CPU time it used (user + system,
 * from wait4()'s rusage, in microseconds) on stderr as
 *     cputime us=N user_us=U sys_us=S
 * bench/xen ships it into dom0 to time xentop refreshes; busybox's
 * `time` only gives hundredths of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static long long tv_us(const struct timeval *tv)
{
    return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int main(int argc, char **argv)
{
    struct rusage ru;
    int status;
    pid_t pid;

    if ( argc < 2 )
    {
        fprintf(stderr, "usage: cputime COMMAND [ARG...]\n");
        return 2;
    }
    pid = fork();
    if ( pid < 0 )
    {
        perror("cputime: fork");
        return 2;
    }
    if ( pid == 0 )
    {
        execvp(argv[1], argv + 1);
        perror("cputime: exec");
        _exit(127);
    }
    if ( wait4(pid, &status, 0, &ru) < 0 )
    {
        perror("cputime: wait4");
        return 2;
    }
    fprintf(stderr, "cputime us=%lld user_us=%lld sys_us=%lld\n",
            tv_us(&ru.ru_utime) + tv_us(&ru.ru_stime),
            tv_us(&ru.ru_utime), tv_us(&ru.ru_stime));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
