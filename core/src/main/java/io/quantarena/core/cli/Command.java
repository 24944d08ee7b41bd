package io.quantarena.core.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code quantarena} subcommand; register new ones in {@link Main#COMMANDS}. */
public interface Command {

    /** The subcommand word, e.g. {@code gguf-info}. */
    String name();

    /** One-line usage, e.g. {@code gguf-info FILE [--no-tensors]}. */
    String usage();

    /** One-line description for the command list. */
    String summary();

    /**
     * Runs the command. Usage errors are {@link CliException}s; other exceptions are reported
     * by {@link Main} as one line.
     *
     * @return the process exit code
     */
    int run(List<String> args, PrintStream out) throws Exception;
}
