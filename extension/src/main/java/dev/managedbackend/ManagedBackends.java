package dev.managedbackend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/** Holds several {@link ManagedBackend} declarations; written for you by the compiler. */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ManagedBackendExtension.class)
public @interface ManagedBackends {
    /** {@return the declarations, in the order they are written} */
    ManagedBackend[] value();
}
