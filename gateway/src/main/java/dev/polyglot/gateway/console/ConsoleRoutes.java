package dev.polyglot.gateway.console;

import dev.polyglot.gateway.edge.EdgeProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;


/**
 * The web console (a static single-page app built into CONSOLE_DIR: index.html + assets/), served at / when the
 * folder exists. Assets are content-hashed files, cached for a year; index.html is never cached. A GET for a page
 * of the app (any path outside the API, docs and operations paths, asking for HTML) gets index.html, so deep
 * links work; everything else falls through to the routes and, unmatched, to a 404 problem.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleRoutes {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final List<String> NOT_CONSOLE = List.of(
            "/api/", "/ws/", "/actuator", "/v3/", "/docs", "/redoc", "/webjars/", "/swagger-ui", "/error",
            "/contracts/", "/problems");

    @Bean
    RouterFunction<ServerResponse> console(EdgeProperties properties) {
        Path dir = properties.consoleDir() == null || properties.consoleDir().isBlank()
                ? null : Path.of(properties.consoleDir()).toAbsolutePath().normalize();
        if (dir == null || !Files.isRegularFile(dir.resolve("index.html"))) {
            log.info("No web console at {} (CONSOLE_DIR): / is not served", dir);
            return RouterFunctions.route(request -> false, request -> ServerResponse.notFound().build());
        }
        log.info("Serving the web console from {}", dir);
        FileSystemResource index = new FileSystemResource(dir.resolve("index.html"));
        CacheControl immutable = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
        return RouterFunctions.route()
                .resources("/assets/**", new FileSystemResource(dir.resolve("assets") + "/"),
                        (resource, headers) -> headers.setCacheControl(immutable))
                .GET("/favicon.ico", request -> Files.isRegularFile(dir.resolve("favicon.ico"))
                        ? ServerResponse.ok().contentType(MediaType.parseMediaType("image/x-icon"))
                                .bodyValue(new FileSystemResource(dir.resolve("favicon.ico")))
                        : Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND)))
                .route(consolePage(), request -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noCache())
                        .bodyValue(index))
                .build();
    }

    private static RequestPredicate consolePage() {
        return request -> request.method() == HttpMethod.GET
                && NOT_CONSOLE.stream().noneMatch(request.path()::startsWith)
                && acceptsHtml(request);
    }

    private static boolean acceptsHtml(ServerRequest request) {
        String path = request.path();
        if (path.equals("/") || path.equals("/index.html")) {
            return true;
        }
        return request.headers().accept().stream().anyMatch(type -> type.isCompatibleWith(MediaType.TEXT_HTML)
                && !type.isWildcardType());
    }

}
