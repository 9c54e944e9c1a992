// expect: COMPLETED
// expect-output: [34,true,"utf-8","utf-8","hi"]
export default function () {
  const text = 'Oʻzbekiston — Россия 🚀';
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  return [bytes.length, decoder.decode(bytes) === text, decoder.encoding, new TextEncoder().encoding,
          decoder.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0x69]).buffer)];
}
