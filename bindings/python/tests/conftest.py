"""Shared helpers; OMACP_LIBRARY names the library under test (make
python-test sets it to the built build/libomacp.so.0).

SPDX-License-Identifier: MIT
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
VECTORS = os.environ.get("CP_VECTORS") or os.path.join(REPO, "test", "vectors")
INCLUDE = os.path.join(REPO, "include", "omacp")

# the package from this tree unless one is installed on purpose
if os.environ.get("OMACP_TEST_INSTALLED") != "1":
    sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


def vector(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)
