// RP2040 register-level pieces of the vllsi HAL that need no SDK: kept apart so the
// bare-metal QEMU harness (test/native/qemu) runs exactly this code.
#ifndef VLLSI_RP2040_SYNC_H
#define VLLSI_RP2040_SYNC_H

#include <stdbool.h>
#include <stdint.h>

// SIO block (RP2040 datasheet 2.3.1.7). The QEMU harness points it at RAM: the
// mps2-an385 machine has no SIO, so CPUID and the spinlocks become plain words there.
#ifndef VLLSI_SIO_BASE
#define VLLSI_SIO_BASE 0xd0000000u
#endif
#define VLLSI_SIO_CPUID (VLLSI_SIO_BASE + 0x000u)
#define VLLSI_SIO_SPINLOCK(n) (VLLSI_SIO_BASE + 0x100u + 4u * (n))

// Hardware spinlocks are claimed at init among those still free, never by fixed number:
// pico-sdk's own users come first (tinyusb's critical section takes 24, stdio_usb 25), and
// claiming a taken lock panics. One lock for the critical section, up to
// VLLSI_JS_SPINLOCK_MAX for JS (hal.spinlockCount): about 6 are free when XS starts.
#define VLLSI_JS_SPINLOCK_MAX 2u

/** Hardware number of the critical-section lock; set by vllsi_rp2040_claim_locks. */
extern uint8_t vllsi_rp2040_cs_lock;
/** Hardware numbers of JS's locks 0..count-1. */
extern uint8_t vllsi_rp2040_js_locks[VLLSI_JS_SPINLOCK_MAX];
extern unsigned vllsi_rp2040_js_lock_count;

/**
 * Claims the locks with `claim_unused` (pico-sdk's spin_lock_claim_unused: a free lock's
 * number, or -1 when none is left and `required` is false). The critical section needs its
 * lock (required); JS gets what is left, up to VLLSI_JS_SPINLOCK_MAX.
 */
void vllsi_rp2040_claim_locks(int (*claim_unused)(bool required));

// Critical-section token: the PRIMASK bit to restore (0 or 1), or this when the
// calling core already held the section (the inner release must leave it held).
#define VLLSI_CS_REENTERED 2u

/** Core that owns the critical section plus one; 0 when free. Exposed for the harness. */
extern volatile uint8_t vllsi_rp2040_cs_owner;

#endif
