#pragma once
unsigned __get_current_exception(void);
void panic(const char *fmt, ...) __attribute__((noreturn));
