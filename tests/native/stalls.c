// stalls: makes this machine stall as a loaded, shared CI machine does, so that timing-sensitive tests meet such stalls
// here before CI does. Every CPU is taken at once by a SCHED_FIFO 99 spinner (so the take's SCHED_FIFO 80 trigger
// thread and everything else wait) for a random 0.5 ms to <max-us>, after a random gap of 50 ms to 2 x <gap-ms>.
// Every spinner follows the same seeded sequence of absolute CLOCK_MONOTONIC times, so the CPUs stall together.
// With the defaults (150 ms, 10000 us) a 60 Hz take's trigger thread sees wake-up p99 of 7-9 ms, as CI runs did.
//
//   build:  cc -O2 -pthread -o /tmp/stalls tests/native/stalls.c
//   use:    /tmp/stalls [gap-ms [max-us]] & ... run the tests ...; kill %1      (root: SCHED_FIFO needs CAP_SYS_NICE)
//
// Each burst stays far inside the kernel's RT throttling budget (950 ms of every 1 s). Exits 1, naming errno, when
// SCHED_FIFO or a thread is refused.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long gap_ms = 150, max_us = 10000;
static unsigned seed0;
static long start_ns;

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *spinner(void *arg)
{
    long cpu = (long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int e = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    struct sched_param p = { .sched_priority = 99 };
    if (e == 0)
        e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
    if (e != 0) {
        fprintf(stderr, "stalls: CPU %ld: SCHED_FIFO 99 pinned to the CPU refused: %s\n", cpu, strerror(e));
        exit(1);
    }
    unsigned seed = seed0;
    long at = start_ns;
    for (;;) {
        at += (50000L + rand_r(&seed) % (2 * gap_ms * 1000L)) * 1000L;
        long length = (500L + rand_r(&seed) % (max_us > 500 ? max_us - 500 : 1)) * 1000L;
        if (at + length < now_ns())
            continue; // a burst already over (this thread started late): keep in step with the others
        struct timespec ts = { at / 1000000000L, at % 1000000000L };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) { }
        while (now_ns() < at + length) { }
        at += length;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) gap_ms = strtol(argv[1], NULL, 10);
    if (argc > 2) max_us = strtol(argv[2], NULL, 10);
    if (gap_ms < 1 || max_us < 500 || max_us > 200000) {
        fprintf(stderr, "usage: stalls [gap-ms >= 1 [max-us 500..200000]]\n");
        return 2;
    }
    seed0 = (unsigned)time(NULL);
    start_ns = now_ns();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < cpus; i++) {
        pthread_t t;
        int e = pthread_create(&t, NULL, spinner, (void *)i);
        if (e != 0) {
            fprintf(stderr, "stalls: starting the spinner for CPU %ld failed: %s\n", i, strerror(e));
            return 1;
        }
    }
    fprintf(stderr, "stalls: %ld CPUs, bursts of 0.5-%ld us every 50-%ld ms\n", cpus, max_us, 2 * gap_ms);
    pause();
    return 0;
}
