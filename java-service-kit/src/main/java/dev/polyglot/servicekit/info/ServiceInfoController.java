package dev.polyglot.servicekit.info;

import dev.polyglot.contracts.schemas.ServiceInfo;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves {@link ServiceInfo} under the service's API prefix ({@code service-kit.api-prefix}). Annotated
 * controllers run on Spring MVC and WebFlux alike, so the servlet and the reactive services share it.
 */
@RestController
public class ServiceInfoController {

    private final ServiceInfo serviceInfo;

    public ServiceInfoController(ServiceInfo serviceInfo) {
        this.serviceInfo = serviceInfo;
    }

    @GetMapping(path = "${service-kit.api-prefix}/service-info", produces = MediaType.APPLICATION_JSON_VALUE)
    public ServiceInfo serviceInfo() {
        return serviceInfo;
    }
}
