package io.gpucompute.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an end-to-end test class: it gets the shared control plane ({@link ControlPlane} as a parameter) and a
 * dump of the cluster's state when a test fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith({ControlPlaneExtension.class, E2eDumps.class})
public @interface E2eTest {}
