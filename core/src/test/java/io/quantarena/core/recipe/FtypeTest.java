package io.quantarena.core.recipe;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FtypeTest {

    @Test
    void namesValuesAndBaseTypesFollowTheSpecTables() {
        assertThat(Ftype.byName("Q8_0")).hasValueSatisfying(f -> {
            assertThat(f.value()).isEqualTo(7);
            assertThat(f.baseType()).isEqualTo(GgmlType.Q8_0);
        });
        assertThat(Ftype.byName("bf16").orElseThrow().value()).isEqualTo(32);
        // the ftypes whose base type differs from their name (spec/quantize-tool.md §2)
        assertThat(Ftype.byName("IQ2_S").orElseThrow().baseType()).isEqualTo(GgmlType.IQ2_XS);
        assertThat(Ftype.byName("IQ2_M").orElseThrow().baseType()).isEqualTo(GgmlType.IQ2_S);
        assertThat(Ftype.byName("IQ3_XS").orElseThrow().baseType()).isEqualTo(GgmlType.IQ3_S);
        assertThat(Ftype.byName("IQ3_KL").orElseThrow().baseType()).isEqualTo(GgmlType.IQ3_K);
        assertThat(Ftype.byValue(15)).contains(Ftype.Q4_K_M);
    }

    @Test
    void aliasesAndUnknownNames() {
        assertThat(Ftype.byName("Q4_K")).contains(Ftype.Q4_K_M);
        assertThat(Ftype.byName("q5_k")).contains(Ftype.Q5_K_M);
        assertThat(Ftype.byName("Q3_K")).contains(Ftype.Q3_K_M);
        assertThat(Ftype.byName("Q9_9")).isEmpty();
        assertThat(Ftype.byName(null)).isEmpty();
        assertThat(Ftype.byValue(4)).isEmpty();
    }

    @Test
    void ftypeNumbersAreUnique() {
        Set<Integer> values = new HashSet<>();
        Arrays.stream(Ftype.values()).forEach(f -> assertThat(values.add(f.value())).as(f.name()).isTrue());
    }
}
