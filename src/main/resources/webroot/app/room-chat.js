// The chat of a room: its transcript (each seq once, in order, across rewinds and re-joins), what
// is still being sent, the peer's typing, and the box to write in; part of the room (room.js),
// which says when the session is over.
import { h, setI18n, setI18nAttribute, setText, showStatus } from './dom.js';
import { errorText, clockTime } from './format.js';

const TYPING_VISIBLE_MS = 3500;
/** The longest chat message (the server's too); the rest it has left is shown from this close to it. */
const CHAT_LIMIT = 4000;
const CHAT_LIMIT_WARN = 300;

/**
 * options: room (the SDK's), sessionId, me, peerName() (the peer's display name, '' while unknown),
 * ended() (whether the session is over), status (the room's status line, for send failures).
 * Returns {panel, sync(), end(), focus(), peerNamed(), retime(), destroy()}.
 */
export function chatPanel({ room, sessionId, me, peerName, ended, status }) {
  // The list stays a list (its items are list items to a screen reader); the scroller around it is the live log.
  const messageList = h('ol', { class: 'messages', dataTest: 'messages' });
  const emptyHint = h('p', { class: 'empty-chat muted', i18n: 'room.noMessages' });
  const pendingList = h('ol', { class: 'messages pending-list', 'aria-hidden': 'false' });
  const typing = h('p', { class: 'typing', dataTest: 'typing', hidden: true, 'aria-live': 'polite' });
  const chatInput = h('textarea', { class: 'chat-input', dataTest: 'chat-input', name: 'message', rows: 1, maxlength: CHAT_LIMIT, i18nAttr: 'aria-label:room.messageLabel;placeholder:room.messagePlaceholder' });
  const sendButton = h('button', { type: 'submit', class: 'btn btn-primary', dataTest: 'chat-send', i18n: 'room.send' });
  const enterHint = h('span', { class: 'visually-hidden', id: `enter-hint-${sessionId}`, i18n: 'room.enterHint' });
  const touchOnly = window.matchMedia?.('(pointer: coarse)').matches && !window.matchMedia('(any-pointer: fine)').matches;
  if (!touchOnly) chatInput.setAttribute('aria-describedby', enterHint.id);
  else enterHint.hidden = true;
  // The limit is said before it is reached (the box stops taking text at it), not after.
  const chatLimit = h('p', { class: 'chat-limit muted small', dataTest: 'chat-limit', 'aria-live': 'polite', hidden: true });
  const chatForm = h('form', { class: 'chat-form', novalidate: true }, chatInput, enterHint, sendButton, chatLimit);
  const messagesScroller = h('div', { class: 'messages-scroller', role: 'log', 'aria-live': 'polite', i18nAttr: 'aria-label:room.messagesLabel' },
    emptyHint, messageList, pendingList);
  const panel = h('section', { class: 'chat-panel card', i18nAttr: 'aria-label:room.chat' }, messagesScroller, typing, chatForm);

  const rendered = new Map(); // seq -> li
  const subscriptions = [];
  let typingTimer = null;

  const messageItem = message => {
    const mine = message.from === me.id;
    return h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, dataTest: 'message', dataset: { seq: String(message.seq), from: message.from, clientMsgId: message.clientMsgId || '' } },
      h('span', { class: 'message-author' }, mine ? setI18n(h('span'), 'room.you') : peerName()),
      h('p', { class: 'message-text', dataTest: 'message-text', text: message.text }),
      h('time', { class: 'message-time', datetime: message.sentAt || '', text: clockTime(message.sentAt) }));
  };

  /** Makes the list show room.messages exactly: each seq once, in order, even after a transcript rewind. */
  const sync = () => {
    const stickToBottom = messagesScroller.scrollHeight - messagesScroller.scrollTop - messagesScroller.clientHeight < 80;
    const wanted = room.messages || [];
    const keep = new Set();
    let previous = null;
    for (const message of wanted) {
      let li = rendered.get(message.seq);
      if (li && (li.dataset.clientMsgId !== (message.clientMsgId || '') || li.dataset.from !== message.from)) { li.remove(); li = null; }
      if (!li) { li = messageItem(message); rendered.set(message.seq, li); }
      keep.add(message.seq);
      const expectedPosition = previous ? previous.nextSibling : messageList.firstChild;
      if (expectedPosition !== li) messageList.insertBefore(li, expectedPosition);
      previous = li;
    }
    for (const [seq, li] of rendered) if (!keep.has(seq)) { li.remove(); rendered.delete(seq); }
    emptyHint.hidden = wanted.length > 0 || pendingList.childElementCount > 0;
    if (stickToBottom) messagesScroller.scrollTop = messagesScroller.scrollHeight;
  };

  const showPending = pending => {
    const list = Array.isArray(pending) ? pending : (pending?.messages || []);
    const acknowledged = new Set((room.messages || []).map(message => message.clientMsgId));
    pendingList.replaceChildren(...list.filter(item => !acknowledged.has(item.clientMsgId)).map(item =>
      h('li', { class: 'message mine pending', dataTest: 'message-pending' },
        h('p', { class: 'message-text', text: item.text }),
        setI18n(h('span', { class: 'message-time' }), 'room.sending'))));
    emptyHint.hidden = (room.messages || []).length > 0 || pendingList.childElementCount > 0;
    messagesScroller.scrollTop = messagesScroller.scrollHeight;
  };

  const hideTyping = () => { clearTimeout(typingTimer); typing.hidden = true; };
  subscriptions.push(room.on('message', () => { sync(); hideTyping(); }));
  subscriptions.push(room.on('rewound', sync));
  subscriptions.push(room.on('pending', showPending));
  // Sends a page before this one did not see acknowledged are sent again (the SDK kept them): shown as sending.
  showPending(room.pending);
  subscriptions.push(room.on('typing', () => {
    if (ended()) return;
    setI18n(typing, 'room.typing', { name: peerName() });
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_VISIBLE_MS);
  }));

  const autoGrow = () => {
    // border-box sizing: the borders (2 px) come on top of scrollHeight. Measuring collapses the
    // box for a moment, which would let the browser scroll the page: keep the page where it is.
    const pageScroll = window.scrollY;
    chatInput.style.height = 'auto';
    const wanted = chatInput.scrollHeight + 2;
    chatInput.style.height = `${Math.min(wanted, 160)}px`;
    chatInput.style.overflowY = wanted > 160 ? 'auto' : 'hidden';
    if (window.scrollY !== pageScroll) window.scrollTo(window.scrollX, pageScroll);
  };
  const sendMessage = async () => {
    const text = chatInput.value.trim();
    if (!text || ended()) return;
    chatInput.value = '';
    autoGrow();
    try {
      await room.send(text);
      sync();
    } catch (error) {
      if (error?.code !== 'disconnected') {
        showStatus(status, 'error', errorText(error), undefined, { raw: true });
      }
    }
  };
  chatForm.addEventListener('submit', event => { event.preventDefault(); sendMessage(); });
  chatInput.addEventListener('keydown', event => {
    // Enter sends, Shift+Enter is a new line; never while an input method is composing (Chinese).
    // On a touch screen there is no Shift: Enter is a new line and the Send button sends.
    if (touchOnly) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendMessage();
    }
  });
  chatInput.addEventListener('input', () => {
    autoGrow();
    const left = CHAT_LIMIT - chatInput.value.length;
    chatLimit.hidden = left > CHAT_LIMIT_WARN;
    if (!chatLimit.hidden) setI18n(chatLimit, left > 0 ? 'room.charactersLeft' : 'room.charactersNone', { n: left });
    if (chatInput.value.trim() && !ended()) {
      try { room.typing(); } catch { /* typing is best effort */ }
    }
  });

  return {
    panel,
    sync,
    /** The session is over: the transcript stays to be read, nothing more can be written. */
    end() {
      chatInput.disabled = true;
      sendButton.disabled = true;
      setI18nAttribute(chatInput, 'placeholder', 'room.endedPlaceholder');
      setI18n(emptyHint, 'room.noMessagesEnded');
      hideTyping();
    },
    focus() {
      chatInput.focus({ preventScroll: true });
    },
    /** The peer's name became known: their messages shown before it was say it too. */
    peerNamed() {
      for (const author of messageList.querySelectorAll('.message.theirs .message-author')) setText(author, peerName());
    },
    /** Times are formatted for a language: format them again after a switch. */
    retime() {
      for (const time of messageList.querySelectorAll('time[datetime]')) time.textContent = clockTime(time.getAttribute('datetime'));
    },
    destroy() {
      subscriptions.forEach(off => { try { off(); } catch { /* gone */ } });
      clearTimeout(typingTimer);
    },
  };
}
