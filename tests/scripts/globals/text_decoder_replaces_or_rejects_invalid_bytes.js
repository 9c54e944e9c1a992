// expect: COMPLETED
// expect-output: ["a\ufffdb\ufffd","TypeError","RangeError",true,false]
export default function () {
  const invalid = new Uint8Array([0x61, 0xFF, 0x62, 0xE2, 0x82]);
  let fatalError = null;
  try { new TextDecoder('utf-8', { fatal: true }).decode(invalid); } catch (e) { fatalError = e.name; }
  let labelError = null;
  try { new TextDecoder('latin1'); } catch (e) { labelError = e.name; }
  const fatal = new TextDecoder('utf8', { fatal: true });
  return [new TextDecoder().decode(invalid), fatalError, labelError, fatal.fatal, fatal.ignoreBOM];
}
