package dev.polyglot.sandbox;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link PlatformSandboxTest} (or {@code @ExtendWith(PlatformSandbox.class)}): the whole
 * platform as a test fixture.
 *
 * <ul>
 *   <li>One sandbox per test run (two when some classes ask for faults and others do not), kept in the root store:
 *       started by {@code <platform.home>/platform sandbox start} on first use and stopped once after the last test;
 *       or, when {@code platform.gateway.url} is set (with {@code platform.redis.url}, {@code platform.admin.email},
 *       {@code platform.admin.password} and optionally {@code platform.faults.url}; system properties or the
 *       PLATFORM_* variables), the running platform they name, left running.</li>
 *   <li>Parameters: {@link Sandbox} (its addresses), {@link SandboxUsers}, {@link PlatformEvents} (its consumer group
 *       made when it is resolved, removed when its test, or class, ends) and {@link SandboxFaults}.</li>
 *   <li>After each test: every fault cleared; an awaiter shared by a class forgets the events of the test that
 *       ended.</li>
 * </ul>
 */
public final class PlatformSandbox implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PlatformSandbox.class);
    private static final String EVENTS = "events";
    private static final String FAULTS = "faults";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Sandbox.class || type == SandboxUsers.class || type == PlatformEvents.class
                || type == SandboxFaults.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        boolean faults = wantsFaults(context);
        RunningSandbox running = running(context, faults);
        Sandbox sandbox;
        try {
            sandbox = running.sandbox();
        } catch (RuntimeException unavailable) {
            throw new ParameterResolutionException("No platform sandbox for " + type.getSimpleName() + ": "
                    + unavailable.getMessage(), unavailable);
        }
        if (type == Sandbox.class) {
            return sandbox;
        }
        if (type == SandboxUsers.class) {
            return new SandboxUsers(sandbox);
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (type == PlatformEvents.class) {
            // One awaiter per test (or per class when injected there); closed with its context's store.
            return store.computeIfAbsent(EVENTS, key -> new PlatformEvents(running), PlatformEvents.class);
        }
        if (!faults) {
            throw new ParameterResolutionException("SandboxFaults needs a sandbox with the fault proxy: annotate "
                    + context.getRequiredTestClass().getName() + " with @PlatformSandboxTest(faults = true)");
        }
        return store.computeIfAbsent(FAULTS, key -> new SandboxFaults(sandbox.faultsUrl().orElseThrow()),
                SandboxFaults.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // get() looks in the test's store, then its class's: an object injected in either is found.
        SandboxFaults faults = context.getStore(NAMESPACE).get(FAULTS, SandboxFaults.class);
        if (faults != null) {
            faults.clear();
        }
        PlatformEvents events = context.getStore(NAMESPACE).get(EVENTS, PlatformEvents.class);
        if (events != null) {
            events.forgetReceived();
        }
    }

    private static boolean wantsFaults(ExtensionContext context) {
        return context.getTestClass().flatMap(test -> AnnotationSupport.findAnnotation(test, PlatformSandboxTest.class))
                .map(PlatformSandboxTest::faults).orElse(false);
    }

    private static RunningSandbox running(ExtensionContext context, boolean faults) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(faults ? "sandbox-with-faults" : "sandbox",
                key -> new RunningSandbox(faults), RunningSandbox.class);
    }
}
