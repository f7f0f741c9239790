// ESP32-C3 (RISC-V RV32IMC, single core): barriers and the mstatus MIE bit.
#if defined(__riscv)
#include "../native/vllsi_arch.h"

#define MSTATUS_MIE 8u

void vllsi_arch_dmb(void) { __asm volatile("fence rw, rw" ::: "memory"); }
// Device accesses too (the C3's peripherals are memory-mapped I/O).
void vllsi_arch_dsb(void) { __asm volatile("fence iorw, iorw" ::: "memory"); }
void vllsi_arch_isb(void) { __asm volatile("fence.i" ::: "memory"); }

uint32_t vllsi_arch_irq_save(void)
{
	uint32_t mstatus;
	__asm volatile("csrrci %0, mstatus, 8" : "=r"(mstatus)::"memory");
	return mstatus & MSTATUS_MIE;
}

void vllsi_arch_irq_restore(uint32_t state)
{
	if (state & MSTATUS_MIE)
		__asm volatile("csrsi mstatus, 8" ::: "memory");
}

void vllsi_arch_irq_enable(void) { __asm volatile("csrsi mstatus, 8" ::: "memory"); }
#endif
