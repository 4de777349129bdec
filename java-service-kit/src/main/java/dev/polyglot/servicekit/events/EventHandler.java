package dev.polyglot.servicekit.events;

/**
 * What a service does with one event. Returning normally acknowledges the entry; throwing leaves it pending,
 * so it is delivered again (after the reclaim idle time) until it lands in the dead-letter stream.
 */
@FunctionalInterface
public interface EventHandler {

    void handle(CloudEvent event) throws Exception;
}
