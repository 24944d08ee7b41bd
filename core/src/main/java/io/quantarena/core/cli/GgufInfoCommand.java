package io.quantarena.core.cli;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufHeader;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.tensor.GgmlType;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code gguf-info FILE [--no-tensors]}: metadata, tensor table and totals of a GGUF model. */
public final class GgufInfoCommand implements Command {

    /** Array elements shown per metadata array, like llama.cpp's gguf dump. */
    static final int ARRAY_PREVIEW = 5;

    @Override
    public String name() {
        return "gguf-info";
    }

    @Override
    public String usage() {
        return "gguf-info FILE [--no-tensors]";
    }

    @Override
    public String summary() {
        return "print a GGUF file's metadata, tensors and size totals";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws Exception {
        CliArgs args = CliArgs.parse(name(), argv, Set.of("--no-tensors"), Set.of()).expectPositionals(1, 1, "FILE");
        try (GgufFile f = GgufFile.open(Path.of(args.positional(0)))) {
            print(f, !args.flag("--no-tensors"), out);
        }
        return 0;
    }

    static void print(GgufFile f, boolean withTensors, PrintStream out) {
        for (int i = 0; i < f.fileCount(); i++) {
            GgufHeader h = f.header(i);
            out.printf("GGUF v%d  %s  (%,d bytes, alignment %d, data offset %,d, %d tensors)%n",
                    h.version(), f.paths().get(i), h.fileSize(), h.alignment(), h.dataOffset(), h.tensors().size());
        }

        Map<String, GgufValue> md = f.metadata().asMap();
        out.printf("%nmetadata: %d keys%n", md.size());
        int keyWidth = md.keySet().stream().mapToInt(String::length).max().orElse(3);
        out.printf("%5s  %-10s %9s  %s%n", "#", "type", "count", "key = value");
        int n = 0;
        for (Map.Entry<String, GgufValue> e : md.entrySet()) {
            GgufValue v = e.getValue();
            String type = v.isArray() ? "[" + v.elementType() + "]" : v.type().toString();
            int count = v.isArray() ? v.arrayLength() : 1;
            out.printf("%5d  %-10s %9d  %-" + keyWidth + "s = %s%n", ++n, type, count, e.getKey(), v.valueText(ARRAY_PREVIEW));
        }

        List<GgufTensorInfo> tensors = f.tensors();
        if (withTensors) {
            out.printf("%ntensors: %d%n", tensors.size());
            int nameWidth = Math.max(4, tensors.stream().mapToInt(t -> t.name().length()).max().orElse(4));
            int shapeWidth = Math.max(5, tensors.stream().mapToInt(t -> shape(t).length()).max().orElse(5));
            boolean split = f.fileCount() > 1;
            String fmt = "%5s  %-" + nameWidth + "s  %-" + shapeWidth + "s  %-9s %14s %14s" + (split ? "  %s" : "%s") + "%n";
            out.printf(fmt, "#", "name", "shape", "type", "bytes", "offset", split ? "file" : "");
            for (int i = 0; i < tensors.size(); i++) {
                GgufTensorInfo t = tensors.get(i);
                out.printf(fmt, i, t.name(), shape(t), t.type().typeName(), String.format("%,d", t.byteSize()),
                        String.format("%,d", t.offset()), split ? Integer.toString(t.fileIndex() + 1) : "");
            }
        }

        long params = f.parameterCount();
        long bytes = f.tensorBytes();
        out.printf("%ntotals: %d tensors, %,d params, %,d bytes (%.2f MiB), %.4f bits/weight%n",
                tensors.size(), params, bytes, bytes / 1048576.0, params == 0 ? 0.0 : bytes * 8.0 / params);
        Map<GgmlType, Long> byType = tensors.stream()
                .collect(Collectors.groupingBy(GgufTensorInfo::type, () -> new EnumMap<>(GgmlType.class), Collectors.counting()));
        out.println("types: " + byType.entrySet().stream()
                .map(e -> e.getKey().typeName() + " x " + e.getValue()).collect(Collectors.joining(", ")));
    }

    private static String shape(GgufTensorInfo t) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < t.nDims(); d++) {
            sb.append(d == 0 ? "" : " x ").append(t.ne(d));
        }
        return sb.toString();
    }
}
