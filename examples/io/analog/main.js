// Samples ADC input GPIO26 every 100 ms and traces it as a fraction of full scale.
import Timer from 'timer';

const input = new device.io.Analog({ pin: 26 });
const full = (1 << input.resolution) - 1;

Timer.repeat(() => {
  trace(`analog ${(input.read() / full).toFixed(3)}\n`);
}, 100);
