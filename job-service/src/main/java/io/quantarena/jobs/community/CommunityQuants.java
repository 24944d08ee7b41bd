package io.quantarena.jobs.community;

import io.quantarena.contracts.files.FileSha256;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.jobs.directories.Directories;
import io.quantarena.jobs.evaluations.EvaluateJobRequest;
import io.quantarena.jobs.evaluations.EvaluationJobs;
import io.quantarena.jobs.jobs.Job;
import io.quantarena.jobs.leaderboard.QuantRepository;
import io.quantarena.jobs.leaderboard.QuantRow;
import io.quantarena.jobs.models.Model;
import io.quantarena.jobs.models.ModelRepository;
import io.quantarena.jobs.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Registers GGUFs produced elsewhere as community quants of a base model: the file is checked
 * against the base model (422 naming the first mismatch), kept in the store under
 * {@code community/<base>/}, registered with its author and recipe, and queued for evaluation like
 * our own quants.
 */
@Service
public class CommunityQuants {

    private static final Logger log = LoggerFactory.getLogger(CommunityQuants.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,119}");
    private static final int MAX_AUTHOR = 100;
    private static final int MAX_RECIPE = 10_000;

    private final ModelRepository models;
    private final QuantRepository quants;
    private final EvaluationJobs evaluations;
    private final Path modelsDir;
    private final Path storeDir;
    private final long maxBytes;

    public CommunityQuants(ModelRepository models, QuantRepository quants, EvaluationJobs evaluations,
                           Directories directories, UploadProperties uploads) {
        this.models = models;
        this.quants = quants;
        this.evaluations = evaluations;
        this.modelsDir = directories.models();
        this.storeDir = directories.store();
        this.maxBytes = uploads.maxSize().toBytes();
    }

    /** The registered quant and its evaluation job (null when not asked for). */
    public record Registered(QuantRow quant, Job evaluation) {
    }

    /** An uploaded file: streamed to the store (multipart parts over 1 MiB are already on disk), then registered. */
    public Registered upload(String baseName, MultipartFile file, CommunityQuantRequest request) {
        Model base = base(baseName);
        if (file == null || file.isEmpty()) {
            throw ApiException.invalidField("file", "a non-empty GGUF file part named 'file' is required", Map.of());
        }
        if (file.getSize() > maxBytes) {
            throw tooLarge(file.getSize());
        }
        String name = name(request.name(), file.getOriginalFilename(), base);
        checkFields(request);
        Path temporary = temporary();
        try {
            file.transferTo(temporary);
            return register(base, temporary, true, name, request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload for " + base.name(), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** A file already in the store, named by its path there. */
    public Registered registerStored(String baseName, CommunityQuantRequest request) {
        Model base = base(baseName);
        if (request.storePath() == null || request.storePath().isBlank()) {
            throw ApiException.invalidField("store_path", "'store_path' (a .gguf path inside the model store) is required,"
                    + " or upload the file as multipart/form-data", Map.of());
        }
        Path file = storeDir.resolve(request.storePath()).normalize();
        if (!file.startsWith(storeDir) || !file.getFileName().toString().endsWith(".gguf")
                || storeDir.relativize(file).toString().startsWith(".")) {
            throw ApiException.invalidField("store_path", "'" + request.storePath() + "' is not a .gguf path inside the model store", Map.of());
        }
        if (!Files.isRegularFile(file)) {
            throw ApiException.notFound("Store file", "no file '" + request.storePath() + "' in the model store");
        }
        String name = name(request.name(), file.getFileName().toString(), base);
        checkFields(request);
        try {
            return register(base, file, false, name, request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read store file " + request.storePath(), e);
        }
    }

    private Registered register(Model base, Path file, boolean uploaded, String name, CommunityQuantRequest request)
            throws IOException {
        Facts facts = inspect(base, file);
        String sha256 = FileSha256.of(file);
        Optional<QuantRepository.StoredQuant> same = quants.findByModelAndSha256(base.id(), sha256);
        if (same.isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "Quant already registered", "this file (sha256 " + sha256
                    + ") is already registered for " + base.name() + " as quant " + same.get().id() + " '"
                    + same.get().name() + "'", Map.of("quant", same.get().id()));
        }
        String path = uploaded ? storeUpload(base, file, name, sha256) : storeDir.relativize(file).toString().replace('\\', '/');
        long quantId = quants.recordCommunity(base.id(), name, facts.ftype, request.recipe().strip(),
                request.author().strip(), path, Files.size(storeDir.resolve(path)), sha256, facts.bitsPerWeight,
                facts.tensorTypes);
        log.info("community quant {} '{}' of {} registered from {} by {}", quantId, name, base.name(), path, request.author());
        Job evaluation = null;
        if (!Boolean.FALSE.equals(request.evaluate())) {
            evaluation = evaluations.submit(new EvaluateJobRequest(null, quantId, request.dataset(), request.nCtx(),
                    request.chunks(), !Boolean.FALSE.equals(request.klDivergence()), null), null).job();
        }
        return new Registered(quants.findRow(quantId).orElseThrow(), evaluation);
    }

    /** Moves the checked upload to its final name; an identical file stored before is reused instead. */
    private String storeUpload(Model base, Path temporary, String name, String sha256) throws IOException {
        try {
            return quants.artifactPathOfSha256(sha256);
        } catch (org.springframework.dao.EmptyResultDataAccessException e) {
            String relative = "community/" + base.name().replaceAll("[^A-Za-z0-9._-]", "_") + "/" + name + "-"
                    + sha256.substring(0, 12) + ".gguf";
            Path target = storeDir.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return relative;
        }
    }

    private record Facts(String ftype, double bitsPerWeight, Map<String, String> tensorTypes) {
    }

    /** Opens both files and checks the candidate against the base model: 422 naming the first mismatch. */
    private Facts inspect(Model base, Path file) throws IOException {
        GgufFile candidate;
        try {
            candidate = GgufFile.open(file);
        } catch (IOException | RuntimeException e) {
            throw unprocessable("the file is not a readable GGUF: " + e.getMessage());
        }
        try (candidate; GgufFile baseFile = GgufFile.open(modelsDir.resolve(base.fileName()))) {
            Optional<String> mismatch = GgufCompatibility.firstMismatch(baseFile, candidate);
            if (mismatch.isPresent()) {
                throw unprocessable("not a quant of " + base.name() + ": " + mismatch.get());
            }
            Map<String, String> types = new LinkedHashMap<>();
            for (GgufTensorInfo t : candidate.tensors()) {
                types.put(t.name(), t.type().typeName());
            }
            LlamaFileType fileType = LlamaFileType.byValueOrNull(candidate.metadata().findLong("general.file_type").orElse(-1L));
            String ftype = fileType == null ? "mixed" : fileType.quantizeName() != null ? fileType.quantizeName() : fileType.printedName();
            return new Facts(ftype, candidate.tensorBytes() * 8.0 / Math.max(1, candidate.parameterCount()), types);
        }
    }

    private Model base(String baseName) {
        return models.findByName(baseName).orElseThrow(() -> ApiException.notFound("Model",
                "no base model named '" + baseName + "' (GET /api/models lists them)"));
    }

    private void checkFields(CommunityQuantRequest r) {
        if (r.author() == null || r.author().isBlank() || r.author().length() > MAX_AUTHOR) {
            throw ApiException.invalidField("author", "'author' is required, 1.." + MAX_AUTHOR + " characters", Map.of());
        }
        if (r.recipe() == null || r.recipe().isBlank() || r.recipe().length() > MAX_RECIPE) {
            throw ApiException.invalidField("recipe", "'recipe' is required: how the quant was made, 1.." + MAX_RECIPE
                    + " characters of free text", Map.of());
        }
        if (!Boolean.FALSE.equals(r.evaluate())) {
            evaluations.checkSettings(new EvaluateJobRequest(null, null, r.dataset(), r.nCtx(), r.chunks(), r.klDivergence(), null));
        }
    }

    private static String name(String requested, String fileName, Model base) {
        String name = requested;
        if (name == null || name.isBlank()) {
            String stem = fileName == null ? "" : Path.of(fileName).getFileName().toString();
            name = stem.endsWith(".gguf") ? stem.substring(0, stem.length() - 5) : stem;
            name = name.replaceAll("[^A-Za-z0-9._+-]", "_");
            if (name.isEmpty() || !SAFE_NAME.matcher(name).matches()) {
                name = base.name() + "-community";
            }
        }
        if (!SAFE_NAME.matcher(name).matches()) {
            throw ApiException.invalidField("name", "name '" + name + "' must be 1..120 letters, digits or . _ + -,"
                    + " starting with a letter or digit", Map.of());
        }
        return name;
    }

    private Path temporary() {
        try {
            Path dir = storeDir.resolve("community/.tmp");
            Files.createDirectories(dir);
            return dir.resolve(UUID.randomUUID() + ".gguf.part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the upload directory in the store " + storeDir, e);
        }
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Upload too large", "the upload has " + bytes
                + " bytes; the limit is " + maxBytes + " bytes", Map.of("limitBytes", maxBytes));
    }

    private static ApiException unprocessable(String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Not a quant of this model", detail, Map.of());
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete temporary upload {}: {}", p, e.getMessage());
        }
    }

}
