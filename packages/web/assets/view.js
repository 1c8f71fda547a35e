// The live cluster view in the browser: plain DOM and one EventSource. The server sends the whole
// view once (`snapshot`), then each section that changed (`section`) and each timeline entry
// (`timeline`); this script only draws what it is sent.
'use strict';

/** The view as last received. */
let view;

/** Makes an element: `h('div', {class: 'x', 'data-y': 1}, child, 'text', …)`. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function replace(id, ...children) {
  document.getElementById(id).replaceChildren(...children.flat());
}

/** A key-range bound (hex) as a fraction of the keyspace-id space; '' is 0 as a start, 1 as an end. */
function fraction(hex, isEnd) {
  if (hex === '') return isEnd ? 1 : 0;
  return parseInt(hex.slice(0, 8).padEnd(8, '0'), 16) / 0x100000000;
}

/** A GTID position, shortened: each server's UUID to its first 8 characters. */
function shortPosition(position) {
  if (!position) return '—';
  const set = position.replace(/^MySQL56\//, '');
  if (set === '') return 'empty';
  return set.split(',').map((part) => {
    const [uuid, ...ranges] = part.split(':');
    return `${uuid.slice(0, 8)}…:${ranges.join(':')}`;
  }).join(', ');
}

function ago(ms) {
  if (ms === undefined || ms === null) return 'never';
  const s = Math.max(0, (Date.now() - ms) / 1000);
  return s < 60 ? `${s.toFixed(1)} s ago` : `${Math.floor(s / 60)} min ago`;
}

function clock(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

function renderKeyspaces() {
  if (view.keyspaces.length === 0) return replace('keyspaces', h('p', { class: 'empty' }, 'no keyspaces yet'));
  replace('keyspaces', view.keyspaces.map((ks) => h('div', { class: 'keyspace', 'data-keyspace': ks.name },
    h('h3', {}, ks.name, ' ', h('span', { class: 'hint' }, `${ks.shards.length} shard${ks.shards.length === 1 ? '' : 's'}`)),
    ks.shards.map((shard) => {
      const left = fraction(shard.start, false);
      const right = fraction(shard.end, true);
      const serving = shard.servedTypes.includes('PRIMARY');
      return h('div', { class: 'shard', 'data-shard': `${ks.name}/${shard.name}`, 'data-serving': serving },
        h('div', { class: 'range' },
          h('div', { class: 'segment', 'data-serving': serving, style: `left:${left * 100}%;width:${(right - left) * 100}%`, title: `key range ${shard.start || '(min)'} – ${shard.end || '(max)'}` },
            h('span', { class: 'shard-name' }, shard.name),
            h('span', { class: 'served' }, serving ? `serving ${shard.servedTypes.join(', ')}` : shard.servedTypes.length > 0 ? `serving ${shard.servedTypes.join(', ')} only` : 'not serving'))),
        h('div', { class: 'tablets' }, shard.tablets.length === 0 ? h('span', { class: 'empty' }, 'no tablets running') : shard.tablets.map((t) =>
          h('div', { class: 'tablet', 'data-tablet': t.alias, 'data-type': t.type, 'data-serving': t.serving, title: t.position },
            h('span', { class: 'mono' }, t.alias), ' ', h('span', { class: 'type' }, t.type), ' ',
            t.serving ? 'serving' : h('span', { class: 'bad' }, 'not serving'), ' · ',
            h('span', { class: 'mono' }, shortPosition(t.position)),
            t.lagSeconds !== undefined && t.lagSeconds !== null ? ` · lag ${t.lagSeconds} s` : '',
            t.replicationError ? h('span', { class: 'bad' }, ` · ${t.replicationError}`) : ''))));
    }))));
}

function renderWorkflows() {
  if (view.workflows.length === 0) return replace('workflows', h('p', { class: 'empty' }, 'no workflows'));
  replace('workflows', view.workflows.map((wf) => {
    // WorkflowStatus's text: `All Reads Switched` / `Reads partially switched…` / `Reads Not Switched`, then the writes.
    const reads = /All Reads Switched/.test(wf.trafficState) ? 'true' : /Reads partially switched/.test(wf.trafficState) ? 'partial' : 'false';
    const writes = /Writes Switched/.test(wf.trafficState) && !/Writes Not Switched/.test(wf.trafficState);
    return h('div', { class: 'workflow', 'data-workflow': `${wf.keyspace}.${wf.name}`, 'data-state': wf.state },
      h('div', { class: 'title' },
        h('span', { class: 'name' }, `${wf.keyspace}.${wf.name}`),
        h('span', {}, wf.subType && wf.subType !== 'None' ? `${wf.type} (${wf.subType})` : wf.type),
        h('span', { class: 'state', 'data-state': wf.state }, wf.state),
        h('span', { class: 'hint' }, `${wf.source.keyspace}/${wf.source.shards.join(',')} → ${wf.target.keyspace}/${wf.target.shards.join(',')}`)),
      h('div', { class: 'traffic' },
        h('span', { 'data-switched': reads, 'data-traffic': 'reads' }, reads === 'true' ? 'reads switched' : reads === 'partial' ? 'reads partially switched' : 'reads not switched'),
        h('span', { 'data-switched': writes, 'data-traffic': 'writes' }, writes ? 'writes switched' : 'writes not switched'),
        h('span', { class: 'hint' }, `lag ${wf.lagSeconds} s · ${wf.rowsCopied} rows copied`)),
      wf.copy && h('div', { class: 'progress', 'data-tables': wf.copy.tables.join(','), 'data-percentage': wf.copy.percentage },
        h('span', { class: 'mono' }, `copying ${wf.copy.tables.join(', ')}`),
        h('div', { class: 'bar' }, h('div', { style: `width:${wf.copy.percentage}%` })),
        h('span', {}, `${wf.copy.rowsCopied} / ${wf.copy.rowsTotal} rows (${wf.copy.percentage}%)`)),
      h('table', {},
        h('tr', {}, h('th', {}, 'stream'), h('th', {}, 'target'), h('th', {}, 'source'), h('th', {}, 'state'), h('th', {}, 'rows copied'), h('th', {}, 'position')),
        wf.streams.map((s) => h('tr', {},
          h('td', {}, s.id), h('td', {}, s.shard), h('td', {}, s.source), h('td', {}, s.state, s.message ? ` — ${s.message}` : ''),
          h('td', {}, s.rowsCopied), h('td', { class: 'mono', title: s.position }, shortPosition(s.position))))));
  }));
}

function renderVStreams() {
  if (view.vstreams.length === 0) return replace('vstreams', h('p', { class: 'empty' }, 'no VStream client is connected'));
  replace('vstreams', view.vstreams.map((c) => h('div', { class: 'client', 'data-vstream': c.id, 'data-shards': c.shards.map((s) => s.shard).join(',') },
    h('div', {}, h('b', {}, `#${c.id}`), ` ${c.tabletType} · `, c.filter.map((f) => h('span', { class: 'mono' }, `${f.match}: ${f.filter}`))),
    h('div', { class: 'shards' }, c.shards.map((s) => h('span', { class: 'shard-pos', 'data-shard': `${s.keyspace}/${s.shard}`, title: s.gtid },
      h('b', {}, `${s.keyspace}/${s.shard}`), h('span', { class: 'mono' }, shortPosition(s.gtid)), s.copying.length > 0 ? ` (copying ${s.copying.join(', ')})` : ''))),
    h('div', { class: 'hint' }, `${c.eventsPerSecond} events/s · ${c.eventsSent} events sent · last event ${c.lastEventType ?? '—'} ${ago(c.lastEventAtMs)}`))));
}

function renderRouting() {
  if (view.routing.groups.length === 0) return replace('routing', h('p', { class: 'empty' }, 'no routing rules'));
  replace('routing', h('div', { class: 'rules' }, view.routing.groups.map((g) => h('div', { class: 'group', 'data-table': g.table },
    h('b', {}, g.table),
    g.rules.map((r) => h('div', { class: 'rule' }, `${r.from} → ${r.to.join(', ')}`))))));
}

function renderTimeline() {
  const list = document.getElementById('timeline');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.replaceChildren(...view.timeline.slice(-300).map((e) => h('li', { 'data-kind': e.kind, 'data-seq': e.seq },
    h('span', { class: 'time' }, clock(e.atMs)), h('span', { class: 'kind' }, e.kind), h('span', {}, e.text))));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

const RENDER = { keyspaces: renderKeyspaces, workflows: renderWorkflows, vstreams: renderVStreams, routing: renderRouting, timeline: renderTimeline };

function renderAll() {
  document.getElementById('cell').textContent = `cell ${view.cell}`;
  for (const render of Object.values(RENDER)) render();
}

// Large text for projectors, remembered in the address (?large=1).
const largeButton = document.getElementById('large');
function setLarge(on) {
  document.body.classList.toggle('large', on);
  largeButton.setAttribute('aria-pressed', String(on));
  const url = new URL(location.href);
  if (on) url.searchParams.set('large', '1');
  else url.searchParams.delete('large');
  history.replaceState(null, '', url);
}
largeButton.addEventListener('click', () => setLarge(!document.body.classList.contains('large')));
setLarge(new URL(location.href).searchParams.get('large') === '1');

const connection = document.getElementById('connection');
function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
}

const events = new EventSource('/api/events');
events.addEventListener('open', () => setConnection('live', 'live'));
events.addEventListener('error', () => setConnection('lost', 'reconnecting…'));
events.addEventListener('snapshot', (e) => {
  view = JSON.parse(e.data);
  setConnection('live', 'live');
  renderAll();
});
events.addEventListener('section', (e) => {
  if (!view) return;
  const { name, value } = JSON.parse(e.data);
  view[name] = value;
  RENDER[name]();
});
events.addEventListener('timeline', (e) => {
  if (!view) return;
  const entry = JSON.parse(e.data);
  if (view.timeline.length > 0 && view.timeline[view.timeline.length - 1].seq >= entry.seq) return;
  view.timeline.push(entry);
  renderTimeline();
});
// "last event … ago" ages in the browser between two updates (no request is made).
setInterval(() => view && view.vstreams.length > 0 && renderVStreams(), 1000);
