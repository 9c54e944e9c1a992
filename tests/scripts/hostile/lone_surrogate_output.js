// expect: COMPLETED
export default () => ({ lone: "\uD800", reversed: "\uDC00\uD800" });
