package com.example.delaywatch;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
class SummaryController {

    private final DelaySummaries summaries;

    SummaryController(DelaySummaries summaries) {
        this.summaries = summaries;
    }

    /** The summary of a finished job; 404 until the service has seen it finish. */
    @GetMapping("/summaries/{jobId}")
    DelaySummary summary(@PathVariable String jobId) {
        return summaries.of(jobId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "no summary of job " + jobId + " (yet)"));
    }
}
