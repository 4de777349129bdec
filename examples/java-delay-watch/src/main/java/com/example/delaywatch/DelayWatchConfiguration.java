package com.example.delaywatch;

import dev.polyglot.contracts.EventTypes;
import dev.polyglot.contracts.Streams;
import dev.polyglot.contracts.events.InferenceJobCompleted;
import dev.polyglot.servicekit.events.EventHandlers;
import dev.polyglot.servicekit.events.StreamConsumers;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DelayWatchConfiguration {

    /** The service's consumer group on platform.events: it gets every event once, whatever the platform's groups do. */
    static final String CONSUMER_GROUP = "delay-watch";

    /**
     * Consumes inference.job.completed through the kit's backbone once the application is ready. A failed read of
     * the result (the platform unreachable) throws: the event stays pending and is delivered again.
     */
    @Bean
    ApplicationListener<ApplicationReadyEvent> jobCompletedConsumer(StreamConsumers consumers, JobResults results,
                                                                    DelaySummaries summaries,
                                                                    DelayWatchProperties properties) {
        return ready -> consumers.start(Streams.PLATFORM_EVENTS, CONSUMER_GROUP, EventHandlers.builder()
                .on(EventTypes.INFERENCE_JOB_COMPLETED, event -> {
                    InferenceJobCompleted completed = event.payload();
                    summaries.put(DelaySummary.of(completed.getUserId().toString(), results.of(completed.getJobId()),
                            properties.atRiskProbability()));
                })
                .build());
    }
}
