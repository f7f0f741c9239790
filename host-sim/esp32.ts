// esp32-devkitc: plain RAM/ROM/flash blocks plus the register models written here
// (esp32-gpio.ts, esp32-uart.ts, esp32-timg.ts, esp32-adc.ts, esp32-ledc.ts, esp32-i2c.ts,
// esp32-spi.ts, esp32-rtc-cntl.ts) at the addresses of the board data. LEDC's outputs and the SPI chip selects
// reach the pins through the GPIO matrix.
import { BoardError } from '../boards/index.js';
import { ADC1_CHANNELS, Esp32Adc } from './esp32-adc.js';
import { Esp32Gpio } from './esp32-gpio.js';
import { Esp32I2c } from './esp32-i2c.js';
import { Esp32Ledc, LEDC_CHANNELS, LEDC_SIGNAL0 } from './esp32-ledc.js';
import { Esp32RtcCntl } from './esp32-rtc-cntl.js';
import { Esp32Spi } from './esp32-spi.js';
import { Esp32Timg } from './esp32-timg.js';
import { Esp32Uart } from './esp32-uart.js';
import type { Machine } from './machine.js';
import type { I2cBus } from './parts/i2c.js';
import type { SpiBus } from './parts/spi.js';
import type { ChipPorts, Outside, UartPort } from './ports.js';

/** GPIO matrix output signals of the SPI controllers' chip selects CS0..CS2 (TRM ch. 4, signal list). */
const CS_SIGNALS: Readonly<Record<string, readonly number[]>> = {
  SPI2: [11, 61, 62],
  SPI3: [68, 69, 70],
};
const MODELS = 'esp32-gpio, esp32-uart, esp32-timg, esp32-adc, esp32-ledc, esp32-i2c, esp32-spi, esp32-rtc-cntl';

/** Wires the chip's models on the machine's bus; `outside` (after a reset) hands back the UART streams, buses and pins that stay. */
export function wireEsp32(m: Machine, outside?: Outside): ChipPorts {
  const b = m.board;
  for (const mem of b.memory) {
    m.bus.mapMemory({
      name: mem.name,
      base: mem.base,
      size: mem.size,
      widths: mem.widths.reduce((a, w) => a | w, 0),
      readOnly: mem.kind !== 'ram',
    });
  }
  let gpio: Esp32Gpio | undefined;
  let adc: Esp32Adc | undefined;
  let ledc: Esp32Ledc | undefined;
  const spiModels: Esp32Spi[] = [];
  const uarts: UartPort[] = [];
  const i2cs: I2cBus[] = [];
  const spis: SpiBus[] = [];
  for (const p of b.peripherals) {
    const spec = {
      name: p.name,
      base: p.base,
      size: p.size,
      widths: p.widths.reduce((a, w) => a | w, 0),
    };
    const irqs = Object.values(p.irqs);
    const need = (n: number) => {
      if (irqs.length < n) throw new BoardError(b.name, `peripheral ${p.name} needs ${n} IRQ line(s) in "irqs"`);
    };
    const index = Number(/\d+$/.exec(p.name)?.[0] ?? 0);
    if (p.model === 'esp32-gpio') {
      need(1);
      m.bus.mapDevice(spec, (gpio = new Esp32Gpio(m, p.base, irqs[0]!)));
    } else if (p.model === 'esp32-uart') {
      need(1);
      const u = new Esp32Uart(m, p.name, p.base, index, irqs[0]!, outside?.uart(index));
      uarts[index] = u.port;
      m.bus.mapDevice(spec, u);
    } else if (p.model === 'esp32-rtc-cntl') {
      m.bus.mapDevice(spec, new Esp32RtcCntl(m, p.name, p.base));
    } else if (p.model === 'esp32-adc') {
      m.bus.mapDevice(spec, (adc = new Esp32Adc(m, p.name, p.base)));
    } else if (p.model === 'esp32-ledc') {
      m.bus.mapDevice(spec, (ledc = new Esp32Ledc(m, p.name, p.base, irqs[0])));
    } else if (p.model === 'esp32-timg') {
      need(2);
      m.bus.mapDevice(spec, new Esp32Timg(m, p.name, p.base, irqs));
    } else if (p.model === 'esp32-i2c') {
      need(1);
      const c = new Esp32I2c(m, p.name, p.base, index, irqs[0]!, outside?.i2c?.(index));
      i2cs[index] = c.bus;
      m.bus.mapDevice(spec, c);
    } else if (p.model === 'esp32-spi') {
      need(1);
      const cs = CS_SIGNALS[p.name];
      if (cs === undefined) throw new BoardError(b.name, `peripheral ${p.name}: the esp32-spi model serves SPI2 and SPI3`);
      const c = new Esp32Spi(m, p.name, p.base, index, irqs[0]!, (n) => (outside ?? ports).gpio(n), cs, outside?.spi?.(index));
      spiModels.push(c);
      spis[index] = c.bus;
      m.bus.mapDevice(spec, c);
    } else {
      throw new BoardError(b.name, `peripheral ${p.name}: model ${JSON.stringify(p.model)} is not an ESP32 model (${MODELS})`);
    }
  }
  if (gpio === undefined) throw new BoardError(b.name, 'has no esp32-gpio peripheral');
  const g = gpio;
  if (ledc !== undefined) {
    const l = ledc;
    for (let n = 0; n < LEDC_CHANNELS; n++) g.connectOutput(LEDC_SIGNAL0 + n, () => l.output(n));
    l.onOutputChange = () => g.refresh();
  }
  for (const s of spiModels) {
    s.csSignals.forEach((signal, i) => g.connectOutput(signal, () => s.chipSelect(i)));
    s.onOutputChange = () => g.refresh();
  }
  const gpios = Array.from({ length: b.gpioCount }, (_, i) => g.port(i));
  const a = adc;
  const ports: ChipPorts = {
    uart: (n) => uarts[n],
    gpio: (n) => gpios[n]!,
    i2c: (n) => i2cs[n],
    spi: (n) => spis[n],
    ...(a === undefined
      ? {}
      : {
          analogChannels: ADC1_CHANNELS,
          setAnalog: (channel: number, raw: number) => void (a.channelValues[channel] = raw),
        }),
  };
  return ports;
}
