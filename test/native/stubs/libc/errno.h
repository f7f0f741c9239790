#pragma once
// xs.h includes <errno.h>; these bare-metal compilers ship no libc.
extern int errno;
