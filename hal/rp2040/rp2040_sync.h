// RP2040 register-level pieces of the vllsi HAL that need no SDK: kept apart so the
// bare-metal QEMU harness (test/native/qemu) runs exactly this code.
#ifndef VLLSI_RP2040_SYNC_H
#define VLLSI_RP2040_SYNC_H

#include <stdint.h>

// SIO block (RP2040 datasheet 2.3.1.7). The QEMU harness points it at RAM: the
// mps2-an385 machine has no SIO, so CPUID and the spinlocks become plain words there.
#ifndef VLLSI_SIO_BASE
#define VLLSI_SIO_BASE 0xd0000000u
#endif
#define VLLSI_SIO_CPUID (VLLSI_SIO_BASE + 0x000u)
#define VLLSI_SIO_SPINLOCK(n) (VLLSI_SIO_BASE + 0x100u + 4u * (n))

// Hardware spinlocks used here. pico-sdk hands out 24..31 on request ("claim free");
// like rp2040-hal we take 31 for the critical section and give JS 24..30.
#define VLLSI_CS_SPINLOCK 31u
#define VLLSI_JS_SPINLOCK_FIRST 24u
#define VLLSI_JS_SPINLOCK_COUNT 7u

// Critical-section token: the PRIMASK bit to restore (0 or 1), or this when the
// calling core already held the section (the inner release must leave it held).
#define VLLSI_CS_REENTERED 2u

/** Core that owns the critical section plus one; 0 when free. Exposed for the harness. */
extern volatile uint8_t vllsi_rp2040_cs_owner;

#endif
