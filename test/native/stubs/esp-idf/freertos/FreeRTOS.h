#pragma once
#include <stdint.h>
#if CONFIG_IDF_TARGET_ESP32C3
#define portNUM_PROCESSORS 1
#else
#define portNUM_PROCESSORS 2
#endif
typedef struct {
	volatile uint32_t owner;
	volatile uint32_t count;
} portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED {0xB33FFFFFu, 0}
void vPortEnterCriticalSafe(portMUX_TYPE *mux);
void vPortExitCriticalSafe(portMUX_TYPE *mux);
#define portENTER_CRITICAL_SAFE(mux) vPortEnterCriticalSafe(mux)
#define portEXIT_CRITICAL_SAFE(mux) vPortExitCriticalSafe(mux)
