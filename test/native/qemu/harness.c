// Runs the RP2040 HAL's interrupt and critical-section code (hal/rp2040/rp2040_sync.c,
// compiled unchanged) on QEMU's mps2-an385 and checks PRIMASK, the owner word and
// real interrupt delivery after every step. Prints one "ok - …"/"not ok - …" line per check.
//
// mps2-an385 has no SIO: VLLSI_SIO_BASE points at RAM, so CPUID and the spinlock
// registers are plain words the harness sets to play the other core (0 in a
// spinlock word = held elsewhere, nonzero = free; a real SIO clears it on claim).
#include <stdint.h>
#include "harness.h"
#include "rp2040_sync.h"
#include "../../../hal/native/vllsi_arch.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define NVIC_ISER 0xe000e100u
#define NVIC_ISPR 0xe000e200u
#define NVIC_ICPR 0xe000e280u

static int failures;
static volatile uint32_t irqCount;
static volatile uint32_t releaseOnIrq;	// the "other core" frees the CS lock from IRQ 0

void harness_irq0_handler(void)
{
	irqCount++;
	if (releaseOnIrq) {
		REG32(VLLSI_SIO_SPINLOCK(vllsi_rp2040_cs_lock)) = 1;
		releaseOnIrq = 0;
	}
}

static uint32_t primask(void)
{
	uint32_t v;
	__asm volatile("mrs %0, PRIMASK" : "=r"(v));
	return v & 1u;
}

static void check(int cond, const char *what)
{
	harness_puts(cond ? "ok - " : "not ok - ");
	harness_puts(what);
	harness_puts("\n");
	if (!cond)
		failures++;
}

// Pends IRQ 0 and gives the core the chance to take it.
static void pendIrq0(void)
{
	REG32(NVIC_ISPR) = 1u;
	__asm volatile("dsb\n\tisb" ::: "memory");
}

static void testPrimask(void)
{
	vllsi_arch_irq_enable();
	check(primask() == 0, "interrupts enabled at start (PRIMASK 0)");
	uint32_t outer = vllsi_arch_irq_save();
	check(outer == 0 && primask() == 1, "save returns 0 and masks (PRIMASK 1)");
	uint32_t inner = vllsi_arch_irq_save();
	check(inner == 1 && primask() == 1, "nested save returns 1, still masked");
	uint32_t before = irqCount;
	pendIrq0();
	check(irqCount == before, "an IRQ pended while masked is not taken");
	vllsi_arch_irq_restore(inner);
	pendIrq0();
	check(primask() == 1 && irqCount == before, "inner restore keeps interrupts masked");
	vllsi_arch_irq_restore(outer);
	__asm volatile("isb" ::: "memory");
	check(primask() == 0 && irqCount == before + 1, "outer restore unmasks and the pending IRQ runs");
	vllsi_arch_irq_save();
	vllsi_arch_irq_enable();
	check(primask() == 0, "enable unmasks unconditionally");
}

static void testBarriers(void)
{
	static volatile uint32_t word;
	word = 0x1234u;
	vllsi_arch_dmb();
	vllsi_arch_dsb();
	vllsi_arch_isb();
	check(word == 0x1234u && primask() == 0, "dmb, dsb and isb execute and leave PRIMASK alone");
}

static void testCriticalSection(void)
{
	REG32(VLLSI_SIO_CPUID) = 0;
	REG32(VLLSI_SIO_SPINLOCK(vllsi_rp2040_cs_lock)) = 1;	// free
	check(vllsi_arch_core_id() == 0, "core id read from SIO CPUID (0)");

	uint32_t before = irqCount;
	uint32_t outer = vllsi_arch_cs_acquire();
	check(outer == 0 && primask() == 1 && vllsi_rp2040_cs_owner == 1, "acquire: token 0, masked, owner core 0");
	uint32_t inner = vllsi_arch_cs_acquire();
	check(inner == VLLSI_CS_REENTERED && primask() == 1 && vllsi_rp2040_cs_owner == 1,
		"re-entry on the owning core: token REENTERED, no deadlock");
	pendIrq0();
	vllsi_arch_cs_release(inner);
	check(primask() == 1 && vllsi_rp2040_cs_owner == 1 && irqCount == before,
		"inner release keeps the section held and interrupts masked");
	REG32(VLLSI_SIO_SPINLOCK(vllsi_rp2040_cs_lock)) = 0xdeadu;
	vllsi_arch_cs_release(outer);
	__asm volatile("isb" ::: "memory");
	check(vllsi_rp2040_cs_owner == 0 && REG32(VLLSI_SIO_SPINLOCK(vllsi_rp2040_cs_lock)) == 1u << vllsi_rp2040_cs_lock,
		"outer release clears the owner and writes the spinlock register");
	check(primask() == 0 && irqCount == before + 1, "outer release unmasks and the held-off IRQ runs");

	vllsi_arch_irq_save();
	uint32_t masked = vllsi_arch_cs_acquire();
	vllsi_arch_cs_release(masked);
	check(masked == 1 && primask() == 1, "entered with interrupts masked: release leaves them masked");
	vllsi_arch_irq_enable();

	REG32(VLLSI_SIO_CPUID) = 1;
	uint32_t t = vllsi_arch_cs_acquire();
	check(vllsi_arch_core_id() == 1 && vllsi_rp2040_cs_owner == 2, "on core 1 the owner word records core 1");
	vllsi_arch_cs_release(t);
	REG32(VLLSI_SIO_CPUID) = 0;

	// The other core holds the lock; it lets go from an IRQ. acquire must spin with
	// interrupts restored between attempts, or it would never see the release.
	REG32(VLLSI_SIO_SPINLOCK(vllsi_rp2040_cs_lock)) = 0;
	before = irqCount;
	releaseOnIrq = 1;
	REG32(NVIC_ISPR) = 1u;
	uint32_t waited = vllsi_arch_cs_acquire();
	check(irqCount == before + 1 && vllsi_rp2040_cs_owner == 1 && primask() == 1,
		"contended acquire spins with interrupts open, then takes the lock");
	vllsi_arch_cs_release(waited);
	check(primask() == 0 && vllsi_rp2040_cs_owner == 0, "and releases it");
}

// pico-sdk's spin_lock_claim_unused over its "claim free" range 24..31: the lowest free lock,
// or -1 when none is (with `required`, the SDK panics: the harness counts it).
static uint32_t claimed;
static int panics;
static int claimUnused(bool required)
{
	for (int n = 24; n <= 31; n++) {
		if (!(claimed & (1u << n))) {
			claimed |= 1u << n;
			return n;
		}
	}
	if (required)
		panics++;
	return -1;
}

static void testClaim(void)
{
	claimed = (1u << 24) | (1u << 25) | (1u << 29);	// tinyusb, stdio_usb and some other user
	vllsi_rp2040_claim_locks(claimUnused);
	check(vllsi_rp2040_cs_lock == 26 && vllsi_arch_spinlock_count() == 2 && vllsi_arch_spinlock_id(0) == 27 &&
		vllsi_arch_spinlock_id(1) == 28 && claimed == 0x3f000000u && panics == 0,
		"init claims only free locks: the critical section gets 26, JS 27 and 28 (24, 25, 29 were taken)");
	claimed = 0x7f000000u;	// only 31 is free
	vllsi_rp2040_claim_locks(claimUnused);
	check(vllsi_rp2040_cs_lock == 31 && vllsi_arch_spinlock_count() == 0 && panics == 0,
		"with one lock free the critical section has it and JS gets none");
	claimed = (1u << 24) | (1u << 25);
	vllsi_rp2040_claim_locks(claimUnused);
}

static void testSpinlocks(void)
{
	uint32_t reg = VLLSI_SIO_SPINLOCK(vllsi_arch_spinlock_id(1));
	REG32(reg) = 0;
	check(!vllsi_arch_spinlock_try_claim(1), "try-claim fails while another core holds the lock");
	REG32(reg) = 1u;
	check(vllsi_arch_spinlock_try_claim(1), "try-claim succeeds when the lock is free");
	REG32(reg) = 0;
	vllsi_arch_spinlock_release(1);
	check(REG32(reg) != 0, "release writes the lock register (JS lock 1 = the SIO lock claimed for it, 28)");
}

int main(void)
{
	REG32(NVIC_ICPR) = 1u;
	REG32(NVIC_ISER) = 1u;	// IRQ 0 enabled at the NVIC; PRIMASK alone gates it
	testClaim();
	testPrimask();
	testBarriers();
	testCriticalSection();
	testSpinlocks();
	harness_puts(failures ? "FAILED\n" : "ALL PASSED\n");
	return failures;
}
