/*
 * tests/traces/export_sample.c: write DIR/sample.gmpt (the sample timeline
 * of streams.h) and export it with the export command to DIR/sample.json
 * and DIR/sample.html; print what the exports must show.  Driven by
 * check_perfetto.py and check_html.py.
 */
#include <stdio.h>

#include "streams.h"
#include "traces/tfile.h"
#include "traces/tools.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: export_sample DIR\n");
        return 64;
    }
    char trace[4096], json[4096], html[4096];
    snprintf(trace, sizeof trace, "%s/sample.gmpt", argv[1]);
    snprintf(json, sizeof json, "%s/sample.json", argv[1]);
    snprintf(html, sizeof html, "%s/sample.html", argv[1]);
    if (ts_write_sample_file(trace) != TR_OK) {
        fprintf(stderr, "export_sample: cannot write %s\n", trace);
        return 10;
    }
    char *args[] = {"export", trace, "--perfetto", json, "--html", html, NULL};
    int rc = tr_cmd_export(6, args);
    if (rc != 0)
        return rc;
    printf("expect lanes=%d slices=%d instants=%d flows=%d\n", TS_SAMPLE_LANES, TS_SAMPLE_SLICES,
           TS_SAMPLE_INSTANTS, TS_SAMPLE_FLOWS);
    return 0;
}
