// expect: MEMORY_LIMIT
export default () => btoa("a".repeat(30 << 20));
