// Blink with ECMA-419: the board's LED (device.pin.led) as a Digital output, toggled every
// 250 ms by Moddable's timer. Runs as is on a Moddable device and in `vllsi sim`.
import Timer from 'timer';

const Digital = device.io.Digital;
const led = new Digital({ pin: device.pin.led, mode: Digital.Output });

let on = 0;
Timer.repeat(() => {
  on ^= 1;
  led.write(on);
  trace(`led ${on}\n`);
}, 250);
