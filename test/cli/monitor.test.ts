// `vllsi monitor` in a real terminal: tmux runs it, send-keys types, capture-pane reads the
// screen. Against the simulator's console (vllsi sim --console) and against a real serial port
// (serialport on one end of a socat pty pair, the test as the board on the other end).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestFirmware, haveArmGcc } from '../../tools/test-firmware.js';
import { XsbugLines } from '../../tools/xsbug-lines.js';
import { bin, built, needsBuild, removeUserDirs, userDir, vllsiProcess } from './vllsi-bin.js';

const has = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const tools = has('tmux') && has('socat');
const skip = !built || !tools;
const why = needsBuild || (tools ? '' : ' [SKIP: needs tmux and socat: apt-get install tmux socat]');
const gcc = haveArmGcc();
const whyEmulate = why || (gcc ? '' : ' [SKIP: needs arm-none-eabi-gcc: apt-get install gcc-arm-none-eabi]');
if (whyEmulate) console.warn(`SKIP vllsi monitor against vllsi emulate:${whyEmulate}`);

/** A tmux server of our own (its own socket), one window running `command`. */
function terminal(command: string, cwd: string) {
  const socket = `vllsi-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  tmux('new-session', '-d', '-x', '160', '-y', '50', '-c', cwd, `${command}; echo "[exit $?]"; sleep 60`);
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200');
  return {
    screen,
    keys: (...keys: string[]) => tmux('send-keys', ...keys),
    async waitFor(pattern: RegExp, ms = 20_000): Promise<string> {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
        const s = screen();
        if (pattern.test(s)) return s;
      }
      throw new Error(`no ${pattern} on the screen within ${ms} ms:\n${screen()}`);
    },
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

describe('xsbug messages as lines', () => {
  it('trace() output and reports with a place become lines; text around them passes; split lines join', () => {
    const text: string[] = [];
    const xs: string[] = [];
    const x = new XsbugLines({ text: (l) => text.push(l), xs: (l) => xs.push(l) });
    for (const l of [
      'boot',
      '<?xs.2000a1b0?>',
      '<xsbug><login name="main" value="XS"/></xsbug>',
      '<?xs.2000a1b0?>',
      '<xsbug><log>tick 1 &amp; &lt;2&gt;',
      '</log></xsbug>',
      '<xsbug><log path="/app/main.js" line="12"># Exception: main: undefined is not a function!',
      '</log></xsbug>',
      'after <xsbug><break path="/app/x.js" line="3">debugger</break></xsbug> tail',
    ])
      x.line(l);
    expect(text).toEqual(['boot', 'after ', ' tail']);
    expect(xs).toEqual(['tick 1 & <2>', '/app/main.js:12: # Exception: main: undefined is not a function!', '/app/x.js:3: break: debugger']);
  });
});

describe.skipIf(skip)(`vllsi monitor in a terminal${why}`, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill();
    removeUserDirs();
  });

  it('against vllsi sim --console: the board text, what you type answered and decoded, Ctrl-] exits', async () => {
    const home = userDir();
    const sim = vllsiProcess(['sim', '--console', 'tcp:0', '--duration', '30s'], home);
    children.push(sim.child);
    const port = (await sim.waitFor(/console UART0 on tcp:\/\/127\.0\.0\.1:(\d+)/))[1]!;
    const term = terminal(`node ${bin} monitor --port tcp:${port}`, home);
    try {
      await term.waitFor(/--- vllsi monitor on tcp:\d+ --- Ctrl-\] exits ---/);
      await term.waitFor(/^tick \d+: led (on|off)$/m);
      term.keys('info', 'Enter');
      const s = await term.waitFor(/console <- OK/);
      expect(s).toMatch(/console -> info\nconsole <- board rpi-pico\nconsole <- runtime vllsi example console/);
      term.keys('C-]');
      const end = await term.waitFor(/\[exit \d+\]/);
      expect(end).toMatch(/--- vllsi monitor: exit ---\n\[exit 0\]/);
      expect(end).not.toMatch(/^\s+at /m);
    } finally {
      term.close();
      await sim.stop();
    }
  }, 90_000);

  it('against a real serial port (socat pty): board text and xsbug trace lines shown, keys sent to the board', async () => {
    const home = userDir();
    const [device, board] = [path.join(home, 'ttyMON'), path.join(home, 'ttyBOARD')];
    const socat = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${board}`], { stdio: 'ignore' });
    children.push(socat);
    for (let i = 0; i < 200 && !(existsSync(device) && existsSync(board)); i++) await new Promise((r) => setTimeout(r, 10));
    const fd = openSync(board, 'r+');
    const term = terminal(`node ${bin} monitor --port ${device} --baud 115200`, home);
    try {
      await term.waitFor(/--- vllsi monitor on .*ttyMON at 115200 baud ---/);
      writeSync(fd, 'hello from the board\r\n\r\n<?xs.2000a1b0?>\r\n<xsbug><log>trace: 42\n</log></xsbug>\r\nmore text\r\n');
      const s = await term.waitFor(/more text/);
      expect(s).toMatch(/hello from the board\nxs: trace: 42\nmore text/);
      expect(s).not.toMatch(/xsbug|<\?xs/);
      term.keys('abc', 'Enter');
      const got = Buffer.alloc(16);
      let n = 0;
      for (let i = 0; i < 100 && n < 4; i++) {
        try {
          n += readSync(fd, got, n, 16 - n, null);
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // EAGAIN: nothing yet
        }
      }
      expect(got.subarray(0, n).toString()).toBe('abc\r');
      term.keys('C-]');
      expect(await term.waitFor(/\[exit \d+\]/)).toMatch(/\[exit 0\]/);
    } finally {
      term.close();
      closeSync(fd);
      socat.kill();
    }
  }, 90_000);
});

describe.skipIf(skip || !gcc)(`vllsi monitor against the emulated firmware (vllsi emulate --console)${whyEmulate}`, () => {
  afterAll(removeUserDirs);

  it("shows the firmware's answers to what you type, Ctrl-] exits, the emulator keeps running", async () => {
    const home = userDir();
    const emu = vllsiProcess(['emulate', '--console', 'tcp:0', '--seconds', '60', buildTestFirmware('normal').uf2], home);
    let term: ReturnType<typeof terminal> | undefined;
    try {
      const port = (await emu.waitFor(/UART0 on tcp:\/\/127\.0\.0\.1:(\d+)/))[1]!;
      term = terminal(`node ${bin} monitor --port tcp://127.0.0.1:${port}`, home);
      await term.waitFor(/--- vllsi monitor on tcp:\/\/127\.0\.0\.1:\d+ --- Ctrl-\] exits ---/);
      term.keys('info', 'Enter');
      const info = await term.waitFor(/console <- OK/);
      expect(info).toMatch(
        /console -> info\nconsole <- board rpi-pico\nconsole <- runtime vllsi bare-metal test firmware\nconsole <- uptime-us [0-9a-f]{8}\nconsole <- toggles [0-9a-f]{8}\nconsole <- OK/,
      );
      term.keys('hello emulator', 'Enter');
      expect(await term.waitFor(/console -> hello emulator\nconsole <- echo: hello emulator$/m)).not.toMatch(/^\s+at /m);
      term.keys('C-]');
      expect(await term.waitFor(/\[exit \d+\]/)).toMatch(/--- vllsi monitor: exit ---\n\[exit 0\]/);
      // The firmware saw the same lines: the emulator prints UART0 as it runs.
      await emu.waitFor(/uart0: echo: hello emulator/);
      expect(emu.child.exitCode).toBeNull();
    } finally {
      term?.close();
      await emu.stop();
    }
  }, 60_000);
});
