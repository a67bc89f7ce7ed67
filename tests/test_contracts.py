"""The contracts in protos/ stay lint-clean, so clients in any language can rely on their conventions."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.processes import ROOT


def test_protos_are_clean_under_buf_standard_lint():
    buf = ROOT / "node_modules" / ".bin" / "buf"
    if not buf.exists() or shutil.which("node") is None:
        pytest.fail("buf comes from `make node` (npm @bufbuild/buf); run the tests through `make test`")
    done = subprocess.run([str(buf), "lint"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
