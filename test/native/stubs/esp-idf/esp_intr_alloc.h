#pragma once
#include "esp_err.h"
#define ESP_INTR_FLAG_INTRDISABLED (1 << 11)
typedef void (*intr_handler_t)(void *arg);
typedef struct intr_handle_data_t *intr_handle_t;
esp_err_t esp_intr_alloc(int source, int flags, intr_handler_t handler, void *arg, intr_handle_t *ret_handle);
esp_err_t esp_intr_free(intr_handle_t handle);
esp_err_t esp_intr_enable(intr_handle_t handle);
esp_err_t esp_intr_disable(intr_handle_t handle);
