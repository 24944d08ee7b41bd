package io.quantarena.core.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parsed arguments of one subcommand: boolean flags ({@code --no-tensors}), options with a value
 * ({@code --threads 4} or {@code --threads=4}, repeatable) and positionals. Everything after
 * {@code --} is positional. Unknown options are errors.
 */
public final class CliArgs {

    private final String command;
    private final Set<String> flags = new HashSet<>();
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private CliArgs(String command) {
        this.command = command;
    }

    /**
     * @param flagNames   options without a value, e.g. {@code --no-tensors}
     * @param optionNames options taking a value, e.g. {@code --threads}
     */
    public static CliArgs parse(String command, List<String> args, Set<String> flagNames, Set<String> optionNames) {
        CliArgs a = new CliArgs(command);
        boolean onlyPositionals = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyPositionals || !arg.startsWith("-") || arg.equals("-") || isNumber(arg)) {
                a.positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (flagNames.contains(name)) {
                if (value != null) {
                    throw new CliException("option " + name + " takes no value, got '" + value + "'");
                }
                a.flags.add(name);
            } else if (optionNames.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new CliException("option " + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                Set<String> known = new TreeSet<>(flagNames);
                known.addAll(optionNames);
                throw new CliException("unknown option '" + name + "'" + (known.isEmpty() ? "" : " (expected one of " + String.join(", ", known) + ")"));
            }
        }
        return a;
    }

    private static boolean isNumber(String s) {
        return s.length() > 1 && s.charAt(0) == '-' && Character.isDigit(s.charAt(1));
    }

    public String command() {
        return command;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The last value given for an option. */
    public Optional<String> option(String name) {
        List<String> v = options.get(name);
        return v == null ? Optional.empty() : Optional.of(v.getLast());
    }

    /** All values of a repeatable option, in order. */
    public List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    public int intOption(String name, int defaultValue) {
        Optional<String> v = option(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.get().trim());
        } catch (NumberFormatException e) {
            throw new CliException("option " + name + " needs an integer, got '" + v.get() + "'");
        }
    }

    public List<String> positionals() {
        return List.copyOf(positionals);
    }

    /** Checks the positional count; {@code usage} names them, e.g. {@code "FILE"}. */
    public CliArgs expectPositionals(int min, int max, String usage) {
        if (positionals.size() < min) {
            throw new CliException("missing argument: expected " + usage);
        }
        if (positionals.size() > max) {
            throw new CliException("unexpected argument '" + positionals.get(max) + "' (expected " + usage + ")");
        }
        return this;
    }

    public String positional(int i) {
        return positionals.get(i);
    }
}
