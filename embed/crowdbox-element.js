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
      this._frame = document.createElement('iframe');
      this._frame.title = this.getAttribute('header') || 'Draw boxes';
      this._frame.src = app.href;
      this.shadowRoot.appendChild(this._frame);
    }

    _fail(code, message, field) {
      this.dispatchEvent(new CustomEvent('crowdbox-error', { bubbles: true, composed: true, detail: { code, message, field } }));
    }

    _json(attribute, fallback) {
      const text = this.getAttribute(attribute);
      if (text === null || text.trim() === '') return fallback;
      try { return JSON.parse(text); } catch (e) {
        throw new Error(`the \`${attribute}\` attribute is not JSON (${e.message})`);
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
      const header = this.getAttribute('header');
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
          try { init = this._init(); } catch (e) { this._fail('bad_attribute', e.message); return; }
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
