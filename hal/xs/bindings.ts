// The natives of hal/native/vllsi_xs.c, bound with XS's standard syntax
// (`native("…")`, see native.d.ts and docs/native-hal.md for why not FFI entries).
// Only a Moddable build (mcconfig/xsc) can load this module.
import type { NativeHal } from './xs-hal.js';

export const nativeHal: NativeHal = {
  load8: native('xs_vllsi_load8'),
  load16: native('xs_vllsi_load16'),
  load32: native('xs_vllsi_load32'),
  store8: native('xs_vllsi_store8'),
  store16: native('xs_vllsi_store16'),
  store32: native('xs_vllsi_store32'),
  dmb: native('xs_vllsi_dmb'),
  dsb: native('xs_vllsi_dsb'),
  isb: native('xs_vllsi_isb'),
  interruptsSave: native('xs_vllsi_interrupts_save'),
  interruptsRestore: native('xs_vllsi_interrupts_restore'),
  interruptsEnable: native('xs_vllsi_interrupts_enable'),
  chip: native('xs_vllsi_chip'),
  coreCount: native('xs_vllsi_core_count'),
  coreId: native('xs_vllsi_core_id'),
  irqCount: native('xs_vllsi_irq_count'),
  spinlockCount: native('xs_vllsi_spinlock_count'),
  spinlockTryClaim: native('xs_vllsi_spinlock_try_claim'),
  spinlockRelease: native('xs_vllsi_spinlock_release'),
  spinlockId: native('xs_vllsi_spinlock_id'),
  csAcquire: native('xs_vllsi_cs_acquire'),
  csRelease: native('xs_vllsi_cs_release'),
  nowNs: native('xs_vllsi_now_ns'),
  halt: native('xs_vllsi_halt'),
  init: native('xs_vllsi_init'),
  irqAttach: native('xs_vllsi_irq_attach'),
  irqSetEnabled: native('xs_vllsi_irq_set_enabled'),
};
