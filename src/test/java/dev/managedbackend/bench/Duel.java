package dev.managedbackend.bench;

import java.lang.management.ManagementFactory;

/**
 * Two contenders run alternately in one JVM after a warm-up of each, so that both meet the same
 * machine; which goes first flips every round. Also notes the second contender's test-thread CPU
 * time and allocations (it is the extension in every duel here).
 */
final class Duel {

    final Stats firstReady = new Stats();
    final Stats firstStop = new Stats();
    final Stats secondReady = new Stats();
    final Stats secondStop = new Stats();
    long secondCpuNanos;
    long secondAllocatedBytes;

    static Duel run(Contender first, Contender second, int rounds, int warmup) throws Exception {
        for (int i = 0; i < warmup; i++) {
            first.run();
            second.run();
        }
        Duel duel = new Duel();
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                duel.recordFirst(first);
                duel.recordSecond(second);
            } else {
                duel.recordSecond(second);
                duel.recordFirst(first);
            }
        }
        return duel;
    }

    private void recordFirst(Contender first) throws Exception {
        record(first.run(), firstReady, firstStop);
    }

    private void recordSecond(Contender second) throws Exception {
        long cpu = threadCpu();
        long allocated = threadAllocated();
        record(second.run(), secondReady, secondStop);
        secondCpuNanos += threadCpu() - cpu;
        secondAllocatedBytes += threadAllocated() - allocated;
    }

    private static void record(long[] sample, Stats ready, Stats stop) {
        ready.add(Stats.ms(sample[0]));
        stop.add(Stats.ms(sample[1]));
    }

    private static long threadAllocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
