// Fades the LED up and down with PWM at 1 kHz: a step every 10 ms, scaled to the PWM's
// resolution.
import Timer from 'timer';

const led = new device.io.PWM({ pin: device.pin.led, hz: 1000 });
const max = (1 << led.resolution) - 1;
let level = 0,
  step = 1;

Timer.repeat(() => {
  level += step;
  if (level === 0 || level === 10) step = -step;
  led.write(Math.round((level * max) / 10));
}, 10);
trace(`pwm ${led.hz} Hz, ${led.resolution} bits\n`);
