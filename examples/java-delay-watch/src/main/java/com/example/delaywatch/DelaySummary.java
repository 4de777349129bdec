package com.example.delaywatch;

import dev.polyglot.client.inference.model.JobResult;
import dev.polyglot.client.inference.model.JobResultPredictionsInner;
import java.math.BigDecimal;

/**
 * What the service makes of one finished job: how many of its shipments are likely to be late.
 *
 * @param atRisk             predictions whose delay probability is at or above the threshold
 * @param maxDelayProbability the highest delay probability of the job
 */
public record DelaySummary(String jobId, String userId, String modelVersion, int predictions, int atRisk,
                           BigDecimal maxDelayProbability) {

    static DelaySummary of(String userId, JobResult result, BigDecimal atRiskProbability) {
        int atRisk = 0;
        BigDecimal max = BigDecimal.ZERO;
        for (JobResultPredictionsInner prediction : result.getPredictions()) {
            BigDecimal probability = prediction.getDelayProbability();
            if (probability.compareTo(atRiskProbability) >= 0) {
                atRisk++;
            }
            max = max.max(probability);
        }
        return new DelaySummary(result.getJobId(), userId, result.getModelVersion(), result.getPredictions().size(),
                atRisk, max);
    }
}
