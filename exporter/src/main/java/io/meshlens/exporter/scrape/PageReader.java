package io.meshlens.exporter.scrape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.prometheus.metrics.shaded.com_google_protobuf_4_36_2.CodedInputStream;
import io.prometheus.metrics.shaded.com_google_protobuf_4_36_2.InvalidProtocolBufferException;

/**
 * Walks a Prometheus protobuf page (length-delimited {@code MetricFamily} messages) in place,
 * with protobuf's own {@link CodedInputStream}, without building the generated message objects:
 * no object per family, metric or label pair, and no label string unless asked for. A metric's
 * labels are offered as the raw bytes of its label fields ({@link #labelKeyBytes()}), which is
 * what lets the enricher recognise a series it has already resolved by comparing bytes.
 *
 * <p>Field numbers and wire types are those of {@code io.prometheus.client} metrics.proto; a
 * field with an unexpected wire type is skipped, as the generated parser treats it as unknown.
 * Not thread-safe: one reader per page.
 *
 * <pre>{@code
 * PageReader r = new PageReader(page);
 * while (r.nextFamily()) {
 *     while (r.nextMetric()) { r.values().counter(); ... }
 * }
 * }</pre>
 */
public final class PageReader {
    /** {@code MetricType} numbers. An unknown number leaves the type unset, i.e. COUNTER (proto2). */
    public static final int COUNTER = 0;
    public static final int GAUGE = 1;
    public static final int SUMMARY = 2;
    public static final int UNTYPED = 3;
    public static final int HISTOGRAM = 4;
    public static final int GAUGE_HISTOGRAM = 5;

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int START_GROUP = 3;
    private static final int END_GROUP = 4;
    /** The generated parser's default recursion limit. */
    private static final int MAX_GROUP_DEPTH = 100;
    /** Nesting depths of the messages read here: family, metric, a metric's value (counter, histogram, ...). */
    private static final int FAMILY = 0;
    private static final int METRIC = 1;
    private static final int VALUE = 2;

    private final byte[] page;
    private final boolean checkLabels;
    private int next; // offset of the next delimited family

    // current family
    private int familyStart;
    private int nameOff;
    private int nameLen;
    private int helpOff;
    private int helpLen;
    private int type;
    private int metricCount;
    private CodedInputStream metrics;

    // current metric
    private final MetricValues values = new MetricValues();
    private int[] labelPayload = new int[32]; // offset, length pairs of LabelPair messages
    private int labels;
    private int keyStart;
    private int keyEnd;
    private boolean keyContiguous;
    private int[] labelFields = new int[32]; // start, end pairs of whole label fields (tag included)
    private byte[] keyScratch = new byte[256];
    private int keyScratchLen;

    /** A reader that skips label pairs unread unless asked for ({@link #label}). */
    public PageReader(byte[] page) {
        this(page, false);
    }

    /** @param checkLabels whether every label pair's own fields are walked too (to reject a malformed one) */
    public PageReader(byte[] page, boolean checkLabels) {
        this.page = page;
        this.checkLabels = checkLabels;
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    public byte[] page() {
        return page;
    }

    /** Moves to the next family; false at the end of the page. */
    public boolean nextFamily() throws IOException {
        if (next >= page.length) {
            return false;
        }
        CodedInputStream top = CodedInputStream.newInstance(page, next, page.length - next);
        int len = top.readRawVarint32();
        int start = next + top.getTotalBytesRead();
        if (len < 0 || len > page.length - start) {
            throw new InvalidProtocolBufferException("a metric family of " + len + " bytes runs past the end of the page");
        }
        next = start + len;
        familyStart = start;
        nameOff = -1;
        nameLen = 0;
        helpOff = -1;
        helpLen = 0;
        type = COUNTER;
        metricCount = 0;
        // First pass: name, help and type may follow the metrics, and the metrics need the type.
        CodedInputStream in = CodedInputStream.newInstance(page, start, len);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, LEN)) {
                nameLen = in.readRawVarint32();
                nameOff = start + in.getTotalBytesRead();
                in.skipRawBytes(nameLen);
            } else if (tag == tag(2, LEN)) {
                helpLen = in.readRawVarint32();
                helpOff = start + in.getTotalBytesRead();
                in.skipRawBytes(helpLen);
            } else if (tag == tag(3, VARINT)) {
                int t = in.readEnum();
                if (t >= COUNTER && t <= GAUGE_HISTOGRAM) {
                    type = t;
                }
            } else if (tag == tag(4, LEN)) {
                metricCount++;
                in.skipRawBytes(in.readRawVarint32());
            } else {
                skip(in, tag, FAMILY);
            }
        }
        metrics = CodedInputStream.newInstance(page, start, len);
        return true;
    }

    /**
     * Passes over a field this reader does not use, accepting exactly what the generated parser
     * accepts: that parser reads every varint (into an unknown field if need be), and
     * CodedInputStream's reader takes a ten-byte varint whose last byte still has its
     * continuation bit, which its skipper refuses; so varints are read here, and groups walked
     * field by field, to the generated parser's nesting limit. {@code depth}: how deep the
     * message being read is nested, as the generated parser counts it (the family is 0).
     */
    private static void skip(CodedInputStream in, int tag, int depth) throws IOException {
        switch (tag & 7) {
            case VARINT:
                in.readRawVarint64();
                return;
            case START_GROUP: {
                if (depth >= MAX_GROUP_DEPTH) {
                    throw new InvalidProtocolBufferException("groups nested deeper than " + MAX_GROUP_DEPTH);
                }
                int end = (tag & ~7) | END_GROUP;
                for (int t = in.readTag(); t != end; t = in.readTag()) {
                    if (t == 0) {
                        throw new InvalidProtocolBufferException("a group that no end-group tag closes");
                    }
                    skip(in, t, depth + 1);
                }
                return;
            }
            case END_GROUP:
                throw new InvalidProtocolBufferException("an end-group tag that no group opened");
            default:
                in.skipField(tag);
        }
    }

    /** Whether the family has a non-empty name. */
    public boolean hasName() {
        return nameLen > 0;
    }

    public String familyName() {
        return nameOff < 0 ? "" : new String(page, nameOff, nameLen, StandardCharsets.UTF_8);
    }

    public String familyHelp() {
        return helpOff < 0 ? "" : new String(page, helpOff, helpLen, StandardCharsets.UTF_8);
    }

    /** Whether the family's name is exactly these bytes. */
    public boolean familyNameEquals(byte[] b, int off, int len) {
        return len == nameLen && Arrays.equals(page, Math.max(nameOff, 0), Math.max(nameOff, 0) + nameLen, b, off, off + len);
    }

    /** Whether the family's help is exactly these bytes. */
    public boolean familyHelpEquals(byte[] b, int off, int len) {
        return len == helpLen && Arrays.equals(page, Math.max(helpOff, 0), Math.max(helpOff, 0) + helpLen, b, off, off + len);
    }

    public int familyNameOffset() {
        return Math.max(nameOff, 0);
    }

    public int familyNameLength() {
        return nameLen;
    }

    public int familyHelpOffset() {
        return Math.max(helpOff, 0);
    }

    public int familyHelpLength() {
        return helpLen;
    }

    /** The {@code MetricType} number ({@link #COUNTER} ... {@link #GAUGE_HISTOGRAM}). */
    public int familyType() {
        return type;
    }

    /** Metrics in the current family. */
    public int metricCount() {
        return metricCount;
    }

    /** Moves to the next metric of the current family and reads its numbers; false after the last. */
    public boolean nextMetric() throws IOException {
        CodedInputStream in = metrics;
        int tag;
        while ((tag = in.readTag()) != 0 && tag != tag(4, LEN)) {
            skip(in, tag, FAMILY);
        }
        if (tag == 0) {
            return false;
        }
        int limit = in.pushLimit(in.readRawVarint32()); // checks the length against the family's end
        readMetric(in);
        in.popLimit(limit);
        return true;
    }

    /** Reads one metric from the family's stream, up to the limit pushed for it (one stream per family, not per metric). */
    private void readMetric(CodedInputStream in) throws IOException {
        values.reset();
        labels = 0;
        keyStart = familyStart + in.getTotalBytesRead();
        keyEnd = keyStart;
        keyContiguous = true;
        keyScratchLen = -1;
        while (true) {
            int fieldStart = familyStart + in.getTotalBytesRead();
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            switch (tag) {
                case 1 << 3 | LEN: { // label
                    int l = in.readRawVarint32();
                    int payload = familyStart + in.getTotalBytesRead();
                    if (checkLabels) {
                        int limit = in.pushLimit(l);
                        for (int t = in.readTag(); t != 0; t = in.readTag()) {
                            skip(in, t, METRIC + 1);
                        }
                        in.popLimit(limit);
                    } else {
                        in.skipRawBytes(l);
                    }
                    addLabel(fieldStart, payload, l);
                    break;
                }
                case 2 << 3 | LEN: values.gauge = readSingleValue(in, values.gauge); break;
                case 3 << 3 | LEN: values.counter = readCounter(in, values.counter); break;
                case 5 << 3 | LEN: values.untyped = readSingleValue(in, values.untyped); break;
                case 4 << 3 | LEN: readSummary(in); break;
                case 7 << 3 | LEN: readHistogram(in, values.histogram); break;
                default: skip(in, tag, METRIC);
            }
        }
    }

    private void addLabel(int fieldStart, int payload, int len) {
        if (labels * 2 == labelPayload.length) {
            labelPayload = Arrays.copyOf(labelPayload, labels * 4);
            labelFields = Arrays.copyOf(labelFields, labels * 4);
        }
        labelPayload[labels * 2] = payload;
        labelPayload[labels * 2 + 1] = len;
        labelFields[labels * 2] = fieldStart;
        labelFields[labels * 2 + 1] = payload + len;
        if (labels == 0) {
            keyStart = fieldStart;
        } else if (keyEnd != fieldStart) {
            keyContiguous = false; // labels interleaved with values: the key is copied together
        }
        keyEnd = payload + len;
        labels++;
    }

    /** Gauge, Untyped: field 1 is the value; nothing else is defined for them. */
    private static double readSingleValue(CodedInputStream in, double current) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        double v = current;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, FIXED64)) {
                v = in.readDouble();
            } else {
                skip(in, tag, VALUE);
            }
        }
        in.popLimit(limit);
        return v;
    }

    /**
     * Counter: field 1 is the value; its exemplar (2) and created timestamp (3) are messages,
     * walked (not read) so that a malformed one is refused as the generated parser refuses it.
     */
    private static double readCounter(CodedInputStream in, double current) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        double v = current;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, FIXED64)) {
                v = in.readDouble();
            } else if (tag == tag(2, LEN)) {
                walkExemplar(in, VALUE + 1);
            } else if (tag == tag(3, LEN)) {
                walkMessage(in, VALUE + 1);
            } else {
                skip(in, tag, VALUE);
            }
        }
        in.popLimit(limit);
        return v;
    }

    /** Exemplar: labels (1) and timestamp (3) are messages of their own. */
    private static void walkExemplar(CodedInputStream in, int depth) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, LEN) || tag == tag(3, LEN)) {
                walkMessage(in, depth + 1);
            } else {
                skip(in, tag, depth);
            }
        }
        in.popLimit(limit);
    }

    /** A nested message whose fields are all scalars or strings (Timestamp, LabelPair): each field must be whole. */
    private static void walkMessage(CodedInputStream in, int depth) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            skip(in, tag, depth);
        }
        in.popLimit(limit);
    }

    /** Packed doubles: whole ones only, as the generated parser requires. */
    private static void skipPackedDoubles(CodedInputStream in) throws IOException {
        int len = in.readRawVarint32();
        if (len < 0 || len % 8 != 0) {
            throw new InvalidProtocolBufferException("packed doubles of " + len + " bytes (expected: a multiple of 8)");
        }
        in.skipRawBytes(len);
    }

    private void readSummary(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, VARINT)) {
                values.summaryCount = in.readUInt64();
            } else if (tag == tag(2, FIXED64)) {
                values.summarySum = in.readDouble();
            } else if (tag == tag(4, LEN)) {
                walkMessage(in, VALUE + 1); // created timestamp
            } else if (tag == tag(3, LEN)) {
                int l = in.pushLimit(in.readRawVarint32());
                double q = 0;
                double v = 0;
                for (int t = in.readTag(); t != 0; t = in.readTag()) {
                    if (t == tag(1, FIXED64)) {
                        q = in.readDouble();
                    } else if (t == tag(2, FIXED64)) {
                        v = in.readDouble();
                    } else {
                        skip(in, t, VALUE + 1);
                    }
                }
                in.popLimit(l);
                values.addQuantile(q, v);
            } else {
                skip(in, tag, VALUE);
            }
        }
        in.popLimit(limit);
    }

    private static void readHistogram(CodedInputStream in, HistogramValues h) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case 1 << 3 | VARINT: h.sampleCount = in.readUInt64(); break;
                case 2 << 3 | FIXED64: h.sampleSum = in.readDouble(); break;
                case 3 << 3 | LEN: readBucket(in, h); break;
                case 5 << 3 | VARINT: h.schema = in.readSInt32(); h.hasSchema = true; break;
                case 6 << 3 | FIXED64: h.zeroThreshold = in.readDouble(); break;
                case 7 << 3 | VARINT: h.zeroCount = in.readUInt64(); break;
                case 9 << 3 | LEN: readSpan(in, h.negative); break;
                case 10 << 3 | VARINT: h.negative.addDelta(in.readSInt64()); break;
                case 10 << 3 | LEN: readPackedDeltas(in, h.negative); break;
                case 12 << 3 | LEN: readSpan(in, h.positive); break;
                case 13 << 3 | VARINT: h.positive.addDelta(in.readSInt64()); break;
                case 13 << 3 | LEN: readPackedDeltas(in, h.positive); break;
                case 11 << 3 | LEN: case 14 << 3 | LEN: skipPackedDoubles(in); break; // float bucket counts
                case 15 << 3 | LEN: walkMessage(in, VALUE + 1); break; // created timestamp
                case 16 << 3 | LEN: readExemplar(in, h, VALUE + 1); break;
                default: skip(in, tag, VALUE);
            }
        }
        in.popLimit(limit);
    }

    private static void readBucket(CodedInputStream in, HistogramValues h) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        long cumulative = 0;
        double upperBound = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, VARINT)) {
                cumulative = in.readUInt64();
            } else if (tag == tag(2, FIXED64)) {
                upperBound = in.readDouble();
            } else if (tag == tag(3, LEN)) {
                readExemplar(in, h, VALUE + 2);
            } else {
                skip(in, tag, VALUE + 1);
            }
        }
        in.popLimit(limit);
        h.addBucket(upperBound, cumulative);
    }

    /**
     * An {@code Exemplar} (labels, value, timestamp) of a classic bucket or of the native
     * histogram. Pages without exemplars never get here, so a cycle allocates nothing for them.
     */
    private static void readExemplar(CodedInputStream in, HistogramValues h, int depth) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        java.util.List<String> labels = new java.util.ArrayList<>(2);
        double value = 0;
        long millis = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, LEN)) {
                int l = in.pushLimit(in.readRawVarint32());
                String name = "";
                String labelValue = "";
                for (int t = in.readTag(); t != 0; t = in.readTag()) {
                    if (t == tag(1, LEN)) {
                        name = in.readString();
                    } else if (t == tag(2, LEN)) {
                        labelValue = in.readString();
                    } else {
                        skip(in, t, depth + 1);
                    }
                }
                in.popLimit(l);
                labels.add(name);
                labels.add(labelValue);
            } else if (tag == tag(2, FIXED64)) {
                value = in.readDouble();
            } else if (tag == tag(3, LEN)) {
                int l = in.pushLimit(in.readRawVarint32());
                long seconds = 0;
                int nanos = 0;
                for (int t = in.readTag(); t != 0; t = in.readTag()) {
                    if (t == tag(1, VARINT)) {
                        seconds = in.readInt64();
                    } else if (t == tag(2, VARINT)) {
                        nanos = in.readInt32();
                    } else {
                        skip(in, t, depth + 1);
                    }
                }
                in.popLimit(l);
                millis = seconds * 1000 + nanos / 1_000_000;
            } else {
                skip(in, tag, depth);
            }
        }
        in.popLimit(limit);
        h.addExemplar(labels, value, millis);
    }

    private static void readSpan(CodedInputStream in, HistogramValues.Native n) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        int offset = 0;
        int length = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, VARINT)) {
                offset = in.readSInt32();
            } else if (tag == tag(2, VARINT)) {
                length = in.readUInt32();
            } else {
                skip(in, tag, VALUE + 1);
            }
        }
        in.popLimit(limit);
        n.addSpan(offset, length);
    }

    private static void readPackedDeltas(CodedInputStream in, HistogramValues.Native n) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
            n.addDelta(in.readSInt64());
        }
        in.popLimit(limit);
    }

    /** The current metric's numbers. */
    public MetricValues values() {
        return values;
    }

    /** Label pairs of the current metric. */
    public int labelCount() {
        return labels;
    }

    /**
     * The current metric's label fields as raw bytes: together with the family, they identify an
     * input series, so equal bytes mean the same series as last time. Read them from
     * {@link #labelKeyBytes()} at {@link #labelKeyOffset()}, {@link #labelKeyLength()} bytes.
     */
    public byte[] labelKeyBytes() {
        if (keyContiguous) {
            return page;
        }
        copyKey();
        return keyScratch;
    }

    public int labelKeyOffset() {
        return keyContiguous ? keyStart : 0;
    }

    public int labelKeyLength() {
        if (keyContiguous) {
            return keyEnd - keyStart;
        }
        copyKey();
        return keyScratchLen;
    }

    private void copyKey() {
        if (keyScratchLen >= 0) {
            return;
        }
        int n = 0;
        for (int i = 0; i < labels; i++) {
            n += labelFields[i * 2 + 1] - labelFields[i * 2];
        }
        if (keyScratch.length < n) {
            keyScratch = new byte[n * 2];
        }
        int w = 0;
        for (int i = 0; i < labels; i++) {
            int s = labelFields[i * 2];
            int l = labelFields[i * 2 + 1] - s;
            System.arraycopy(page, s, keyScratch, w, l);
            w += l;
        }
        keyScratchLen = w;
    }

    /** Label {@code i}: fills {@code out[0]} with its name and {@code out[1]} with its value. */
    public void label(int i, String[] out) throws IOException {
        int off = labelPayload[i * 2];
        int len = labelPayload[i * 2 + 1];
        String name = "";
        String value = "";
        CodedInputStream in = CodedInputStream.newInstance(page, off, len);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, LEN)) {
                int l = in.readRawVarint32();
                int at = off + in.getTotalBytesRead();
                in.skipRawBytes(l);
                name = new String(page, at, l, StandardCharsets.UTF_8);
            } else if (tag == tag(2, LEN)) {
                int l = in.readRawVarint32();
                int at = off + in.getTotalBytesRead();
                in.skipRawBytes(l);
                value = new String(page, at, l, StandardCharsets.UTF_8);
            } else {
                skip(in, tag, METRIC + 1);
            }
        }
        out[0] = name;
        out[1] = value;
    }
}
