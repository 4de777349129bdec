package dev.polyglot.servicekit.events;

/**
 * What a service does with one event of one type (see {@link EventHandlers}). As with {@link EventHandler},
 * returning normally acknowledges the entry and throwing leaves it pending for another delivery.
 */
@FunctionalInterface
public interface TypedEventHandler<T> {

    void handle(TypedEvent<T> event) throws Exception;
}
