// expect: VALIDATION_FAILED
// expect-line: 3
import fs from "fs";
export default () => fs.readFileSync("/etc/passwd", "utf8");
