// What blink needs from a chip: an LED pin, a console UART and a timer alarm with
// an interrupt. rp2040.ts and esp32.ts implement it with the chips' registers.
export interface BlinkHardware {
  /** Configures the LED pin as a GPIO output, off (after consoleInit). */
  ledInit(pin: number): void;
  /** Toggles the LED; returns the new level. */
  ledToggle(pin: number): boolean;
  /** Takes the blocks blink uses out of reset and sets up the console UART fully (pins, baud rate, FIFOs). */
  consoleInit(): void;
  /** Writes ASCII text (Moddable has no TextEncoder). */
  consoleWrite(text: string): void;
  /** The timer alarm's IRQ line. */
  readonly alarmIrq: number;
  /** Current timer count in microseconds. */
  nowUs(): number;
  /**
   * Arms the alarm for the time `atUs` (its interrupt enabled). False when that time had passed
   * before the alarm was armed: it will not fire (the RP2040 compares on equality, so it would
   * come 71 minutes later), and the caller picks a later time.
   */
  alarmAt(atUs: number): boolean;
  /** Acknowledges the alarm's interrupt (write-1-to-clear). */
  alarmAck(): void;
}
