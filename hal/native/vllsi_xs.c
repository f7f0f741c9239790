// The XS host functions of the native HAL, shared by every port. hal/xs binds them
// with native("xs_vllsi_…"); each port (hal/rp2040, hal/esp32) supplies vllsi_arch.h.
//
// Addresses are checked against the port's memory map and alignment before any
// access: a refused access returns undefined (a store, false), which hal/xs turns
// into a BusFault. Issuing it would hard-fault the chip instead of throwing.
#include "xsmc.h"
#include "xsHost.h"
#include "vllsi_arch.h"

static uint32_t argU32(xsMachine *the, int index)
{
	xsNumberValue v = xsmcToNumber(xsArg(index));
	if (!(v >= 0 && v <= 4294967295.0))
		xsRangeError("not an unsigned 32-bit integer");
	return (uint32_t)v;
}

static void setU32(xsMachine *the, uint32_t value)
{
	if (value <= 0x7fffffffu)
		xsmcSetInteger(xsResult, (xsIntegerValue)value);
	else
		xsmcSetNumber(xsResult, (xsNumberValue)value);
}

static bool mapped(uint32_t addr, uint32_t size)
{
	if (addr & (size - 1u))
		return false;
	for (unsigned i = 0; i < vllsi_arch_region_count; i++) {
		const vllsi_region *r = &vllsi_arch_regions[i];
		if (addr >= r->start && addr <= r->end && r->end - addr >= size - 1u)
			return true;
	}
	return false;
}

static void load(xsMachine *the, uint32_t size)
{
	uint32_t addr = argU32(the, 0);
	if (!mapped(addr, size))
		return;
	switch (size) {
	case 1: setU32(the, *(volatile uint8_t *)(uintptr_t)addr); break;
	case 2: setU32(the, *(volatile uint16_t *)(uintptr_t)addr); break;
	default: setU32(the, *(volatile uint32_t *)(uintptr_t)addr); break;
	}
}

static void store(xsMachine *the, uint32_t size)
{
	uint32_t addr = argU32(the, 0), value = argU32(the, 1);
	bool ok = mapped(addr, size) && (size == 4 || value >> (8 * size) == 0);
	if (ok) {
		switch (size) {
		case 1: *(volatile uint8_t *)(uintptr_t)addr = (uint8_t)value; break;
		case 2: *(volatile uint16_t *)(uintptr_t)addr = (uint16_t)value; break;
		default: *(volatile uint32_t *)(uintptr_t)addr = value; break;
		}
	}
	xsmcSetBoolean(xsResult, ok);
}

void xs_vllsi_load8(xsMachine *the) { load(the, 1); }
void xs_vllsi_load16(xsMachine *the) { load(the, 2); }
void xs_vllsi_load32(xsMachine *the) { load(the, 4); }
void xs_vllsi_store8(xsMachine *the) { store(the, 1); }
void xs_vllsi_store16(xsMachine *the) { store(the, 2); }
void xs_vllsi_store32(xsMachine *the) { store(the, 4); }

void xs_vllsi_dmb(xsMachine *the) { (void)the; vllsi_arch_dmb(); }
void xs_vllsi_dsb(xsMachine *the) { (void)the; vllsi_arch_dsb(); }
void xs_vllsi_isb(xsMachine *the) { (void)the; vllsi_arch_isb(); }

void xs_vllsi_interrupts_save(xsMachine *the) { setU32(the, vllsi_arch_irq_save()); }
void xs_vllsi_interrupts_restore(xsMachine *the) { vllsi_arch_irq_restore(argU32(the, 0)); }
void xs_vllsi_interrupts_enable(xsMachine *the) { (void)the; vllsi_arch_irq_enable(); }

void xs_vllsi_chip(xsMachine *the) { xsmcSetString(xsResult, (xsStringValue)vllsi_arch_chip); }
void xs_vllsi_core_count(xsMachine *the) { setU32(the, vllsi_arch_core_count); }
void xs_vllsi_core_id(xsMachine *the) { setU32(the, vllsi_arch_core_id()); }
void xs_vllsi_irq_count(xsMachine *the) { setU32(the, vllsi_arch_irq_count); }
void xs_vllsi_spinlock_count(xsMachine *the) { setU32(the, vllsi_arch_spinlock_count()); }

static unsigned argLock(xsMachine *the)
{
	uint32_t n = argU32(the, 0);
	if (n >= vllsi_arch_spinlock_count())
		xsRangeError("no such spinlock");
	return n;
}

void xs_vllsi_spinlock_id(xsMachine *the) { setU32(the, vllsi_arch_spinlock_id(argLock(the))); }

void xs_vllsi_spinlock_try_claim(xsMachine *the) { xsmcSetBoolean(xsResult, vllsi_arch_spinlock_try_claim(argLock(the))); }
void xs_vllsi_spinlock_release(xsMachine *the) { vllsi_arch_spinlock_release(argLock(the)); }

void xs_vllsi_cs_acquire(xsMachine *the) { setU32(the, vllsi_arch_cs_acquire()); }
void xs_vllsi_cs_release(xsMachine *the) { vllsi_arch_cs_release(argU32(the, 0)); }

void xs_vllsi_now_ns(xsMachine *the) { xsmcSetNumber(xsResult, (xsNumberValue)vllsi_arch_now_ns()); }

void xs_vllsi_halt(xsMachine *the) { vllsi_arch_halt(xsmcToString(xsArg(0))); }

// --- IRQ hand-off ------------------------------------------------------------------
// An ISR may not run JS. It records its line in a bitmap and, if no message is
// already on its way, posts one to the machine's queue (Moddable's
// modMessagePostToMachineFromISR). The message runs in the XS task, takes the whole
// bitmap and calls the JS dispatcher once per line. The critical section guards the
// bitmap against the other core and against nested ISRs.

static xsMachine *gMachine;
static xsSlot gDispatch;
static volatile uint32_t gPending[VLLSI_IRQ_MAX / 32u];
static volatile bool gPosted;

static void deliver(void *machine, void *refcon, uint8_t *message, uint16_t length)
{
	xsMachine *the = machine;
	uint32_t pending[VLLSI_IRQ_MAX / 32u];
	(void)refcon, (void)message, (void)length;

	uint32_t token = vllsi_arch_cs_acquire();
	for (unsigned w = 0; w < VLLSI_IRQ_MAX / 32u; w++) {
		pending[w] = gPending[w];
		gPending[w] = 0;
	}
	gPosted = false;
	vllsi_arch_cs_release(token);

	xsBeginHost(the);
	for (unsigned w = 0; w < VLLSI_IRQ_MAX / 32u; w++)
		for (unsigned b = 0; b < 32u; b++)
			if (pending[w] & (1u << b))
				xsCallFunction1(gDispatch, xsUndefined, xsInteger((xsIntegerValue)(w * 32u + b)));
	xsEndHost(the);
}

void VLLSI_RAM_FUNC vllsi_irq_raised(unsigned irq)
{
	if (irq >= VLLSI_IRQ_MAX || gMachine == NULL)
		return;
	uint32_t token = vllsi_arch_cs_acquire();
	gPending[irq / 32u] |= 1u << (irq % 32u);
	bool post = !gPosted;
	gPosted = true;
	vllsi_arch_cs_release(token);
	if (post && modMessagePostToMachineFromISR(gMachine, deliver, NULL) != 0)
		gPosted = false;	// queue full: the next IRQ posts again; the bit stays set
}

/**
 * xs_vllsi_init(dispatch): before any IRQ is attached. One machine owns the IRQ hand-off
 * (the dispatcher slot is remembered by that machine's garbage collector).
 */
void xs_vllsi_init(xsMachine *the)
{
	if (gMachine != NULL && gMachine != the)
		xsUnknownError("vllsi: the native HAL is already bound to another XS machine");
	if (gMachine == NULL) {
		vllsi_arch_init();
		gMachine = the;
		xsRemember(gDispatch);
	}
	gDispatch = xsArg(0);
}

static unsigned argIrq(xsMachine *the)
{
	uint32_t irq = argU32(the, 0);
	if (irq >= vllsi_arch_irq_count)
		xsRangeError("no such IRQ line");
	return irq;
}

/** xs_vllsi_irq_attach(irq, attach) → 0, or VLLSI_IRQ_BUSY / VLLSI_IRQ_FAILED. */
void xs_vllsi_irq_attach(xsMachine *the) { xsmcSetInteger(xsResult, vllsi_arch_irq_attach(argIrq(the), xsmcTest(xsArg(1)))); }
void xs_vllsi_irq_set_enabled(xsMachine *the) { xsmcSetInteger(xsResult, vllsi_arch_irq_set_enabled(argIrq(the), xsmcTest(xsArg(1)))); }
