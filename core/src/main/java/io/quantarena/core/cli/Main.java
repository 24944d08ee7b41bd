package io.quantarena.core.cli;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code quantarena} command: {@code quantarena SUBCOMMAND [ARGS]}. Exit codes: 0 success,
 * 1 failure while running, 2 command-line error. Errors are one line on stderr.
 */
public final class Main {

    /** All subcommands, in the order the help lists them. */
    static final List<Command> COMMANDS = List.of(
            new GgufInfoCommand(),
            new QuantizeCommand(),
            new ImatrixCommand(),
            new PerplexityCommand(),
            new GenerateCommand(),
            new BenchKernelsCommand(),
            new SynthCommand(),
            new BenchCommand(),
            new BenchQuantizeCommand()
    );

    private static final Map<String, Command> BY_NAME = COMMANDS.stream()
            .collect(Collectors.toUnmodifiableMap(Command::name, Function.identity()));

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            if (args.length > 1 && BY_NAME.containsKey(args[1])) {
                out.println("usage: quantarena " + BY_NAME.get(args[1]).usage());
                return 0;
            }
            printHelp(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Command c = BY_NAME.get(args[0]);
        if (c == null) {
            err.println("quantarena: unknown command '" + args[0] + "' (commands: "
                    + COMMANDS.stream().map(Command::name).collect(Collectors.joining(", ")) + ")");
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println("usage: quantarena " + c.usage());
            return 0;
        }
        try {
            return c.run(rest, out);
        } catch (CliException e) {
            err.println("quantarena " + c.name() + ": " + e.getMessage() + " (usage: quantarena " + c.usage() + ")");
            return 2;
        } catch (NoSuchFileException e) {
            err.println("quantarena " + c.name() + ": file not found: " + e.getFile());
            return 1;
        } catch (AccessDeniedException e) {
            err.println("quantarena " + c.name() + ": permission denied: " + e.getFile());
            return 1;
        } catch (Exception e) {
            err.println("quantarena " + c.name() + ": " + oneLine(e));
            return 1;
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        if (e instanceof RuntimeException && !(e instanceof IllegalArgumentException) && !(e instanceof IllegalStateException)
                && !(e instanceof UnsupportedOperationException)) {
            text = e.getClass().getSimpleName() + ": " + text; // unexpected: keep the kind
        }
        return text.replace('\n', ' ');
    }

    private static void printHelp(PrintStream ps) {
        ps.println("usage: quantarena COMMAND [ARGS]   (quantarena help COMMAND for its usage)");
        ps.println("commands:");
        for (Command c : COMMANDS) {
            ps.printf("  %-14s %s%n", c.name(), c.summary());
        }
    }
}
