// expect: OUTPUT_LIMIT
export default () => "o".repeat(2 << 20);
