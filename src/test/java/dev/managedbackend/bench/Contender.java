package dev.managedbackend.bench;

/** One way of starting and stopping the sample backend, timed. */
interface Contender {

    /** @return {time to ready, time to stop} in nanoseconds */
    long[] run() throws Exception;
}
