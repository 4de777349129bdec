package dev.polyglot.servicekit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polyglot.contracts.events.InferenceJobProgress;
import dev.polyglot.contracts.events.ReportRequested;
import dev.polyglot.contracts.events.UserRegistered;
import dev.polyglot.contracts.websocket.AckFrame;
import dev.polyglot.servicekit.problem.Violation;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the strict reading refuses that a default Jackson mapper would quietly accept, and how it says so. */
class ContractJsonTest {

    private static final ContractJson CONTRACT = ContractJson.strict();
    private static final String PROGRESS = """
            {"job_id":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d","user_id":"3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
             "progress":50,"processed_items":500,"total_items":1000}""";
    private static final String REGISTERED = """
            {"user_id":"3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f","email":"ada@example.org","name":"Ada","role":"user",
             "registered_at":"2026-11-24T17:41:00.123456Z"}""";

    @Test
    void aValidPayloadReadsAndWritesBackUnchanged() {
        InferenceJobProgress progress = CONTRACT.read(PROGRESS, InferenceJobProgress.class);
        UserRegistered registered = CONTRACT.read(REGISTERED, UserRegistered.class);

        assertThat(progress.getProgress()).isEqualTo(50);
        assertThat(registered.getRegisteredAt()).isEqualTo(Instant.parse("2026-11-24T17:41:00.123456Z"));
        assertThat(CONTRACT.write(registered)).isEqualTo(REGISTERED.replace("\n", "").replace(" ", ""));
    }

    @Test
    void timestampsAreWrittenWithSixFractionDigitsLikeAnEventsTime() {
        UserRegistered registered = CONTRACT.read(REGISTERED, UserRegistered.class);

        registered.setRegisteredAt(Instant.parse("2026-11-24T17:41:00Z"));
        assertThat(CONTRACT.toTree(registered).path("registered_at").asString()).isEqualTo("2026-11-24T17:41:00.000000Z");
        registered.setRegisteredAt(Instant.parse("2026-11-24T17:41:00.12Z"));
        assertThat(CONTRACT.toTree(registered).path("registered_at").asString()).isEqualTo("2026-11-24T17:41:00.120000Z");
        registered.setRegisteredAt(Instant.parse("2026-11-24T17:41:00.123456789Z"));
        assertThat(CONTRACT.toTree(registered).path("registered_at").asString())
                .as("nothing is lost").isEqualTo("2026-11-24T17:41:00.123456789Z");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a fraction for an integer  | \"progress\":50          | \"progress\":50.5             | /progress        | must be an integer",
            "a whole float for an integer | \"progress\":50        | \"progress\":50.0             | /progress        | must be an integer",
            "a string for an integer    | \"progress\":50          | \"progress\":\"50\"           | /progress        | must be an integer",
            "an explicit null           | \"progress\":50          | \"progress\":null             | /progress        | must not be null (an absent member is omitted)",
            "an unknown member          | \"progress\":50          | \"progress\":50,\"stage\":\"x\" | /stage         | not a member of the contract",
            "a camelCase member         | \"total_items\"          | \"totalItems\"                | /totalItems      | not a member of the contract",
            "an upper-case UUID         | 6a5b4c3d-2e1f            | 6A5B4C3D-2e1f                 | /job_id          | must be a lower-case UUID, not '6A5B4C3D-2e1f-4a0b-9c8d-7e6f5a4b3c2d'",
            "a number for a UUID        | \"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d\" | 42                | /job_id          | must be a lower-case UUID, as a string",
            "a missing member           | \"progress\":50,         | ''                            | /progress        | must not be null",
            "above the maximum          | \"progress\":50          | \"progress\":101              | /progress        | must be less than or equal to 100",
    })
    void aProgressPayloadIsRefused(String what, String valid, String broken, String pointer, String message) {
        String text = PROGRESS.replace(valid, broken);
        assertThat(text).as("the test changes the payload").isNotEqualTo(PROGRESS);

        assertThatThrownBy(() -> CONTRACT.read(text, InferenceJobProgress.class))
                .isInstanceOfSatisfying(ContractViolationException.class, refused -> {
                    assertThat(refused.violations()).containsExactly(new Violation(pointer, message));
                    assertThat(refused.contractClass()).isEqualTo(InferenceJobProgress.class);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a time with an offset  | 17:41:00.123456Z | 17:41:00.123456+01:00 | /registered_at | must be an RFC 3339 date-time in UTC ending in Z, not '2026-11-24T17:41:00.123456+01:00'",
            "a time as epoch number | \"2026-11-24T17:41:00.123456Z\" | 1795542060 | /registered_at | must be an RFC 3339 date-time in UTC ending in Z, as a string",
            "a date that is none    | 2026-11-24T      | 2026-13-24T           | /registered_at | must be an RFC 3339 date-time in UTC ending in Z, not '2026-13-24T17:41:00.123456Z'",
            "a number for a string  | \"Ada\"          | 42                    | /name          | must be a string",
            "a role not in the enum | \"user\"         | \"root\"              | /role          | must be one of [admin, user, viewer]",
            "a role as a number     | \"user\"         | 1                     | /role          | must be one of [admin, user, viewer]",
            "a name too short       | \"Ada\"          | \"A\"                 | /name          | size must be between 2 and 100",
    })
    void aRegistrationIsRefused(String what, String valid, String broken, String pointer, String message) {
        String text = REGISTERED.replace(valid, broken);
        assertThat(text).as("the test changes the payload").isNotEqualTo(REGISTERED);

        assertThatThrownBy(() -> CONTRACT.read(text, UserRegistered.class))
                .isInstanceOfSatisfying(ContractViolationException.class,
                        refused -> assertThat(refused.violations()).containsExactly(new Violation(pointer, message)));
    }

    @Test
    void stringLengthsCountCodePointsAsJsonSchemaDoes() {
        String hundredEmoji = "\uD83D\uDE42".repeat(100); // 100 code points, 200 UTF-16 chars
        UserRegistered longest = CONTRACT.read(REGISTERED.replace("\"Ada\"", "\"" + hundredEmoji + "\""),
                UserRegistered.class);

        assertThat(longest.getName()).hasSize(200);
        assertThatThrownBy(() -> CONTRACT.read(REGISTERED.replace("\"Ada\"", "\"" + hundredEmoji + "x\""),
                UserRegistered.class)).hasMessageContaining("/name: size must be between 2 and 100");
        assertThatThrownBy(() -> CONTRACT.read(REGISTERED.replace("\"Ada\"", "\"\uD83D\uDE42\""),
                UserRegistered.class)).as("one code point is too short").hasMessageContaining("/name");
    }

    @Test
    void aRepeatedMemberAndTrailingTextAreRefused() {
        assertThatThrownBy(() -> CONTRACT.read(PROGRESS.replace("\"progress\":50", "\"progress\":50,\"progress\":60"),
                InferenceJobProgress.class)).isInstanceOf(ContractViolationException.class)
                .hasMessageContaining("progress");
        assertThatThrownBy(() -> CONTRACT.read(PROGRESS + "{}", InferenceJobProgress.class))
                .isInstanceOf(ContractViolationException.class);
        assertThatThrownBy(() -> CONTRACT.read("[]", InferenceJobProgress.class))
                .isInstanceOf(ContractViolationException.class);
    }

    @Test
    void nestedViolationsArePointedAtByTheirJsonNames() {
        String text = """
                {"report_id":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d","user_id":"3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
                 "report_type":"inference-usage","parameters":{"from":"2026-11-01"},"requested_at":"2026-11-24T17:41:00Z"}""";

        assertThatThrownBy(() -> CONTRACT.read(text, ReportRequested.class))
                .isInstanceOfSatisfying(ContractViolationException.class, refused -> assertThat(refused.violations())
                        .contains(new Violation("/parameters/to", "must not be null")));
    }

    @Test
    void writingChecksFirstAndNamesEveryViolation() {
        UserRegistered incomplete = new UserRegistered();
        incomplete.setUserId(UUID.randomUUID());
        incomplete.setName("A");

        assertThatThrownBy(() -> CONTRACT.write(incomplete))
                .isInstanceOf(ContractViolationException.class)
                .hasMessage("UserRegistered breaks its contract: /email: must not be null; /name: size must be between"
                        + " 2 and 100; /registered_at: must not be null; /role: must not be null");
        assertThatThrownBy(() -> CONTRACT.toTree(incomplete)).isInstanceOf(ContractViolationException.class);
    }

    @Test
    void framesReadTheSameWay() {
        AckFrame ack = CONTRACT.read("{\"type\":\"ack\",\"id\":\"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d\"}", AckFrame.class);

        assertThat(ack.getId()).isEqualTo(UUID.fromString("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"));
        assertThatThrownBy(() -> CONTRACT.read("{\"type\":\"ack\"}", AckFrame.class))
                .hasMessage("AckFrame breaks its contract: /id: must not be null");
    }
}
