#pragma once
#include <stdint.h>
uint64_t time_us_64(void);
