// The tap stream through the dashboard's relay: newline-delimited JSON, read as it arrives.
import { Unreachable } from './api.js';

/**
 * Calls onEvent for each tap event until the stream ends or signal aborts. Resolves when the
 * stream ended; rejects with Unreachable or an Error naming the exporter's answer.
 */
export async function tapStream(params, onEvent, signal) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const rsp = await fetch('/api/v1/tap?' + q, { signal });
  if (!rsp.ok) {
    const body = await rsp.json().catch(() => ({}));
    if (rsp.status === 502 && body.unreachable) throw new Unreachable(body.error);
    throw new Error(body.error || 'HTTP ' + rsp.status);
  }
  const reader = rsp.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    rest += value;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line && !signal.aborted) onEvent(JSON.parse(line));
    }
  }
}

/** A request failed when the proxy saw an error, a 5xx, or a non-OK gRPC status (as `meshlens top`). */
export function succeeded(e) {
  if (e.error || (e.status_code ?? 0) >= 500) return false;
  return !e.grpc_status || e.grpc_status === 'OK';
}

export function peer(e, side) {
  const name = e[side + '_workload'];
  const kind = e[side + '_kind'];
  return name ? (kind ? `${kind}/${name}` : name) : '-';
}

/**
 * Keeps a stream open while wanted: reopens it after it ends or fails, every `retrySeconds`.
 * onState gets 'live', 'unreachable: …' or 'error: …', never after the returned stop is called.
 */
export function keepStreaming(params, onEvent, onState, retrySeconds) {
  const abort = new AbortController();
  (async () => {
    while (!abort.signal.aborted) {
      try {
        onState('live');
        await tapStream(params, onEvent, abort.signal);
      } catch (err) {
        if (abort.signal.aborted) break;
        onState((err instanceof Unreachable ? 'unreachable: ' : 'error: ') + err.message);
      }
      await new Promise((r) => setTimeout(r, retrySeconds * 1000));
    }
  })();
  return () => abort.abort();
}
