package dev.polyglot.notification.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.polyglot.contracts.events.NotificationBroadcast;
import dev.polyglot.notification.NotificationProperties;
import dev.polyglot.notification.Reader;
import dev.polyglot.notification.history.Notification;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.ConnectionRegistry;
import dev.polyglot.notification.live.LiveConnection;
import dev.polyglot.notification.live.Outbound;
import dev.polyglot.notification.live.WebSocketTickets;
import dev.polyglot.servicekit.events.CloudEvent;
import dev.polyglot.servicekit.events.EventPublisher;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side of notifications: WebSocket tickets, history, SSE and admin broadcasts. */
@RestController
class NotificationController {

    private static final String UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    private static final String TYPE_PATTERN = "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final WebSocketTickets tickets;
    private final NotificationHistory history;
    private final ConnectionRegistry connections;
    private final EventPublisher publisher;
    private final NotificationProperties properties;
    private final JsonMapper json;

    NotificationController(WebSocketTickets tickets, NotificationHistory history, ConnectionRegistry connections,
                           EventPublisher publisher, NotificationProperties properties, JsonMapper json) {
        this.tickets = tickets;
        this.history = history;
        this.connections = connections;
        this.publisher = publisher;
        this.properties = properties;
        this.json = json;
    }

    @Schema(name = "WebSocketTicket")
    record WebSocketTicket(@NotNull String ticket, @NotNull String expiresAt, @NotNull String wsUrl) {
    }

    @Schema(name = "Notification")
    record NotificationView(@NotNull String id, @NotNull String type, @NotNull String source, @NotNull String topic,
                            @NotNull String time, String dataschema, @NotNull Map<String, Object> data) {
    }

    @Schema(name = "NotificationPage")
    record NotificationPage(@NotNull List<NotificationView> items, @NotNull Integer page, @NotNull Integer size,
                            @NotNull Integer totalItems, @NotNull Integer totalPages) {
    }

    @Schema(name = "Severity")
    enum Severity { info, warning, critical }

    @Schema(name = "BroadcastRequest")
    record BroadcastRequest(@Size(min = 1, max = 120) String title,
                            @NotNull @Size(min = 1, max = 2000) String message,
                            Severity severity,
                            OffsetDateTime expiresAt) {
    }

    @Schema(name = "Broadcast")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Broadcast(@NotNull String broadcastId, String title, @NotNull String message, @NotNull Severity severity,
                     @NotNull String sentBy, @NotNull String sentAt, String expiresAt) {
    }

    @Operation(operationId = "createWebSocketTicket", tags = "live",
            summary = "A single-use ticket for the WebSocket handshake",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @PostMapping(path = "${service-kit.api-prefix}/ticket", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Mono<WebSocketTicket> ticket(@AuthenticationPrincipal Jwt token) {
        return blocking(() -> {
            WebSocketTickets.Ticket ticket = tickets.issue(Reader.of(token));
            return new WebSocketTicket(ticket.ticket(), CloudEvent.formatTime(ticket.expiresAt()),
                    "/ws/notifications?ticket=" + ticket.ticket());
        });
    }

    @Operation(operationId = "listNotifications", tags = "history",
            summary = "The signed-in user's own notification history, newest first",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @GetMapping(path = "${service-kit.api-prefix}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<NotificationPage> list(@AuthenticationPrincipal Jwt token,
                                @RequestParam(defaultValue = "0") @Min(0) Integer page,
                                @RequestParam(defaultValue = "20") @Min(1) @Max(100) Integer size,
                                @RequestParam(required = false) @Pattern(regexp = TYPE_PATTERN) String type,
                                @RequestParam(required = false) OffsetDateTime since) {
        Reader reader = Reader.of(token);
        return blocking(() -> {
            NotificationHistory.Page found = history.page(reader.readableTopics(), page, size, type,
                    since == null ? null : since.toInstant());
            return new NotificationPage(found.items().stream().map(this::view).toList(), found.page(), found.size(),
                    found.totalItems(), found.totalPages());
        });
    }

    @Operation(operationId = "streamNotifications", tags = "live",
            summary = "The signed-in user's notifications as Server-Sent Events",
            security = {@SecurityRequirement(name = "bearer_auth")},
            responses = @ApiResponse(responseCode = "200", description = "An endless event stream",
                    content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(type = "string"))))
    @GetMapping(path = "${service-kit.api-prefix}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@AuthenticationPrincipal Jwt token,
                                         @RequestHeader(name = "Last-Event-ID", required = false)
                                         @Pattern(regexp = UUID_PATTERN) String lastEventId) {
        LiveConnection connection = new LiveConnection(Reader.of(token), LiveConnection.Transport.SSE,
                properties.sendQueueSize());
        if (!connections.tryAdd(connection)) {
            throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "At most "
                    + properties.maxConnectionsPerUser() + " open notification connections per user.");
        }
        connection.startReplay();
        Mono<Void> replay = lastEventId == null
                ? Mono.fromRunnable(() -> connection.finishReplay(List.of()))
                : Mono.fromRunnable(() -> connection.finishReplay(history.after(lastEventId, connection.topics())
                        .stream().map(stored -> connections.event(stored.notification())).toList()))
                .subscribeOn(Schedulers.boundedElastic()).then();
        Sinks.Empty<Void> ended = Sinks.empty();
        Flux<ServerSentEvent<String>> notifications = connection.outbound()
                .takeWhile(item -> !(item instanceof Outbound.Close))
                .ofType(Outbound.Event.class)
                .doOnNext(event -> connections.recordSent(connection, event))
                .map(event -> ServerSentEvent.builder(event.json()).id(event.notification().id())
                        .event(event.notification().type()).build())
                .doFinally(signal -> ended.tryEmitEmpty());
        Flux<ServerSentEvent<String>> keepAlive = Flux.interval(properties.sseKeepAlive())
                .map(tick -> ServerSentEvent.<String>builder().comment("keep-alive").build())
                .takeUntilOther(ended.asMono());
        return Flux.merge(notifications, keepAlive)
                .doOnSubscribe(subscription -> replay.subscribe())
                .doFinally(signal -> connections.remove(connection));
    }

    @Operation(operationId = "broadcastNotification", tags = "broadcast",
            summary = "Send a message to every signed-in user (admin)",
            security = {@SecurityRequirement(name = "bearer_auth")})
    @PostMapping(path = "${service-kit.api-prefix}/broadcast", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Broadcast> broadcast(@AuthenticationPrincipal Jwt token, @Valid @RequestBody BroadcastRequest request) {
        Broadcast broadcast = new Broadcast(UUID.randomUUID().toString(), request.title(), request.message(),
                request.severity() == null ? Severity.info : request.severity(), token.getSubject(),
                CloudEvent.formatTime(Instant.now()),
                request.expiresAt() == null ? null : CloudEvent.formatTime(request.expiresAt().toInstant()));
        return blocking(() -> {
            publisher.publish(payloadOf(broadcast));
            return broadcast;
        });
    }

    /** The event the answer describes, as the contract's payload class (published to its type's stream). */
    private static NotificationBroadcast payloadOf(Broadcast broadcast) {
        NotificationBroadcast payload = new NotificationBroadcast();
        payload.setBroadcastId(UUID.fromString(broadcast.broadcastId()));
        payload.setTitle(broadcast.title());
        payload.setMessage(broadcast.message());
        payload.setSeverity(NotificationBroadcast.Severity.fromValue(broadcast.severity().name()));
        payload.setSentBy(UUID.fromString(broadcast.sentBy()));
        payload.setSentAt(Instant.parse(broadcast.sentAt()));
        payload.setExpiresAt(broadcast.expiresAt() == null ? null : Instant.parse(broadcast.expiresAt()));
        return payload;
    }

    private NotificationView view(Notification notification) {
        return new NotificationView(notification.id(), notification.type(), notification.source(),
                notification.topic(), notification.time(), notification.dataschema(),
                json.convertValue(notification.data(), OBJECT));
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> redisWork) {
        return Mono.fromCallable(redisWork).subscribeOn(Schedulers.boundedElastic());
    }
}
