#pragma once
#include <stdbool.h>
#include <stddef.h>
#define VTABLE_FIRST_IRQ 16
typedef void (*irq_handler_t)(void);
void irq_set_exclusive_handler(unsigned num, irq_handler_t handler);
irq_handler_t irq_get_exclusive_handler(unsigned num);
void irq_remove_handler(unsigned num, irq_handler_t handler);
void irq_set_enabled(unsigned num, bool enabled);
