// The practitioner's page: builds the contact form from GET /v1/document, asks POST /v1/explain
// as the worker selects (debounced), shows the decision, and records the outcome the worker gives
// through POST /v1/records. Plain ES2020, no framework; every element is made with
// createElement/textContent (never innerHTML), so no text from the document or the service can
// become markup. Nothing is written to localStorage or sessionStorage: a contact is personal data.
'use strict';

(() => {
  const DEBOUNCE_MS = 250;

  // DfE children-in-need census referral sources (the built-in `source` field's codes).
  const SOURCE_LABELS = {
    '1A': 'Individual: family member, relative or carer', '1B': 'Individual: acquaintance', '1C': 'Individual: self',
    '1D': 'Individual: other', '2A': 'Schools', '2B': 'Education services', '3A': 'Health services: GP',
    '3B': 'Health services: health visitor', '3C': 'Health services: school nurse',
    '3D': 'Health services: other primary health services', '3E': 'Health services: A&E', '3F': 'Health services: other',
    '4': 'Housing', '5A': 'LA services: social care', '5B': 'LA services: other internal', '5C': 'LA services: external',
    '5D': 'LA services: early help', '6': 'Police', '7': 'Other legal agency', '8': 'Other', '9': 'Anonymous', '10': 'Unknown',
  };
  const CHANNEL_LABELS = {
    conversation: 'Conversation with a professional', written: 'Written referral', notification: 'Notification',
    online: 'Online form', in_person: 'In person',
  };
  const REASON_KINDS = { concern: 'Descriptor', rule: 'Rule', routing: 'Routing', level: 'Level', unknown: 'Not known' };

  const state = {
    doc: null, levels: new Map(), outcomes: new Map(), actions: {}, overrideReasons: [],
    inputs: new Map(),   // field id -> the element an error about it should point at
    decision: null, timer: 0, inflight: null, seq: 0, historyNext: 0,
  };

  const $ = (id) => document.getElementById(id);

  // el('div', {class: 'x', for: 'y'}, 'text', child...): attributes by setAttribute, children as nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  const humanise = (id) => { const s = String(id).replace(/_/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); };
  const safeId = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
  const lineOf = (at) => { const m = /:(\d+):\d+$/.exec(at || ''); return m ? Number(m[1]) : null; };
  const lineRef = (at) => { const n = lineOf(at); return n ? el('span', { class: 'line-ref' }, ` (line ${n})`) : null; };
  const levelName = (id) => { const l = state.levels.get(id); return l ? (l.name || humanise(l.id)) : humanise(id); };
  const outcomeName = (id) => { const o = state.outcomes.get(id); return o ? (o.name || humanise(o.id)) : humanise(id); };

  // --- talking to the service ---------------------------------------------------------------------

  class ServiceError extends Error {
    constructor(status, error) {
      super((error && error.message) || `The service answered ${status}`);
      this.status = status;
      this.code = (error && error.code) || 'http_' + status;
      this.field = (error && error.field) || null;
    }
  }

  async function api(method, path, body, signal) {
    const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin', signal };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new ServiceError(res.status, data && data.error);
    if (data === null) throw new ServiceError(res.status, { code: 'bad_answer', message: 'The service gave an answer this page cannot read' });
    return data;
  }

  // --- the document ---------------------------------------------------------------------------------

  function domainsOf(c) {
    if (Array.isArray(c.domains) && c.domains.length) return c.domains;
    if (Array.isArray(c.domain)) return c.domain;
    return c.domain ? [c.domain] : [];
  }
  const textOf = (t) => (Array.isArray(t) ? t.join('; ') : String(t));

  // override_reasons may come as [{id, text}], ["id"] or {id: text}.
  function overrideReasons(doc) {
    const r = doc.override_reasons;
    if (Array.isArray(r)) return r.map((x) => (typeof x === 'string' ? { id: x, text: humanise(x) } : { id: x.id, text: x.text || x.name || humanise(x.id) }));
    if (r && typeof r === 'object') return Object.entries(r).map(([id, text]) => ({ id, text: textOf(text) }));
    return [];
  }

  function build(doc) {
    state.doc = doc;
    doc.levels.forEach((l, i) => state.levels.set(l.id, { ...l, index: i }));
    doc.outcomes.forEach((o) => state.outcomes.set(o.id, o));
    state.actions = doc.actions || {};
    state.overrideReasons = overrideReasons(doc);
    $('doc-title').textContent = `${doc.title || doc.id}${doc.version ? `, version ${doc.version}` : ''}`;
    document.title = `Decide a contact - ${doc.title || doc.id}`;
    buildBuiltIns(doc);
    buildFields(doc);
    buildContinuum(doc);
    buildRecordForm();
    resetContact();
  }

  function fillSelect(select, values, labels, unknownLabel) {
    select.replaceChildren();
    if (unknownLabel) select.append(el('option', { value: '' }, unknownLabel));
    for (const v of values) select.append(el('option', { value: v }, labels && labels[v] ? `${labels[v]} (${v})` : humanise(v)));
  }

  function buildBuiltIns(doc) {
    const field = (id) => doc.fields.find((f) => f.id === id && f.built_in);
    const source = field('source');
    const channel = field('channel');
    fillSelect($('f-source'), source ? source.values : Object.keys(SOURCE_LABELS), SOURCE_LABELS, 'Not known');
    fillSelect($('f-channel'), channel ? channel.values : Object.keys(CHANNEL_LABELS), CHANNEL_LABELS, 'Not known');
    for (const [name, id] of [['id', 'f-id'], ['received', 'f-received'], ['child', 'f-child'], ['dob', 'f-dob'],
      ['unborn', 'f-age-unborn'], ['source', 'f-source'], ['channel', 'f-channel']]) state.inputs.set(name, id);
  }

  function fieldControl(f) {
    const id = `f-${safeId(f.id)}`;
    const label = f.text || humanise(f.id);
    const hint = el('div', { class: 'hint', id: `${id}-hint` }, 'Field ', el('code', {}, f.id),
      f.default === null ? '; leave it as "Not known" if nobody has said' : '');
    if (f.type === 'bool') {
      const choices = [['true', 'Yes'], ['false', 'No']];
      if (f.default === null) choices.push(['', 'Not known']);
      const checked = f.default === null ? '' : String(f.default);
      state.inputs.set(f.id, `${id}-0`);
      return el('fieldset', { class: 'field', id: `${id}-group`, 'aria-describedby': `${id}-hint` }, el('legend', {}, label), hint,
        el('div', { class: 'radios radios--inline' }, choices.map(([v, text], i) => el('div', { class: 'radio' },
          el('input', { id: `${id}-${i}`, name: `field:${f.id}`, type: 'radio', value: v, checked: v === checked, 'data-field': f.id, 'data-type': 'bool' }),
          el('label', { for: `${id}-${i}` }, text)))));
    }
    state.inputs.set(f.id, id);
    let control;
    if (f.type === 'enum') {
      control = el('select', { id, 'data-field': f.id, 'data-type': 'enum', 'aria-describedby': `${id}-hint` });
      fillSelect(control, f.values, null, f.default === null ? 'Not known' : null);
      if (f.default !== null) control.value = f.default;
    } else {
      const number = f.type === 'int';
      control = el('input', { id, type: number ? 'number' : 'text', inputmode: number ? 'numeric' : false, step: number ? 1 : false,
        min: f.min ?? false, max: f.max ?? false, 'data-field': f.id, 'data-type': f.type, 'aria-describedby': `${id}-hint`, autocomplete: 'off' });
      if (f.default !== null && f.default !== undefined) control.value = String(f.default);
    }
    return el('div', { class: 'field', id: `${id}-group` }, el('label', { for: id }, label), hint, control);
  }

  function buildFields(doc) {
    const own = doc.fields.filter((f) => !f.built_in);
    $('fields-section').hidden = own.length === 0;
    $('document-fields').replaceChildren(...own.map(fieldControl));
  }

  function tagList(tags) {
    if (!Array.isArray(tags) || !tags.length) return null;
    return el('span', { class: 'tags' }, tags.map((t) => el('span', { class: 'tag' }, el('span', { class: 'visually-hidden' }, 'tag: '), String(t))));
  }

  function levelHeader(levelCount) {
    const spans = [el('span', { class: 'col-0' }, '')];
    for (const l of state.levels.values()) spans.push(el('span', { class: `col-${l.index + 1} tier-${l.index % 6}` }, l.name || humanise(l.id)));
    return el('div', { class: `level-header cols-${levelCount}`, 'aria-hidden': 'true' }, spans);
  }

  function option(type, name, id, value, cls, labelParts, extra) {
    return el('div', { class: `option ${cls}` },
      el('input', { id, name, type, value, ...extra }), el('label', { for: id }, labelParts));
  }

  function concernFieldset(c) {
    const base = `c-${safeId(c.id)}`;
    const entries = Object.entries(c.levels || {})
      .filter(([lv]) => state.levels.has(lv))
      .sort(([a], [b]) => state.levels.get(a).index - state.levels.get(b).index);
    const indicator = entries.length === 1;
    const also = domainsOf(c).slice(1);
    const legend = el('legend', {}, humanise(c.id), lineRef(c.at), tagList(c.tags),
      also.length ? el('span', { class: 'hint' }, ` Also in: ${also.map(humanise).join(', ')}`) : null);
    const options = [];
    if (!indicator) {
      options.push(option('radio', `concern:${c.id}`, `${base}-none`, '', 'option--none col-0', ['Not present'], { checked: true, 'data-concern': c.id }));
    }
    entries.forEach(([lv, text], i) => {
      const l = state.levels.get(lv);
      options.push(option(indicator ? 'checkbox' : 'radio', `concern:${c.id}`, `${base}-${safeId(lv)}`, lv,
        `col-${l.index + 1} tier-${l.index % 6}`,
        [el('span', { class: 'level-badge' }, `${l.name || humanise(l.id)}: `), textOf(text), lineRef(c.at_levels && c.at_levels[lv])],
        { 'data-concern': c.id }));
      if (i === 0) state.inputs.set(`concerns.${c.id}`, indicator ? `${base}-${safeId(lv)}` : `${base}-none`);
    });
    return el('fieldset', { class: `concern cols-${state.levels.size}`, id: base }, legend, el('div', { class: 'options' }, options));
  }

  function buildContinuum(doc) {
    const order = Array.isArray(doc.domains) && doc.domains.length ? [...doc.domains] : [];
    const byDomain = new Map(order.map((d) => [d, []]));
    for (const c of doc.concerns) {
      const d = domainsOf(c)[0] || 'other';
      if (!byDomain.has(d)) byDomain.set(d, []);
      byDomain.get(d).push(c);
    }
    const blocks = [];
    for (const [domain, concerns] of byDomain) {
      if (!concerns.length) continue;
      const hid = `domain-${safeId(domain)}`;
      blocks.push(el('section', { class: 'domain', 'aria-labelledby': hid }, el('h3', { id: hid }, humanise(domain)),
        levelHeader(state.levels.size), concerns.map(concernFieldset)));
    }
    $('continuum').replaceChildren(...blocks);
  }

  // --- earlier contacts -----------------------------------------------------------------------------

  function addHistoryItem() {
    const n = ++state.historyNext;
    const id = `h-${n}`;
    const outcome = el('select', { id: `${id}-outcome`, 'data-history': 'outcome' });
    fillSelect(outcome, [...state.outcomes.keys()], null, 'Not known');
    for (const o of outcome.options) if (o.value) o.textContent = outcomeName(o.value);
    const remove = el('button', { type: 'button', class: 'link-button' }, 'Remove', el('span', { class: 'visually-hidden' }, ' this earlier contact'));
    const item = el('fieldset', { class: 'history-item', id },
      el('legend', {}, 'Earlier contact'),
      el('div', { class: 'field' }, el('label', { for: `${id}-date` }, 'Date received'), el('input', { id: `${id}-date`, type: 'date', 'data-history': 'date' })),
      el('div', { class: 'field' }, el('label', { for: `${id}-outcome` }, 'Outcome'), outcome),
      remove);
    remove.addEventListener('click', () => {
      item.remove();
      renumberHistory();
      $('history-add').focus();
      schedule();
    });
    $('history-list').append(item);
    renumberHistory();
    $(`${id}-date`).focus();
  }

  function renumberHistory() {
    [...$('history-list').children].forEach((item, i) => {
      item.querySelector('legend').textContent = `Earlier contact ${i + 1}`;
      item.querySelector('.link-button .visually-hidden').textContent = ` earlier contact ${i + 1}`;
    });
  }

  // --- the contact, from the form -------------------------------------------------------------------

  function receivedIso() {
    const v = $('f-received').value;
    if (!v) return undefined;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  function readConcerns() {
    const concerns = {};
    for (const input of $('continuum').querySelectorAll('input[data-concern]:checked')) {
      if (input.value) concerns[input.dataset.concern] = input.value;
    }
    return concerns;
  }

  function readFields(contact, problems) {
    for (const input of $('document-fields').querySelectorAll('[data-field]')) {
      const name = input.dataset.field;
      const type = input.dataset.type;
      if (type === 'bool') {
        if (input.checked && input.value) contact[name] = input.value === 'true';
      } else if (type === 'int') {
        if (input.validity.badInput) problems.push({ field: name, message: `${humanise(name)}: enter a whole number` });
        else if (input.value !== '') contact[name] = Number(input.value);
      } else if (input.value !== '') {
        contact[name] = input.value;
      }
    }
  }

  function readHistory(problems) {
    return [...$('history-list').children].map((item, i) => {
      const date = item.querySelector('[data-history=date]').value;
      const outcome = item.querySelector('[data-history=outcome]').value;
      if (!date) problems.push({ field: `history[${i}].received`, message: `Earlier contact ${i + 1}: enter the date it was received` });
      const h = { received: date ? `${date}T12:00:00Z` : '', concerns: {} };
      if (outcome) h.outcome = outcome;
      return h;
    });
  }

  // The contact as SPEC section 3 has it, and any problem the page can see before asking.
  function readContact() {
    const problems = [];
    const contact = { id: $('f-id').value.trim() };
    const received = receivedIso();
    if (received) contact.received = received;
    const child = $('f-child').value.trim();
    if (child) contact.child = child;
    const age = document.querySelector('input[name=age]:checked').value;
    if (age === 'dob') {
      if ($('f-dob').value) contact.dob = $('f-dob').value;
      else problems.push({ field: 'dob', message: 'Date of birth: enter the date, or choose "Not known"' });
    }
    if (age === 'unborn') contact.unborn = true;
    if ($('f-source').value) contact.source = $('f-source').value;
    if ($('f-channel').value) contact.channel = $('f-channel').value;
    readFields(contact, problems);
    contact.concerns = readConcerns();
    const history = readHistory(problems);
    if (history.length) contact.history = history;
    return { contact, problems };
  }

  function resetContact() {
    const now = new Date();
    now.setSeconds(0, 0);
    const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    $('f-received').value = local;
    $('f-id').value = `PAGE-${local.replace(/[^0-9]/g, '')}`;
  }

  // --- errors (the GOV.UK error summary) ------------------------------------------------------------

  function targetFor(field) {
    if (!field) return 'contact-form';
    if (state.inputs.has(field)) return state.inputs.get(field);
    const concern = /^concerns\.([^.[]+)/.exec(field);
    if (concern && state.inputs.has(`concerns.${concern[1]}`)) return state.inputs.get(`concerns.${concern[1]}`);
    if (field.startsWith('concerns')) return 'continuum-heading';
    const hist = /^history\[(\d+)\]/.exec(field);
    if (hist) {
      const item = $('history-list').children[Number(hist[1])];
      return item ? item.querySelector('input').id : 'history-add';
    }
    if (field.startsWith('history')) return 'history-add';
    if (field === 'recorded_outcome') return 'r-outcome';
    if (field === 'override_reason') return 'r-reason';
    const base = field.split(/[.[]/)[0];
    return state.inputs.get(base) || 'contact-form';
  }

  function clearErrors() {
    $('error-summary').hidden = true;
    $('error-summary-list').replaceChildren();
    for (const n of document.querySelectorAll('.field--error')) n.classList.remove('field--error');
    for (const n of document.querySelectorAll('.error-message[data-made]')) n.remove();
    $('r-reason-error').hidden = true;
  }

  function showErrors(problems, focus) {
    clearErrors();
    const list = $('error-summary-list');
    for (const p of problems) {
      const target = targetFor(p.field);
      const link = el('a', { href: `#${target}` }, p.message);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        const t = $(target);
        if (t) { t.scrollIntoView({ block: 'center' }); t.focus({ preventScroll: true }); }
      });
      list.append(el('li', {}, link));
      markField(target, p.message);
    }
    $('error-summary').hidden = false;
    if (focus) $('error-summary').focus();
  }

  function markField(target, message) {
    const t = $(target);
    const box = t && t.closest('.field, fieldset');
    if (!box || box.classList.contains('field--error')) return;
    box.classList.add('field--error');
    if (target === 'r-reason') {
      $('r-reason-error').textContent = message;
      $('r-reason-error').hidden = false;
      return;
    }
    const msg = el('p', { class: 'error-message', 'data-made': '1' }, el('span', { class: 'visually-hidden' }, 'Error: '), message);
    const anchor = box.querySelector('legend, label');
    if (anchor && anchor.parentNode === box) anchor.after(msg); else box.prepend(msg);
  }

  // --- deciding as the worker selects ---------------------------------------------------------------

  function setStatus(text, busy) {
    const s = $('decision-status');
    if (s.textContent !== text) s.textContent = text;
    s.classList.toggle('decision__status--busy', Boolean(busy));
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => { state.timer = 0; decideNow(); }, DEBOUNCE_MS);
  }

  async function decideNow() {
    clearTimeout(state.timer);
    state.timer = 0;
    const seq = ++state.seq;
    if (state.inflight) state.inflight.abort();
    const { contact, problems } = readContact();
    if (problems.length) {
      showErrors(problems, false);
      noDecision('Cannot decide yet: see the problems at the top of the page.');
      return;
    }
    const controller = new AbortController();
    state.inflight = controller;
    setStatus('Deciding…', true);
    try {
      const answer = await api('POST', '/v1/explain', contact, controller.signal);
      if (seq !== state.seq) return;
      clearErrors();
      showDecision(answer, contact);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== state.seq) return;
      showErrors([{ field: e.field, message: e.message }], false);
      noDecision('Cannot decide yet: see the problems at the top of the page.');
    } finally {
      if (state.inflight === controller) state.inflight = null;
    }
  }

  function noDecision(text) {
    state.decision = null;
    $('decision-body').hidden = true;
    $('decision-status').classList.remove('visually-hidden');
    $('decision-bar').hidden = true;
    setStatus(text, false);
  }

  function deadlineText(answer) {
    const r = answer.referrer && answer.referrer.deadline;
    if (r && r.local) return `${r.local} (${r.timezone || state.doc.timezone})`;
    if (!answer.deadline) return 'No deadline';
    const tz = state.doc.timezone || 'UTC';
    try {
      return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: tz }).format(new Date(answer.deadline)) + ` (${tz})`;
    } catch (e) {
      return answer.deadline;
    }
  }

  function reasonItem(r) {
    const line = lineOf(r.at);
    return el('li', { class: `reason reason--${r.kind}` },
      el('span', { class: 'reason__kind' }, REASON_KINDS[r.kind] || humanise(r.kind)),
      el('q', { class: 'reason__quote' }, r.text),
      el('span', { class: 'line-ref' }, el('code', {}, r.id), line ? `, document line ${line}` : ''));
  }

  function showDecision(answer, contact) {
    const previous = state.decision;
    state.decision = { answer, contact };
    const level = levelName(answer.level);
    const outcome = outcomeName(answer.outcome);
    const deadline = deadlineText(answer);
    $('d-level').textContent = level;
    $('d-outcome').textContent = `${outcome}${answer.referral ? ' (a referral)' : ''}`;
    $('d-deadline').textContent = deadline;
    $('d-actions').replaceChildren(...(answer.actions || []).map((a) => el('li', {}, state.actions[a] || humanise(a))));
    $('d-reasons').replaceChildren(...(answer.reasons || []).map(reasonItem));
    const told = answer.referrer && (answer.referrer.text || answer.referrer);
    $('d-referrer').textContent = typeof told === 'string' ? told : 'Not available from this service.';
    $('decision-body').hidden = false;
    // The live region announces the decision; sighted users read it in the list below, so it is
    // shown only while it says something else (waiting, a problem, recorded).
    setStatus(`${level}. Outcome: ${outcome}. Decide by ${deadline}.`, false);
    $('decision-status').classList.add('visually-hidden');
    $('decision-bar-text').textContent = outcome;
    $('decision-bar').hidden = false;
    if (!previous || previous.answer.outcome !== answer.outcome) $('r-outcome').value = answer.outcome;
    $('record-confirmation').hidden = true;
    updateRecordForm();
  }

  // --- recording the decision -----------------------------------------------------------------------

  function buildRecordForm() {
    fillSelect($('r-outcome'), [...state.outcomes.keys()], null, null);
    for (const o of $('r-outcome').options) o.textContent = outcomeName(o.value);
    fillSelect($('r-reason'), [], null, 'Choose a reason');
    for (const r of state.overrideReasons) $('r-reason').append(el('option', { value: r.id }, r.text));
  }

  function differs() {
    return state.decision && $('r-outcome').value !== state.decision.answer.outcome;
  }

  function updateRecordForm() {
    const different = Boolean(differs());
    const none = state.overrideReasons.length === 0;
    $('r-reason-field').hidden = !different || none;
    $('r-no-reasons').hidden = !different || !none;
    $('r-submit').disabled = different && none;
  }

  async function record(event) {
    event.preventDefault();
    if (state.timer || state.inflight) {
      // The worker changed the form a moment ago: record against the decision for what is on screen.
      clearTimeout(state.timer);
      await decideNow();
    }
    if (!state.decision) {
      showErrors([{ field: null, message: 'There is no decision to record yet: fix the problems first' }], true);
      return;
    }
    const body = { ...state.decision.contact, recorded_outcome: $('r-outcome').value, decision_id: state.decision.answer.decision_id };
    if (differs()) {
      if (state.overrideReasons.length === 0) return;
      if (!$('r-reason').value) {
        showErrors([{ field: 'override_reason', message: 'Choose why the outcome differs from the document\'s' }], true);
        return;
      }
      body.override_reason = $('r-reason').value;
    }
    if (!body.decision_id) delete body.decision_id;
    $('r-submit').disabled = true;
    try {
      const saved = await api('POST', '/v1/records', body);
      clearErrors();
      showRecord(saved);
    } catch (e) {
      showErrors([{ field: e.field, message: e.message }], true);
    } finally {
      updateRecordForm();
    }
  }

  function showRecord(saved) {
    const d = saved.decision || {};
    const rows = [
      ['Outcome recorded', outcomeName(saved.recorded_outcome || (saved.contact && saved.contact.recorded_outcome) || $('r-outcome').value)],
      ['Document\'s outcome', outcomeName(d.outcome || state.decision.answer.outcome)],
      ['Recorded at', saved.recorded_at || ''],
      ['Decision id', saved.decision_id || 'none'],
    ];
    $('record-details').replaceChildren(el('dl', {}, rows.filter(([, v]) => v).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
    $('record-confirmation').hidden = false;
    $('record-confirmation').focus();
    $('decision-status').classList.remove('visually-hidden');
    setStatus('Decision recorded.', false);
  }

  // --- start ----------------------------------------------------------------------------------------

  function wire() {
    const form = $('contact-form');
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    form.addEventListener('submit', (e) => { e.preventDefault(); decideNow(); });
    for (const r of document.querySelectorAll('input[name=age]')) {
      r.addEventListener('change', () => { $('dob-field').hidden = !$('f-age-known').checked; });
    }
    $('history-add').addEventListener('click', () => { addHistoryItem(); schedule(); });
    $('r-outcome').addEventListener('change', () => { clearErrors(); updateRecordForm(); });
    $('record-form').addEventListener('submit', record);
  }

  async function start() {
    wire();
    try {
      build(await api('GET', '/v1/document'));
      decideNow();
    } catch (e) {
      $('doc-title').textContent = 'The threshold document could not be loaded';
      showErrors([{ field: null, message: `The threshold document could not be loaded: ${e.message}` }], true);
      setStatus('No document: nothing can be decided.', false);
    }
  }

  // For tests and the people who support the page: is the decision on screen the one for the form
  // as it stands (nothing waiting, nothing in flight)? Says nothing about the contact itself.
  window.frontdoorPage = Object.freeze({ settled: () => !state.timer && !state.inflight && state.decision !== null });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
