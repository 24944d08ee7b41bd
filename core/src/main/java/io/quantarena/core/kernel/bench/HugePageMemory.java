package io.quantarena.core.kernel.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Benchmark buffers in transparent huge pages where Linux offers them (anonymous {@code mmap},
 * aligned to 2 MiB, {@code madvise(MADV_HUGEPAGE)}), else in ordinary arena memory.
 *
 * <p>Why: a model file that the runtime maps is served from the page cache, and on Linux with
 * large folios (ext4, xfs) the kernel maps it with 2 MiB entries. A benchmark matrix allocated
 * with {@code malloc} sits in 4 KiB pages when THP is in "madvise" mode, and then measures TLB
 * misses and prefetch restarts at every page boundary that the runtime does not have: on this
 * project's 2-core machine a 1 GiB Q6_K matrix-vector product ran at 12.6 GB/s in 4 KiB pages and
 * 15.1 GB/s in huge pages. The bandwidth ceiling is measured in the same kind of memory.
 */
public final class HugePageMemory {

    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    /** mmap, madvise and munmap from the C library; absent off Linux or without native access. */
    private static final Optional<MethodHandle[]> CALLS = lookUp();

    private HugePageMemory() {
    }

    /**
     * {@code bytes} of zeroed memory that lives as long as {@code arena}: in huge pages when the
     * OS grants them (the kernel may still decline: THP "never", or no free huge pages).
     */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size " + bytes + " bytes (expected > 0)");
        }
        if (CALLS.isPresent()) {
            MethodHandle[] c = CALLS.get();
            long length = bytes + HUGE_PAGE; // room to align the start to a huge page
            try {
                MemorySegment raw = (MemorySegment) c[0].invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (raw.address() != -1L && raw.address() != 0L) {
                    long start = (raw.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
                    MemorySegment aligned = MemorySegment.ofAddress(start).reinterpret(bytes);
                    // advice only: a refusal leaves ordinary pages, which still work
                    int ignored = (int) c[1].invokeExact(aligned, (bytes + HUGE_PAGE - 1) & -HUGE_PAGE, MADV_HUGEPAGE);
                    return aligned.reinterpret(arena, s -> unmap(c[2], raw, length));
                }
            } catch (Throwable t) {
                // fall through to arena memory
            }
        }
        return arena.allocate(bytes, 64);
    }

    private static void unmap(MethodHandle munmap, MemorySegment raw, long length) {
        try {
            int ignored = (int) munmap.invokeExact(raw, length);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap of a " + length + "-byte benchmark buffer failed", t);
        }
    }

    private static Optional<MethodHandle[]> lookUp() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            return Optional.of(new MethodHandle[]{mmap, madvise, munmap});
        } catch (RuntimeException | LinkageError e) {
            // no native access (e.g. --enable-native-access not given and denied): arena memory
            return Optional.empty();
        }
    }
}
