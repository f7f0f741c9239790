// rpi-pico: the RP2040's peripherals are rp2040js's (SIO, IO_BANK0, PADS, UART,
// TIMER with alarms, PWM, SPI, I2C, DMA, PIO...), driven only by bus reads and
// writes — no ARM code runs. Its clock is our SimClock, its interrupt lines feed
// our IRQ controller, and its memories back our RAM/flash/ROM regions. What it
// lacks for two cores is added here: SIO CPUID answers the calling core; and TIMER
// alarms fall due on the exact microsecond of our nanosecond clock.
import { GPIOPinState, RP2040, type GPIOPin, type Logger } from 'rp2040js';
import type { AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { BoardError } from '../boards/index.js';
import { BusFault } from '../src/hal.js';
import type { Machine } from './machine.js';
import type { SimClock } from './time.js';
import { UartPort, type ChipPorts, type GpioPort } from './ports.js';

const SIO_CPUID = 0x000;
const TIMER_ALARM0 = 0x010;
const TIMER_ALARM3 = 0x01c;
const ALIAS_MASK = 0xfff; // the atomic aliases sit at +0x1000/+0x2000/+0x3000
const UARTFR_RXFE = 1 << 4; // PL011 flag: receive FIFO empty

/** rp2040js reports unimplemented registers through its logger; we turn those into faults. */
class FaultingLogger implements Logger {
  unimplemented: string | undefined;
  debug(): void {}
  info(): void {}
  warn(component: string, message: string): void {
    if (message.startsWith('Unimplemented')) this.unimplemented = `${component}: ${message}`;
  }
  error(component: string, message: string): void {
    this.unimplemented = `${component}: ${message}`;
  }
}

/** A window of rp2040js's address space (32-bit accesses; atomic SET/CLR/XOR aliases included). */
class Rp2040Window implements Device {
  constructor(
    private readonly chip: RP2040,
    private readonly log: FaultingLogger,
    private readonly base: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    this.log.unimplemented = undefined;
    const v = this.chip.readUint32(this.base + offset);
    this.check(offset, size, 'read');
    return v;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.log.unimplemented = undefined;
    this.chip.writeUint32(this.base + offset, value);
    this.check(offset, size, 'write');
  }
  private check(offset: number, size: AccessSize, access: 'read' | 'write'): void {
    const u = this.log.unimplemented;
    if (u !== undefined) throw new BusFault(this.base + offset, size, access, 'unmodelled', `rp2040js does not model this register (${u})`);
  }
}

/** SIO with a per-core CPUID (rp2040js models one core and always answers 0). */
class SioWindow extends Rp2040Window {
  constructor(
    chip: RP2040,
    log: FaultingLogger,
    base: number,
    private readonly m: Machine,
  ) {
    super(chip, log, base);
  }
  override read(offset: number, size: AccessSize): number {
    return offset === SIO_CPUID ? this.m.activeCore : super.read(offset, size);
  }
}

/**
 * TIMER whose alarms fall due when the microsecond counter reaches them. rp2040js computes an
 * alarm's delay from the fractional current microsecond and truncates it to whole microseconds,
 * so on our nanosecond clock an alarm fired up to 1 µs before the counter (TIMELR: whole
 * microseconds) reached its target. After a write that armed an alarm, it is moved to the
 * instant the counter becomes the target: target × 1000 ns, the counter wrapping at 2^32 µs.
 */
class TimerWindow extends Rp2040Window {
  constructor(
    chip: RP2040,
    log: FaultingLogger,
    base: number,
    private readonly clock: SimClock,
  ) {
    super(chip, log, base);
  }
  override write(offset: number, size: AccessSize, value: number): void {
    const scheduled = this.clock.scheduledCount;
    super.write(offset, size, value);
    const reg = offset & ALIAS_MASK;
    if (reg < TIMER_ALARM0 || reg > TIMER_ALARM3 || this.clock.scheduledCount === scheduled) return;
    const alarm = this.clock.lastScheduled!;
    const target = super.read(reg, 4); // what the write (or alias) made of ALARMn
    const counter = Math.floor(this.clock.nanos / 1000);
    const delta = (target - counter) >>> 0;
    // delta 0: the counter is already there; rp2040js's choice (fire now, or after a wrap) stands.
    if (delta !== 0) alarm.scheduleAt((counter + delta) * 1000);
  }
}

/** A pin as seen from outside: rp2040js's output state, or what the outside drives. */
class Rp2040GpioPort implements GpioPort {
  private driven = false;
  private last = false;
  private readonly listeners = new Set<(level: boolean, tNs: number) => void>();
  constructor(
    private readonly p: GPIOPin,
    private readonly m: Machine,
  ) {
    p.addListener(() => this.changed());
  }
  get pin(): number {
    return this.p.index;
  }
  get isOutput(): boolean {
    return this.p.outputEnable;
  }
  get level(): boolean {
    return this.p.outputEnable ? this.p.value === GPIOPinState.High : this.driven;
  }
  drive(level: boolean): void {
    this.driven = level;
    this.p.setInputValue(level);
    this.changed();
  }
  onChange(listener: (level: boolean, tNs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private changed(): void {
    const l = this.level;
    if (l === this.last) return;
    this.last = l;
    for (const cb of this.listeners) cb(l, this.m.now);
  }
}

export function wireRp2040(m: Machine): ChipPorts & { chip: RP2040 } {
  const chip = new RP2040(m.clock);
  const log = new FaultingLogger();
  chip.logger = log;
  // Interrupt lines go to our controller, not to rp2040js's (idle) Cortex-M0+ core.
  chip.setInterrupt = (irq: number, level: boolean) => m.irq.setLevel(irq, level);

  for (const mem of m.board.memory) {
    const spec = { name: mem.name, base: mem.base, size: mem.size, widths: mem.widths.reduce((a, w) => a | w, 0), readOnly: mem.kind !== 'ram' };
    const store = mem.kind === 'ram' ? chip.sram : mem.kind === 'flash' ? chip.flash : new Uint8Array(chip.bootrom.buffer);
    if (store.length < mem.size) throw new BoardError(m.board.name, `${mem.name} (${mem.size} bytes) is larger than rp2040js's ${store.length}`);
    m.bus.mapMemory(spec, store.subarray(0, mem.size));
  }
  for (const p of m.board.peripherals) {
    const spec = { name: p.name, base: p.base, size: p.size, widths: p.widths.reduce((a, w) => a | w, 0) };
    if (p.model === 'rp2040js') m.bus.mapDevice(spec, new Rp2040Window(chip, log, p.base));
    else if (p.model === 'rp2040-sio') m.bus.mapDevice(spec, new SioWindow(chip, log, p.base, m));
    else if (p.model === 'rp2040-timer') m.bus.mapDevice(spec, new TimerWindow(chip, log, p.base, m.clock));
    else throw new BoardError(m.board.name, `peripheral ${p.name}: model ${JSON.stringify(p.model)} is not an RP2040 model (rp2040js, rp2040-sio, rp2040-timer)`);
  }

  const uarts = chip.uart.map((u, i) => {
    const port = new UartPort(i, () => m.now);
    u.onByte = (b: number) => port.transmit(b);
    port.rxSink = (b) => u.feedByte(b);
    port.rxEmpty = () => (u.flags & UARTFR_RXFE) !== 0;
    return port;
  });
  const gpios = chip.gpio.map((pin) => new Rp2040GpioPort(pin, m));
  return {
    chip,
    uart: (n) => uarts[n],
    gpio: (n) => gpios[n]!,
    analogChannels: chip.adc.numChannels,
    setAnalog: (channel, raw) => void (chip.adc.channelValues[channel] = raw),
  };
}
