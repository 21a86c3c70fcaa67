package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.identity.IdentityResolver;
import io.meshlens.exporter.scrape.PageReader;

/**
 * What one target's last page resolved to: per family, and per series the raw bytes of its label
 * fields together with the {@link OutputSeries} they were enriched into. A proxy's page barely
 * changes between scrapes (same families, same series, same order; only numbers move), so the
 * next page's series are recognised by comparing bytes at the same position (a hash lookup when
 * the order changed), and only a series never seen before is decoded, resolved and labelled.
 *
 * <p>An output series depends on the reporting pod's identity and on what each {@code peer}
 * resolved to; both are checked again at the start of every page ({@link #revalidate}) and the
 * whole cache is dropped when any of them changed (a pod moved to another workload, an IP now
 * belongs to someone else). Used by the collection loop's thread only.
 */
public final class TargetSeries {
    private String namespace = "";
    private String podName = "";
    private WorkloadRef workload;
    /** The cluster view the peers were last checked against. */
    private Object clusterVersion;
    /** Every (peer, authority, direction) resolved for this target's series, with the answer. */
    private final Map<String, PeerRef> peers = new HashMap<>();
    private Family[] families = new Family[0];

    private record PeerRef(String peer, String authority, boolean outbound, WorkloadRef resolved) {}

    /** Drops everything when the pod's identity or a peer's resolution changed since the cache was built. */
    void revalidate(PodInfo pod, WorkloadRef workload, IdentityResolver resolver) {
        boolean valid = pod.namespace().equals(namespace) && pod.name().equals(podName) && workload.equals(this.workload);
        Object version = resolver.clusterVersion();
        if (valid && version != clusterVersion) {
            for (PeerRef p : peers.values()) {
                if (!resolver.resolve(p.peer, p.authority, p.outbound, namespace).equals(p.resolved)) {
                    valid = false;
                    break;
                }
            }
        }
        clusterVersion = version;
        if (!valid) {
            namespace = pod.namespace();
            podName = pod.name();
            this.workload = workload;
            peers.clear();
            families = new Family[0];
        }
    }

    /** Records what a peer resolved to, so that the next {@link #revalidate} can check it is unchanged. */
    void resolved(String peer, String authority, boolean outbound, WorkloadRef resolved) {
        String key = peer + '|' + authority + '|' + outbound;
        if (!peers.containsKey(key)) {
            peers.put(key, new PeerRef(peer, authority, outbound, resolved));
        }
    }

    /** Whether the cache holds nothing (a new target, or one just invalidated). */
    public boolean isEmpty() {
        return families.length == 0;
    }

    /** Starts a page: families are matched against the last page's, in order. */
    Page page() {
        return new Page();
    }

    /** The families of the page being read; becomes the cache when {@link #end} is called. */
    final class Page {
        private final List<Family> next = new ArrayList<>(families.length);

        /** The cached family the reader is on, or a new one (decoded: name, help and type). */
        Family family(PageReader r) {
            int at = next.size();
            Family f = at < families.length && families[at].matches(r) ? families[at] : null;
            for (int i = 0; f == null && i < families.length; i++) {
                if (families[i].matches(r)) {
                    f = families[i];
                }
            }
            if (f == null || next.contains(f)) {
                f = new Family(r);
            } else {
                f.rebase(r);
            }
            next.add(f);
            return f;
        }

        void end() {
            families = next.toArray(new Family[0]);
        }
    }

    /** One family of the last page: its name/help/type bytes and its series in page order. */
    static final class Family {
        private byte[] page;
        private int nameOff;
        private int nameLen;
        private int helpOff;
        private int helpLen;
        private final int type;
        final String name;
        final String help;
        private Series[] series = new Series[0];
        private Map<Series, Series> index; // built on the first series out of place
        private final Series probe = new Series();
        private Series[] nextSeries;
        private int nextCount;

        Family(PageReader r) {
            type = r.familyType();
            name = r.familyName();
            help = r.familyHelp();
            rebase(r);
        }

        private boolean matches(PageReader r) {
            return r.familyType() == type && r.familyNameEquals(page, nameOff, nameLen) && r.familyHelpEquals(page, helpOff, helpLen);
        }

        private void rebase(PageReader r) {
            page = r.page();
            nameOff = r.familyNameOffset();
            nameLen = r.familyNameLength();
            helpOff = r.familyHelpOffset();
            helpLen = r.familyHelpLength();
            nextSeries = new Series[r.metricCount()];
            nextCount = 0;
        }

        int type() {
            return type;
        }

        /**
         * The output series that the reader's current metric was enriched into last time, if its
         * label bytes are the same and that series still exists in {@code acc}; else {@code null}.
         */
        OutputSeries known(PageReader r, FamilyAcc acc) {
            byte[] b = r.labelKeyBytes();
            int off = r.labelKeyOffset();
            int len = r.labelKeyLength();
            int at = nextCount;
            Series s = at < series.length && series[at].equals(b, off, len) ? series[at] : null;
            if (s == null && series.length > 0) {
                if (index == null) {
                    index = new HashMap<>(series.length * 2);
                    for (Series c : series) {
                        index.put(c, c);
                    }
                }
                s = index.get(probe.set(b, off, len));
            }
            if (s == null || !acc.holds(s.out)) {
                return null;
            }
            remember(s.rebase(b, off, len, r.page()));
            return s.out;
        }

        /** Remembers a newly resolved metric. */
        void resolved(PageReader r, OutputSeries out) {
            Series s = new Series();
            s.out = out;
            remember(s.rebase(r.labelKeyBytes(), r.labelKeyOffset(), r.labelKeyLength(), r.page()));
        }

        private void remember(Series s) {
            if (nextCount == nextSeries.length) {
                nextSeries = Arrays.copyOf(nextSeries, Math.max(4, nextCount * 2));
            }
            nextSeries[nextCount++] = s;
        }

        /** The page's metrics of this family are done: they are what the next page is compared with. */
        void endSeries() {
            series = nextCount == nextSeries.length ? nextSeries : Arrays.copyOf(nextSeries, nextCount);
            index = null;
        }
    }

    /** One input series: the raw bytes of its label fields and where it went. */
    static final class Series {
        private byte[] key;
        private int off;
        private int len;
        private int hash;
        OutputSeries out;

        Series set(byte[] b, int o, int l) {
            key = b;
            off = o;
            len = l;
            hash = hash(b, o, l);
            return this;
        }

        /** Points the key at the new page's bytes (equal content), copying only keys that are not in the page. */
        Series rebase(byte[] b, int o, int l, byte[] page) {
            if (b == page) {
                if (key == null) {
                    hash = hash(b, o, l);
                }
                key = b;
                off = o;
                len = l;
            } else {
                set(Arrays.copyOfRange(b, o, o + l), 0, l); // the reader's scratch: reused for the next metric
            }
            return this;
        }

        private static int hash(byte[] b, int o, int l) {
            int h = 1;
            for (int i = o; i < o + l; i++) {
                h = 31 * h + b[i];
            }
            return h;
        }

        boolean equals(byte[] b, int o, int l) {
            return l == len && Arrays.equals(key, off, off + len, b, o, o + l);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Series s && hash == s.hash && equals(s.key, s.off, s.len);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
