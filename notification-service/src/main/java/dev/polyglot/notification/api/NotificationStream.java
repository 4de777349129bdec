package dev.polyglot.notification.api;

import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Reader;
import dev.polyglot.notification.api.model.StreamNotifications200Response;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.LiveConnection;
import dev.polyglot.notification.live.Outbound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /api/notifications/stream} (operation streamNotifications), written by hand: openapi-generator 7.25 turns
 * a {@code text/event-stream} response into one buffered String, so the build leaves it out of the generated
 * interfaces (notification-service/pom.xml) and this controller states the contract's mapping itself.
 */
@RestController
class NotificationStream {

    private final NotificationHistory history;
    private final ConnectionRegistry connections;
    private final NotificationProperties properties;

    NotificationStream(NotificationHistory history, ConnectionRegistry connections, NotificationProperties properties) {
        this.history = history;
        this.connections = connections;
        this.properties = properties;
    }

    @Operation(operationId = "streamNotifications", tags = "live",
            summary = "The signed-in user's notifications as Server-Sent Events",
            security = {@SecurityRequirement(name = "bearer_auth")},
            // As in the contract (OpenAPI 3.1): the schema of an event stream is that of one event, by its SSE fields;
            // the model generated from it names them.
            responses = @ApiResponse(responseCode = "200", description = "An endless event stream",
                    content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(implementation = StreamNotifications200Response.class))))
    @GetMapping(path = "${service-kit.api-prefix}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@AuthenticationPrincipal Jwt token,
                                         @RequestHeader(name = "Last-Event-ID", required = false) @Nullable UUID lastEventId) {
        LiveConnection connection = new LiveConnection(Reader.of(token), LiveConnection.Transport.SSE,
                properties.sendQueueSize());
        // The cap is counted in Redis: a blocking round trip, off the event loop. The connection is added only when its
        // stream is subscribed, which ends in its removal; a client gone meanwhile leaves its lease to lapse.
        return Mono.fromCallable(() -> connections.tryAdmit(connection))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(admitted -> {
                    if (!admitted) {
                        return Flux.error(new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "At most "
                                + properties.maxConnectionsPerUser() + " open notification connections per user."));
                    }
                    return serve(connection, lastEventId);
                });
    }

    private Flux<ServerSentEvent<String>> serve(LiveConnection connection, @Nullable UUID lastEventId) {
        connection.startReplay();
        Mono<Void> replay = lastEventId == null
                ? Mono.fromRunnable(() -> connection.finishReplay(List.of()))
                : Mono.fromRunnable(() -> connection.finishReplay(history.after(lastEventId.toString(),
                        connection.topics()).stream()
                        .map(stored -> connections.event(stored.notification(), stored.sequence())).toList()))
                .subscribeOn(Schedulers.boundedElastic()).then();
        Sinks.Empty<Void> ended = Sinks.empty();
        Flux<ServerSentEvent<String>> notifications = connection.outbound()
                .takeWhile(item -> !(item instanceof Outbound.Close))
                .ofType(Outbound.Event.class)
                .doOnNext(event -> connections.recordSent(connection, event))
                .map(event -> ServerSentEvent.builder(event.json()).id(event.notification().id())
                        .event(event.notification().type()).build())
                .doFinally(signal -> ended.tryEmitEmpty());
        // The first keep-alive at once: WebFlux sends the status and headers with the first element, and a client
        // with nothing to replay would otherwise wait a whole period to learn that the stream is open.
        Flux<ServerSentEvent<String>> keepAlive = Flux.interval(Duration.ZERO, properties.sseKeepAlive())
                .map(tick -> ServerSentEvent.<String>builder().comment("keep-alive").build())
                .takeUntilOther(ended.asMono());
        return Flux.merge(notifications, keepAlive)
                .doOnSubscribe(subscription -> {
                    connections.add(connection);
                    replay.subscribe();
                })
                .doFinally(signal -> connections.remove(connection));
    }
}
