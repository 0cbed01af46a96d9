// The example portal: embeds crowdbox as a raw iframe (speaking the postMessage protocol itself) and as the
// <crowdbox-bounding-box> element. Everything the app sends is kept in `window.crowdboxMessages` and shown.
'use strict';
const appUrl = new URL(new URLSearchParams(location.search).get('app') || 'http://127.0.0.1:8080/');
window.crowdboxMessages = [];

// 1. The raw iframe. The app is told the portal's origin in the address, and the portal only listens to that
// frame, from the app's origin.
const frame = document.getElementById('raw-frame');
const log = document.getElementById('raw-log');
const address = new URL(appUrl);
address.searchParams.set('embed', location.origin);
frame.src = address.href;

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || event.origin !== appUrl.origin) return;
  const message = event.data;
  if (!message || message.crowdbox !== 1) return;
  window.crowdboxMessages.push(message);
  const item = document.createElement('li');
  item.textContent = `${message.type}: ${JSON.stringify(message.answer ?? message.message ?? '')}`;
  log.appendChild(item);
  if (message.type === 'ready') {
    frame.contentWindow.postMessage({
      type: 'init',
      job: 'portal-example',
      labels: ['brick', 'rocket'],
      header: 'Box the bricks and rockets',
      short_instructions: 'One box per object, as tight as you can.',
      theme: { '--cb-accent': '#00695c', '--cb-radius': '2px' },
      strings: { job_label: 'Batch:', nothing_to_label: 'No objects here' },
      tasks: [
        { id: 101, src: new URL('../static-site/images/brick.jpg', location.href).href, width: 512, height: 512 },
        { id: 102, src: new URL('../static-site/images/rocket.jpg', location.href).href,
          initial_value: [{ label: 'rocket', left: 300, top: 50, width: 60, height: 300 }] },
      ],
    }, appUrl.origin);
  }
});

// 2. The element: its script comes from the app, which also tells it where the app is.
const script = document.createElement('script');
script.src = new URL('embed/crowdbox-element.js', appUrl).href;
document.head.appendChild(script);
const element = document.getElementById('element');
element.addEventListener('crowdbox-submit', () => {
  const form = new FormData(document.getElementById('gt-form'));
  document.getElementById('element-answer').textContent = JSON.stringify(Object.fromEntries(form), null, 2);
});
element.addEventListener('crowdbox-error', (event) => {
  document.getElementById('element-answer').textContent = `error: ${event.detail.message}`;
});
