"""Shared by the table generators in this folder: reads the value files of shared/spec/tables
(one "# source: ... count: N" header line, then one value per line, decimal or 0x hex) and
knows where the generated Java sources go."""
import pathlib
import sys

# the quant package, found from this script so that the generators run from any directory
QUANT_SOURCES = pathlib.Path(__file__).resolve().parent.parent / "src/main/java/io/quantarena/core/quant"


def tables_dir():
    """The spec/tables folder named on the command line (default ../shared/spec/tables)."""
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/spec/tables")


def read_values(path):
    """The values of one table file, checked against the count in its header."""
    lines = path.read_text().splitlines()
    count = int(lines[0].rsplit("count:", 1)[1].strip().split()[0])
    values = [int(v, 0) for v in lines[1:] if v.strip()]
    if len(values) != count:
        raise SystemExit(f"{path}: header says {count} values, found {len(values)}")
    return values
