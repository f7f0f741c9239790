#pragma once
// Number of peripheral interrupt sources per chip (ESP-IDF 5 soc/<chip>/include/soc/interrupts.h).
#if CONFIG_IDF_TARGET_ESP32
#define ETS_MAX_INTR_SOURCE 71
#elif CONFIG_IDF_TARGET_ESP32S3
#define ETS_MAX_INTR_SOURCE 99
#elif CONFIG_IDF_TARGET_ESP32C3
#define ETS_MAX_INTR_SOURCE 62
#endif
