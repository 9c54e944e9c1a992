#!/usr/bin/env python3
"""Fails when an include runs the wrong way between jsruntime's layers.

Every target has src/ on its include path, so the compiler alone lets
`domain/` include `services/`; this check does not. Layers (DESIGN.md):
presentation -> services -> domain <- infrastructure, and app wires them all.
domain/ includes nothing but the standard library.

Usage: check_layers.py [SRC_DIR]   (exit status 1 and one line per violation)
"""
import pathlib
import re
import sys

ALLOWED = {
    "domain": {"domain"},
    "services": {"domain", "services"},
    "infrastructure": {"domain", "infrastructure"},
    "presentation": {"domain", "services", "presentation"},
    "app": {"domain", "services", "infrastructure", "presentation", "app"},
}
QUOTED = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
ANGLED = re.compile(r'^\s*#\s*include\s+<([^>]+)>')


def violations(src: pathlib.Path):
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".h", ".cpp", ".in"} or not path.is_file():
            continue
        layer = path.relative_to(src).parts[0]
        if layer not in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            where = f"{path.relative_to(src.parent)}:{number}"
            if match := QUOTED.match(line):
                target = match.group(1).split("/")[0]
                if target in ALLOWED and target not in ALLOWED[layer]:
                    yield f'{where}: {layer}/ must not include "{match.group(1)}"'
            elif layer == "domain" and (match := ANGLED.match(line)):
                header = match.group(1)
                if "/" in header or header.endswith(".h") or header.endswith(".hpp"):
                    yield f"{where}: domain/ includes only the standard library, not <{header}>"


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent / "src")
    found = list(violations(src))
    for violation in found:
        print(violation)
    if found:
        print(f"{len(found)} wrong-way include(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
