// What blink needs from a chip: an LED pin, a console UART and a timer alarm with
// an interrupt. rp2040.ts and esp32.ts implement it with the chips' registers.
export interface BlinkHardware {
  /** Configures the LED pin as a GPIO output, off. */
  ledInit(pin: number): void;
  /** Toggles the LED; returns the new level. */
  ledToggle(pin: number): boolean;
  /** Sets up the console UART (pins, baud rate, FIFOs). */
  consoleInit(): void;
  consoleWrite(text: string): void;
  /** The timer alarm's IRQ line. */
  readonly alarmIrq: number;
  /** Current timer count in microseconds. */
  nowUs(): number;
  /** Arms the alarm for the absolute time `atUs` (its interrupt enabled). */
  alarmAt(atUs: number): void;
  /** Acknowledges the alarm's interrupt (write-1-to-clear). */
  alarmAck(): void;
}
