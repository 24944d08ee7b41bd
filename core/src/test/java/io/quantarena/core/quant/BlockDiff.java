package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Block-by-block comparison of two encodings of the same rows; row header bytes (row scales) are
 * compared separately. Blocks are named "row:block".
 */
record BlockDiff(GgmlType type, int totalBlocks, int blocksPerRow, List<String> blockDiffs, List<Integer> rowMetaDiffs) {

    static BlockDiff of(GgmlType type, int rows, int cols, byte[] expected, byte[] actual) {
        int meta = type.rowMetaBytes();
        int bpb = type.bytesPerBlock();
        int nb = cols / type.blockSize();
        int rowBytes = (int) type.rowSize(cols);
        List<String> diffs = new ArrayList<>();
        List<Integer> metaDiffs = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            if (!Arrays.equals(expected, base, base + meta, actual, base, base + meta)) {
                metaDiffs.add(r);
            }
            for (int b = 0; b < nb; b++) {
                int from = base + meta + b * bpb;
                if (!Arrays.equals(expected, from, from + bpb, actual, from, from + bpb)) {
                    diffs.add(r + ":" + b);
                }
            }
        }
        return new BlockDiff(type, rows * nb, nb, diffs, metaDiffs);
    }

    double matchingFraction() {
        return 1.0 - (double) blockDiffs.size() / totalBlocks;
    }

    /**
     * The blocks that differ or lie in a row whose header differs: a different row scale changes
     * the decoded values of every block of its row.
     */
    List<String> blocksDifferingWithRowHeader() {
        List<String> out = new ArrayList<>();
        for (int r : rowMetaDiffs) {
            for (int b = 0; b < blocksPerRow; b++) {
                out.add(r + ":" + b + " (row header)");
            }
        }
        for (String d : blockDiffs) {
            if (!rowMetaDiffs.contains(Integer.parseInt(d.substring(0, d.indexOf(':'))))) {
                out.add(d);
            }
        }
        return out;
    }

    String describe() {
        return blockDiffs.size() + " of " + totalBlocks + " blocks differ from the reference (row:block) "
                + (blockDiffs.size() > 40 ? blockDiffs.subList(0, 40) + "..." : blockDiffs)
                + (rowMetaDiffs.isEmpty() ? "" : "; row headers differ in rows " + rowMetaDiffs);
    }
}
