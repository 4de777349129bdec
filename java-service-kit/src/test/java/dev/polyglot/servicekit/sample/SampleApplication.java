package dev.polyglot.servicekit.sample;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.ConnectException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisResponseTimeoutException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.WriteRedisConnectionException;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * A small API with every kind of input, run on Spring MVC and on WebFlux by the kit's tests. Annotated
 * controllers work on both stacks, so the same one serves both. It lives in a package of its own so that
 * its component scan does not pick up the kit's controllers, which the auto-configuration registers.
 */
// Spring Security is on the kit's test classpath (for dev.polyglot.servicekit.security's tests); this application
// stays open, as services without the resource-server starter are.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration"})
public class SampleApplication {

    record Address(@NotBlank String postCode, @NotBlank String city) {
    }

    record LineItem(@NotBlank String sku, @Min(1) int quantity) {
    }

    record Order(
            @NotNull @Email String email,
            @JsonProperty("display") @Size(min = 2) String displayName,
            @NotNull @Valid Address shippingAddress,
            List<@Valid LineItem> items) {
    }

    @RestController
    static class OrderController {

        @PostMapping("/orders")
        Order create(@Valid @RequestBody Order order) {
            return order;
        }

        @GetMapping("/orders")
        List<Order> list(@RequestParam(defaultValue = "1") @Min(1) int page,
                         @RequestParam(required = false) OffsetDateTime since,
                         @RequestParam(required = false) String customer,
                         @RequestHeader(name = "Last-Order-ID", required = false) UUID lastOrderId) {
            return List.of();
        }

        @GetMapping("/orders/{id}")
        Order get(@PathVariable UUID id) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Order " + id + " does not exist.");
        }

        @GetMapping("/failure")
        String failure() {
            throw new IllegalStateException("connection to jdbc:postgresql://db/orders as admin/hunter2 lost");
        }

        /** Fails as Redisson does when Redis is down, cut off, restarting, or refuses the command itself. */
        @GetMapping("/redis-failure/{kind}")
        String redisFailure(@PathVariable String kind) {
            throw switch (kind) {
                case "unreachable" -> new RedisConnectionException("Unable to connect to Redis server: redis:6379",
                        new ConnectException("Connection refused: redis/10.0.0.5:6379"));
                case "cut" -> new WriteRedisConnectionException("Unable to write command into connection redis:6379");
                case "silent" -> new RedisResponseTimeoutException("Redis server response timeout (3000 ms) redis:6379");
                case "waiting" -> new RedisTimeoutException("Unable to acquire connection! redis:6379");
                case "loading" -> new RedisLoadingException("LOADING Redis is loading the dataset in memory");
                case "refused" -> new RedisException("WRONGTYPE Operation against a key holding the wrong kind of value");
                default -> new IllegalArgumentException(kind);
            };
        }
    }

    /** Uses the service's own Redis (REDIS_URL), as a service does on a request. */
    @RestController
    static class CounterController {

        private final RedissonClient redis;

        CounterController(RedissonClient redis) {
            this.redis = redis;
        }

        @PostMapping("/counter")
        long increment() {
            return redis.getAtomicLong("sample:counter").incrementAndGet();
        }
    }
}
