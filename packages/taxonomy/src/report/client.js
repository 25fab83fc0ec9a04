/* The report's browser app: tree, search (MiniSearch, inlined), concept panel, quality, overview and
 * curation views over the JSON embedded in the page. Plain ES2020, no network, works from file://. */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const byId = new Map(data.concepts.map((c) => [c.id, c]));
  const roots = data.concepts.filter((c) => c.parent === null).sort((a, b) => a.label.localeCompare(b.label, 'en') || (a.id < b.id ? -1 : 1));
  const outcomes = data.curation ? data.curation.outcomes : [];

  /** h('div', { class: 'x', onclick: f }, child, 'text', …) */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
    return el;
  }
  const lv = (level) => h('span', { class: `lv lv${level}`, title: ['field', 'department', 'research area', 'topic'][level] }, `L${level}`);
  const pct = (x) => `${Math.round(x * 100)}%`;
  const conceptLink = (id, text) => (byId.has(id) ? h('a', { href: `#/concept/${encodeURIComponent(id)}` }, text || byId.get(id).label) : h('span', { class: 'mono' }, text || id));
  const table = (head, rows, rowClass) =>
    h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { class: c.endsWith('#') ? 'num' : '' }, c.replace(/#$/, ''))))), h('tbody', {}, rows.map((r, i) => h('tr', { class: rowClass ? rowClass(i) : '' }, r.map((cell) => (cell instanceof Node && cell.tagName === 'TD' ? cell : h('td', { class: typeof cell === 'number' ? 'num' : '' }, cell)))))));
  const card = (title, ...body) => h('section', { class: 'card' }, h('h3', {}, title), ...body);

  // ---------------------------------------------------------------- header and tabs
  const quality = data.quality;
  const issues = data.orphans.length + quality.low_confidence.length + quality.unplaced.length + quality.validation_failed.length + quality.sources_without_concepts.length;
  const curationCount = data.curation ? data.curation.counts.decisions : 0;
  const tabs = [
    ['browse', 'Browse', null],
    ['quality', 'Quality', issues],
    ['overview', 'Overview', null],
    ['curation', 'Curation', curationCount],
  ];
  const nav = h('nav', { class: 'tabs' }, tabs.map(([id, name, n]) => h('button', { 'data-tab': id, onclick: () => showTab(id) }, name, n === null ? null : h('span', { class: 'n' }, n))));
  document.body.append(
    h('header', { class: 'top' },
      h('div', { class: 'brand' }, data.title),
      h('div', { class: 'run' }, `${data.run.id} · ${data.run.environment} · policy ${data.run.policy_version}`),
      h('div', { class: 'stats' }, h('span', { class: 'stat' }, `${data.counts.total} concepts`), data.counts.by_level.map((n, l) => h('span', { class: 'stat' }, `L${l} ${n}`)))),
    nav,
  );
  const main = h('main', {});
  document.body.append(main);
  const views = {};
  for (const [id] of tabs) {
    views[id] = h('section', { class: 'view', id: `view-${id}` });
    main.append(views[id]);
  }
  function showTab(id) {
    for (const [tab] of tabs) views[tab].classList.toggle('active', tab === id);
    for (const b of nav.querySelectorAll('button')) b.classList.toggle('active', b.dataset.tab === id);
  }

  // ---------------------------------------------------------------- browse: search + tree + panel
  const search = h('input', { id: 'search', type: 'search', placeholder: 'Search labels and aliases…', autocomplete: 'off', 'aria-label': 'Search concepts' });
  const results = h('div', { id: 'results', role: 'listbox' });
  const hint = h('div', { class: 'hint' }, `${roots.length} fields at the top level; ▸ opens a branch, a label opens its details.`);
  const tree = h('div', { id: 'tree', role: 'tree' });
  const panel = h('article', { id: 'panel' }, h('div', { class: 'card empty' }, 'Pick a concept in the tree or search for one.'));
  views.browse.append(h('aside', { class: 'left card' }, search, hint, results, tree), panel);

  const index = new MiniSearch({ fields: ['label', 'aliases'], idField: 'id', searchOptions: { boost: { label: 3 }, prefix: true, fuzzy: 0.2 } });
  index.addAll(data.concepts.map((c) => ({ id: c.id, label: c.label, aliases: c.aliases.join(' | ') })));

  function runSearch() {
    const q = search.value.trim();
    results.replaceChildren();
    tree.hidden = q !== '';
    if (q === '') {
      hint.textContent = `${roots.length} fields at the top level; ▸ opens a branch, a label opens its details.`;
      const selected = tree.querySelector('.row.selected');
      if (selected) scrollTreeTo(selected);
      return;
    }
    // Every word first (AND); when nothing has them all, any word (OR), still prefix- and typo-tolerant.
    let hits = index.search(q, { combineWith: 'AND' });
    if (hits.length === 0) hits = index.search(q, { combineWith: 'OR' });
    hits = hits.slice(0, 50);
    hint.textContent = hits.length === 0 ? `No concept matches "${q}".` : `${hits.length === 50 ? 'First 50' : hits.length} match(es) for "${q}"`;
    for (const hit of hits) {
      const c = byId.get(hit.id);
      results.append(h('button', { class: 'result', role: 'option', 'data-id': c.id, onclick: () => select(c.id) }, lv(c.level), ' ', h('b', {}, c.label), c.curated ? h('span', { class: 'badge curated' }, 'curated') : null, h('span', { class: 'path' }, c.path.join(' › '))));
    }
  }
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 80);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      const first = results.querySelector('.result');
      if (first) first.click();
    }
    if (e.key === 'Escape') {
      search.value = '';
      runSearch();
    }
  });

  const rows = new Map();
  function renderNode(c) {
    const caret = h('button', { class: `caret${c.children.length === 0 ? ' leaf' : ''}`, 'aria-label': 'expand' }, '▸');
    const row = h('div', { class: 'row' }, caret, lv(c.level), h('button', { class: 'label', title: c.id, onclick: () => select(c.id) }, c.label), c.children.length > 0 ? h('span', { class: 'count' }, `(${c.children.length})`) : null, c.curated ? h('span', { class: 'badge curated' }, 'curated') : null, c.validation && c.validation.passed === false ? h('span', { class: 'badge bad' }, 'failed validation') : null);
    const node = h('div', { class: 'node', role: 'treeitem', 'data-id': c.id }, row);
    rows.set(c.id, { node, row, caret, open: false, box: null });
    caret.addEventListener('click', () => toggle(c.id));
    return node;
  }
  function toggle(id, force) {
    const state = rows.get(id);
    const c = byId.get(id);
    const open = force === undefined ? !state.open : force;
    if (open === state.open || c.children.length === 0) return;
    state.open = open;
    state.caret.textContent = open ? '▾' : '▸';
    state.node.setAttribute('aria-expanded', String(open));
    if (open) {
      state.box = h('div', { role: 'group' }, c.children.map((child) => renderNode(byId.get(child))));
      state.node.append(state.box);
    } else if (state.box) {
      state.box.remove();
      state.box = null;
    }
  }
  tree.append(...roots.map(renderNode));

  /** Scrolls the tree pane (never the page) so that `row` sits in its middle. */
  function scrollTreeTo(row) {
    if (tree.hidden) return;
    tree.scrollTop = Math.max(0, row.offsetTop - tree.offsetTop - tree.clientHeight / 2);
  }

  function reveal(id) {
    const chain = [];
    for (let c = byId.get(id); c; c = c.parent === null ? null : byId.get(c.parent)) chain.unshift(c.id);
    for (const ancestor of chain.slice(0, -1)) toggle(ancestor, true);
    for (const r of tree.querySelectorAll('.row.selected')) r.classList.remove('selected');
    const state = rows.get(id);
    if (state) {
      state.row.classList.add('selected');
      scrollTreeTo(state.row);
    }
  }

  function select(id) {
    if (location.hash !== `#/concept/${encodeURIComponent(id)}`) history.replaceState(null, '', `#/concept/${encodeURIComponent(id)}`);
    showTab('browse');
    for (const r of results.querySelectorAll('.result')) r.classList.toggle('current', r.dataset.id === id);
    reveal(id);
    renderPanel(byId.get(id));
  }

  // ---------------------------------------------------------------- the concept panel
  function renderPanel(c) {
    const parent = c.parent === null ? null : byId.get(c.parent);
    const crumbs = [];
    for (let a = parent; a; a = a.parent === null ? null : byId.get(a.parent)) crumbs.unshift(a);
    const p = c.placement;
    const head = h('section', { class: 'card' },
      h('div', {}, lv(c.level), ' ', h('h2', { style: 'display:inline' }, c.label),
        c.curated ? h('span', { class: 'badge curated' }, 'curated') : null,
        c.validation ? (c.validation.passed === false ? h('span', { class: 'badge bad' }, 'failed validation') : c.validation.passed === true ? h('span', { class: 'badge ok' }, 'validated') : h('span', { class: 'badge' }, 'validation unknown')) : null,
        p ? h('span', { class: `badge${p.method === 'unplaced' ? ' bad' : p.confidence < data.settings.low_confidence_below ? ' warn' : ''}` }, `placed: ${p.method} ${pct(p.confidence)}`) : null),
      h('div', { class: 'crumbs' }, crumbs.map((a) => [conceptLink(a.id), ' › ']), h('span', {}, c.label)),
      h('div', { class: 'facts' },
        fact('id', h('span', { class: 'mono' }, c.id)),
        fact('level', ['L0 field', 'L1 department', 'L2 research area', 'L3 topic'][c.level]),
        fact('parent', parent ? conceptLink(parent.id) : c.level === 0 ? '— (top level)' : h('span', { class: 'mono' }, c.parent)),
        fact('children', String(c.children.length)),
        fact('institutions', String(c.support.institutions)),
        fact('records', String(c.records)),
        fact('weight', c.weight.toFixed(2)),
        c.gloss ? fact('gloss', c.gloss) : null),
      c.aliases.length > 0 ? h('div', { style: 'margin-top:8px' }, h('span', { class: 'muted' }, 'Aliases: '), h('span', { class: 'chips', style: 'display:inline-flex' }, c.aliases.map((a) => h('span', { class: 'chip' }, a)))) : null);

    const placement = card('Parent and placement',
      p
        ? [
            h('div', {}, 'Method ', h('b', {}, p.method), ` · confidence ${pct(p.confidence)} · ${p.votes.toFixed(2)} vote(s) for `, parent ? conceptLink(parent.id) : c.parent || 'no parent'),
            p.alternatives.length > 0
              ? table(['alternative parent', 'votes#', 'institutions', 'evidence'], p.alternatives.map((a) => [conceptLink(a.parent, a.label), a.votes, a.institutions.join(', ') || '—', a.methods.join(', ') || '—']))
              : h('div', { class: 'note' }, 'No other parent received votes.'),
            p.reasons.length > 0 ? h('ul', { class: 'reasons' }, p.reasons.map((r) => h('li', {}, r))) : null,
          ]
        : [
            c.anchor ? h('div', {}, 'Anchor ', h('b', {}, c.anchor.method), c.anchor.detail ? ` — ${c.anchor.detail}` : '') : null,
            h('div', { class: 'note' }, 'This build carries no placement votes (the placement phase did not run); the parent is the one S1 anchored.'),
          ]);

    const records = c.record_ids.map((id) => data.records[id]).filter(Boolean);
    const recordCard = card(`Records (${records.length} of ${c.records} shown)`,
      records.length === 0
        ? h('div', { class: 'note' }, 'No source record of this concept is in the S0 output.')
        : h('div', { class: 'scroll' }, table(['text', 'institution', 'source', 'link'], records.map((r) => [r.text, r.institution, h('td', { class: 'nowrap' }, r.source || '—'), r.url ? h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer', title: r.url }, shortUrl(r.url)) : '—']))),
      c.records > records.length ? h('div', { class: 'note' }, `${c.records - records.length} more record(s) not listed (taxonomy.report.max_records_per_concept = ${data.settings.max_records_per_concept}).`) : null);

    const gates = card('Gates and reasons',
      h('div', { class: 'chips', style: 'margin-bottom:8px' }, Object.entries(c.gates).sort().map(([g, ok]) => h('span', { class: `gate ${ok ? 'pass' : 'fail'}` }, `${ok ? '✓' : '✗'} ${g}`))),
      h('ul', { class: 'reasons', id: 'reasons' }, c.reasons.map((r) => h('li', {}, r))));

    const findings = data.findings[c.id] || [];
    const v = c.validation;
    const validation = card('Validation evidence',
      v ? h('div', {}, `passed: ${v.passed === null ? 'unknown' : v.passed ? 'yes' : 'no'} · confidence ${pct(v.confidence)} · ${v.evidence_count} evidence snippet(s)`, Object.keys(v.scores).length ? ` · scores ${Object.entries(v.scores).sort().map(([k, s]) => `${k} ${s}`).join(', ')}` : '', v.top_evidence_url ? [' · top evidence ', h('a', { href: v.top_evidence_url, target: '_blank', rel: 'noopener noreferrer' }, shortUrl(v.top_evidence_url))] : '') : h('div', { class: 'note' }, 'Not validated.'),
      findings.length > 0
        ? h('ul', { class: 'reasons' }, findings.map((f) => h('li', {}, h('span', { class: `gate ${f.outcome === 'pass' ? 'pass' : f.outcome === 'fail' ? 'fail' : ''}` }, `${f.mode}: ${f.outcome}${f.hard ? ' (hard)' : ''}`), ' ', f.detail, f.snippets.map((s) => h('div', { class: 'snippet' }, `“${s.text}”`, s.source ? ` — ${s.source}` : '', s.url ? [' ', h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, shortUrl(s.url))] : '')))))
        : null);

    const ops = c.ops.map((i) => data.ops[i]);
    const opsCard = ops.length > 0
      ? card('Merges and splits',
          h('ul', { class: 'reasons' }, ops.map((op) =>
            op.kind === 'merge'
              ? h('li', {}, h('b', {}, 'merge '), `(${op.rule}) into `, conceptLink(op.subject), ': ', op.members.map((m) => `"${m.label}"${m.note ? ` ${m.note}` : ''}`).join(', '), op.reparented.includes(c.id) ? ' — this concept was re-pointed to the winner' : '')
              : h('li', {}, h('b', {}, 'split '), `(${op.rule}) of ${op.subject} into senses: `, op.members.map((m, j) => [j ? '; ' : '', conceptLink(m.id, m.label), m.note ? ` — ${m.note}` : ''])))))
      : null;

    const cur = c.curation.map((i) => outcomes[i]);
    const curCard = cur.length > 0 ? card('Curation', h('ul', { class: 'reasons' }, cur.map((o) => h('li', {}, h('b', {}, `#${o.index + 1} ${o.decision.op}`), ` ${o.detail}`, o.decision.note ? h('div', { class: 'snippet' }, `note: ${o.decision.note}`) : null)))) : null;

    const inst = card(`Institutions (${c.institutions.length})`, h('div', { class: 'chips' }, c.institutions.map((i) => h('span', { class: 'chip' }, i))));
    const kids = c.children.length > 0 ? card(`Children (${c.children.length})`, h('div', { class: 'chips' }, c.children.slice(0, 200).map((id) => h('span', { class: 'chip' }, conceptLink(id))))) : null;

    panel.replaceChildren(head, recordCard, h('div', { class: 'grid2' }, h('div', {}, placement, gates, curCard, opsCard), h('div', {}, inst, validation, kids)));
  }
  function fact(k, v) {
    return h('div', {}, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v));
  }
  function shortUrl(url) {
    const s = url.replace(/^https?:\/\//, '');
    return s.length > 48 ? `${s.slice(0, 45)}…` : s;
  }

  // ---------------------------------------------------------------- quality
  const q = views.quality;
  const listOf = (ids) => (ids.length === 0 ? h('div', { class: 'note' }, 'None.') : table(['concept', 'level', 'path'], ids.map((id) => [conceptLink(id), byId.get(id).level, byId.get(id).path.join(' › ')])));
  q.append(
    card(`Orphans and unplaced concepts (${data.orphans.length + quality.unplaced.length})`,
      data.orphans.length === 0 ? h('div', { class: 'note' }, 'No orphan: every concept found its parent.') : table(['concept', 'level', 'disposition', 'reason', 'detail', 'institutions#'], data.orphans.map((o) => [h('span', {}, h('b', {}, o.label), h('div', { class: 'mono muted' }, o.id)), o.level, o.disposition, o.reason, o.detail, o.institutions])),
      quality.unplaced.length > 0 ? [h('h3', { style: 'margin-top:12px' }, 'Unplaced by the placement phase'), listOf(quality.unplaced)] : null),
    card(`Low-confidence placements (${quality.low_confidence.length})`,
      quality.placement_known
        ? quality.low_confidence.length === 0 ? h('div', { class: 'note' }, `No placement below ${pct(data.settings.low_confidence_below)} confidence.`) : table(['concept', 'confidence#', 'parent', 'runner-up'], quality.low_confidence.map((id) => { const c = byId.get(id); const alt = c.placement.alternatives[0]; return [conceptLink(id), pct(c.placement.confidence), c.parent ? conceptLink(c.parent) : '—', alt ? `${alt.label} (${alt.votes})` : '—']; }))
        : h('div', { class: 'note' }, 'This build carries no placement confidence (the placement phase did not run).')),
    card(`Failed validation (${quality.validation_failed.length})`, listOf(quality.validation_failed)),
    card('What each source contributed',
      data.sources.length === 0 ? h('div', { class: 'note' }, 'No S0 index in this build.') : table(['source', 'level#', 'loader', 'trust', 'records in#', 'records out#', 'records behind a concept#', 'labels#', 'concepts kept#', 'dropped'], data.sources.map((s) => [h('b', {}, s.id), s.level, s.loader, s.trust === null ? '—' : String(s.trust), num(s.records_in), num(s.records_out), num(s.records_used), num(s.labels), num(s.concepts_kept), Object.entries(s.dropped).map(([g, n]) => `${g} ${n}`).join(', ') || '—']), (i) => ((data.sources[i].concepts_kept || 0) === 0 ? 'zero' : '')),
      h('div', { class: 'note' }, quality.sources_without_concepts.length === 0 ? 'Every source supports at least one final concept.' : `Sources that contributed no concept: ${quality.sources_without_concepts.join(', ')}.`)),
    data.curation && data.curation.counts.unmatched + data.curation.counts.conflict > 0 ? card('Curation decisions not applied', curationTable(outcomes.filter((o) => o.status === 'unmatched' || o.status === 'conflict'))) : null,
  );
  function num(n) {
    return n === null || n === undefined ? '—' : n;
  }

  // ---------------------------------------------------------------- overview
  const plots = document.getElementById('plots').content.cloneNode(true);
  const levelRows = [0, 1, 2, 3].map((l) => {
    const cs = data.concepts.filter((c) => c.level === l);
    const mean = cs.length === 0 ? 0 : cs.reduce((n, c) => n + c.support.institutions, 0) / cs.length;
    return [lv(l), cs.length, cs.filter((c) => c.children.length > 0).length, cs.filter((c) => c.curated).length, h('td', { class: 'num' }, mean.toFixed(2))];
  });
  views.overview.append(
    card('Concepts per level', table(['level', 'concepts#', 'with children#', 'curated#', 'mean institutions#'], levelRows), h('div', { class: 'note' }, `${data.counts.total} concepts, ${data.counts.edges} parent links.`)),
    h('div', { class: 'plots' }, [...plots.children].map((svg) => h('div', { class: 'card' }, svg))),
  );

  // ---------------------------------------------------------------- curation
  function curationTable(list) {
    return table(['#', 'decision', 'concept', 'status', 'detail', 'note'], list.map((o) => [o.index + 1, o.decision.op, conceptLink(o.decision.concept, o.decision.concept), h('span', { class: `badge ${o.status === 'applied' ? 'ok' : o.status === 'unchanged' ? '' : 'bad'}` }, o.status), o.detail, o.decision.note || '—']));
  }
  views.curation.append(
    data.curation === null
      ? card('Curation', h('div', { class: 'note' }, 'No curation output in this build.'))
      : card(`Decisions of ${data.curation.file}`, data.curation.present ? (outcomes.length === 0 ? h('div', { class: 'note' }, 'The file holds no decision.') : curationTable(outcomes)) : h('div', { class: 'note' }, `${data.curation.file} does not exist: no human decision applied.`), h('div', { class: 'note' }, 'Edit with: npx taxonomy curate pin|rename|merge|drop|alias … ; a decision whose target is gone is listed as unmatched and changes nothing.')),
  );

  // ---------------------------------------------------------------- routing
  function route() {
    const m = /^#\/concept\/(.+)$/.exec(location.hash);
    if (m && byId.has(decodeURIComponent(m[1]))) select(decodeURIComponent(m[1]));
    else if (/^#\/(quality|overview|curation)$/.test(location.hash)) showTab(location.hash.slice(2));
    else showTab('browse');
  }
  window.addEventListener('hashchange', route);
  route();
  document.documentElement.dataset.ready = 'true';
})();
