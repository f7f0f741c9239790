// vllsi's device benchmark app (bench/device.bench.js builds it with the real Moddable SDK and
// runs it in `emulate()`): each measured section is bracketed by two stores of a marker id to
// WATCHDOG SCRATCH0, and the harness records rp2040js's cycle count at each store. Side by side
// in the same firmware: vllsi's peripheral(), register writes (called and inlined at build
// time), a field modify, withCriticalSection, an IRQ handled in JS; Moddable's ECMA-419
// Digital.write and onReadable.
import Digital from 'embedded:io/digital';
import { enableIrq, peripheral, setInterruptHandler, withCriticalSection } from '../../src/index.js';
import { IO_BANK0, SIO, TIMER } from '../../src/registers/rp2040.js';
import M from './marks.json';

const MARK = 0x4005800c; // WATCHDOG SCRATCH0: no one else writes it
const LED = 25;
/** The pin the harness drives for onReadable. */
const INPUT = 6;
const N = M.loops;

export default function main(hal) {
  const mark = (id) => hal.store32(MARK, id);
  mark(M.main);
  mark(M.markPair);
  mark(M.markPair + 1);
  // The loops' bodies assign to `r` (used at the end), so the build keeps the empty one too.
  let r;
  mark(M.emptyLoop);
  for (let i = 0; i < N; i++) r = i;
  mark(M.emptyLoop + 1);

  mark(M.peripheralIoBank0);
  const io = peripheral(IO_BANK0);
  mark(M.peripheralIoBank0 + 1);
  mark(M.peripheralSio);
  const sio = peripheral(SIO);
  mark(M.peripheralSio + 1);
  const timer = peripheral(TIMER);
  // Two arguments: the build-time inliner leaves calls on these handles as calls.
  const sioCalled = peripheral(SIO, {});
  const ioCalled = peripheral(IO_BANK0, {});
  const led = new Digital({ pin: LED, mode: Digital.Output });
  // First uses make the Register and Field objects: outside the timed loops.
  sioCalled.GPIO_OUT_SET.write(1 << LED);
  ioCalled.GPIO25_CTRL.fields.FUNCSEL.modify(5);

  mark(M.lookup);
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET;
  mark(M.lookup + 1);
  mark(M.writeCalled);
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET.write(0x2000000);
  mark(M.writeCalled + 1);
  mark(M.writeFieldsCalled);
  for (let i = 0; i < N; i++) r = sioCalled.GPIO_OUT_SET.write({ GPIO_OUT_SET: 0x2000000 });
  mark(M.writeFieldsCalled + 1);
  mark(M.writeInlined);
  for (let i = 0; i < N; i++) r = sio.GPIO_OUT_SET.write({ GPIO_OUT_SET: 0x2000000 });
  mark(M.writeInlined + 1);
  mark(M.digitalWrite);
  for (let i = 0; i < N; i++) r = led.write(1);
  mark(M.digitalWrite + 1);
  mark(M.modifyCalled);
  for (let i = 0; i < N; i++) r = ioCalled.GPIO25_CTRL.modify({ FUNCSEL: 5 });
  mark(M.modifyCalled + 1);
  const funcsel = ioCalled.GPIO25_CTRL.fields.FUNCSEL;
  mark(M.fieldModifyCalled);
  for (let i = 0; i < N; i++) r = funcsel.modify(5);
  mark(M.fieldModifyCalled + 1);
  mark(M.modifyInlined);
  for (let i = 0; i < N; i++) r = io.GPIO25_CTRL.modify({ FUNCSEL: 5 });
  mark(M.modifyInlined + 1);
  const nothing = () => {};
  mark(M.criticalSection);
  for (let i = 0; i < N; i++) r = withCriticalSection(nothing);
  mark(M.criticalSection + 1);
  if (r === MARK) trace('');

  // IRQ to JS: TIMER alarm 1 three times, then three edges on INPUT through Digital's onReadable.
  // The harness times each from the exception entry to the handler's first store.
  const irq = TIMER.interrupts.TIMER_IRQ_1;
  const arm = () => timer.ALARM1.write((timer.TIMERAWL.read() + 2000) >>> 0);
  let alarms = 0;
  let edges = 0;
  setInterruptHandler(irq, () => {
    mark(M.timerIrq);
    timer.INTR.write({ ALARM_1: 1 });
    if (++alarms < 3) return void arm();
    new Digital({
      pin: INPUT,
      mode: Digital.InputPullDown,
      edge: Digital.Rising | Digital.Falling,
      onReadable() {
        mark(M.digitalIrq);
        if (++edges === 3) {
          mark(M.done);
          trace('vllsi bench done\n');
        } else mark(M.digitalArmed);
      },
    });
    mark(M.digitalArmed);
  });
  enableIrq(irq);
  timer.INTE.atomicSet({ ALARM_1: 1 });
  arm();
  mark(M.ready);
  trace('vllsi bench ready\n'); // on USB CDC in a release build
}
