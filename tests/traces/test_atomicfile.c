/*
 * tests/traces/test_atomicfile.c: what traces/atomicfile.h promises about
 * outputs: only regular files are replaced, temporaries are created
 * exclusively and never followed, outputs are never inputs, signals and
 * later writers clean up, and folders appear whole or not at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit.h"
#include "traces/atomicfile.h"

static char *make_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/gmpaf-XXXXXX", base && base[0] ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    CHECK(d != NULL);
    return strdup(d);
}

/* Entries of dir whose name contains infix ("" counts every entry). */
static int count_named(const char *dir, const char *infix) {
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strstr(e->d_name, infix) != NULL;
    closedir(d);
    return n;
}

static void remove_all(char *dir) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    free(dir);
}

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void expect_content(const char *path, const char *text) {
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    CHECK_STR(buf, text);
}

static void only_regular_files_are_replaced(void) {
    char *dir = make_tmpdir();
    char p[1024], target[1024];
    /* a FIFO, a directory, a symlink, a socket, a device: refused, untouched */
    snprintf(p, sizeof p, "%s/fifo", dir);
    CHECK(mkfifo(p, 0600) == 0);
    CHECK_EQ(af_write_file(p, "x", 1), AF_ENOTREG);
    snprintf(p, sizeof p, "%s/sub", dir);
    CHECK(mkdir(p, 0700) == 0);
    CHECK_EQ(af_write_file(p, "x", 1), AF_ENOTREG);
    snprintf(target, sizeof target, "%s/target", dir);
    put(target, "kept");
    snprintf(p, sizeof p, "%s/link", dir);
    CHECK(symlink(target, p) == 0);
    CHECK_EQ(af_write_file(p, "x", 1), AF_ESYMLINK);
    expect_content(target, "kept");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
    CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
    CHECK_EQ(af_write_file(sa.sun_path, "x", 1), AF_ENOTREG);
    close(s);
    CHECK_EQ(af_check_target("/dev/null"), AF_ENOTREG);
    struct stat st;
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 0);
    /* a regular file is replaced; an absent one created */
    CHECK_EQ(af_write_file(target, "new", 3), 0);
    expect_content(target, "new");
    CHECK(strstr(af_strerror(AF_ENOTREG), "give -") != NULL);
    remove_all(dir);
}

/* Symlinks planted at the next temporary names: never followed, the
 * victim stays as it was, the write still succeeds under a fresh name. */
static void planted_temporary_names_are_never_followed(void) {
    char *dir = make_tmpdir();
    char out[1024], victim[1024], link[1200];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    put(victim, "precious");
    for (int n = 0; n < 8; n++) {
        snprintf(link, sizeof link, "%s" AF_TMP_INFIX "%ld.%d", out, (long)getpid(), n);
        CHECK(symlink(victim, link) == 0);
    }
    CHECK_EQ(af_write_file(out, "data", 4), 0);
    expect_content(out, "data");
    expect_content(victim, "precious");
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 8);   /* the plants, untouched (our pid is alive) */
    remove_all(dir);
}

static void an_input_is_never_an_output(void) {
    char *dir = make_tmpdir();
    char in[1024], hard[1024], other[1024];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(hard, sizeof hard, "%s/hard", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    put(in, "input");
    CHECK(link(in, hard) == 0);
    CHECK_EQ(af_check_not_input(in, in), AF_ESAME);
    CHECK_EQ(af_check_not_input(hard, in), AF_ESAME);
    CHECK_EQ(af_check_not_input(other, in), 0);   /* absent */
    put(other, "x");
    CHECK_EQ(af_check_not_input(other, in), 0);
    CHECK_EQ(af_check_not_input("-", in), 0);
    remove_all(dir);
}

/* The target turns into a directory between open and commit: commit
 * refuses and leaves no temporary file. */
static void commit_checks_the_target_again(void) {
    char *dir = make_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    af_file af;
    CHECK_EQ(af_open(&af, out), 0);
    fputs("data", af.f);
    CHECK(mkdir(out, 0700) == 0);
    CHECK_EQ(af_commit(&af), AF_ENOTREG);
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 0);
    remove_all(dir);
}

/* A child opens a temporary file and folder, then gets sig: it dies of
 * that signal and leaves nothing behind. */
static void child_killed_by(int sig, const char *dir) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char out[1024], sub[1024];
        snprintf(out, sizeof out, "%s/out", dir);
        snprintf(sub, sizeof sub, "%s/folder", dir);
        af_file af;
        af_dir d;
        if (af_open(&af, out) != 0 || af_dir_open(&d, sub) != 0 || af_dir_write_file(&d, "a", "1", 1) != 0)
            _exit(3);
        fputs("half", af.f);
        fflush(af.f);
        raise(sig);
        _exit(4);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig);
}

static void sigterm_and_sigint_remove_live_temporaries(void) {
    char *dir = make_tmpdir();
    child_killed_by(SIGTERM, dir);
    CHECK_EQ(count_named(dir, ""), 0);
    child_killed_by(SIGINT, dir);
    CHECK_EQ(count_named(dir, ""), 0);
    remove_all(dir);
}

/* kill -9 cannot clean: the temporaries stay, the destination is absent;
 * the next atomic write into the directory removes them. */
static void the_next_writer_removes_what_kill_9_left(void) {
    char *dir = make_tmpdir();
    child_killed_by(SIGKILL, dir);
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 2);   /* the file and the folder */
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    struct stat st;
    CHECK(stat(out, &st) != 0 && errno == ENOENT);
    char other[1024];
    snprintf(other, sizeof other, "%s/other", dir);
    CHECK_EQ(af_write_file(other, "x", 1), 0);
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 0);
    CHECK_EQ(count_named(dir, ""), 1);
    remove_all(dir);
}

/* A live process's temporaries are never swept, nor a parent's by a child. */
static void live_temporaries_are_left_alone(void) {
    char *dir = make_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    af_file af;
    CHECK_EQ(af_open(&af, out), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        af_cleanup_now();          /* the parent's entry: not the child's to remove */
        af_sweep_stale(dir);       /* the parent is alive */
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 1);
    CHECK_EQ(af_commit(&af), 0);
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 0);
    remove_all(dir);
}

static void a_program_handler_is_not_replaced(void) {
    struct sigaction sa = {.sa_handler = SIG_IGN}, now;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
    char *dir = make_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    CHECK_EQ(af_write_file(out, "x", 1), 0);
    CHECK(sigaction(SIGHUP, NULL, &now) == 0 && now.sa_handler == SIG_IGN);
    CHECK(sigaction(SIGTERM, NULL, &now) == 0 && now.sa_handler != SIG_DFL);   /* ours */
    remove_all(dir);
}

static void folders_appear_whole_or_not_at_all(void) {
    char *dir = make_tmpdir();
    char path[1024], file[1200];
    snprintf(path, sizeof path, "%s/finding", dir);
    af_dir d;
    CHECK_EQ(af_dir_open(&d, path), 0);
    CHECK_EQ(af_dir_write_file(&d, "a.txt", "A", 1), 0);
    CHECK_EQ(af_dir_write_file(&d, "b.txt", "B", 1), 0);
    struct stat st;
    CHECK(stat(path, &st) != 0);   /* nothing at PATH before commit */
    CHECK_EQ(af_dir_commit(&d), 0);
    snprintf(file, sizeof file, "%s/b.txt", path);
    expect_content(file, "B");
    CHECK_EQ(count_named(path, ""), 2);
    /* never replaced nor merged */
    CHECK_EQ(af_dir_open(&d, path), EEXIST);
    char again[1024];
    snprintf(again, sizeof again, "%s/second", dir);
    CHECK_EQ(af_dir_open(&d, again), 0);
    CHECK_EQ(af_dir_write_file(&d, "c.txt", "C", 1), 0);
    CHECK(mkdir(again, 0700) == 0);   /* someone else got there first */
    CHECK_EQ(af_dir_commit(&d), EEXIST);
    CHECK_EQ(count_named(again, ""), 0);
    /* abort removes everything */
    snprintf(again, sizeof again, "%s/third", dir);
    CHECK_EQ(af_dir_open(&d, again), 0);
    CHECK_EQ(af_dir_write_file(&d, "c.txt", "C", 1), 0);
    af_dir_abort(&d);
    CHECK_EQ(count_named(dir, AF_TMP_INFIX), 0);
    CHECK_EQ(count_named(dir, ""), 2);
    remove_all(dir);
}

/* A write error (here the file size limit, as `ulimit -f` sets it) is an
 * error return, not SIGXFSZ, and leaves no temporary file. */
static void a_write_error_is_reported_and_cleaned_up(void) {
    char *dir = make_tmpdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        static char big[1 << 16];
        struct rlimit lim = {4096, 4096};
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(3);
        int rc = af_write_file(out, big, sizeof big);
        _exit(rc == EFBIG ? 0 : 5);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(count_named(dir, ""), 0);
    remove_all(dir);
}

#define TESTS(X)                                        \
    X(only_regular_files_are_replaced)                  \
    X(planted_temporary_names_are_never_followed)       \
    X(an_input_is_never_an_output)                      \
    X(commit_checks_the_target_again)                   \
    X(sigterm_and_sigint_remove_live_temporaries)       \
    X(the_next_writer_removes_what_kill_9_left)         \
    X(live_temporaries_are_left_alone)                  \
    X(a_program_handler_is_not_replaced)                \
    X(folders_appear_whole_or_not_at_all)               \
    X(a_write_error_is_reported_and_cleaned_up)
#include "tests/unit.h"
