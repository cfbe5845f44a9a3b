package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.apiguardian.api.API;

/** Holds several {@link ManagedBackend} declarations; written for you by the compiler. */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ManagedBackendExtension.class)
@API(status = STABLE, since = "0.1")
public @interface ManagedBackends {
    /** {@return the declarations, in the order they are written} */
    ManagedBackend[] value();
}
