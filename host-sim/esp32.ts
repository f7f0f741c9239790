// esp32-devkitc: plain RAM/ROM/flash blocks plus the register models written here
// (esp32-gpio.ts, esp32-uart.ts, esp32-timg.ts, esp32-adc.ts, esp32-ledc.ts) at the addresses
// of the board data. LEDC's outputs reach the pins through the GPIO matrix.
import { BoardError } from '../boards/index.js';
import { ADC1_CHANNELS, Esp32Adc } from './esp32-adc.js';
import { Esp32Gpio } from './esp32-gpio.js';
import { Esp32Ledc, LEDC_CHANNELS, LEDC_SIGNAL0 } from './esp32-ledc.js';
import { Esp32Timg } from './esp32-timg.js';
import { Esp32Uart } from './esp32-uart.js';
import type { Machine } from './machine.js';
import type { ChipPorts, UartPort } from './ports.js';

export function wireEsp32(m: Machine): ChipPorts {
  const b = m.board;
  for (const mem of b.memory) {
    m.bus.mapMemory({ name: mem.name, base: mem.base, size: mem.size, widths: mem.widths.reduce((a, w) => a | w, 0), readOnly: mem.kind !== 'ram' });
  }
  let gpio: Esp32Gpio | undefined;
  let adc: Esp32Adc | undefined;
  let ledc: Esp32Ledc | undefined;
  const uarts: UartPort[] = [];
  for (const p of b.peripherals) {
    const spec = { name: p.name, base: p.base, size: p.size, widths: p.widths.reduce((a, w) => a | w, 0) };
    const irqs = Object.values(p.irqs);
    const need = (n: number) => {
      if (irqs.length < n) throw new BoardError(b.name, `peripheral ${p.name} needs ${n} IRQ line(s) in "irqs"`);
    };
    if (p.model === 'esp32-gpio') {
      need(1);
      m.bus.mapDevice(spec, (gpio = new Esp32Gpio(m, p.base, irqs[0]!)));
    } else if (p.model === 'esp32-uart') {
      need(1);
      const index = Number(/\d+$/.exec(p.name)?.[0] ?? uarts.length);
      const u = new Esp32Uart(m, p.name, p.base, index, irqs[0]!);
      uarts[index] = u.port;
      m.bus.mapDevice(spec, u);
    } else if (p.model === 'esp32-adc') {
      m.bus.mapDevice(spec, (adc = new Esp32Adc(m, p.name, p.base)));
    } else if (p.model === 'esp32-ledc') {
      m.bus.mapDevice(spec, (ledc = new Esp32Ledc(m, p.name, p.base, irqs[0])));
    } else if (p.model === 'esp32-timg') {
      need(2);
      m.bus.mapDevice(spec, new Esp32Timg(m, p.name, p.base, irqs));
    } else {
      throw new BoardError(
        b.name,
        `peripheral ${p.name}: model ${JSON.stringify(p.model)} is not an ESP32 model (esp32-gpio, esp32-uart, esp32-timg, esp32-adc, esp32-ledc)`,
      );
    }
  }
  if (gpio === undefined) throw new BoardError(b.name, 'has no esp32-gpio peripheral');
  const g = gpio;
  if (ledc !== undefined) {
    const l = ledc;
    for (let n = 0; n < LEDC_CHANNELS; n++) g.connectOutput(LEDC_SIGNAL0 + n, () => l.output(n));
    l.onOutputChange = () => g.refresh();
  }
  const ports = Array.from({ length: b.gpioCount }, (_, i) => g.port(i));
  const a = adc;
  return {
    uart: (n) => uarts[n],
    gpio: (n) => ports[n]!,
    ...(a === undefined ? {} : { analogChannels: ADC1_CHANNELS, setAnalog: (channel: number, raw: number) => void (a.channelValues[channel] = raw) }),
  };
}
