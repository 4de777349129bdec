package dev.polyglot.notification.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentSequencesTest {

    private final SentSequences sent = new SentSequences();

    @Test
    void aSequenceIsSentOnceWhateverTheOrder() {
        assertThat(sent.markSent(10)).isTrue();
        assertThat(sent.markSent(12)).isTrue();
        assertThat(sent.markSent(11)).as("late, not seen").isTrue();
        assertThat(sent.markSent(10)).isFalse();
        assertThat(sent.markSent(11)).isFalse();
        assertThat(sent.markSent(12)).isFalse();
        assertThat(sent.markSent(9)).as("below the first, inside the window").isTrue();
        assertThat(sent.markSent(9)).isFalse();
    }

    @Test
    void theSlotsPassedOverWhenTheHighestMovesOnAreFreed() {
        // Every sequence of one window marked, then the window moves on by less than its size, across words and
        // around the ring: the slots it passed over now stand for sequences never sent.
        for (long sequence = 1; sequence <= SentSequences.WINDOW; sequence++) {
            assertThat(sent.markSent(sequence)).isTrue();
        }
        long next = SentSequences.WINDOW + 100;
        assertThat(sent.markSent(next)).isTrue();
        for (long sequence = SentSequences.WINDOW + 1; sequence < next; sequence++) {
            assertThat(sent.markSent(sequence)).as("sequence %d", sequence).isTrue();
        }
        for (long sequence = next - SentSequences.WINDOW + 1; sequence <= next; sequence++) {
            assertThat(sent.markSent(sequence)).as("sequence %d again", sequence).isFalse();
        }
    }

    @Test
    void aJumpOfAWindowOrMoreForgetsEverything() {
        sent.markSent(5);
        sent.markSent(7);
        long far = 7 + SentSequences.WINDOW;
        assertThat(sent.markSent(far)).isTrue();
        assertThat(sent.markSent(far - SentSequences.WINDOW + 1)).as("inside the new window, never sent").isTrue();
        assertThat(sent.markSent(far)).isFalse();
    }

    @Test
    void aSequenceOlderThanTheWindowIsNotRememberedAndCountsAsNotSent() {
        sent.markSent(1);
        sent.markSent(1 + SentSequences.WINDOW);
        assertThat(sent.markSent(1)).isTrue();
        assertThat(sent.markSent(1)).isTrue();
        assertThat(sent.markSent(2)).as("the oldest the window holds").isTrue();
        assertThat(sent.markSent(2)).isFalse();
    }
}
