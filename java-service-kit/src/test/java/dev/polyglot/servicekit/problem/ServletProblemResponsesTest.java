package dev.polyglot.servicekit.problem;

import dev.polyglot.contracts.ProblemType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.servicekit.sample.SampleApplication;
import dev.polyglot.servicekit.testing.TestHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=servlet")
class ServletProblemResponsesTest extends ProblemResponsesContract {

    @LocalServerPort
    int servletPort;

    /** Spring MVC parses multipart/* before it looks for a handler, on every path: a broken one was a 500. */
    @Test
    void aMultipartBodyWithoutBoundaryIsMalformedOnAnyOperation() {
        TestHttp http = new TestHttp(servletPort);
        for (String method : new String[] {"GET", "DELETE", "POST"}) {
            HttpResponse<String> response = http.send(method, "/orders", "multipart/form-data", "");

            assertThat(response.statusCode()).as(method + " " + response.body()).isEqualTo(400);
            assertThat(TestHttp.json(response).path("type").asString()).isEqualTo(ProblemType.MALFORMED_BODY.uri().toString());
        }
    }
}
