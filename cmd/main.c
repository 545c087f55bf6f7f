/* cmd/main.c: gmpsim's main (the commands are in the gmp_cmd library, so
 * tests can walk their flag tables). */
#include "cmd/cmd.h"

int main(int argc, char **argv) { return cmd_main(argc, argv); }
