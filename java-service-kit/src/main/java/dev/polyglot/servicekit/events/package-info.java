/**
 * The platform's event backbone: CloudEvents 1.0 (structured JSON) over Redis Streams, the same wire format and
 * behaviour as the Python backbone (service_kit.events).
 *
 * <p>Events are published and handled as the classes generated from contracts/events/schemas
 * ({@code dev.polyglot.contracts.events}), never as maps or JSON built by hand:
 *
 * <ul>
 *   <li>A service publishes a payload object through the auto-configured
 *       {@link dev.polyglot.servicekit.events.EventPublisher}: {@code publisher.publish(userRegistered, "users/42")}.
 *       Its type, stream and dataschema come from {@code EventTypes.of(payload.getClass())}, and it is checked against
 *       its schema before the XADD. A ready CloudEvent (an outbox row, an event being forwarded) is published as it
 *       is with {@code publisher.publish(stream, cloudEvent)}, several at once in one round trip with
 *       {@code publisher.publishAll(stream, cloudEvents)}.</li>
 *   <li>A service consumes through {@link dev.polyglot.servicekit.events.StreamConsumers}, with the stream and group
 *       names of the contracts ({@code Streams}, {@code ConsumerGroups}) and a typed dispatcher:
 *       {@code consumers.start(Streams.PLATFORM_EVENTS, ConsumerGroups.NOTIFICATION,
 *       EventHandlers.builder().on(EventTypes.REPORT_READY, event -> ...).build())}, typically when the application
 *       is ready; consumers stop with the context. See {@link dev.polyglot.servicekit.events.EventHandlers} for what
 *       happens to data that breaks its contract (dead-lettered at once) and to types without a handler
 *       (acknowledged, ignored).</li>
 * </ul>
 *
 * Every XADD is a PRODUCER span ({@code send <stream>}) and every entry handled a CONSUMER span ({@code process
 * <stream>}) of the service's Micrometer tracer; the W3C trace context travels in the CloudEvent's {@code traceparent}
 * and {@code tracestate}, written and read by the tracer's propagator ({@link dev.polyglot.servicekit.events.EventTracing}).
 *
 * Retention comes from the contract ({@code Streams.RETENTION}) and the consumer defaults from the
 * {@code service-kit.events.*} properties of service-kit-defaults.yaml. Delivery is at least once, and a handler sees
 * an event id at most once within the dedupe window; see {@link dev.polyglot.servicekit.events.StreamConsumer}.
 */
package dev.polyglot.servicekit.events;
