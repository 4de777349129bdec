package dev.polyglot.servicekit.events;

/**
 * A text that is not a CloudEvent of the platform's wire format. The message names the offending attribute,
 * because it ends up in a dead-letter entry that someone has to read.
 */
public class InvalidCloudEventException extends RuntimeException {

    private final String attribute;

    public InvalidCloudEventException(String attribute, String problem) {
        this(attribute, problem, null);
    }

    public InvalidCloudEventException(String attribute, String problem, Throwable cause) {
        super(attribute == null ? problem : attribute + ": " + problem, cause);
        this.attribute = attribute;
    }

    /** The attribute at fault, or null when the text as a whole is unusable (not JSON, not an object). */
    public String attribute() {
        return attribute;
    }
}
