package io.meshlens.exporter.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;
import io.prometheus.metrics.shaded.com_google_protobuf_4_36_2.CodedInputStream;

/**
 * Any bytes a scraped proxy might send: {@link PageReader} walks them completely or rejects them
 * with an {@link IOException} that says why, never another exception; and it accepts exactly the
 * pages client_java's generated parser accepts (each family framed strictly by its length), with
 * the same family and series counts.
 * The checked-in inputs ({@code PageReaderFuzzTestInputs}) replay in every test run;
 * {@code scripts/fuzz.sh exporter} fuzzes for as long as wanted.
 */
class PageReaderFuzzTest {
    /** What a walk found: families and series, or the rejection. */
    private record Walk(int families, int series, String rejection) {}

    @FuzzTest
    void anyPageIsReadOrRejectedWithAReason(byte[] page) {
        Walk reader = walkWithReader(page);
        Walk generated = walkWithGeneratedParser(page);
        if (reader.rejection() != null) {
            assertThat(reader.rejection()).as("a rejection says why").isNotBlank();
        }
        assertThat(reader.rejection() == null).as("PageReader accepts (%s) what the generated parser accepts (%s)",
                reader, generated).isEqualTo(generated.rejection() == null);
        if (reader.rejection() == null) {
            assertThat(reader).isEqualTo(generated);
        }
    }

    private static Walk walkWithReader(byte[] page) {
        int families = 0;
        int series = 0;
        String[] label = new String[2];
        try {
            PageReader r = new PageReader(page, true);
            while (r.nextFamily()) {
                families++;
                if (r.hasName()) {
                    assertThat(r.familyName()).isNotNull();
                }
                while (r.nextMetric()) {
                    series++;
                    for (int i = 0; i < r.labelCount(); i++) {
                        r.label(i, label);
                    }
                    assertThat(r.labelKeyLength()).isNotNegative();
                    assertThat(r.labelKeyOffset() + r.labelKeyLength()).isLessThanOrEqualTo(r.labelKeyBytes().length);
                    r.values();
                }
                assertThat(r.metricCount()).isGreaterThanOrEqualTo(0);
            }
        } catch (IOException e) {
            return new Walk(families, series, String.valueOf(e.getMessage()));
        }
        return new Walk(families, series, null);
    }

    /**
     * The generated parser, each family framed by its length prefix. Not {@code parseDelimitedFrom}:
     * it accepts a last family cut short at a field boundary (its stream just ends), which a
     * scrape must not, and PageReader rightly refuses.
     */
    private static Walk walkWithGeneratedParser(byte[] page) {
        int families = 0;
        int series = 0;
        try {
            CodedInputStream in = CodedInputStream.newInstance(page);
            while (!in.isAtEnd()) {
                int len = in.readRawVarint32();
                if (len < 0) {
                    throw new IOException("negative length");
                }
                MetricFamily f = MetricFamily.parseFrom(in.readRawBytes(len));
                families++;
                series += f.getMetricCount();
            }
        } catch (IOException e) {
            return new Walk(families, series, String.valueOf(e.getMessage()));
        }
        return new Walk(families, series, null);
    }
}
