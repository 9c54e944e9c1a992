#!/usr/bin/env python3
"""The layer check catches what it is for: a tree with one wrong-way include
of each kind fails with a line naming the file and the include, and the same
tree without them passes."""
import pathlib
import subprocess
import sys
import tempfile

CHECK = pathlib.Path(sys.argv[1])


def run(src):
    return subprocess.run([sys.executable, str(CHECK), str(src)], capture_output=True, text=True)


def write(root, path, text):
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


with tempfile.TemporaryDirectory() as temp:
    src = pathlib.Path(temp) / "src"
    write(src, "domain/script.h", '#include <string>\n#include "domain/error.h"\n')
    write(src, "services/executor.h", '#include "domain/script.h"\n')
    write(src, "infrastructure/runtime/vm.h", '#include "domain/script_vm.h"\n#include <jsapi.h>\n')
    write(src, "presentation/http/router.h", '#include "services/access_service.h"\n')
    write(src, "app/server.cpp", '#include "infrastructure/runtime/vm.h"\n#include "presentation/http/router.h"\n')
    clean = run(src)
    assert clean.returncode == 0, clean.stdout

    write(src, "domain/bad.h", '#include "services/executor.h"\n#include <boost/asio.hpp>\n')
    write(src, "services/bad.cpp", '\n#include "infrastructure/runtime/vm.h"\n')
    write(src, "infrastructure/bad.cpp", '#  include "presentation/http/router.h"\n')
    write(src, "presentation/bad.cpp", '#include "app/server.h"\n')
    wrong = run(src)
    assert wrong.returncode == 1, wrong.stdout
    expected = [
        'src/domain/bad.h:1: domain/ must not include "services/executor.h"',
        "src/domain/bad.h:2: domain/ includes only the standard library, not <boost/asio.hpp>",
        'src/infrastructure/bad.cpp:1: infrastructure/ must not include "presentation/http/router.h"',
        'src/presentation/bad.cpp:1: presentation/ must not include "app/server.h"',
        'src/services/bad.cpp:2: services/ must not include "infrastructure/runtime/vm.h"',
    ]
    for line in expected:
        assert line in wrong.stdout, f"missing: {line}\n{wrong.stdout}"
    assert "5 wrong-way include(s)" in wrong.stdout, wrong.stdout
print("ok")
