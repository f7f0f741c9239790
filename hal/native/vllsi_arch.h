// What each native port (hal/rp2040, hal/esp32) provides to the shared XS glue
// (hal/native/vllsi_xs.c). The glue owns argument conversion, address checks and
// the ISR-to-XS hand-off; a port owns only the instructions and SDK calls.
#ifndef VLLSI_ARCH_H
#define VLLSI_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Code an ISR reaches stays out of flash: flash is unreadable while it is being
// written (ESP32 cache off, RP2040 XIP busy).
#if defined(ESP_PLATFORM)
#include "esp_attr.h"
#define VLLSI_RAM_FUNC IRAM_ATTR
#else
#define VLLSI_RAM_FUNC __attribute__((section(".time_critical.vllsi")))
#endif

/** Upper bound of vllsi_arch_irq_count over every port (ESP32-S3 has 99 sources). */
#define VLLSI_IRQ_MAX 128u

/** An address range [start, end] (inclusive) the bus answers for a given access. */
typedef struct {
	uint32_t start;
	uint32_t end;
} vllsi_region;

/** The chip's memory map as data: loads and stores outside it are refused, never issued. */
extern const vllsi_region vllsi_arch_regions[];
extern const unsigned vllsi_arch_region_count;

/** Chip name for the HAL's name: "rp2040", "esp32", "esp32s3", "esp32c3". */
extern const char vllsi_arch_chip[];

/** Number of IRQ lines (RP2040 NVIC inputs, ESP32 interrupt sources). */
extern const unsigned vllsi_arch_irq_count;
extern const unsigned vllsi_arch_core_count;

/** Once, before anything else: claims the port's spinlocks from the SDK (those still free). */
void vllsi_arch_init(void);

/** How many spinlocks JS got at init (JS numbers them 0..count-1). */
unsigned vllsi_arch_spinlock_count(void);
/** The hardware number of JS spinlock n (< vllsi_arch_spinlock_count()). */
unsigned vllsi_arch_spinlock_id(unsigned n);

void vllsi_arch_dmb(void);
void vllsi_arch_dsb(void);
void vllsi_arch_isb(void);

/** Masks interrupts on the calling core; returns the state to hand back to restore. */
uint32_t vllsi_arch_irq_save(void);
void vllsi_arch_irq_restore(uint32_t state);
void vllsi_arch_irq_enable(void);

unsigned vllsi_arch_core_id(void);

/** One attempt; true when spinlock n (< vllsi_arch_spinlock_count) is now ours. */
bool vllsi_arch_spinlock_try_claim(unsigned n);
void vllsi_arch_spinlock_release(unsigned n);

/** Dual-core critical section, re-entrant on the owning core. The token goes back to release. */
uint32_t vllsi_arch_cs_acquire(void);
void vllsi_arch_cs_release(uint32_t token);

/** Attaches (or detaches) the port's ISR to a line; 0 on success, a VLLSI_IRQ_* error otherwise. */
int vllsi_arch_irq_attach(unsigned irq, bool attach);
/** Enables or disables one line at the interrupt controller. */
int vllsi_arch_irq_set_enabled(unsigned irq, bool enabled);

/** Monotonic nanoseconds. */
uint64_t vllsi_arch_now_ns(void);
/** Ends the program with a message. */
void vllsi_arch_halt(const char *reason) __attribute__((noreturn));

#define VLLSI_IRQ_OK 0
#define VLLSI_IRQ_BUSY -1		// another handler owns the line
#define VLLSI_IRQ_FAILED -2		// the SDK refused

/** Called by a port's ISR: records the line and posts one message to the XS machine. */
void vllsi_irq_raised(unsigned irq);

#endif
