// <crowdbox-bounding-box>: crowdbox as a custom element, with the attributes and answer of SageMaker Ground Truth's
// <crowd-bounding-box>, so a Ground Truth custom template can move over. Load this file from the crowdbox app
// (it is in the app's dist/ as embed/crowdbox-element.js) with a plain <script src="…"></script>:
//
//   <form>
//     <crowdbox-bounding-box name="boundingBox" src="https://…/cat.jpg" header="Box the cats"
//         labels='["cat","dog"]' initial-value='[{"label":"cat","left":10,"top":20,"width":30,"height":40}]'>
//       <short-instructions>Draw tight boxes.</short-instructions>
//       <full-instructions><p>Every animal gets a box.</p></full-instructions>
//     </crowdbox-bounding-box>
//   </form>
//
// The app runs in an iframe inside the element's shadow root, so no CSS crosses in either direction; the host
// themes it with --cb-* custom properties set on the element (or any ancestor). When the volunteer submits, the
// element's `.value` is the answer ({boundingBoxes: [{label, left, top, width, height}], inputImageProperties:
// {width, height}}), a hidden input named by `name` in the enclosing <form> holds it as JSON (and one named
// `<name>-changes` holds crowdbox's per-box change record), and a `crowdbox-submit` event carries everything
// (detail: {answer, value, submission, taskId}; `submission` is crowdbox's Submission: COCO `result`, `changes`…). `crowdbox-change` follows the boxes while they are drawn;
// `crowdbox-error` reports problems (detail: {code, message, field}).
//
// Optional crowdbox attributes: `app` (the app's URL; default: where this script was loaded from), `job`,
// `token` and `api-base` (to lease tasks from a crowdbox server job instead of `src`).
(() => {
  'use strict';
  if (customElements.get('crowdbox-bounding-box')) return;

  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const THEME_VARIABLES = ['--cb-bg', '--cb-surface', '--cb-surface-muted', '--cb-text', '--cb-text-muted',
    '--cb-border', '--cb-accent', '--cb-accent-text', '--cb-accent-soft', '--cb-danger', '--cb-danger-soft',
    '--cb-focus', '--cb-canvas-bg', '--cb-radius', '--cb-sidebar-width', '--cb-gap'];

  // Ground Truth instructions are HTML; the app shows Markdown (rendered safely). Keeps paragraphs, line breaks,
  // headings, lists, emphasis, links and images; drops everything else but its text.
  function markdownOf(node) {
    let out = '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) { out += child.textContent.replace(/\s+/g, ' '); continue; }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = child.tagName.toLowerCase();
      const inner = markdownOf(child).trim();
      if (/^h[1-6]$/.test(tag)) out += `\n\n${'#'.repeat(Number(tag[1]))} ${inner}\n\n`;
      else if (tag === 'p' || tag === 'div' || tag === 'section') out += `\n\n${inner}\n\n`;
      else if (tag === 'ul' || tag === 'ol') out += `\n\n${markdownOf(child).trim()}\n\n`;
      else if (tag === 'li') out += `\n- ${inner}`;
      else if (tag === 'br') out += '\n';
      else if (tag === 'strong' || tag === 'b') out += `**${inner}**`;
      else if (tag === 'em' || tag === 'i') out += `*${inner}*`;
      else if (tag === 'a' && child.getAttribute('href')) out += `[${inner}](${new URL(child.getAttribute('href'), document.baseURI)})`;
      else if (tag === 'img' && child.getAttribute('src')) out += `![${child.getAttribute('alt') || ''}](${new URL(child.getAttribute('src'), document.baseURI)})`;
      else if (tag !== 'script' && tag !== 'style') out += inner;
    }
    return out.replace(/\n{3,}/g, '\n\n');
  }

  // Ground Truth's templates write attribute values as JavaScript literals rather than JSON: single-quoted strings
  // (labels="['Cat', 'Dog']"), bare keys and trailing commas (the adjustment template's initial-value loop,
  // `{ label: {{ label | to_json }}, left: 10, … },`). This rewrites exactly those forms into JSON and leaves
  // everything else as it is, for JSON.parse to accept or refuse.
  function jsonFromLiteral(text) {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"' || c === "'") {
        let j = i + 1;
        let body = '';
        while (j < text.length && text[j] !== c) {
          if (text[j] === '\\' && j + 1 < text.length) {
            body += c === "'" && text[j + 1] === "'" ? "'" : text[j] + text[j + 1];
            j += 2;
          } else {
            body += c === "'" && text[j] === '"' ? '\\"' : text[j];
            j += 1;
          }
        }
        if (j >= text.length) throw new Error('a quoted text is not closed');
        out += `"${body}"`;
        i = j + 1;
      } else if (/[A-Za-z_$]/.test(c)) {
        const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))[0];
        i += word.length;
        out += /^\s*:/.test(text.slice(i)) ? `"${word}"` : word;
      } else if (c === ',' && /^,\s*[\]}]/.test(text.slice(i))) {
        i += 1;
      } else {
        out += c;
        i += 1;
      }
    }
    return JSON.parse(out);
  }

  // Templates pass Liquid's `escape` output through; an attribute with entities left in it reads as its text.
  function textOf(value) {
    if (!/&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(value)) return value;
    return new DOMParser().parseFromString(value, 'text/html').documentElement.textContent;
  }

  /** An attribute that cannot be read, named, with a sentence a volunteer understands. */
  class AttributeError extends Error {
    constructor(attribute, detail) {
      super(`the \`${attribute}\` attribute is not JSON or a list in Ground Truth's form (${detail})`);
      this.field = attribute;
    }
  }

  class CrowdboxBoundingBox extends HTMLElement {
    static get observedAttributes() { return ['src', 'labels', 'initial-value', 'header', 'name', 'app', 'job']; }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<style>:host{display:block;position:relative;width:100%;height:36rem;min-height:16rem;'
        + 'contain:content}:host([hidden]){display:none}iframe{display:block;border:0;width:100%;height:100%}</style>';
      this._value = null;
      this._changes = [];
      this._onMessage = (event) => this._receive(event);
    }

    /** The answer: {boundingBoxes: [...], inputImageProperties: {width, height}} (null before any box work). */
    get value() { return this._value; }
    /** crowdbox's per-box change record of the last submission. */
    get changes() { return this._changes; }
    get name() { return this.getAttribute('name') || 'boundingBox'; }

    connectedCallback() {
      window.addEventListener('message', this._onMessage);
      this._render();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
    }

    attributeChangedCallback() {
      if (this._frame) this._render();
    }

    _appUrl() {
      const base = this.getAttribute('app') || (SCRIPT_URL ? new URL('../', SCRIPT_URL).href : null);
      if (!base) throw new Error('crowdbox-bounding-box: set the `app` attribute to the crowdbox app\'s URL');
      return new URL(base, document.baseURI);
    }

    _render() {
      let app;
      try { app = this._appUrl(); } catch (e) { this._fail('bad_attribute', e.message, 'app'); return; }
      this._appOrigin = app.origin;
      app.searchParams.set('embed', window.location.origin);
      if (this._frame) this._frame.remove();
      if (this._alert) { this._alert.remove(); this._alert = null; }
      this._frame = document.createElement('iframe');
      this._frame.title = textOf(this.getAttribute('header') || '') || 'Draw boxes';
      this._frame.src = app.href;
      this.shadowRoot.appendChild(this._frame);
    }

    _fail(code, message, field) {
      // The volunteer sees why nothing starts, in place of the app; the host page gets the details.
      if (this._frame) this._frame.style.display = 'none';
      if (!this._alert) {
        this._alert = document.createElement('p');
        this._alert.setAttribute('role', 'alert');
        this._alert.style.cssText = 'margin:0;padding:1rem;font:1rem/1.4 system-ui,sans-serif;'
          + 'color:var(--cb-text,#1f2328);background:var(--cb-danger-soft,#ffebe9);border-radius:var(--cb-radius,6px)';
        this.shadowRoot.appendChild(this._alert);
      }
      this._alert.textContent = 'This task cannot start: the page it is on gave the box tool '
        + (field ? `a "${field}" setting` : 'a setting') + ' it cannot read. Please tell whoever published the task.';
      this.dispatchEvent(new CustomEvent('crowdbox-error', { bubbles: true, composed: true, detail: { code, message, field } }));
    }

    _json(attribute, fallback) {
      const text = this.getAttribute(attribute);
      if (text === null || text.trim() === '') return fallback;
      try { return JSON.parse(text); } catch (notJson) {
        try { return jsonFromLiteral(text); } catch (e) { throw new AttributeError(attribute, notJson.message); }
      }
    }

    _init() {
      const labels = this._json('labels', []);
      const initialValue = this._json('initial-value', []);
      const src = this.getAttribute('src');
      const theme = {};
      const style = getComputedStyle(this);
      for (const name of THEME_VARIABLES) {
        const value = style.getPropertyValue(name).trim();
        if (value) theme[name] = value;
      }
      const short = this.querySelector('short-instructions');
      const full = this.querySelector('full-instructions');
      const init = { type: 'init', labels, name: this.name, theme };
      if (src) init.tasks = [{ src: new URL(src, document.baseURI).href, initial_value: initialValue }];
      const header = textOf(this.getAttribute('header') || '');
      if (header) init.header = header;
      if (short) init.short_instructions = markdownOf(short).trim();
      if (full) init.full_instructions = markdownOf(full).trim();
      for (const [attribute, key] of [['job', 'job'], ['token', 'token'], ['api-base', 'api_base']]) {
        const value = this.getAttribute(attribute);
        if (value) init[key] = value;
      }
      return init;
    }

    _receive(event) {
      // Only the app in this element's own frame, from the app's origin.
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== this._appOrigin) return;
      const message = event.data;
      if (!message || message.crowdbox !== 1) return;
      const answerOf = (m) => (m.answer ? m.answer[this.name] : null);
      switch (message.type) {
        case 'ready': {
          let init;
          try { init = this._init(); } catch (e) { this._fail('bad_attribute', e.message, e.field); return; }
          this._frame.contentWindow.postMessage(init, this._appOrigin);
          break;
        }
        case 'changed':
          this._value = answerOf(message);
          this.dispatchEvent(new CustomEvent('crowdbox-change', { bubbles: true, composed: true, detail: { value: this._value, taskId: message.task_id } }));
          break;
        case 'submitted':
          this._value = answerOf(message);
          this._changes = (message.submission && message.submission.changes) || [];
          this._writeFormFields();
          this.dispatchEvent(new CustomEvent('crowdbox-submit', {
            bubbles: true,
            composed: true,
            detail: { answer: message.answer, value: this._value, submission: message.submission, taskId: message.task_id },
          }));
          break;
        case 'error':
          this._fail(message.code, message.message, message.field);
          break;
        default:
          break;
      }
    }

    // Like crowd-form: the answer goes into the enclosing form as a field named by `name`.
    _writeFormFields() {
      const form = this.closest('form');
      if (!form) return;
      const field = (name, value) => {
        let input = [...form.querySelectorAll('input[type=hidden]')].find((i) => i.name === name);
        if (!input) {
          input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          form.appendChild(input);
        }
        input.value = JSON.stringify(value);
      };
      field(this.name, this._value);
      field(`${this.name}-changes`, this._changes);
    }
  }

  customElements.define('crowdbox-bounding-box', CrowdboxBoundingBox);
})();
