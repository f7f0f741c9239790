// Blink's hardware on the ESP32: the GPIO matrix for the LED, UART0 for the
// console, timer group 0's timer 0 (TG0_T0_LEVEL) for the tick. Addresses from
// the ESP32 Technical Reference Manual.
import type { Hal } from '../../hal/contract.js';
import type { BlinkHardware } from './hw.js';

const GPIO = 0x3ff44000, GPIO_OUT = GPIO + 0x04, GPIO_OUT_W1TC = GPIO + 0x0c, GPIO_ENABLE_W1TS = GPIO + 0x24;
const funcOutSel = (n: number) => GPIO + 0x530 + 4 * n;
const OUT_SEL_GPIO = 0x100;
const UART0 = 0x3ff40000, UART_FIFO = UART0, UART_CLKDIV = UART0 + 0x14, UART_STATUS = UART0 + 0x1c;
const TIMG0 = 0x3ff5f000, T0CONFIG = TIMG0, T0LO = TIMG0 + 0x04, T0HI = TIMG0 + 0x08, T0UPDATE = TIMG0 + 0x0c, T0ALARMLO = TIMG0 + 0x10, T0ALARMHI = TIMG0 + 0x14;
const INT_ENA_TIMERS = TIMG0 + 0x98, INT_CLR_TIMERS = TIMG0 + 0xa4;
const EN = 1 << 31, INCREASE = 1 << 30, LEVEL_INT_EN = 1 << 11, ALARM_EN = 1 << 10;
const DIVIDER_1MHZ = 80 << 13; // APB 80 MHz / 80

export function esp32Hardware(hal: Hal): BlinkHardware {
  const encoder = new TextEncoder();
  let config = 0;
  return {
    ledInit(pin) {
      hal.store32(funcOutSel(pin), OUT_SEL_GPIO);
      hal.store32(GPIO_OUT_W1TC, 1 << pin);
      hal.store32(GPIO_ENABLE_W1TS, 1 << pin);
      config = (EN | INCREASE | LEVEL_INT_EN | DIVIDER_1MHZ) >>> 0;
      hal.store32(T0CONFIG, config); // the tick timer counts microseconds from here
    },
    ledToggle(pin) {
      const out = hal.load32(GPIO_OUT) ^ (1 << pin);
      hal.store32(GPIO_OUT, out >>> 0);
      return ((out >>> pin) & 1) === 1;
    },
    consoleInit() {
      hal.store32(UART_CLKDIV, Math.round(80e6 / 115200)); // 115200 baud from APB
    },
    consoleWrite(text) {
      for (const b of encoder.encode(text)) {
        while (((hal.load32(UART_STATUS) >>> 16) & 0xff) >= 127); // TXFIFO_CNT: wait for room
        hal.store32(UART_FIFO, b);
      }
    },
    alarmIrq: 14, // TG0_T0_LEVEL
    nowUs() {
      hal.store32(T0UPDATE, 1); // latch the counter into T0LO/T0HI
      return hal.load32(T0HI) * 2 ** 32 + hal.load32(T0LO);
    },
    alarmAt(atUs) {
      hal.store32(INT_ENA_TIMERS, hal.load32(INT_ENA_TIMERS) | 1);
      hal.store32(T0ALARMHI, Math.floor(atUs / 2 ** 32));
      hal.store32(T0ALARMLO, atUs >>> 0);
      hal.store32(T0CONFIG, (config | ALARM_EN) >>> 0); // ALARM_EN clears itself when the alarm fires
    },
    alarmAck: () => hal.store32(INT_CLR_TIMERS, 1),
  };
}
