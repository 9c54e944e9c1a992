// expect: STACK_LIMIT
export default function recurse(depth = 0) {
  return recurse(depth + 1) + 1;
}
