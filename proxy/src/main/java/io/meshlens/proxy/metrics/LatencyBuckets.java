package io.meshlens.proxy.metrics;

import java.util.Arrays;

/**
 * The fixed bucket layout of every proxy's latency histogram: the contract's classic buckets
 * ({@link MeshlensMetrics#LATENCY_BUCKETS}) and a native (exponential) histogram of schema
 * {@value #SCHEMA}, the same on every proxy so that the exporter and Prometheus add them bucket
 * by bucket.
 *
 * <p>Why schema 2: its buckets grow by 2^(1/4) (~19 %), so 160 buckets, client_java's limit the
 * proxy used before, cover 40 powers of two: native bucket indexes -79..80, i.e. latencies in
 * (2^-20 s, 2^20 s] = (~0.95 us, ~12 days], which holds 1 us .. 100 s with room to spare (schema 3
 * would need 213 buckets for that range). Latencies at or under 2^-20 s go to the zero bucket
 * (zero threshold 2^-20 s); latencies above 2^20 s are counted in the last bucket.
 *
 * <p>Why "cells": an observation is counted once, in one cell, and both the classic and the
 * native buckets are sums of cells. A cell is a native bucket, or half of one where a classic
 * bound falls inside it (classic bounds are at least 2x apart, so at most one does), plus one cell
 * for the zero bucket. A scrape that reads the cells therefore always sees classic buckets, native
 * buckets and {@code _count} that agree, with one atomic increment per observation.
 *
 * <p>All bounds are compared in integer nanoseconds: an observation of n ns is in native bucket i
 * iff {@code n <= floor(2^(i/4) * 1e9)} (and not in i-1), and under classic bound b iff
 * {@code n <= b * 1e9}, which is exactly the Prometheus rule ({@code value <= upper bound}) for the
 * value n / 1e9 seconds.
 */
final class LatencyBuckets {
    /** Native histogram schema: bucket i spans (2^((i-1)/4), 2^(i/4)] seconds. */
    static final int SCHEMA = 2;
    static final int MIN_INDEX = -79;
    static final int MAX_INDEX = 80;
    static final int NATIVE_BUCKETS = MAX_INDEX - MIN_INDEX + 1;
    /** 2^-20 s: the upper bound of native bucket MIN_INDEX - 1. */
    static final double ZERO_THRESHOLD = Math.scalb(1.0, -20);
    /** Classic upper bounds in seconds, +Inf last (15 in all). */
    static final double[] CLASSIC_BOUNDS;
    static final int CLASSIC_BUCKETS;

    /** Observations at or under this many ns go to the zero bucket (cell 0). */
    static final long ZERO_NANOS;
    /** Native bucket upper bounds in ns, indexed by {@code index - MIN_INDEX}. */
    private static final long[] NATIVE_UPPER_NANOS = new long[NATIVE_BUCKETS];
    /** First cell of each native bucket. */
    private static final int[] FIRST_CELL = new int[NATIVE_BUCKETS];
    /** The classic bound (ns) that splits a native bucket in two cells; Long.MAX_VALUE if none. */
    private static final long[] SPLIT_NANOS = new long[NATIVE_BUCKETS];
    /** Per cell: its classic bucket (0..14) and its native bucket index (Integer.MIN_VALUE: zero bucket). */
    private static final int[] CELL_CLASSIC;
    private static final int[] CELL_NATIVE;
    static final int CELLS;

    static {
        double[] bounds = MeshlensMetrics.LATENCY_BUCKETS;
        CLASSIC_BOUNDS = Arrays.copyOf(bounds, bounds.length + 1);
        CLASSIC_BOUNDS[bounds.length] = Double.POSITIVE_INFINITY;
        CLASSIC_BUCKETS = CLASSIC_BOUNDS.length;
        long[] classicNanos = new long[bounds.length];
        for (int c = 0; c < bounds.length; c++) {
            classicNanos[c] = Math.round(bounds[c] * 1e9);
        }
        ZERO_NANOS = (long) Math.floor(ZERO_THRESHOLD * 1e9);
        int[] cellClassic = new int[NATIVE_BUCKETS * 2 + 1];
        int[] cellNative = new int[NATIVE_BUCKETS * 2 + 1];
        cellClassic[0] = classicBucket(classicNanos, ZERO_NANOS);
        cellNative[0] = Integer.MIN_VALUE;
        int cells = 1;
        long lower = ZERO_NANOS;
        for (int k = 0; k < NATIVE_BUCKETS; k++) {
            int index = MIN_INDEX + k;
            // the last bucket takes everything above 2^20 s too
            long upper = k == NATIVE_BUCKETS - 1 ? Long.MAX_VALUE
                    : (long) Math.floor(Math.pow(2, index / (double) (1 << SCHEMA)) * 1e9);
            NATIVE_UPPER_NANOS[k] = upper;
            FIRST_CELL[k] = cells;
            SPLIT_NANOS[k] = Long.MAX_VALUE;
            cellClassic[cells] = classicBucket(classicNanos, lower + 1);
            cellNative[cells++] = index;
            int top = classicBucket(classicNanos, upper);
            if (top != cellClassic[cells - 1]) {
                if (top != cellClassic[cells - 1] + 1) {
                    throw new AssertionError("two classic bounds inside native bucket " + index);
                }
                SPLIT_NANOS[k] = classicNanos[cellClassic[cells - 1]];
                cellClassic[cells] = top;
                cellNative[cells++] = index;
            }
            lower = upper;
        }
        CELLS = cells;
        CELL_CLASSIC = Arrays.copyOf(cellClassic, cells);
        CELL_NATIVE = Arrays.copyOf(cellNative, cells);
    }

    private LatencyBuckets() {}

    /** The classic bucket (0 .. CLASSIC_BUCKETS - 1, last = +Inf) of an observation of n ns. */
    private static int classicBucket(long[] classicNanos, long n) {
        int c = 0;
        while (c < classicNanos.length && n > classicNanos[c]) {
            c++;
        }
        return c;
    }

    /** The cell that counts an observation of {@code nanos} (negative counts as 0). Allocation-free. */
    static int cell(long nanos) {
        if (nanos <= ZERO_NANOS) {
            return 0;
        }
        int k = nativeSlot(nanos);
        return FIRST_CELL[k] + (nanos > SPLIT_NANOS[k] ? 1 : 0);
    }

    /** {@code index - MIN_INDEX} of the native bucket of n ns (n > ZERO_NANOS). */
    private static int nativeSlot(long nanos) {
        // estimate 4 * log2(n / 1e9) from the exponent and the top two mantissa bits of n
        // (log2(1e9) = 29.897), then settle it against the exact integer bounds: at most two steps
        long bits = Double.doubleToRawLongBits((double) nanos);
        int exponent = (int) (bits >>> 52) - 1023;
        int quarter = (int) (bits >>> 50) & 3;
        int k = 4 * exponent + quarter - 119 - MIN_INDEX;
        k = Math.max(0, Math.min(NATIVE_BUCKETS - 1, k));
        while (nanos > NATIVE_UPPER_NANOS[k]) {
            k++;
        }
        while (k > 0 && nanos <= NATIVE_UPPER_NANOS[k - 1]) {
            k--;
        }
        return k;
    }

    /** The classic bucket a cell belongs to (0 .. CLASSIC_BUCKETS - 1). */
    static int classicOf(int cell) {
        return CELL_CLASSIC[cell];
    }

    /** The native bucket index of a cell; {@link Integer#MIN_VALUE} for the zero bucket. */
    static int nativeOf(int cell) {
        return CELL_NATIVE[cell];
    }
}
