// vllsi's device benchmark app (bench/device.bench.js builds it with the real Moddable SDK and
// runs it in `emulate()`): each measured section is named by a store of its id to WATCHDOG
// SCRATCH0 (untimed), then bracketed by two ticks, toggles of GPIO2 by Moddable's Digital.write:
// the harness records rp2040js's cycle count at each toggle. The tick is Moddable's code, so it
// costs the same whatever vllsi code is measured. Side by side in the same firmware: vllsi's
// peripheral(), register writes (called and inlined at build time), a field modify,
// withCriticalSection, an IRQ handled in JS; Moddable's ECMA-419 Digital.write and onReadable.
import Digital from 'embedded:io/digital';
import { enableIrq, peripheral, setInterruptHandler, withCriticalSection } from '../../src/index.js';
import { IO_BANK0, SIO, TIMER } from '../../src/registers/rp2040.js';
import M from './marks.json';

const LABEL = 0x4005800c; // WATCHDOG SCRATCH0: no one else writes it
const TICK = 2;
const LED = 25;
/** The pin the harness drives for onReadable. */
const INPUT = 6;
const N = M.loops;

export default function main(hal) {
  const label = (id) => hal.store32(LABEL, id);
  label(M.main);
  const tickPin = new Digital({ pin: TICK, mode: Digital.Output });
  let level = 0;
  const tick = () => tickPin.write((level ^= 1));
  label(M.markPair);
  tick();
  tick();
  // The loops' bodies assign to `r` (used at the end), so the build keeps the empty one too.
  let r;
  label(M.emptyLoop);
  tick();
  for (let i = 0; i < N; i++) r = i;
  tick();

  label(M.peripheralIoBank0);
  tick();
  const io = peripheral(IO_BANK0);
  tick();
  label(M.peripheralSio);
  tick();
  const sio = peripheral(SIO);
  tick();
  const timer = peripheral(TIMER);
  // Two arguments: the build-time inliner leaves calls on these handles as calls.
  const sioCalled = peripheral(SIO, {});
  const ioCalled = peripheral(IO_BANK0, {});
  const led = new Digital({ pin: LED, mode: Digital.Output });
  // First uses make the Register and Field objects: outside the timed loops.
  sioCalled.GPIO_OUT_SET.write(1 << LED);
  ioCalled.GPIO25_CTRL.fields.FUNCSEL.modify(5);

  label(M.lookup);
  tick();
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET;
  tick();
  label(M.writeCalled);
  tick();
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET.write(0x2000000);
  tick();
  label(M.writeFieldsCalled);
  tick();
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET.write({ GPIO_OUT_SET: 0x2000000 });
  tick();
  label(M.writeInlined);
  tick();
  for (let i = 0; i < N; i++) r = sio.GPIO_OUT_SET.write({ GPIO_OUT_SET: 0x2000000 });
  tick();
  label(M.digitalWrite);
  tick();
  for (let i = 0; i < N; i++) r = led.write(1);
  tick();
  label(M.modifyCalled);
  tick();
  for (let i = 0; i < N; i++) r = ioCalled.GPIO25_CTRL.modify({ FUNCSEL: 5 });
  tick();
  const funcsel = ioCalled.GPIO25_CTRL.fields.FUNCSEL;
  label(M.fieldModifyCalled);
  tick();
  for (let i = 0; i < N; i++) r = funcsel.modify(5);
  tick();
  label(M.modifyInlined);
  tick();
  for (let i = 0; i < N; i++) r = io.GPIO25_CTRL.modify({ FUNCSEL: 5 });
  tick();
  const nothing = () => {};
  label(M.criticalSection);
  tick();
  for (let i = 0; i < N; i++) r = withCriticalSection(nothing);
  tick();
  if (r === LABEL) trace('');

  // IRQ to JS: TIMER alarm 1 three times, then three edges on INPUT through Digital's onReadable.
  // The harness times each from the exception entry to the handler's first tick.
  const irq = TIMER.interrupts.TIMER_IRQ_1;
  const arm = () => timer.ALARM1.write((timer.TIMERAWL.read() + 2000) >>> 0);
  let alarms = 0;
  let edges = 0;
  setInterruptHandler(irq, () => {
    tick();
    label(M.timerIrq);
    timer.INTR.write({ ALARM_1: 1 });
    if (++alarms < 3) return void arm();
    new Digital({
      pin: INPUT,
      mode: Digital.InputPullDown,
      edge: Digital.Rising | Digital.Falling,
      onReadable() {
        tick();
        label(M.digitalIrq);
        if (++edges === 3) {
          label(M.done);
          trace('vllsi bench done\n');
        } else label(M.digitalArmed);
      },
    });
    label(M.digitalArmed);
  });
  enableIrq(irq);
  timer.INTE.atomicSet({ ALARM_1: 1 });
  arm();
  label(M.ready);
  trace('vllsi bench ready\n'); // on USB CDC in a release build
}
