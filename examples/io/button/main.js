// A button lights the LED while pressed: Digital input with a pull-up (pressed = 0), an
// onReadable on both edges. The board's button pin (device.pin.button), else GPIO15.
const Digital = device.io.Digital;
const led = new Digital({ pin: device.pin.led, mode: Digital.Output });
const pin = device.pin.button ?? 15;

new Digital({
  pin,
  mode: Digital.InputPullUp,
  edge: Digital.Rising | Digital.Falling,
  onReadable() {
    const pressed = this.read() === 0;
    led.write(pressed ? 1 : 0);
    trace(`button ${pressed ? 'down' : 'up'}\n`);
  },
});
trace(`button on GPIO${pin}\n`);
