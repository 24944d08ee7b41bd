#!/usr/bin/env python3
"""Generates core/src/main/java/io/quantarena/core/quant/LatticeTables.java from
shared/spec/tables/*.txt (run once from the repository root; output is committed):

    python3 core/tools/gen_lattice_tables.py ../shared/spec/tables

Each table is stored as the little-endian bytes of its elements, Base64-encoded in a string
constant, so that the class initialiser stays far below the 64 KB method limit.
"""
import base64
import pathlib
import sys

TABLES = [
    # (file, Java name, element bytes, description)
    ("iq2xxs_grid.txt", "IQ2XXS_GRID", 8, "iq2xxs_grid, uint64[256]: 8 unsigned magnitudes {8, 25, 43} per entry"),
    ("iq2xs_grid.txt", "IQ2XS_GRID", 8, "iq2xs_grid, uint64[512]: 8 unsigned magnitudes {8, 25, 43} per entry"),
    ("iq2s_grid.txt", "IQ2S_GRID", 8, "iq2s_grid, uint64[1024]: 8 unsigned magnitudes {8, 25, 43} per entry"),
    ("iq3xxs_grid.txt", "IQ3XXS_GRID", 4, "iq3xxs_grid, uint32[256]: 4 unsigned magnitudes {4, 12, ..., 52, 62} per entry"),
    ("iq3s_grid.txt", "IQ3S_GRID", 4, "iq3s_grid, uint32[512]: 4 unsigned magnitudes {1, 3, ..., 15} per entry"),
    ("iq1s_grid.txt", "IQ1S_GRID", 8, "iq1s_grid, uint64[2048]: 8 signed values {-1, 0, 1} per entry"),
    ("ksigns_iq2xs.txt", "KSIGNS_IQ2XS", 1, "ksigns_iq2xs, uint8[128]: 7-bit sign index to 8-bit negation mask (even parity)"),
]


def read_values(path):
    lines = path.read_text().splitlines()
    header = lines[0]
    count = int(header.rsplit("count:", 1)[1])
    values = [int(v, 0) for v in lines[1:] if v.strip()]
    if len(values) != count:
        sys.exit(f"{path}: header says {count} values, found {len(values)}")
    return values


def main():
    tables_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/spec/tables")
    out = pathlib.Path("core/src/main/java/io/quantarena/core/quant/LatticeTables.java")
    fields = []
    for file, name, size, desc in TABLES:
        values = read_values(tables_dir / file)
        raw = b"".join((v & ((1 << (8 * size)) - 1)).to_bytes(size, "little") for v in values)
        b64 = base64.b64encode(raw).decode()
        chunks = [b64[i:i + 100] for i in range(0, len(b64), 100)]
        body = "\n            + ".join(f'"{c}"' for c in chunks)
        fields.append(
            f"    /** {desc}; byte {size}·k + j = byte j of entry k (tables/{file}). */\n"
            f"    static final byte[] {name} = decode(\"{name}\", {len(values) * size},\n            {body});\n")
    src = f"""package io.quantarena.core.quant;

import java.util.Base64;

/**
 * Lookup tables of the lattice ("i-quant") formats, generated from {{@code spec/tables/*.txt}} by
 * {{@code core/tools/gen_lattice_tables.py}} (do not edit by hand). Each table holds the
 * little-endian bytes of the reference's words, i.e. the byte j of grid entry k, which is how the
 * formats use them (tables/README.md); {{@code LatticeTablesTest}} checks them against the files.
 */
final class LatticeTables {{

{chr(10).join(fields)}
    private LatticeTables() {{
    }}

    private static byte[] decode(String name, int length, String base64) {{
        byte[] b = Base64.getDecoder().decode(base64);
        if (b.length != length) {{
            throw new IllegalStateException("lattice table " + name + " has " + b.length + " bytes, expected " + length);
        }}
        return b;
    }}
}}
"""
    out.write_text(src)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
