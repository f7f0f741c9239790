// The Cortex-M0+ private peripheral bus of the RP2040 (0xE000E000): each core sees its own
// NVIC, SysTick and SCB at the same addresses (ARMv6-M ARM B3). The NVIC registers drive
// the machine's IRQ controller, so an app that enables, pends and prioritises interrupts by
// register works as on the chip: ISER/ICER enable a line on the writing core (and route it
// there), ISPR/ICPR set and clear pending, IPRn keep the 2 priority bits the M0+ implements.
// SysTick counts processor cycles down from RVR, with COUNTFLAG; its exception cannot be
// delivered (the HAL has no vector for system exceptions), so setting TICKINT faults.
import { BusFault, type AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { THREAD_PRIORITY } from './irq.js';
import type { Machine } from './machine.js';

const SYST_CSR = 0x010,
  SYST_RVR = 0x014,
  SYST_CVR = 0x018,
  SYST_CALIB = 0x01c;
const NVIC_ISER = 0x100,
  NVIC_ICER = 0x180,
  NVIC_ISPR = 0x200,
  NVIC_ICPR = 0x280,
  NVIC_IPR0 = 0x400,
  NVIC_IPR7 = 0x41c;
const CPUID = 0xd00,
  ICSR = 0xd04,
  VTOR = 0xd08;
const CSR_ENABLE = 1,
  CSR_TICKINT = 2,
  CSR_CLKSOURCE = 4,
  CSR_COUNTFLAG = 1 << 16;
const M0PLUS_CPUID = 0x410cc601;
const PRIORITY_BITS = 0xc0; // the M0+ implements the top 2 bits of each priority byte

/** One core's SysTick, counted lazily from the simulated clock. */
class SysTick {
  csr = 0;
  rvr = 0;
  /** Counter value at `since` (ns). */
  private cvr = 0;
  private since = 0;
  private flag = false;
  constructor(
    private readonly m: Machine,
    private readonly tickNs: number,
  ) {}

  /** Brings the counter to now: it counts down to 0, then reloads RVR on the next tick (COUNTFLAG on each 1 -> 0). */
  private catchUp(): void {
    const now = this.m.now;
    if (!(this.csr & CSR_ENABLE)) {
      this.since = now;
      return;
    }
    const k = Math.floor((now - this.since) / this.tickNs);
    if (k <= 0) return;
    const c0 = this.cvr,
      r = this.rvr;
    if (k <= c0) {
      this.cvr = c0 - k;
      if (this.cvr === 0) this.flag = true;
    } else {
      const after = k - c0 - 1; // ticks after the reload at tick c0 + 1
      if (c0 > 0) this.flag = true;
      if (r === 0) this.cvr = 0;
      else {
        this.cvr = r - (after % (r + 1));
        if (after >= r) this.flag = true;
      }
    }
    this.since += k * this.tickNs;
  }

  read(reg: number): number {
    this.catchUp();
    if (reg === SYST_CSR) {
      const v = this.csr | (this.flag ? CSR_COUNTFLAG : 0);
      this.flag = false; // COUNTFLAG clears on read
      return v;
    }
    if (reg === SYST_RVR) return this.rvr;
    return this.cvr;
  }

  write(reg: number, value: number): void {
    this.catchUp();
    if (reg === SYST_CSR) this.csr = value & (CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE);
    else if (reg === SYST_RVR) this.rvr = value & 0xffffff;
    else {
      this.cvr = 0; // any write clears the counter and COUNTFLAG
      this.flag = false;
    }
    this.since = this.m.now;
  }
}

export class Rp2040Ppb implements Device {
  private readonly systick: SysTick[];
  private readonly vtor: number[];

  constructor(
    private readonly m: Machine,
    private readonly base: number,
  ) {
    const cycleNs = 1e9 / m.board.clockHz;
    this.systick = m.cores.map(() => new SysTick(m, cycleNs));
    this.vtor = m.cores.map(() => 0);
  }

  private fault(offset: number, size: AccessSize, access: 'read' | 'write', why: string): never {
    throw new BusFault(this.base + offset, size, access, 'unmodelled', why);
  }

  /** Bit mask over lines 0..31 of a predicate. */
  private mask(pred: (irq: number) => boolean): number {
    let v = 0;
    for (let n = 0; n < this.m.irq.lineCount && n < 32; n++) if (pred(n)) v |= 1 << n;
    return v >>> 0;
  }

  read(offset: number, size: AccessSize): number {
    const core = this.m.activeCore;
    const irq = this.m.irq;
    if (offset >= SYST_CSR && offset <= SYST_CVR) return this.systick[core]!.read(offset);
    if (offset >= NVIC_IPR0 && offset <= NVIC_IPR7) {
      let v = 0;
      for (let b = 0; b < 4; b++) v |= irq.priorityOf(offset - NVIC_IPR0 + b) << (8 * b);
      return v >>> 0;
    }
    switch (offset) {
      case SYST_CALIB:
        return 0;
      case NVIC_ISER:
      case NVIC_ICER:
        return this.mask((n) => irq.isEnabled(n) && irq.routeOf(n) === core);
      case NVIC_ISPR:
      case NVIC_ICPR:
        return this.mask((n) => irq.isPending(n) && irq.routeOf(n) === core);
      case CPUID:
        return M0PLUS_CPUID;
      case ICSR: {
        const active = this.m.activeIrq(core);
        const pending = irq.next(core, THREAD_PRIORITY);
        return ((active < 0 ? 0 : 16 + active) | (pending < 0 ? 0 : ((16 + pending) << 12) | (1 << 22))) >>> 0;
      }
      case VTOR:
        return this.vtor[core]!;
    }
    return this.fault(offset, size, 'read', `PPB+0x${offset.toString(16)} is not a modelled register (NVIC, SysTick, CPUID, ICSR, VTOR are)`);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const core = this.m.activeCore;
    const irq = this.m.irq;
    const each = (fn: (n: number) => void) => {
      for (let n = 0; n < irq.lineCount && n < 32; n++) if ((value >>> n) & 1) fn(n);
    };
    if (offset === SYST_CSR) {
      if (value & CSR_TICKINT)
        this.fault(
          offset,
          size,
          'write',
          'SysTick exception (TICKINT) is not modelled: the HAL has no vector for system exceptions; poll COUNTFLAG or use a TIMER alarm',
        );
      if (value & CSR_ENABLE && !(value & CSR_CLKSOURCE))
        this.fault(offset, size, 'write', 'SysTick on the external reference clock (CLKSOURCE = 0) is not modelled; use the processor clock (CLKSOURCE = 1)');
    }
    if (offset >= SYST_CSR && offset <= SYST_CVR) return this.systick[core]!.write(offset, value >>> 0);
    if (offset >= NVIC_IPR0 && offset <= NVIC_IPR7) {
      for (let b = 0; b < 4; b++) irq.setPriority(offset - NVIC_IPR0 + b, (value >>> (8 * b)) & PRIORITY_BITS);
      return;
    }
    switch (offset) {
      case NVIC_ISER:
        return each((n) => {
          irq.route(n, core);
          irq.setEnabled(n, true);
        });
      case NVIC_ICER:
        return each((n) => irq.routeOf(n) === core && irq.setEnabled(n, false));
      case NVIC_ISPR:
        return each((n) => irq.raise(n));
      case NVIC_ICPR:
        return each((n) => irq.clearPending(n));
      case VTOR:
        this.vtor[core] = value & 0xffffff00;
        return;
      case SYST_CALIB:
      case CPUID:
        return; // read-only
    }
    this.fault(offset, size, 'write', `PPB+0x${offset.toString(16)} is not a modelled register (NVIC, SysTick, VTOR are writable)`);
  }
}
