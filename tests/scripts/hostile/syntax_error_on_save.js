// expect: VALIDATION_FAILED
// expect-line: 5
export default function (input) {
  const total = input.a +
  return total;
}
