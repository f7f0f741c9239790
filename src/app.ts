// The types an app needs, from 'vllsi' (type-only: nothing of this reaches a device bundle).
import type { BoardSpec } from './board.js';
import type { Hal } from './hal.js';

export type { BoardSpec, Hal };
export type { AccessSize } from './hal.js';

/**
 * An app's entry: its module's default export. `vllsi sim` and `vllsi build` call it once at
 * reset, with the board's HAL (already bound for src/: peripheral(), volatileLoad...) and the
 * board's description (pins, console UART, LED).
 */
export type AppMain = (hal: Hal, board: BoardSpec) => void;
