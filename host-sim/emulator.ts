// The RP2040 with its Cortex-M0+ running real firmware (`vllsi emulate`): rp2040js's core and
// peripherals on our SimClock, plus what rp2040js leaves out and a test needs: faults. rp2040js
// logs an access to an unmapped address, an unaligned access or an unknown instruction and
// carries on, and ignores BKPT/UDF; on the chip each of these is a HardFault, and a fault in
// the HardFault (or NMI) handler locks the core up. Here they are, with the PC and the ELF
// symbol. Time: the core runs at clk_sys (125 MHz until the firmware changes it); WFI skips
// straight to the next alarm.
import { RP2040, type Logger } from 'rp2040js';
import { hex } from '../src/errors.js';
import { BootromMissing, HardFault, Lockup, FirmwareSilent } from './errors.js';
import type { FirmwareImage, Symbols } from './firmware.js';
import { SimClock } from './time.js';
import type { AccessTrace } from './trace.js';
import { exactTimerAlarm } from './rp2040-timer.js';

const ROM_SIZE = 0x4000;
const FLASH_BASE = 0x10000000;
const RAM_BASE = 0x20000000;
const BOOT2_SIZE = 256;
const EXC_HARDFAULT = 3;
const EXC_NMI = 2;
/** Without a bootrom the ROM reads as UDF #0xde, so a call into it stops with a clear error. */
const ROM_FILL = 0xdede;
/** How long a HardFault handler may run (to print its report) before the emulator stops. */
const HANDLER_GRACE_NS = 10e6;
const SLICE = 4096;
/** rp2040js's key of TIMER (0x40054000) in its peripheral table. */
const TIMER_KEY = 0x40054;

/** CRC-32 as the RP2040 bootrom checks boot2 (poly 0x04c11db7, init 0xffffffff, not reflected). */
export function boot2Crc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/** A fault rp2040js reported during an instruction. */
interface PendingFault {
  readonly reason: string;
}

/**
 * The RP2040's address map (datasheet 2.2): an access outside it is a bus error. Inside it,
 * rp2040js leaves some blocks out (XIP_CTRL, XIP SRAM, the non-striped SRAM aliases...): those
 * accesses are noted as unmodelled, not faulted, since the chip would answer them.
 */
const CHIP_REGIONS: readonly (readonly [number, number])[] = [
  [0x00000000, 0x00004000], // ROM
  [0x10000000, 0x14000000], // XIP flash and its aliases
  [0x14000000, 0x14004000], // XIP_CTRL
  [0x15000000, 0x15004000], // XIP cache as SRAM
  [0x18000000, 0x18004000], // XIP_SSI
  [0x20000000, 0x20042000], // SRAM
  [0x21000000, 0x21040000], // SRAM0-3, non-striped
  [0x40000000, 0x40070000], // APB peripherals
  [0x50000000, 0x50500000], // AHB-Lite peripherals: DMA, USB, PIO, XIP_AUX
  [0xd0000000, 0xd0000200], // SIO
  [0xe0000000, 0xe0100000], // Cortex-M0+ private peripherals
];

function onChip(address: number): boolean {
  return CHIP_REGIONS.some(([from, to]) => address >= from && address < to);
}

class FaultLogger implements Logger {
  fault: PendingFault | undefined;
  /** rp2040js's notes about registers it does not model (each once): not faults on the chip either. */
  readonly unmodelled = new Set<string>();
  debug(): void {}
  info(): void {}
  warn(component: string, message: string): void {
    const read = message.startsWith('Read from invalid memory address');
    if (read || message.startsWith('Write to undefined address')) {
      const address = parseInt(message.slice(message.lastIndexOf(' ') + 1), 16) >>> 0;
      if (!onChip(address)) this.fault ??= { reason: `bus error: ${read ? 'read of' : 'write to'} unmapped address ${hex(address)}` };
      else this.note(`${component}: ${read ? 'read of' : 'write to'} ${hex(address)} (rp2040js does not model it)`);
    } else if (message.startsWith('Warning: Instruction at')) this.fault ??= { reason: 'undefined instruction' };
    else if (message.startsWith('Opcode:')) {
      if (this.fault?.reason === 'undefined instruction') this.fault = { reason: `undefined instruction ${message.slice(8)}` };
    } else this.note(`${component}: ${message}`);
  }
  private note(text: string): void {
    if (this.unmodelled.size < 256) this.unmodelled.add(text);
  }
  error(component: string, message: string): void {
    this.fault ??= { reason: message.includes('aligned') ? `unaligned access: ${message}` : `${component}: ${message}` };
  }
}

export interface EmulatorOptions {
  /** The RP2040 bootrom (16 KB); without it the firmware must start at its own vector table. */
  bootrom?: Uint8Array;
  /** Stop with FirmwareSilent after this long (ns) without UART, USB or GPIO output. */
  silenceNs?: number;
}

export class Rp2040Emulator {
  readonly clock = new SimClock();
  readonly chip: RP2040;
  /** Instructions executed (for the MIPS figure). */
  instructions = 0;
  /** Bumped by every output (UART byte, USB data, GPIO change): waits re-check their condition then. */
  events = 0;
  private lastActivity = 0;
  private readonly log = new FaultLogger();
  private cycleNs: number;
  private lastPc = 0;
  private stopped: Error | undefined;
  private handling: HardFault | undefined;
  private handlerDeadline = 0;
  readonly hasBootrom: boolean;
  silenceNs: number;

  constructor(
    readonly image: FirmwareImage,
    options: EmulatorOptions = {},
  ) {
    this.chip = new RP2040(this.clock);
    this.chip.logger = this.log;
    this.hasBootrom = options.bootrom !== undefined;
    this.silenceNs = options.silenceNs ?? Infinity;
    const rom = new Uint8Array(this.chip.bootrom.buffer);
    if (options.bootrom)
      this.chip.loadBootrom(
        new Uint32Array(options.bootrom.buffer.slice(options.bootrom.byteOffset, options.bootrom.byteOffset + (options.bootrom.byteLength & ~3))),
      );
    else new Uint16Array(rom.buffer).fill(ROM_FILL); // (loadBootrom also clears flash: it comes first)
    for (const s of image.segments) {
      if (s.address >= RAM_BASE) this.chip.sram.set(s.data, s.address - RAM_BASE);
      else this.chip.flash.set(s.data, s.address - FLASH_BASE);
    }
    this.cycleNs = 1e9 / this.chip.clkSys;
    this.chip.addClockListener((hz) => void (this.cycleNs = 1e9 / hz));
    // TIMER alarms on the exact microsecond, as in the simulator (host-sim/rp2040.ts).
    const timer = this.chip.peripherals[TIMER_KEY]!;
    const write = timer.writeUint32.bind(timer);
    timer.writeUint32 = (offset, value) => {
      const scheduled = this.clock.scheduledCount;
      write(offset, value);
      exactTimerAlarm(this.clock, offset, scheduled, (reg) => timer.readUint32(reg));
    };
    this.chip.onBreak = (code) => {
      const opcode = this.chip.core.readUint16(this.lastPc);
      this.log.fault ??= { reason: (opcode & 0xff00) === 0xbe00 ? `BKPT #${code} with no debugger attached` : `undefined instruction (UDF #${code})` };
    };
    this.start();
  }

  /** Where execution begins: through the bootrom for an image with a boot2 stage, else at the image's own vector table. */
  private start(): void {
    const flash = this.chip.flash;
    const hasBoot2 =
      this.image.segments.some((s) => s.address === FLASH_BASE && s.data.length >= BOOT2_SIZE) &&
      boot2Crc(flash.subarray(0, BOOT2_SIZE - 4)) === new DataView(flash.buffer).getUint32(BOOT2_SIZE - 4, true);
    if (hasBoot2) {
      if (!this.hasBootrom) throw new BootromMissing('the image starts with a boot2 stage (a pico-sdk build), which only the bootrom runs');
      // As rp2040js's authors boot real firmware (its demo/emulator-run.ts): from boot2 at the
      // start of flash, with the bootrom's SP; the bootrom's own flash probing (SSI) is skipped,
      // its routines serve the firmware's ROM calls.
      this.chip.core.PC = FLASH_BASE;
      return;
    }
    const base = this.image.segments[0]!.address;
    const core = this.chip.core;
    core.VTOR = base;
    core.reset(); // SP and PC from the image's first two words
  }

  /** Simulated time, whole ns (a clk_sys whose period is not whole nanoseconds makes the clock fractional). */
  get now(): number {
    return Math.round(this.clock.nanos);
  }
  /** The address of the next instruction. */
  get pc(): number {
    return this.chip.core.PC & ~1;
  }
  get cycles(): number {
    return this.chip.core.cycles;
  }
  get symbols(): Symbols | undefined {
    return this.image.symbols;
  }
  /** rp2040js's notes about registers it does not model that the firmware touched. */
  get unmodelled(): ReadonlySet<string> {
    return this.log.unmodelled;
  }
  describe(address: number): string | undefined {
    return this.image.symbols?.describe(address);
  }

  /** Marks output (UART, USB, GPIO): resets the silence watch and wakes waits. */
  activity(): void {
    this.events++;
    this.lastActivity = this.clock.nanos;
  }

  /**
   * Runs until simulated time `deadline` (ns) or until `until()` holds (checked after each
   * output event); returns whether `until` held. Throws HardFault, Lockup, BootromMissing or
   * FirmwareSilent when the firmware does that (and every later call throws it again).
   */
  runUntil(deadline: number, until?: () => boolean): boolean {
    const core = this.chip.core;
    const clock = this.clock;
    const log = this.log;
    let seen = this.events;
    if (until?.()) return true;
    while (clock.nanos < deadline) {
      if (this.stopped) throw this.stopped;
      if (clock.nanos - this.lastActivity >= this.silenceNs) this.stop(new FirmwareSilent(this.pc, this.describe(this.pc), this.silenceNs, this.now));
      if (core.waiting && core.interruptsUpdated && core.checkForInterrupts()) core.waiting = false;
      if (core.waiting) {
        if (this.handling) this.stop(this.handling); // the handler went to sleep: its report is out
        const to = Math.min(clock.nextDue, deadline, this.lastActivity + this.silenceNs, this.handling ? this.handlerDeadline : Infinity);
        clock.advanceTo(to);
      } else {
        const regs = core.registers;
        let n = this.handling ? 1 : SLICE;
        const cycleNs = this.cycleNs;
        const stopAt = Math.min(deadline, this.lastActivity + this.silenceNs);
        while (n > 0 && !core.waiting && log.fault === undefined && this.events === seen && clock.nanos < stopAt) {
          this.lastPc = regs[15]!;
          clock.tick(core.executeInstruction() * cycleNs);
          n--;
        }
        this.instructions += (this.handling ? 1 : SLICE) - n;
        if (log.fault !== undefined) this.fault();
        if (this.handling && (regs[15] === this.lastPc || clock.nanos >= this.handlerDeadline)) this.stop(this.handling);
      }
      if (this.events !== seen) {
        seen = this.events;
        if (until?.()) return true;
      }
    }
    if (this.stopped) throw this.stopped;
    return false;
  }

  private stop(e: Error): never {
    this.stopped = e;
    throw e;
  }

  /** Takes the fault rp2040js reported during the last instruction, as the chip would. */
  private fault(): void {
    const reason = this.log.fault!.reason;
    this.log.fault = undefined;
    const core = this.chip.core;
    const pc = this.lastPc & ~1;
    if (!this.hasBootrom && pc < ROM_SIZE) {
      this.stop(new BootromMissing(`the firmware called into the bootrom at ${hex(pc, 1)} (from ${this.where(core.LR)})`));
    }
    if (core.IPSR === EXC_HARDFAULT || core.IPSR === EXC_NMI) {
      this.stop(new Lockup(pc, this.describe(pc), reason, this.now, this.handling));
    }
    this.handling = new HardFault(pc, this.describe(pc), reason, this.now);
    this.handlerDeadline = this.clock.nanos + HANDLER_GRACE_NS;
    core.PC = pc; // the stacked return address of a fault is the faulting instruction
    core.exceptionEntry(EXC_HARDFAULT);
  }

  private where(address: number): string {
    const s = this.describe(address);
    return `${hex(address >>> 0, 1)}${s ? ` (${s})` : ''}`;
  }

  /** Records peripheral register accesses and exception entries into `trace` from now on. */
  traceInto(trace: AccessTrace): void {
    const chip = this.chip;
    const record = (op: 'read' | 'write', addr: number, value: number) => trace.record(this.now, 0, op, addr >>> 0, 4, value >>> 0);
    const wrap = (p: { readUint32(o: number): number; writeUint32(o: number, v: number): void }, base: number) => {
      const read = p.readUint32.bind(p);
      const write = p.writeUint32.bind(p);
      p.readUint32 = (o) => {
        const v = read(o);
        record('read', base + o, v);
        return v;
      };
      p.writeUint32 = (o, v) => {
        record('write', base + o, v);
        write(o, v);
      };
    };
    for (const [key, p] of Object.entries(chip.peripherals)) wrap(p, Number(key) << 12);
    wrap(chip.sio, 0xd0000000);
    wrap(chip.ppb, 0xe000e000);
    const core = chip.core;
    const entry = core.exceptionEntry.bind(core);
    core.exceptionEntry = (n: number) => {
      trace.record(this.now, 0, 'irq-enter', n >= 16 ? n - 16 : n, 0, 0);
      entry(n);
    };
  }
}
