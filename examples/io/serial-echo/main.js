// Echoes what arrives on the board's default serial port, in "buffer" format.
const serial = new device.io.Serial({
  ...device.Serial.default,
  baud: 115200,
  format: 'buffer',
  onReadable(count) {
    this.write(this.read(count));
  },
});
serial.write(ArrayBuffer.fromString('echo ready\r\n'));
