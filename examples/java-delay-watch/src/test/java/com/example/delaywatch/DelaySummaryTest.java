package com.example.delaywatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polyglot.client.inference.model.JobResult;
import dev.polyglot.client.inference.model.JobResultPredictionsInner;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelaySummaryTest {

    private static JobResultPredictionsInner prediction(int row, String delayProbability) {
        return new JobResultPredictionsInner().row(row).delayProbability(new BigDecimal(delayProbability));
    }

    @Test
    void countsThePredictionsAtOrAboveTheThresholdAndKeepsTheHighest() {
        JobResult result = new JobResult().jobId("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d").modelVersion("1.2.0")
                .predictions(List.of(prediction(0, "0.12"), prediction(1, "0.5"), prediction(2, "0.91")));

        DelaySummary summary = DelaySummary.of("user-1", result, new BigDecimal("0.5"));

        assertThat(summary).isEqualTo(new DelaySummary("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d", "user-1", "1.2.0", 3, 2,
                new BigDecimal("0.91")));
    }
}
