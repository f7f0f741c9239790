// RP2040 (Cortex-M0+): barriers, PRIMASK, SIO CPUID and spinlocks, and the dual-core
// critical section. No SDK calls: see rp2040_sdk.c for those.
#include "rp2040_sync.h"
#include "../native/vllsi_arch.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

// The RP2040 memory map (datasheet 2.2); XIP covers the cache and its aliases,
// APB/AHB the SET/CLR/XOR atomic aliases of each peripheral.
const vllsi_region vllsi_arch_regions[] = {
	{0x00000000u, 0x00003fffu},	// boot ROM
	{0x10000000u, 0x15ffffffu},	// XIP flash and its aliases
	{0x20000000u, 0x20041fffu},	// SRAM0-5
	{0x40000000u, 0x4006ffffu},	// APB peripherals
	{0x50000000u, 0x503fffffu},	// AHB-Lite: DMA, USB, PIO0/1
	{0xd0000000u, 0xd00001ffu},	// SIO
	{0xe0000000u, 0xe000ffffu},	// Cortex-M0+ private peripherals (NVIC, SysTick, SCB)
};
const unsigned vllsi_arch_region_count = sizeof vllsi_arch_regions / sizeof vllsi_arch_regions[0];
const char vllsi_arch_chip[] = "rp2040";
const unsigned vllsi_arch_irq_count = 32;
const unsigned vllsi_arch_core_count = 2;

volatile uint8_t vllsi_rp2040_cs_owner;
uint8_t vllsi_rp2040_cs_lock;
uint8_t vllsi_rp2040_js_locks[VLLSI_JS_SPINLOCK_MAX];
unsigned vllsi_rp2040_js_lock_count;

void vllsi_rp2040_claim_locks(int (*claim_unused)(bool required))
{
	vllsi_rp2040_cs_lock = (uint8_t)claim_unused(true);
	unsigned n = 0;
	for (int lock; n < VLLSI_JS_SPINLOCK_MAX && (lock = claim_unused(false)) >= 0; n++)
		vllsi_rp2040_js_locks[n] = (uint8_t)lock;
	vllsi_rp2040_js_lock_count = n;
}

unsigned vllsi_arch_spinlock_count(void) { return vllsi_rp2040_js_lock_count; }
unsigned vllsi_arch_spinlock_id(unsigned n) { return vllsi_rp2040_js_locks[n]; }

void vllsi_arch_dmb(void) { __asm volatile("dmb" ::: "memory"); }
void vllsi_arch_dsb(void) { __asm volatile("dsb" ::: "memory"); }
void vllsi_arch_isb(void) { __asm volatile("isb" ::: "memory"); }

uint32_t vllsi_arch_irq_save(void)
{
	uint32_t primask;
	__asm volatile("mrs %0, PRIMASK\n\tcpsid i" : "=r"(primask)::"memory");
	return primask & 1u;
}

void vllsi_arch_irq_restore(uint32_t state)
{
	__asm volatile("msr PRIMASK, %0" ::"r"(state & 1u) : "memory");
}

void vllsi_arch_irq_enable(void) { __asm volatile("cpsie i" ::: "memory"); }

unsigned vllsi_arch_core_id(void) { return REG32(VLLSI_SIO_CPUID); }

// A read returns nonzero when it claimed the lock, 0 when someone holds it.
static bool sio_try_claim(unsigned lock)
{
	if (REG32(VLLSI_SIO_SPINLOCK(lock)) == 0)
		return false;
	vllsi_arch_dmb();	// acquire: nothing inside moves before the claim
	return true;
}

// Any write releases; we write the lock's bit (see the harness note in rp2040_sync.h).
static void sio_release(unsigned lock)
{
	vllsi_arch_dmb();	// release: everything inside is visible before the lock is free
	REG32(VLLSI_SIO_SPINLOCK(lock)) = 1u << lock;
}

bool vllsi_arch_spinlock_try_claim(unsigned n) { return sio_try_claim(vllsi_rp2040_js_locks[n]); }
void vllsi_arch_spinlock_release(unsigned n) { sio_release(vllsi_rp2040_js_locks[n]); }

// As rp2040-hal: mask this core's interrupts, then take the critical-section lock and record the
// owner so the same core re-enters without deadlocking on its own lock. While the
// other core holds the lock we spin with interrupts restored, so this core stays
// responsive. The owner word is only written by the lock holder, and a core only
// ever compares it with its own id, so reading it unlocked is safe.
uint32_t VLLSI_RAM_FUNC vllsi_arch_cs_acquire(void)
{
	uint8_t me = (uint8_t)(vllsi_arch_core_id() + 1u);
	for (;;) {
		uint32_t primask = vllsi_arch_irq_save();
		if (vllsi_rp2040_cs_owner == me)
			return VLLSI_CS_REENTERED;
		if (sio_try_claim(vllsi_rp2040_cs_lock)) {
			vllsi_rp2040_cs_owner = me;
			return primask;
		}
		vllsi_arch_irq_restore(primask);
	}
}

void VLLSI_RAM_FUNC vllsi_arch_cs_release(uint32_t token)
{
	if (token == VLLSI_CS_REENTERED)
		return;
	vllsi_rp2040_cs_owner = 0;
	sio_release(vllsi_rp2040_cs_lock);
	vllsi_arch_irq_restore(token);
}
