// RP2040 pieces of the vllsi HAL that go through pico-sdk: spinlock reservation,
// IRQ handlers, time and halt.
#include "hardware/irq.h"
#include "hardware/sync.h"
#include "hardware/timer.h"
#include "pico/platform.h"

#include "rp2040_sync.h"
#include "../native/vllsi_arch.h"

// The locks come from pico-sdk's allocator, so no one else is handed them and we take none
// that tinyusb or stdio_usb already hold.
void vllsi_arch_init(void) { vllsi_rp2040_claim_locks(spin_lock_claim_unused); }

// Runs from RAM: flash may be busy (XIP) when an IRQ arrives. The line is masked
// before posting because a level-triggered source stays asserted until the JS
// handler clears it; hal/xs re-enables the line once the handler has run.
static void VLLSI_RAM_FUNC vllsi_rp2040_isr(void)
{
	unsigned irq = __get_current_exception() - VTABLE_FIRST_IRQ;
	irq_set_enabled(irq, false);
	vllsi_irq_raised(irq);
}

int vllsi_arch_irq_attach(unsigned irq, bool attach)
{
	irq_handler_t current = irq_get_exclusive_handler(irq);
	if (!attach) {
		if (current == vllsi_rp2040_isr) {
			irq_set_enabled(irq, false);
			irq_remove_handler(irq, vllsi_rp2040_isr);
		}
		return VLLSI_IRQ_OK;
	}
	if (current == vllsi_rp2040_isr)
		return VLLSI_IRQ_OK;
	if (current != NULL)
		return VLLSI_IRQ_BUSY;	// irq_set_exclusive_handler would panic
	irq_set_exclusive_handler(irq, vllsi_rp2040_isr);
	return VLLSI_IRQ_OK;
}

// NVIC enables are per core: this acts on the calling core, as pico-sdk does.
int vllsi_arch_irq_set_enabled(unsigned irq, bool enabled)
{
	irq_set_enabled(irq, enabled);
	return VLLSI_IRQ_OK;
}

uint64_t vllsi_arch_now_ns(void) { return time_us_64() * 1000u; }

void vllsi_arch_halt(const char *reason) { panic("vllsi halt: %s", reason); }
