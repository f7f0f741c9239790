// Blink's hardware on the ESP32, through the register definitions of
// src/registers/esp32.ts: the GPIO matrix for the LED, UART0 for the console,
// timer group 0's timer 0 (TG0_T0_LEVEL) for the tick.
import { peripheral } from '../../src/peripheral.js';
// vllsi/registers/esp32: named imports, so a device build bundles only these definitions.
import { GPIO, TIMG0, UART0 } from '../../src/registers/esp32.js';
import type { BlinkHardware } from './hw.js';

export function esp32Hardware(): BlinkHardware {
  const gpio = peripheral(GPIO);
  const uart = peripheral(UART0);
  const timg = peripheral(TIMG0);
  // The tick timer counts microseconds: APB 80 MHz / 80.
  const timerConfig = { EN: 1, INCREASE: 1, AUTORELOAD: 0, LEVEL_INT_EN: 1, DIVIDER: 80 } as const;
  return {
    ledInit(pin) {
      gpio.FUNC_OUT_SEL_CFG[pin].write({ OUT_SEL: 0x100 }); // pad driven by GPIO_OUT
      gpio.OUT_W1TC.write(1 << pin);
      gpio.ENABLE_W1TS.write(1 << pin);
      timg.TCONFIG[0].write(timerConfig);
    },
    ledToggle(pin) {
      const out = (gpio.OUT.read() ^ (1 << pin)) >>> 0;
      gpio.OUT.write(out);
      return ((out >>> pin) & 1) === 1;
    },
    consoleInit() {
      // UART0's pins (GPIO1 TX, GPIO3 RX) are its IO_MUX defaults; 115200 baud from APB 80 MHz.
      uart.CLKDIV.write({ CLKDIV: Math.round(80e6 / 115200), FRAG: 0 });
    },
    consoleWrite(text) {
      for (let i = 0; i < text.length; i++) {
        while (uart.STATUS.get('TXFIFO_CNT') >= 127); // wait for room in the 128-byte FIFO
        uart.FIFO.write(text.charCodeAt(i) & 0xff);
      }
    },
    alarmIrq: TIMG0.interrupts.TG0_T0_LEVEL,
    nowUs() {
      timg.TUPDATE[0].write(1); // latch the counter into TLO[0]/THI[0]
      return timg.THI[0].read() * 2 ** 32 + timg.TLO[0].read();
    },
    alarmAt(atUs) {
      timg.INT_ENA_TIMERS.modify({ T0_INT_ENA: 1 });
      timg.TALARMHI[0].write(Math.floor(atUs / 2 ** 32));
      timg.TALARMLO[0].write(atUs >>> 0);
      timg.TCONFIG[0].write({ ...timerConfig, ALARM_EN: 1 }); // ALARM_EN clears itself when the alarm fires
      return !(timg.TCONFIG[0].isSet('ALARM_EN') && this.nowUs() >= atUs);
    },
    alarmAck: () => timg.INT_CLR_TIMERS.write({ T0_INT_CLR: 1 }),
  };
}
