/**
 * The platform's event backbone: CloudEvents 1.0 (structured JSON) over Redis Streams, the same wire format and
 * behaviour as the Python backbone (service_kit.events).
 *
 * <p>A service publishes through the auto-configured {@link dev.polyglot.servicekit.events.EventPublisher}
 * ({@code publisher.publish("platform.events", "user.registered", payload, "users/42")}) and consumes through
 * {@link dev.polyglot.servicekit.events.StreamConsumers}
 * ({@code consumers.start("platform.events", "notification-service", event -> ...)}), typically when the
 * application is ready; consumers stop with the context. Retention and consumer defaults are the
 * {@code service-kit.events.*} properties of service-kit-defaults.yaml. Delivery is at least once, and a handler
 * sees an event id at most once within the dedupe window; see {@link dev.polyglot.servicekit.events.StreamConsumer}.
 */
package dev.polyglot.servicekit.events;
