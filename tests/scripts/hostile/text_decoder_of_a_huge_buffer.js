// expect: MEMORY_LIMIT
export default () => {
  const bytes = new Uint8Array(40 << 20).fill(0xff);
  return new TextDecoder().decode(bytes).length;
};
