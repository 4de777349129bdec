package com.example.delaywatch;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The summaries made so far, by job id (in memory: an example; a real service would keep them in its database). */
@Component
class DelaySummaries {

    private final Map<String, DelaySummary> byJob = new ConcurrentHashMap<>();

    void put(DelaySummary summary) {
        byJob.put(summary.jobId(), summary);
    }

    Optional<DelaySummary> of(String jobId) {
        return Optional.ofNullable(byJob.get(jobId));
    }
}
