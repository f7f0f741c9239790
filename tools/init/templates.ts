// What `vllsi init` writes: a small driver app (the board LED on, a greeting on the console
// UART), its simulator test, a tsconfig, package.json and a README. One driver per chip.

export interface InitOptions {
  /** Package name (the folder's name). */
  readonly name: string;
  readonly board: string;
  readonly chip: 'rp2040' | 'esp32';
  /** The vllsi version this was made with: the dependency's range. */
  readonly vllsiVersion: string;
}

const RP2040_APP = `// The app's entry: vllsi sim and vllsi build call main(hal, board) once at reset.
import { peripheral, type AppMain } from 'vllsi';
import { IO_BANK0, RESETS, SIO, UART0 } from 'vllsi/registers/rp2040';

const GPIO_FUNC_UART = 2, GPIO_FUNC_SIO = 5; // IO_BANK0 GPIO_CTRL[n].FUNCSEL values

/** Takes IO_BANK0, the pads and UART0 out of reset, then waits until they are. */
function unreset(): void {
  const resets = peripheral(RESETS);
  const used = { IO_BANK0: 1, PADS_BANK0: 1, UART0: 1 } as const;
  resets.RESET.atomicClear(used);
  while (!resets.RESET_DONE.matches(used));
}

/** The board LED, driven by SIO. */
export function ledOn(pin: number): void {
  const sio = peripheral(SIO);
  sio.GPIO_OE_SET.write(1 << pin);
  sio.GPIO_OUT_SET.write(1 << pin);
  peripheral(IO_BANK0).GPIO_CTRL[pin].write({ FUNCSEL: GPIO_FUNC_SIO });
}

/** Text on UART0 at 115200 baud (clk_peri 125 MHz). */
export function say(text: string, tx: number, rx: number): void {
  const uart = peripheral(UART0);
  const io = peripheral(IO_BANK0);
  uart.UARTIBRD.write({ BAUD_DIVINT: 67 });
  uart.UARTFBRD.write({ BAUD_DIVFRAC: 52 });
  uart.UARTLCR_H.write({ WLEN: 0b11, FEN: 1 });
  uart.UARTCR.write({ UARTEN: 1, TXE: 1, RXE: 1 });
  io.GPIO_CTRL[tx].write({ FUNCSEL: GPIO_FUNC_UART });
  io.GPIO_CTRL[rx].write({ FUNCSEL: GPIO_FUNC_UART });
  for (let i = 0; i < text.length; i++) {
    while (uart.UARTFR.isSet('TXFF'));
    uart.UARTDR.write({ DATA: text.charCodeAt(i) & 0xff });
  }
}

const main: AppMain = (_hal, board) => {
  unreset();
  ledOn(board.led.pin);
  say(\`hello from \${board.name}\\r\\n\`, board.console.tx, board.console.rx);
};
export default main;
`;

const ESP32_APP = `// The app's entry: vllsi sim and vllsi build call main(hal, board) once at reset.
import { peripheral, type AppMain } from 'vllsi';
import { GPIO, UART0 } from 'vllsi/registers/esp32';

/** The board LED, driven by GPIO_OUT through the GPIO matrix. */
export function ledOn(pin: number): void {
  const gpio = peripheral(GPIO);
  gpio.FUNC_OUT_SEL_CFG[pin].write({ OUT_SEL: 0x100 });
  gpio.ENABLE_W1TS.write(1 << pin);
  gpio.OUT_W1TS.write(1 << pin);
}

/** Text on UART0 at 115200 baud (APB 80 MHz). */
export function say(text: string): void {
  const uart = peripheral(UART0);
  uart.CLKDIV.write({ CLKDIV: Math.round(80e6 / 115200), FRAG: 0 });
  for (let i = 0; i < text.length; i++) {
    while (uart.STATUS.get('TXFIFO_CNT') >= 127);
    uart.FIFO.write(text.charCodeAt(i) & 0xff);
  }
}

const main: AppMain = (_hal, board) => {
  ledOn(board.led.pin);
  say(\`hello from \${board.name}\\r\\n\`);
};
export default main;
`;

const TEST = (board: string) => `// Runs the app on the simulated ${board}: npm test.
import { describe, expect, it } from 'vitest';
import { simulate } from 'vllsi/host-sim';
import main from './index.ts';

describe('the app on a simulated ${board}', () => {
  it('turns the LED on and greets on the console UART', async () => {
    const board = await simulate('${board}', main);
    await board.console.waitForLine(/hello from ${board}/, { timeout: '10ms' });
    expect(board.led.level).toBe(true);
  });
});
`;

export function templateFiles(o: InitOptions): Record<string, string> {
  const pkg = {
    name: o.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { test: 'vitest run', sim: 'vllsi sim .', build: `vllsi build --board ${o.board} -o build .` },
    dependencies: { vllsi: `^${o.vllsiVersion}` },
    devDependencies: { vitest: '^4.1.12' },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['*.ts'],
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    'index.ts': o.chip === 'rp2040' ? RP2040_APP : ESP32_APP,
    'app.test.ts': TEST(o.board),
    '.gitignore': 'node_modules/\nbuild/\n',
    'README.md': `# ${o.name}

A vllsi app for ${o.board}: \`index.ts\` default-exports \`main(hal, board)\`, which turns the
board LED on and says hello on the console UART, through typed register definitions
(\`vllsi/registers/${o.chip}\`).

\`\`\`sh
npm install          # vllsi and vitest
npm test             # app.test.ts: the app on a simulated ${o.board} (vllsi/host-sim)
npx vllsi sim .      # run it on the simulated board, printing the console and LED changes
npx vllsi build --board ${o.board} -o build .   # a Moddable project; then cd build && mcconfig -d -m -p ${o.chip === 'rp2040' ? 'pico' : 'esp32'}
\`\`\`

Import vllsi by its package names only ('vllsi', 'vllsi/registers/${o.chip}', 'vllsi/console'):
the device build maps them to its modules. Code under \`main\` must not use Node modules.
`,
  };
}
