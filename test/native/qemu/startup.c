// Bare-metal start-up for the QEMU harness: vector table, .data/.bss set-up,
// semihosting output and exit (ARM semihosting: bkpt 0xab, op in r0, argument in r1).
#include <stdint.h>
#include "harness.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

static uint32_t semihost(uint32_t op, uint32_t arg)
{
	register uint32_t r0 __asm("r0") = op;
	register uint32_t r1 __asm("r1") = arg;
	__asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void harness_puts(const char *s) { semihost(0x04, (uint32_t)(uintptr_t)s); }	// SYS_WRITE0

void harness_exit(int ok)
{
	// SYS_EXIT on AArch32 takes the reason in r1: ApplicationExit (0x20026) exits 0,
	// RunTimeErrorUnknown (0x20023) exits 1.
	semihost(0x18, ok ? 0x20026u : 0x20023u);
	for (;;) {
	}
}

void reset_handler(void)
{
	for (uint32_t *s = &_sidata, *d = &_sdata; d < &_edata;)
		*d++ = *s++;
	for (uint32_t *d = &_sbss; d < &_ebss;)
		*d++ = 0;
	harness_exit(main() == 0);
}

static void fault_handler(void)
{
	harness_puts("not ok - fault exception taken\n");
	harness_exit(0);
}

typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector vectors[16 + 32] = {
	[0] = (vector)(uintptr_t)&_estack,
	[1] = reset_handler,
	[2] = fault_handler,	// NMI
	[3] = fault_handler,	// HardFault
	[4] = fault_handler,	// MemManage (M3)
	[5] = fault_handler,	// BusFault (M3)
	[6] = fault_handler,	// UsageFault (M3)
	[11] = fault_handler,	// SVCall
	[14] = fault_handler,	// PendSV
	[15] = fault_handler,	// SysTick
	[16] = harness_irq0_handler,
};
