package dev.polyglot.gateway.docs;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import dev.polyglot.contracts.ProblemType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * What a problem's {@code type} points at. Every problem the platform answers has {@code type: /problems/<name>}, a
 * relative URI that resolves to this gateway; here it is described (contracts/problems/problem-types.yaml, through the
 * generated {@link ProblemType}): an HTML page for a person, or JSON for a client that asks for it.
 */
@Configuration(proxyBeanMethods = false)
public class ProblemTypePages {

    @Bean
    RouterFunction<ServerResponse> problemTypes() {
        return RouterFunctions.route()
                .GET(ProblemType.BASE + "{name}", ProblemTypePages::describe)
                .GET("/problems", request -> index())
                .build();
    }

    private static Mono<ServerResponse> describe(ServerRequest request) {
        String name = request.pathVariable("name");
        ProblemType type = ProblemType.byName(name).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no problem type " + name + "."));
        if (wantsJson(request)) {
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(asJson(type));
        }
        String page = "<h1>" + htmlEscape(type.title()) + "</h1>\n"
                + "<p><code>" + htmlEscape(type.uri().toString()) + "</code>, HTTP status " + type.status() + "</p>\n"
                + "<p>" + htmlEscape(type.description()) + "</p>\n"
                + "<p><a href=\"/problems\">Every problem type of the platform</a></p>\n";
        return html(type.title(), page);
    }

    private static Mono<ServerResponse> index() {
        String rows = Arrays.stream(ProblemType.values())
                .map(type -> "<li><a href=\"" + htmlEscape(type.uri().toString()) + "\"><code>"
                        + htmlEscape(type.uri().toString()) + "</code></a> " + type.status() + " "
                        + htmlEscape(type.title()) + "</li>")
                .collect(Collectors.joining("\n"));
        return html("Problem types", "<h1>Problem types</h1>\n<p>The <code>type</code> of every "
                + "application/problem+json answer of the platform (RFC 9457).</p>\n<ul>\n" + rows + "\n</ul>\n");
    }

    private static boolean wantsJson(ServerRequest request) {
        List<MediaType> accepted = request.headers().accept();
        return accepted.stream().anyMatch(media -> !media.isWildcardType() && media.isCompatibleWith(MediaType.APPLICATION_JSON));
    }

    private static Map<String, Object> asJson(ProblemType type) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type.uri().toString());
        json.put("title", type.title());
        json.put("status", type.status());
        json.put("description", type.description());
        return json;
    }

    private static Mono<ServerResponse> html(String title, String body) {
        return ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                .bodyValue("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                        + htmlEscape(title) + "</title></head>\n<body>\n" + body + "</body></html>\n");
    }
}
