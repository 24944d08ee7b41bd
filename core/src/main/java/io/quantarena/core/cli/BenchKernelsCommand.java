package io.quantarena.core.cli;

import io.quantarena.core.kernel.bench.KernelBench;

import java.io.PrintStream;
import java.util.List;

/** {@code bench-kernels [...]}: this machine's ceilings and every CPU kernel as a fraction of them. */
public final class BenchKernelsCommand implements Command {

    @Override
    public String name() {
        return "bench-kernels";
    }

    @Override
    public String usage() {
        return KernelBench.USAGE;
    }

    @Override
    public String summary() {
        return "measure memory bandwidth, FMA peak and the CPU kernels against them";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws CliException {
        try {
            KernelBench.run(args.toArray(String[]::new), out);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
