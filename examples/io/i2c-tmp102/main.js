// Reads a TMP102 temperature sensor (address 0x48) on the board's default I2C bus every
// 500 ms: SMBus register 0, big-endian, 12 bits left-justified, 0.0625 °C per count.
import SMBus from 'embedded:io/smbus';
import Timer from 'timer';

const sensor = new SMBus({ ...device.I2C.default, hz: 400_000, address: 0x48 });
trace(`TMP102 configuration 0x${sensor.readUint16(1, true).toString(16)}\n`);

Timer.repeat(() => {
  const raw = sensor.readUint16(0, true) >> 4;
  const celsius = (raw & 0x800 ? raw - 0x1000 : raw) * 0.0625;
  trace(`temperature ${celsius.toFixed(2)} C\n`);
}, 500);
