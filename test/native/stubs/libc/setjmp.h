#pragma once
// xs.h includes <setjmp.h> for jmp_buf; these bare-metal compilers ship no libc.
#include <stddef.h>
typedef long jmp_buf[32];
int setjmp(jmp_buf env);
void longjmp(jmp_buf env, int val) __attribute__((noreturn));
