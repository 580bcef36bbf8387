/* serve.h - `actjail serve` (server.h has the rest). */
#ifndef ACTJAIL_SERVE_H
#define ACTJAIL_SERVE_H

int serve_main(int argc, char **argv);

#endif
