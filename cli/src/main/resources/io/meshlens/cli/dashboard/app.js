// The single page: a hash router, the live refresh loop and the exporter banner.
import { el } from './format.js';
import { namespacesPage } from './namespaces.js';
import { namespacePage } from './namespace.js';
import { graphPage } from './graph.js';
import { workloadPage } from './workload.js';
import { NotFound, Unreachable } from './api.js';

const banner = document.getElementById('banner');
let failures = 0;

function showUnreachable(config, err) {
  failures++;
  banner.hidden = false;
  banner.className = 'banner-error';
  banner.replaceChildren(
    el('strong', {}, err.message.charAt(0).toUpperCase() + err.message.slice(1) + '. '),
    el('span', { id: 'retry' }, `Retrying every ${config.refresh_seconds} s (attempt ${failures}).`),
    el('br'),
    el('span', { class: 'hint' }, 'Hint: start the local demo (meshlens demo), pass --api URL, or '
      + 'kubectl -n meshlens port-forward svc/meshlens-exporter 9995'));
}

function clearBanner() {
  failures = 0;
  banner.hidden = true;
  banner.replaceChildren();
}

function route(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'namespaces')) return { page: namespacesPage, args: {} };
  if (parts[0] === 'namespaces' && parts.length === 2) return { page: namespacePage, args: { ns: parts[1] } };
  if (parts[0] === 'namespaces' && parts.length === 3 && parts[2] === 'graph') return { page: graphPage, args: { ns: parts[1] } };
  if (parts[0] === 'namespaces' && parts.length === 4) return { page: workloadPage, args: { ns: parts[1], kind: parts[2], name: parts[3] } };
  return { page: null, args: { hash } };
}

function crumbs(args, extra) {
  const items = [el('a', { href: '#/' }, 'namespaces')];
  if (args.ns) items.push(el('a', { href: '#/namespaces/' + encodeURIComponent(args.ns) }, args.ns));
  if (extra) items.push(el('span', {}, extra));
  const nav = document.getElementById('crumbs');
  nav.replaceChildren(...items.flatMap((i, n) => (n ? [el('span', { class: 'sep' }, '›'), i] : [i])));
}

let current = null;

async function show(config) {
  if (current) current.abort.abort();
  const { page, args } = route(location.hash);
  const main = document.getElementById('page');
  const abort = new AbortController();
  const me = { abort };
  current = me;
  if (!page) {
    crumbs({});
    main.replaceChildren(el('div', { id: 'not-found', class: 'not-found' },
      el('h1', {}, 'Page not found'), el('p', {}, `There is no page at ${args.hash}. `, el('a', { href: '#/' }, 'All namespaces'))));
    return;
  }
  const view = page({ ...args, config, signal: abort.signal, main, crumbs: (extra) => crumbs(args, extra) });
  const tick = async () => {
    if (current !== me) return;
    try {
      await view.refresh();
      clearBanner();
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      main.dataset.loaded = 'true';
    } catch (err) {
      if (abort.signal.aborted) return;
      if (err instanceof Unreachable) {
        showUnreachable(config, err);
      } else if (err instanceof NotFound) {
        main.replaceChildren(el('div', { id: 'not-found', class: 'not-found' },
          el('h1', {}, 'Not found'), el('p', {}, err.message + ' ', el('a', { href: '#/' }, 'All namespaces'))));
        main.dataset.loaded = 'true';
        view.stop?.();
        return; // a name that does not exist now is not polled for
      } else {
        banner.hidden = false;
        banner.className = 'banner-error';
        banner.replaceChildren(el('strong', {}, 'The exporter answered with an error: '), err.message);
      }
    }
    if (current === me) setTimeout(tick, config.refresh_seconds * 1000);
  };
  abort.signal.addEventListener('abort', () => view.stop?.());
  tick();
}

async function main() {
  const config = await (await fetch('/config.json')).json();
  window.addEventListener('hashchange', () => show(config));
  show(config);
}

main();
