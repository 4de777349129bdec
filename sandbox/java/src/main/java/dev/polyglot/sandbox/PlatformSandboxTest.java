package dev.polyglot.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against a sandbox platform: {@link PlatformSandbox} starts one for the test run (or attaches
 * to the running one the settings name) and injects {@link Sandbox}, {@link SandboxUsers}, {@link PlatformEvents} and
 * {@link SandboxFaults} as parameters. See sandbox/java/README.md.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PlatformSandbox.class)
public @interface PlatformSandboxTest {

    /**
     * Whether the class needs the fault proxy on every link ({@link SandboxFaults}). The classes with faults share one
     * sandbox started with {@code --faults}; those without share another, started without it (no proxy in the path).
     */
    boolean faults() default false;
}
