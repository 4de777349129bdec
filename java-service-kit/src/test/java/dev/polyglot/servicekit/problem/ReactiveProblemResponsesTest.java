package dev.polyglot.servicekit.problem;

import dev.polyglot.servicekit.sample.SampleApplication;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=reactive")
class ReactiveProblemResponsesTest extends ProblemResponsesContract {
}
