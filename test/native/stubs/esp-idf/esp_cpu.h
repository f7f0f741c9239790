#pragma once
int esp_cpu_get_core_id(void);
