// The exporter's live API (docs/api.md), reached through the dashboard's same-origin relay.

/** The exporter could not be reached: the banner says so and the page keeps retrying. */
export class Unreachable extends Error {}
/** The name in the URL does not exist: the page says "not found" instead of an empty table. */
export class NotFound extends Error {}


/** GET /api/v1/<path> through the dashboard's relay. */
export async function api(path, params, signal) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v) q.set(k, v);
  const rsp = await fetch('/api/v1/' + path + (q.size ? '?' + q : ''), { signal });
  const body = await rsp.json().catch(() => ({ error: 'HTTP ' + rsp.status }));
  if (rsp.status === 502 && body.unreachable) throw new Unreachable(body.error);
  // the exporter answers 404 for a namespace or resource it knows nothing of (docs/api.md)
  if (rsp.status === 404) throw new NotFound((body.error || 'not found').split('\n')[0]);
  if (!rsp.ok) throw new Error(body.error || 'HTTP ' + rsp.status);
  return body;
}

