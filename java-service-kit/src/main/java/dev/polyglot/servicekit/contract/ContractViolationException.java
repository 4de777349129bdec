package dev.polyglot.servicekit.contract;

import dev.polyglot.servicekit.problem.Violation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A value that breaks the contract of its generated class (an event payload, a WebSocket frame): the message lists
 * every offending member by its JSON Pointer, because it ends up in a dead letter or an error frame that someone has
 * to read.
 */
public class ContractViolationException extends IllegalArgumentException {

    private final transient Class<?> contractClass;
    private final transient List<Violation> violations;

    public ContractViolationException(Class<?> contractClass, List<Violation> violations, Throwable cause) {
        super(contractClass.getSimpleName() + " breaks its contract: " + describe(violations), cause);
        this.contractClass = contractClass;
        this.violations = List.copyOf(violations);
    }

    /** "/name: size must be between 2 and 100; /user_id: must not be null" ("(the value)" for the whole value). */
    public static String describe(List<Violation> violations) {
        return violations.stream()
                .map(violation -> (violation.pointer().isEmpty() ? "(the value)" : violation.pointer()) + ": "
                        + violation.message())
                .collect(Collectors.joining("; "));
    }

    /** The generated class the value was read as or written from. */
    public Class<?> contractClass() {
        return contractClass;
    }

    /** JSON Pointers are relative to the value ({@code /user_id}); "" is the value itself. */
    public List<Violation> violations() {
        return violations;
    }
}
