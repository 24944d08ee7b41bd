package io.quantarena.jobs.leaderboard;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.jobs.directories.Directories;
import io.quantarena.jobs.models.Model;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the reference row shows of a base model: its file type and tensor bits per weight, read once
 * from the GGUF header in the models directory.
 */
@Component
public class BaseModelFacts {

    /** @param ftype e.g. {@code BF16}; {@code base} when the file cannot be read */
    public record Facts(String ftype, double bitsPerWeight) {
    }

    private final Path modelsDir;
    private final Map<Long, Facts> known = new ConcurrentHashMap<>();

    public BaseModelFacts(Directories directories) {
        this.modelsDir = directories.models();
    }

    public Facts of(Model model) {
        return known.computeIfAbsent(model.id(), id -> read(model));
    }

    private Facts read(Model model) {
        try (GgufFile gguf = GgufFile.open(modelsDir.resolve(model.fileName()))) {
            long fileType = gguf.metadata().findLong("general.file_type").orElse(-1L);
            LlamaFileType t = LlamaFileType.byValueOrNull(fileType);
            String ftype = t == null ? "base" : t.quantizeName() != null ? t.quantizeName() : t.printedName();
            return new Facts(ftype, gguf.tensorBytes() * 8.0 / Math.max(1, gguf.parameterCount()));
        } catch (Exception e) {
            // a row is still useful without the header facts: size per weight from the whole file
            return new Facts("base", model.fileBytes() * 8.0 / Math.max(1, model.parameterCount()));
        }
    }
}
