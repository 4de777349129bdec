package dev.polyglot.servicekit.events;

import dev.polyglot.contracts.EventType;
import dev.polyglot.servicekit.contract.ContractJson;
import dev.polyglot.servicekit.contract.ContractViolationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group's handler as one typed handler per event type it cares about:
 *
 * <pre>{@code
 * EventHandlers handlers = EventHandlers.builder()
 *         .on(EventTypes.USER_DELETED, event -> forget(event.payload().getUserId()))
 *         .on(EventTypes.REPORT_READY, event -> tell(event.payload().getUserId(), event.envelope()))
 *         .build();
 * consumers.start(Streams.PLATFORM_EVENTS, ConsumerGroups.NOTIFICATION, handlers);
 * }</pre>
 *
 * <ul>
 *   <li>Each handler gets the event's {@code data} as the class generated from its type's schema, read strictly and
 *       validated ({@link ContractJson}).</li>
 *   <li>An event whose data breaks its contract (or whose {@code dataschema} is not its type's) throws
 *       {@link InvalidCloudEventException}: the consumer dead-letters it at once, as it does a malformed envelope,
 *       because no retry can make it valid.</li>
 *   <li>An event type without a handler is acknowledged and ignored: a stream carries many types and each group
 *       reads what it needs (the AsyncAPI document says so for every group).</li>
 * </ul>
 */
public final class EventHandlers implements EventHandler {

    private static final Logger log = LoggerFactory.getLogger(EventHandlers.class);

    private final Map<String, Route<?>> routes;
    private final ContractJson contract = ContractJson.strict();

    private EventHandlers(Map<String, Route<?>> routes) {
        this.routes = Map.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The event types that have a handler. */
    public Set<String> types() {
        return routes.keySet();
    }

    @Override
    public void handle(CloudEvent event) throws Exception {
        Route<?> route = routes.get(event.type());
        if (route == null) {
            log.debug("Event {} of type {} has no handler here; acknowledged", event.id(), event.type());
            return;
        }
        route.handle(event, contract);
    }

    /** One event type and its handler; keeps the payload class and the handler's type parameter together. */
    private record Route<T>(EventType<T> type, TypedEventHandler<T> handler) {

        void handle(CloudEvent event, ContractJson contract) throws Exception {
            if (!type.dataschema().equals(event.dataschema())) {
                throw new InvalidCloudEventException("dataschema", "'" + event.dataschema() + "' is not the schema of "
                        + type.type() + " (" + type.dataschema() + ")");
            }
            T payload;
            try {
                payload = contract.read(event.data(), type.payloadClass());
            } catch (ContractViolationException broken) {
                throw new InvalidCloudEventException("data", "breaks " + type.dataschema() + ": "
                        + ContractViolationException.describe(broken.violations()), broken);
            }
            handler.handle(new TypedEvent<>(event, payload));
        }
    }

    public static final class Builder {

        private final Map<String, Route<?>> routes = new LinkedHashMap<>();

        private Builder() {
        }

        /** Handles the events of {@code type} with {@code handler}; one handler per type. */
        public <T> Builder on(EventType<T> type, TypedEventHandler<T> handler) {
            if (routes.putIfAbsent(type.type(), new Route<>(type, handler)) != null) {
                throw new IllegalStateException("a handler for " + type.type() + " is already registered");
            }
            return this;
        }

        public EventHandlers build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("no handler registered: such a group would acknowledge everything");
            }
            return new EventHandlers(routes);
        }
    }
}
