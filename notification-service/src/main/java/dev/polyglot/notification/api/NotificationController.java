package dev.polyglot.notification.api;

import dev.polyglot.contracts.events.NotificationBroadcast;
import dev.polyglot.notification.Reader;
import dev.polyglot.notification.api.model.Broadcast;
import dev.polyglot.notification.api.model.BroadcastRequest;
import dev.polyglot.notification.api.model.NotificationPage;
import dev.polyglot.notification.api.model.Severity;
import dev.polyglot.notification.api.model.WebSocketTicket;
import dev.polyglot.notification.history.Notification;
import dev.polyglot.notification.history.NotificationHistory;
import dev.polyglot.notification.live.WebSocketTickets;
import dev.polyglot.servicekit.events.EventPublisher;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The REST operations of contracts/openapi/notification.yaml, on the interfaces generated from it: WebSocket tickets,
 * history and admin broadcasts. The SSE stream is {@link NotificationStream}.
 */
@RestController
class NotificationController implements LiveApi, HistoryApi, BroadcastApi {

    private final WebSocketTickets tickets;
    private final NotificationHistory history;
    private final EventPublisher publisher;

    NotificationController(WebSocketTickets tickets, NotificationHistory history, EventPublisher publisher) {
        this.tickets = tickets;
        this.history = history;
        this.publisher = publisher;
    }

    @Override
    public Mono<ResponseEntity<WebSocketTicket>> createWebSocketTicket(ServerWebExchange exchange) {
        return token().flatMap(token -> blocking(() -> {
            WebSocketTickets.Ticket ticket = tickets.issue(Reader.of(token));
            return ResponseEntity.status(HttpStatus.CREATED).body(new WebSocketTicket(ticket.ticket(),
                    utc(ticket.expiresAt()), "/ws/notifications?ticket=" + ticket.ticket()));
        }));
    }

    @Override
    public Mono<ResponseEntity<NotificationPage>> listNotifications(Integer page, Integer size, @Nullable String type,
                                                                    @Nullable OffsetDateTime since,
                                                                    ServerWebExchange exchange) {
        return token().flatMap(token -> blocking(() -> {
            NotificationHistory.Page found = history.page(Reader.of(token).readableTopics(), page, size, type,
                    since == null ? null : since.toInstant());
            return ResponseEntity.ok(new NotificationPage(found.items().stream().map(NotificationController::view)
                    .toList(), found.page(), found.size(), found.totalItems(), found.totalPages()));
        }));
    }

    @Override
    public Mono<ResponseEntity<Broadcast>> broadcastNotification(Mono<BroadcastRequest> body, ServerWebExchange exchange) {
        return Mono.zip(token(), body).flatMap(tokenAndRequest -> {
            BroadcastRequest request = tokenAndRequest.getT2();
            Broadcast broadcast = new Broadcast(UUID.randomUUID(), request.getMessage(),
                    request.getSeverity() == null ? Severity.INFO : request.getSeverity(),
                    UUID.fromString(tokenAndRequest.getT1().getSubject()), utc(Instant.now()))
                    .title(request.getTitle())
                    .expiresAt(request.getExpiresAt() == null ? null : request.getExpiresAt().withOffsetSameInstant(ZoneOffset.UTC));
            return blocking(() -> {
                publisher.publish(payloadOf(broadcast));
                return ResponseEntity.status(HttpStatus.ACCEPTED).body(broadcast);
            });
        });
    }

    /** The event the answer describes, as the contract's payload class (published to its type's stream). */
    private static NotificationBroadcast payloadOf(Broadcast broadcast) {
        NotificationBroadcast payload = new NotificationBroadcast();
        payload.setBroadcastId(broadcast.getBroadcastId());
        payload.setTitle(broadcast.getTitle());
        payload.setMessage(broadcast.getMessage());
        payload.setSeverity(NotificationBroadcast.Severity.fromValue(broadcast.getSeverity().getValue()));
        payload.setSentBy(broadcast.getSentBy());
        payload.setSentAt(broadcast.getSentAt().toInstant());
        payload.setExpiresAt(broadcast.getExpiresAt() == null ? null : broadcast.getExpiresAt().toInstant());
        return payload;
    }

    /** The contract's Notification: the stored one, as history, SSE and the WebSocket's event frame carry it. */
    static dev.polyglot.notification.api.model.Notification view(Notification notification) {
        return new dev.polyglot.notification.api.model.Notification(UUID.fromString(notification.id()),
                notification.type(), notification.source(), notification.topic(), OffsetDateTime.parse(notification.time()),
                notification.data())
                .dataschema(notification.dataschema() == null ? null : URI.create(notification.dataschema()));
    }

    /** The platform writes times in UTC with microseconds (CloudEvent's profile). */
    private static OffsetDateTime utc(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    /** The verified access token: the security chain let only signed-in users reach these operations. */
    private static Mono<Jwt> token() {
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> (Jwt) context.getAuthentication().getPrincipal());
    }

    private static <T> Mono<T> blocking(Callable<T> redisWork) {
        return Mono.fromCallable(redisWork).subscribeOn(Schedulers.boundedElastic());
    }
}
