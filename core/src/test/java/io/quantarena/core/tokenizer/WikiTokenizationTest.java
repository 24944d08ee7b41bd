package io.quantarena.core.tokenizer;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama-perplexity's tokenization of wiki.test.raw (whole file, BOS added, special tokens parsed;
 * spec/perplexity.md §2) against the counts and first ids in reference/expected.json.
 */
class WikiTokenizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-llama4"})
    void matchesReferenceCountAndFirstIds(String model) {
        String json = SharedAssets.text("reference/expected.json");
        String entry = modelEntry(json, model);
        Tokenizer tokenizer = TestVocabularies.tokenizer(field(entry, "file", "\"([^\"]+)\""));
        long expectedCount = Long.parseLong(field(entry, "wiki_test_tokens", "(\\d+)"));
        int[] expectedFirst = Arrays.stream(field(entry, "wiki_test_first_64_ids", "\\[([^\\]]*)\\]").split(","))
                .map(String::strip).mapToInt(Integer::parseInt).toArray();
        assertThat(expectedFirst).hasSize(64);

        int[] ids = tokenizer.encode(SharedAssets.text("data/wiki.test.raw"), true, true);

        assertThat(Arrays.copyOf(ids, 64)).containsExactly(expectedFirst);
        assertThat((long) ids.length).isEqualTo(expectedCount);
    }

    /** The text of {@code "models": { ... "<model>": { ... } }} up to the next model entry. */
    private static String modelEntry(String json, String model) {
        int models = json.indexOf("\"models\"");
        assertThat(models).as("\"models\" in expected.json").isNotNegative();
        int start = json.indexOf("\"" + model + "\": {", models);
        assertThat(start).as("entry " + model + " in expected.json").isNotNegative();
        return json.substring(start);
    }

    private static String field(String entry, String name, String valueRegex) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*" + valueRegex).matcher(entry);
        assertThat(m.find()).as("field " + name).isTrue();
        return m.group(1);
    }
}
