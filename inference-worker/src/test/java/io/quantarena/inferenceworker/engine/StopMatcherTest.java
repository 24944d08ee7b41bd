package io.quantarena.inferenceworker.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopMatcherTest {

    @Test
    void holdsBackAPossibleStartAndCutsAtTheStopString() {
        StopMatcher m = new StopMatcher(List.of("\nUser:", "END"));
        assertThat(m.accept("Hello")).isEqualTo("Hello");
        assertThat(m.accept(" world\nUs")).isEqualTo(" world");
        assertThat(m.matched()).isFalse();
        assertThat(m.accept("er: hi")).isEmpty();
        assertThat(m.matched()).isTrue();
        assertThat(m.accept("more")).isEmpty();
        assertThat(m.finish()).isEmpty();
    }

    @Test
    void releasesHeldTextThatDidNotBecomeAStop() {
        StopMatcher m = new StopMatcher(List.of("END"));
        assertThat(m.accept("the EN")).isEqualTo("the ");
        assertThat(m.accept("D")).isEmpty();
        assertThat(m.matched()).isTrue();

        StopMatcher n = new StopMatcher(List.of("END"));
        assertThat(n.accept("the EN")).isEqualTo("the ");
        assertThat(n.accept("emy")).isEqualTo("ENemy");
        assertThat(n.accept("E")).isEmpty();
        assertThat(n.finish()).isEqualTo("E");
    }

    @Test
    void withoutStopsEverythingPassesAtOnce() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.accept("abc")).isEqualTo("abc");
        assertThat(m.finish()).isEmpty();
    }
}
