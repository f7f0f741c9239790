// rpi-pico: the RP2040's peripherals are rp2040js's (SIO, IO_BANK0, PADS, UART,
// TIMER with alarms, PWM, SPI, I2C, DMA, PIO...), driven only by bus reads and
// writes — no ARM code runs. Its clock is our SimClock, its interrupt lines feed
// our IRQ controller, and its memories back our RAM/flash/ROM regions. Where rp2040js
// differs from the chip, a model of ours sits in front (one file each): RESETS gates
// every block, UART timing and pins, SIO CPUID and FIFOs, TIMER alarms on the exact
// microsecond, PWM's first period, pads and pin levels, and the per-core PPB.
import { I2CMode, RP2040, type RPI2C } from 'rp2040js';
import { BoardError } from '../boards/index.js';
import type { Machine } from './machine.js';
import { I2cBus } from './parts/i2c.js';
import { SpiBus, type SpiMode } from './parts/spi.js';
import { UartPort, type ChipPorts, type Outside } from './ports.js';
import { Rp2040GpioPort } from './rp2040-gpio.js';
import { Rp2040Ppb } from './rp2040-ppb.js';
import { Rp2040Pwm } from './rp2040-pwm.js';
import { Rp2040Resets } from './rp2040-resets.js';
import { Rp2040Sio } from './rp2040-sio.js';
import { Rp2040Timer } from './rp2040-timer.js';
import { Rp2040Uart } from './rp2040-uart.js';
import { Rp2040Vreg } from './rp2040-vreg.js';
import { FaultingLogger, NEVER_RESET, Rp2040Window, type ResetGate } from './rp2040-window.js';

const MODELS = 'rp2040js, rp2040-resets, rp2040-sio, rp2040-timer, rp2040-uart, rp2040-pwm, rp2040-ppb, rp2040-vreg';
const UARTFR_RXFE = 1 << 4; // PL011 flag: receive FIFO empty

/** One simulated event after `ns`, on the machine's clock (a bus transfer in progress). */
function later(m: Machine): (ns: number, then: () => void) => void {
  let next: (() => void) | undefined;
  const alarm = m.clock.createAlarm(() => {
    const f = next!;
    next = undefined;
    f();
  });
  return (ns, then) => {
    next = then;
    alarm.schedule(ns);
  };
}

/** DW_apb_i2c controller events to the bus's parts, each byte taking 9 SCL periods; SCL/SDA rebuilt into the waveforms. */
function wireI2c(m: Machine, i2c: RPI2C, bus: I2cBus, chip: RP2040): void {
  const after = later(m);
  const clocks = (n: number) => (n * (i2c.sclLowPeriod + i2c.sclHighPeriod) * 1e9) / chip.clkSys;
  const w = m.waves,
    n = bus.index;
  let repeatedStart = false;
  i2c.onStart = (repeated) => {
    repeatedStart = repeated;
    w.i2cStart(n, m.now, clocks(1), repeated);
    after(clocks(1), () => i2c.completeStart());
  };
  /** A byte on the wire for 9 clocks: when it completes, `done` gives the ACK, the byte and the controller's completion (drawn first: completing may start the next event). */
  const byte = (label: string, done: () => [boolean, number, () => void]) => {
    const t0 = m.now;
    after(clocks(9), () => {
      const [ack, v, complete] = done();
      w.i2cByte(n, t0, m.now, v, ack, label.replace('%', `0x${v.toString(16).padStart(2, '0')}`));
      complete();
    });
  };
  i2c.onConnect = (address, mode) => {
    const read = mode === I2CMode.Read;
    byte(`0x${address.toString(16)} ${read ? 'R' : 'W'}`, () => {
      const ack = bus.connect(address, read, repeatedStart);
      return [ack, (address << 1) | (read ? 1 : 0), () => i2c.completeConnect(ack)];
    });
  };
  i2c.onWriteByte = (value) =>
    byte('%', () => {
      const ack = bus.writeByte(value);
      return [ack, value, () => i2c.completeWrite(ack)];
    });
  i2c.onReadByte = (ack) =>
    byte('%', () => {
      const v = bus.readByte(ack);
      return [ack, v, () => i2c.completeRead(v)];
    });
  i2c.onStop = () => {
    bus.stop();
    w.i2cStop(n, m.now, clocks(1));
    after(clocks(1), () => i2c.completeStop());
  };
}

/** PL022 frames to the bus's selected parts, each taking its bits at the SPI clock. */
function wireSpi(m: Machine, spi: RP2040['spi'][number], bus: SpiBus): void {
  const after = later(m);
  spi.onTransmit = (value) => {
    const bits = spi.dataBits;
    // rp2040js's spiMode swaps modes 2 and 3: the mode is CPOL << 1 | CPHA, from SSPCR0.SPO (bit 6) and SPH (bit 7).
    const cr0 = spi.readUint32(0);
    const rx = bus.exchange(value, bits, ((((cr0 >> 6) & 1) << 1) | ((cr0 >> 7) & 1)) as SpiMode);
    const ns = (bits * 1e9) / spi.clockFrequency;
    after(Number.isFinite(ns) ? ns : 0, () => spi.completeTransmit(rx));
  };
}

/** Wires rp2040js and our models on the machine's bus; `outside` (after a reset) hands back the UART streams, buses and pins that stay. */
export function wireRp2040(m: Machine, outside?: Outside): ChipPorts & { chip: RP2040 } {
  const chip = new RP2040(m.clock);
  const log = new FaultingLogger();
  chip.logger = log;
  // Interrupt lines go to our controller, not to rp2040js's (idle) Cortex-M0+ core; a model of
  // ours may hold a line high too (the UART's error interrupts).
  const extraLevel = new Map<number, () => boolean>();
  chip.setInterrupt = (irq: number, level: boolean) => m.irq.setLevel(irq, level || (extraLevel.get(irq)?.() ?? false));

  for (const mem of m.board.memory) {
    const spec = { name: mem.name, base: mem.base, size: mem.size, widths: mem.widths.reduce((a, w) => a | w, 0), readOnly: mem.kind !== 'ram' };
    const store = mem.kind === 'ram' ? chip.sram : mem.kind === 'flash' ? chip.flash : new Uint8Array(chip.bootrom.buffer);
    if (store.length < mem.size) throw new BoardError(m.board.name, `${mem.name} (${mem.size} bytes) is larger than rp2040js's ${store.length}`);
    m.bus.mapMemory(spec, store.subarray(0, mem.size));
  }
  const resetsSpec = m.board.peripherals.find((p) => p.model === 'rp2040-resets');
  const resets = resetsSpec === undefined ? undefined : new Rp2040Resets(resetsSpec.base);
  const uartPorts: UartPort[] = [];
  const uarts: Rp2040Uart[] = [];
  for (const p of m.board.peripherals) {
    const spec = { name: p.name, base: p.base, size: p.size, widths: p.widths.reduce((a, w) => a | w, 0) };
    const gate: ResetGate =
      p.reset === undefined || resets === undefined
        ? NEVER_RESET
        : (
            (bit) => () =>
              resets.held(bit)
          )(p.reset);
    switch (p.model) {
      case 'rp2040js':
        m.bus.mapDevice(spec, new Rp2040Window(chip, log, p.base, gate));
        break;
      case 'rp2040-resets':
        m.bus.mapDevice(spec, resets!);
        break;
      case 'rp2040-sio':
        m.bus.mapDevice(spec, new Rp2040Sio(chip, log, p.base, m, [p.irqs.SIO_IRQ_PROC0 ?? 15, p.irqs.SIO_IRQ_PROC1 ?? 16]));
        break;
      case 'rp2040-timer':
        m.bus.mapDevice(spec, new Rp2040Timer(chip, log, p.base, gate, m.clock));
        break;
      case 'rp2040-pwm':
        m.bus.mapDevice(spec, new Rp2040Pwm(chip, log, p.base, gate));
        break;
      case 'rp2040-ppb':
        m.bus.mapDevice(spec, new Rp2040Ppb(m, p.base));
        break;
      case 'rp2040-vreg':
        m.bus.mapDevice(spec, new Rp2040Vreg(p.base));
        break;
      case 'rp2040-uart': {
        const index = Number(/\d+$/.exec(p.name)?.[0] ?? uarts.length);
        const u = new Rp2040Uart(chip, log, p.base, gate, index, m.clock, outside?.uart(index) ?? new UartPort(index, () => m.now));
        const irq = Object.values(p.irqs)[0];
        if (irq !== undefined) extraLevel.set(irq, () => u.errorIrqPending);
        uarts.push(u);
        uartPorts[index] = u.port;
        m.bus.mapDevice(spec, u);
        if (p.reset !== undefined) resets?.watch(p.reset, () => u.resetState());
        break;
      }
      default:
        throw new BoardError(m.board.name, `peripheral ${p.name}: model ${JSON.stringify(p.model)} is not an RP2040 model (${MODELS})`);
    }
  }
  const gpios = chip.gpio.map((pin) => new Rp2040GpioPort(pin, () => m.now));
  const i2cs = chip.i2c.map((c, i) => {
    const bus = outside?.i2c?.(i) ?? new I2cBus(i);
    wireI2c(m, c, bus, chip);
    return bus;
  });
  const spis = chip.spi.map((c, i) => {
    const bus = outside?.spi?.(i) ?? new SpiBus(i, (n) => (outside ?? { gpio: (k: number) => gpios[k]! }).gpio(n));
    wireSpi(m, c, bus);
    return bus;
  });
  return {
    chip,
    uart: (n) => uartPorts[n],
    gpio: (n) => gpios[n]!,
    i2c: (n) => i2cs[n],
    spi: (n) => spis[n],
    analogChannels: chip.adc.numChannels,
    setAnalog: (channel, raw) => void (chip.adc.channelValues[channel] = raw),
  };
}

/**
 * The outside of an rp2040js chip that firmware drives itself (the emulator, host-sim/emulate.ts):
 * its UARTs as rp2040js sends them, its pins and ADC inputs.
 */
export function rp2040Ports(chip: RP2040, now: () => number): ChipPorts {
  const uarts = chip.uart.map((u, i) => {
    const port = new UartPort(i, now);
    u.onByte = (b: number) => port.transmit(b);
    port.rxSink = (b) => u.feedByte(b);
    port.rxEmpty = () => (u.flags & UARTFR_RXFE) !== 0;
    return port;
  });
  const gpios = chip.gpio.map((pin) => new Rp2040GpioPort(pin, now));
  return {
    uart: (n) => uarts[n],
    gpio: (n) => gpios[n]!,
    analogChannels: chip.adc.numChannels,
    setAnalog: (channel, raw) => void (chip.adc.channelValues[channel] = raw),
  };
}
