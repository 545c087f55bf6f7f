/* sim/interp.h: the program a run executes (see interp.c). */
#ifndef GMP_SIM_INTERP_H
#define GMP_SIM_INTERP_H

/* main for rt0_go: argument is the scenario. */
void interp_main(void *sc);

#endif
