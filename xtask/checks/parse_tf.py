"""Parses every .tf file under the given folder with python-hcl2; exits 1 on any that does not parse."""
import pathlib
import sys

import hcl2

failed = 0
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.tf"))
for path in files:
    try:
        with path.open() as handle:
            hcl2.load(handle)
    except Exception as error:  # noqa: BLE001 - report every parse error, whatever its type
        print(f"{path}: does not parse: {error}")
        failed += 1
print(f"hcl2: {len(files)} .tf files, {failed} failed to parse")
sys.exit(1 if failed or not files else 0)
