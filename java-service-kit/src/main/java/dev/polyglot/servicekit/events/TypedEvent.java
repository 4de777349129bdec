package dev.polyglot.servicekit.events;

/**
 * An event as a typed handler receives it: the envelope as it was read from the stream (id, source, time, subject,
 * trace, and {@code data} as JSON, untouched) and {@code data} as an instance of the class generated from its type's
 * schema, already checked against that schema.
 *
 * @param <T> the payload class, e.g. {@code dev.polyglot.contracts.events.UserDeleted}
 */
public record TypedEvent<T>(CloudEvent envelope, T payload) {
}
