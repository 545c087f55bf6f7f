/* sim/tracefile.c: runs recorded to trace files (the configuration text is sim/conf.c). */
#include "tracefile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/plugin.h"

/* ---- recording a run ---- */

int sim_run_to_file(const scenario *sc, const sim_config *cfg, const char *path, sim_result *res,
                    tr_error *terr) {
    size_t tlen = sc_format(sc, NULL, 0);
    char *text = malloc(tlen + 1);
    uint8_t *bin = malloc(1 << 16);
    char conf[2048];
    size_t clen = sim_config_format(cfg, conf, sizeof conf);
    size_t blen = 0;
    if (text == NULL || bin == NULL) {
        free(text);
        free(bin);
        memset(res, 0, sizeof *res);
        res->outcome = OUT_RESOURCE;
        terr->cls = TR_ERR_NOMEM;
        return res->outcome;
    }
    sc_format(sc, text, tlen + 1);
    blen = sc_encode(sc, bin, 1 << 16);
    char plug[SIM_PLUGINS_MAX * 96];
    size_t plen = sim_plugins_format(plug, sizeof plug);
    tr_section secs[4] = {
        {TR_SEC_SCENARIO_TEXT, text, tlen},
        {TR_SEC_CONFIG, conf, clen},
    };
    size_t nsecs = 2;
    if (blen > 0)
        secs[nsecs++] = (tr_section){TR_SEC_SCENARIO, bin, blen};
    if (plen > 0 && plen < sizeof plug)
        secs[nsecs++] = (tr_section){TR_SEC_PLUGINS, plug, plen};   /* the plugins it needs to replay */
    tr_writer *w = tr_writer_open(path, secs, nsecs, NULL, terr);
    int outcome;
    if (w == NULL) {
        outcome = sim_run(sc, cfg, res);
    } else {
        sim_config c = *cfg;
        c.trace_on = true;
        c.sinks[c.nsinks++] = tr_writer_sink(w);
        outcome = sim_run(sc, &c, res);
        tr_writer_finish(w, terr);
    }
    free(text);
    free(bin);
    return outcome;
}

/* ---- reading a run back ---- */

int sim_trace_sections(const tr_reader *rd, scenario *sc, sim_config *cfg, char *why, size_t why_len) {
    size_t tlen = 0, clen = 0;
    const char *text = tr_reader_section(rd, TR_SEC_SCENARIO_TEXT, &tlen);
    const char *conf = tr_reader_section(rd, TR_SEC_CONFIG, &clen);
    sc_error serr = {0};
    if (text == NULL || conf == NULL) {
        snprintf(why, why_len, "no scenario or configuration section (not written by gmpsim run)");
        return EXIT_TRACE_REJECTED;
    }
    if (!sc_parse(text, tlen, sc, &serr)) {
        snprintf(why, why_len, "the recorded scenario does not parse: %u:%u: %s", serr.line, serr.col, serr.msg);
        return EXIT_TRACE_REJECTED;
    }
    return sim_config_parse(conf, clen, cfg, why, why_len) ? EXIT_OK : EXIT_TRACE_REJECTED;
}
