// expect: VALIDATION_FAILED
// expect-message: export a default function
export function main(input) {
  return input;
}
