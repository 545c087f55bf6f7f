/*
 * fuzz/campaign/supervisor.c: a campaign's runs in worker processes.
 *
 * The supervisor forks --jobs workers.  Workers take run indices from a
 * shared counter; before each run a worker publishes the index and the
 * start time in its slot of a shared mapping, so when it dies the
 * supervisor knows which run killed it.  After each run the worker writes
 * one fz_report to a pipe shared by all workers (a write of at most
 * PIPE_BUF bytes is atomic).  The supervisor reads reports, kills a worker
 * whose run is past --run-timeout, turns a worker's death mid-run into a
 * finding (outcome crash, or timeout when it killed it) and forks a fresh
 * worker in its place.  SIGINT and SIGTERM set a flag: the supervisor stops
 * the workers and returns, and the caller writes the summary.
 *
 * Ownership: the shared mapping's slot i is written by worker i (run,
 * start) and read by the supervisor; next_run and stop are atomics.  The
 * pid table and everything else is the supervisor's.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sim/scenario.h"

_Static_assert(sizeof(fz_report) <= PIPE_BUF, "a report is one atomic pipe write");

enum { PROGRESS_EVERY_S = 5, POLL_MS = 20, REPORTS_PER_READ = 16 };

typedef struct slot {
    _Atomic int64_t run;        /* the run in progress, -1 when none */
    _Atomic int64_t start_ns;   /* when it started (CLOCK_MONOTONIC) */
    /* The decision site so far (rt_last_site), kept by the worker's event
     * hook, for a run that crashes: read only after the worker is gone. */
    int32_t site_kind;
    char site_fn[48];
    const char *site_cached;    /* the worker's: the fn last copied */
} slot;

typedef struct shared {
    _Atomic uint64_t next_run;
    _Atomic int stop;           /* workers take no new run */
    slot slots[MAX_JOBS];
} shared;

typedef struct worker {
    pid_t pid;                  /* 0: no process */
    int64_t last_reported;      /* the last run this worker reported, -1 */
    bool timed_out;             /* the supervisor killed it for --run-timeout */
} worker;

static volatile sig_atomic_t got_signal;

static void on_stop_signal(int sig) { got_signal = sig; }

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double fz_wall_s(void) { return (double)mono_ns() / 1e9; }

/* ---- the worker ---- */

static bool write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n;
    }
    return true;
}

/* Detach a child from the terminal's signals (the supervisor stops it) and
 * make it die with the supervisor. */
static void child_signals(pid_t parent) {
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
}

/* Per event: copy the decision site when its function changes. */
static void site_hook(void *ctx, uint64_t seq, const tr_event *e) {
    (void)seq, (void)e;
    slot *s = ctx;
    s->site_kind = (int32_t)rt_last_site.kind;
    if (rt_last_site.fn != s->site_cached && rt_last_site.fn != NULL) {
        s->site_cached = rt_last_site.fn;
        snprintf(s->site_fn, sizeof s->site_fn, "%s", rt_last_site.fn);
    }
}

static _Noreturn void worker_main(const campaign *c, shared *sh, int idx, int wfd, pid_t parent) {
    child_signals(parent);
    static scenario rnd;
    slot *s = &sh->slots[idx];
    while (!atomic_load(&sh->stop)) {
        uint64_t run = atomic_fetch_add(&sh->next_run, 1);
        if (c->nruns > 0 && run >= c->nruns) {
            atomic_store(&sh->stop, 1);   /* every run is taken */
            break;
        }
        atomic_store(&s->start_ns, mono_ns());
        s->site_kind = -1;
        s->site_fn[0] = 0;
        s->site_cached = NULL;
        atomic_store(&s->run, (int64_t)run);   /* published before the run starts */
        char name[64];
        sim_config cfg;
        const scenario *sc = fz_derive_run(c, run, &rnd, name, sizeof name, &cfg);
        cfg.hook = site_hook;
        cfg.hook_ctx = s;
        sim_result res;
        sim_run(sc, &cfg, &res);
        fz_report r = {.run = run, .outcome = res.outcome, .invariant = res.invariant,
                       .violation_seq = res.violation_seq, .events = res.events, .checks = res.checks,
                       .digest = res.digest, .site_kind = res.site_kind};
        snprintf(r.message, sizeof r.message, "%s", res.message);
        snprintf(r.site_fn, sizeof r.site_fn, "%s", res.site_fn ? res.site_fn : "");
        sim_result_free(&res);
        if (!write_all(wfd, &r, sizeof r))
            _exit(1);
        atomic_store(&s->run, -1);
    }
    atomic_store(&s->run, -1);
    _exit(0);
}

/* ---- the supervisor ---- */

typedef struct sup {
    campaign *c;
    shared *sh;
    worker w[MAX_JOBS];
    int nworkers, alive;
    int rfd, wfd;               /* the report pipe */
    pid_t self;
    double t0;
} sup;

static void spawn(sup *s, int i) {
    atomic_store(&s->sh->slots[i].run, -1);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(s->rfd);
        worker_main(s->c, s->sh, i, s->wfd, s->self);
    }
    if (pid < 0) {
        fprintf(stderr, "gmpsim campaign: fork: %s\n", strerror(errno));
        s->w[i].pid = 0;
        return;
    }
    s->w[i] = (worker){.pid = pid, .last_reported = -1};
    s->alive++;
}

static void account(sup *s, const fz_report *r) {
    campaign *c = s->c;
    c->runs++;
    c->checks += r->checks;
    c->events += r->events;
    if (r->outcome >= 0 && r->outcome < FZ_OUT__COUNT)
        c->outcomes[r->outcome]++;
    if (!fz_is_failure(r->outcome))
        return;
    if (c->failures++ == 0) {
        c->first_failure_s = fz_wall_s() - s->t0;
        c->first_failure_run = r->run;
    }
    fz_found(c, r);
    if (c->until_failure)
        atomic_store(&s->sh->stop, 1);
}

static void on_report(sup *s, const fz_report *r) {
    for (int i = 0; i < s->nworkers; i++)
        if (atomic_load(&s->sh->slots[i].run) == (int64_t)r->run)
            s->w[i].last_reported = (int64_t)r->run;
    account(s, r);
}

/* Read every report in the pipe now (non-blocking). */
static void drain(sup *s) {
    fz_report buf[REPORTS_PER_READ];
    for (;;) {
        ssize_t n = read(s->rfd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (size_t i = 0; i < (size_t)n / sizeof buf[0]; i++)
            on_report(s, &buf[i]);
    }
}

/* Worker i is gone: was it mid-run?  Then that run is a finding. */
static void on_exit_of(sup *s, int i, int status) {
    worker *w = &s->w[i];
    int64_t run = atomic_load(&s->sh->slots[i].run);
    w->pid = 0;
    s->alive--;
    if (run < 0 || run == w->last_reported || s->c->interrupted)
        return;
    fz_report r = {.run = (uint64_t)run, .invariant = -1, .site_kind = s->sh->slots[i].site_kind};
    memcpy(r.site_fn, s->sh->slots[i].site_fn, sizeof r.site_fn);
    r.site_fn[sizeof r.site_fn - 1] = 0;
    if (w->timed_out) {
        r.outcome = OUT_TIMEOUT;
        snprintf(r.message, sizeof r.message, "the run took longer than %.3f s of wall-clock time",
                 (double)s->c->run_timeout_ns / 1e9);
    } else {
        r.outcome = OUT_CRASH;
        r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        if (WIFSIGNALED(status))
            snprintf(r.message, sizeof r.message, "the process was killed by SIG%s (signal %d)",
                     sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?", WTERMSIG(status));
        else
            snprintf(r.message, sizeof r.message, "the process exited with status %d mid-run",
                     WEXITSTATUS(status));
    }
    account(s, &r);
}

static void reap(sup *s) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        drain(s);   /* its last report, if it wrote one, is in the pipe */
        for (int i = 0; i < s->nworkers; i++)
            if (s->w[i].pid == pid) {
                on_exit_of(s, i, status);
                if (!atomic_load(&s->sh->stop))
                    spawn(s, i);
            }
    }
}

static void check_timeouts(sup *s) {
    int64_t now = mono_ns();
    for (int i = 0; i < s->nworkers; i++) {
        worker *w = &s->w[i];
        int64_t run = atomic_load(&s->sh->slots[i].run);
        if (w->pid == 0 || w->timed_out || run < 0 || run == w->last_reported)
            continue;
        if (now - atomic_load(&s->sh->slots[i].start_ns) > (int64_t)s->c->run_timeout_ns) {
            w->timed_out = true;
            kill(w->pid, SIGKILL);
        }
    }
}

static void progress(const sup *s, double elapsed) {
    const campaign *c = s->c;
    fprintf(stderr, "[%5.0fs] runs %-8" PRIu64 " %7.0f exec/s  checks %-10" PRIu64 " failures %" PRIu64 "\n",
            elapsed, c->runs, (double)c->runs / (elapsed > 0 ? elapsed : 1), c->checks, c->failures);
}

static void install_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;   /* no SA_RESTART: poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void stop_all(sup *s, int sig) {
    atomic_store(&s->sh->stop, 1);
    for (int i = 0; i < s->nworkers; i++)
        if (s->w[i].pid != 0)
            kill(s->w[i].pid, sig);
}

static void loop(sup *s) {
    campaign *c = s->c;
    double next = s->t0 + PROGRESS_EVERY_S;
    while (s->alive > 0) {
        if (got_signal && !c->interrupted) {
            c->interrupted = true;
            c->stop_signal = got_signal;
            stop_all(s, SIGKILL);   /* runs in progress are dropped, not findings */
        }
        double now = fz_wall_s();
        if (c->seconds > 0 && now - s->t0 >= c->seconds)
            atomic_store(&s->sh->stop, 1);
        if (now >= next) {
            progress(s, now - s->t0);
            next += PROGRESS_EVERY_S;
        }
        struct pollfd pfd = {.fd = s->rfd, .events = POLLIN};
        poll(&pfd, 1, POLL_MS);
        drain(s);
        check_timeouts(s);
        reap(s);
    }
    drain(s);
}

void fz_supervise(campaign *c) {
    sup *s = calloc(1, sizeof *s);
    shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fds[2];
    if (s == NULL || sh == MAP_FAILED || pipe2(fds, O_CLOEXEC) != 0) {
        fprintf(stderr, "gmpsim campaign: cannot start workers: %s\n", strerror(errno));
        free(s);
        return;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    *s = (sup){.c = c, .sh = sh, .rfd = fds[0], .wfd = fds[1], .self = getpid(), .t0 = fz_wall_s()};
    s->nworkers = (int)c->jobs;
    install_handlers();
    for (int i = 0; i < s->nworkers; i++)
        spawn(s, i);
    loop(s);
    progress(s, fz_wall_s() - s->t0);
    close(fds[0]);
    close(fds[1]);
    munmap(sh, sizeof *sh);
    free(s);
}

/* ---- one function in a child process, under a time limit ---- */

int fz_in_child(void (*fn)(void *arg, int fd), void *arg, void *out, size_t outlen, uint64_t timeout_ns,
                int *status) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_signals(parent);
        fn(arg, fds[1]);
        _exit(0);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    int64_t deadline = mono_ns() + (int64_t)timeout_ns;
    bool killed = false;
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (!killed && mono_ns() > deadline) {
            kill(pid, SIGKILL);
            killed = true;
        }
        nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
    }
    size_t got = 0;
    while (got < outlen) {
        ssize_t n = read(fds[0], (char *)out + got, outlen - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    return killed ? 1 : got == outlen ? 0 : 2;
}
