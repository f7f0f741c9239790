// The simulator's bus and HAL rows in a process under SES lockdown, as in every process that
// drives XS (tools/xs.js imports @endo/init first; tools/xs-device.ts runs a simulated board
// there). Lockdown freezes the intrinsics, which makes some V8 fast paths slow (typed-array
// element stores, about 50x): the simulator must stay fast here too.
import '@endo/init';
import { busRows } from './sim.bench.js';

export const title = 'simulator under SES lockdown: bus ops/s vs raw DataView (RAM)';

export async function run() {
  return busRows(', SES lockdown');
}
