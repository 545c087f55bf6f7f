/*
 * tests/faults/conf_edit.c: rewrite a trace file's CONF section, keeping
 * its other sections and its events, so that the file is intact (every
 * checksum and the footer right) and only the settings are hostile.
 *
 *   conf_edit IN OUT key=value...   set each key (added when absent);
 *                                   "key=" with no value drops the key
 *   conf_edit --exit-time-zero IN OUT [key=value...]
 *                                   also move the last event (the exit) to
 *                                   time 0, behind its M's earlier events
 *
 * The fault suite (tests/faults/faults.sh) and the trace_reader fuzz seed
 * corpus use it to check that every out-of-range value is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/tfile.h"

enum { CONF_BYTES_MAX = 4096 };

/* conf with the line for key replaced by kv (or dropped when kv is "key="). */
static void set_line(char *conf, const char *kv) {
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    char out[CONF_BYTES_MAX] = "";
    size_t o = 0;
    bool done = false;
    for (char *line = conf; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        bool match = len > klen && line[klen] == '=' && strncmp(line, kv, klen) == 0;
        const char *src = match ? kv : line;
        size_t slen = match ? strlen(kv) : len;
        if (match)
            done = true;
        if (!(match && eq && eq[1] == 0) && o + slen + 2 < sizeof out) {
            memcpy(out + o, src, slen);
            o += slen;
            out[o++] = '\n';
        }
        line += len + (nl != NULL);
    }
    if (!done && eq && eq[1] != 0 && o + strlen(kv) + 2 < sizeof out) {
        memcpy(out + o, kv, strlen(kv));
        o += strlen(kv);
        out[o++] = '\n';
    }
    out[o] = 0;
    memcpy(conf, out, o + 1);
}

int main(int argc, char **argv) {
    bool time_zero = argc > 1 && strcmp(argv[1], "--exit-time-zero") == 0;
    if (time_zero) {
        argv++;
        argc--;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: conf_edit IN OUT key=value...\n");
        return 64;
    }
    tr_error err;
    tr_reader *r = tr_reader_open_path(argv[1], TR_READ_STRICT, &err);
    if (r == NULL) {
        fprintf(stderr, "conf_edit: %s: %s\n", argv[1], err.msg);
        return 1;
    }
    const tr_file_info *in = tr_reader_info(r);
    tr_section secs[TR_SECTIONS_MAX];
    char conf[CONF_BYTES_MAX] = "";
    for (uint32_t i = 0; i < in->nsections; i++) {
        secs[i].data = tr_reader_section_at(r, i, &secs[i].id, &secs[i].len);
        if (secs[i].id == TR_SEC_CONFIG && secs[i].len < sizeof conf)
            memcpy(conf, secs[i].data, secs[i].len);
    }
    for (int a = 3; a < argc; a++)
        set_line(conf, argv[a]);
    for (uint32_t i = 0; i < in->nsections; i++)
        if (secs[i].id == TR_SEC_CONFIG)
            secs[i] = (tr_section){TR_SEC_CONFIG, conf, strlen(conf)};
    tr_event *ev;
    size_t n;
    if (tr_reader_load(r, &ev, &n, TR_FILE_EVENTS_MAX, &err) != TR_OK) {
        fprintf(stderr, "conf_edit: %s\n", err.msg);
        return 1;
    }
    if (time_zero && n > 0)
        ev[n - 1].time = 0;
    if (tr_write_file(argv[2], secs, in->nsections, ev, n, NULL, &err) != TR_OK) {
        fprintf(stderr, "conf_edit: %s\n", err.msg);
        return 1;
    }
    free(ev);
    tr_reader_close(r);
    return 0;
}
