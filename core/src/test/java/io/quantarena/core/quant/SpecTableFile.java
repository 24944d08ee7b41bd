package io.quantarena.core.quant;

import io.quantarena.core.testsupport.SharedAssets;

import java.math.BigInteger;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the value files of {@code spec/tables} (one comment line, then one value per line). */
final class SpecTableFile {

    private SpecTableFile() {
    }

    /** The values of {@code file} ("iq2xs_grid.txt"): decimal as signed, 0x hex as unsigned 64-bit. */
    static long[] values(String file) {
        String[] lines = SharedAssets.text("spec/tables/" + file).split("\n");
        assertThat(lines[0]).as("%s header", file).startsWith("#");
        return Arrays.stream(lines, 1, lines.length).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(s -> s.startsWith("0x") ? new BigInteger(s.substring(2), 16).longValue() : Long.parseLong(s))
                .toArray();
    }
}
