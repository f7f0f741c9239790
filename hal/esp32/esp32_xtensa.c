// ESP32 / ESP32-S3 (Xtensa LX6 / LX7): barriers and the interrupt level in PS.
#if defined(__XTENSA__)
#include "../native/vllsi_arch.h"

// Level masked by the critical section and interruptsSave: XCHAL_EXCM_LEVEL on
// both chips, the highest level FreeRTOS code may use. Levels 4-7 (and NMI) stay live.
#define MASK_LEVEL "3"

// memw: all earlier loads and stores (including to peripherals) complete before later ones.
void vllsi_arch_dmb(void) { __asm volatile("memw" ::: "memory"); }
// dsync also waits for earlier special-register writes that affect loads and stores.
void vllsi_arch_dsb(void) { __asm volatile("memw\n\tdsync" ::: "memory"); }
void vllsi_arch_isb(void) { __asm volatile("isync" ::: "memory"); }

uint32_t vllsi_arch_irq_save(void)
{
	uint32_t ps;
	__asm volatile("rsil %0, " MASK_LEVEL : "=a"(ps)::"memory");
	return ps;
}

void vllsi_arch_irq_restore(uint32_t ps)
{
	__asm volatile("wsr %0, ps\n\trsync" ::"a"(ps) : "memory");
}

void vllsi_arch_irq_enable(void)
{
	uint32_t ps;
	__asm volatile("rsil %0, 0" : "=a"(ps)::"memory");
	(void)ps;
}
#endif
