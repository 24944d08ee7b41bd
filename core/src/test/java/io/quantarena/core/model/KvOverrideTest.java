package io.quantarena.core.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvOverrideTest {

    @Test
    void parsesEachType() {
        assertThat(KvOverride.parse("llama4.expert_used_count=int:2"))
                .isEqualTo(new KvOverride("llama4.expert_used_count", KvOverride.Type.INT, 2L));
        assertThat(KvOverride.parse("a.b=float:1.5").value()).isEqualTo(1.5);
        assertThat(KvOverride.parse("a.b=bool:false").value()).isEqualTo(false);
        assertThat(KvOverride.parse("a.b=str:x=y:z").value()).isEqualTo("x=y:z");
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThatThrownBy(() -> KvOverride.parse("novalue")).hasMessageContaining("KEY=TYPE:VALUE");
        assertThatThrownBy(() -> KvOverride.parse("k=int2")).hasMessageContaining("KEY=TYPE:VALUE");
        assertThatThrownBy(() -> KvOverride.parse("k=long:2")).hasMessageContaining("invalid type 'long'");
        assertThatThrownBy(() -> KvOverride.parse("k=int:two")).hasMessageContaining("invalid int value 'two'");
        assertThatThrownBy(() -> KvOverride.parse("k=bool:yes")).hasMessageContaining("expected true or false");
    }

    @Test
    void overrideTakesPrecedenceOverFileValueAndIsTypeChecked() {
        Map<String, Object> file = Map.of("x.count", 1, "x.eps", 1e-5f);
        ModelMetadata md = new ModelMetadata(file::get, List.of(KvOverride.parse("x.count=int:2")));
        assertThat(md.integer("x.count")).isEqualTo(2);
        assertThat(md.real("x.eps")).isEqualTo((double) 1e-5f);
        ModelMetadata bad = new ModelMetadata(file::get, List.of(KvOverride.parse("x.count=float:2")));
        assertThatThrownBy(() -> bad.integer("x.count")).hasMessageContaining("x.count").hasMessageContaining("expected an integer");
    }
}
