package io.quantarena.core.gguf;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Split-file naming and keys (spec/gguf.md §9): {@code <prefix>-%05d-of-%05d.gguf}. */
public final class GgufSplitNaming {

    public static final String KEY_SPLIT_NO = "split.no";
    public static final String KEY_SPLIT_COUNT = "split.count";
    public static final String KEY_SPLIT_TENSORS_COUNT = "split.tensors.count";

    private static final Pattern SUFFIX = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private GgufSplitNaming() {
    }

    /** The file of split {@code index} (0-based) of {@code count}: {@code prefix-00001-of-00003.gguf}. */
    public static Path splitPath(Path prefix, int index, int count) {
        if (count < 1 || count > 99999 || index < 0 || index >= count) {
            throw new IllegalArgumentException("split " + index + " of " + count + " is out of range (index 0..count-1, count 1..99999)");
        }
        String name = prefix.getFileName() + String.format("-%05d-of-%05d.gguf", index + 1, count);
        return prefix.resolveSibling(name);
    }

    /** A parsed split file name: prefix (with directory), 0-based index and count. */
    public record SplitName(Path prefix, int index, int count) {
    }

    /** Recognizes a split file name, or empty when the name does not follow the rule. */
    public static Optional<SplitName> parse(Path path) {
        Path fileName = path.getFileName();
        if (fileName == null) {
            return Optional.empty();
        }
        Matcher m = SUFFIX.matcher(fileName.toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        int no = Integer.parseInt(m.group(2));
        int count = Integer.parseInt(m.group(3));
        if (no < 1 || no > count) {
            return Optional.empty();
        }
        return Optional.of(new SplitName(path.resolveSibling(m.group(1)), no - 1, count));
    }

    /** The output prefix for a given output name: a trailing {@code .gguf} is removed (quantize --keep-split rule). */
    public static Path prefixOf(Path output) {
        String name = output.getFileName().toString();
        return name.endsWith(".gguf") ? output.resolveSibling(name.substring(0, name.length() - 5)) : output;
    }
}
