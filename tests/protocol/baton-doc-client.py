# baton-doc-client.py — a small client of the Baton signaling protocol v1,
# written from docs/PROTOCOL.md alone (libsoup 3 through GObject
# introspection, GLib main loop). Used by test-protocol-doc.py; it is a module,
# loaded with importlib because of the dash in its name.

import json
import time

import gi

gi.require_version('Soup', '3.0')
from gi.repository import GLib, Soup  # noqa: E402

DEFAULT_TIMEOUT = 5.0


class ProtocolError(Exception):
    pass


def iterate_until(pred, timeout=DEFAULT_TIMEOUT):
    """Runs the default main context until pred() is true or timeout seconds
    pass; returns pred()'s last value."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    fired = [False]

    def on_timeout():
        fired[0] = True
        return GLib.SOURCE_REMOVE

    while True:
        value = pred()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return pred()
        fired[0] = False
        src = GLib.timeout_add(max(1, int(remaining * 1000)), on_timeout)
        ctx.iteration(True)
        if not fired[0]:
            GLib.source_remove(src)


def spin(seconds):
    """Runs the main loop for a while (to let messages arrive, or to show that
    none does)."""
    iterate_until(lambda: False, seconds)


class HandshakeFailed(Exception):
    def __init__(self, status, body):
        super().__init__('handshake failed with HTTP %d' % status)
        self.status = status
        self.body = body


class Client:
    """One agent connection: a WebSocket to ws://HOST:PORT/v1/agent with the
    token in the Authorization header (PROTOCOL.md § 1)."""

    def __init__(self, server_uri, token, name='client', subprotocol='baton.v1'):
        self.name = name
        self.server_uri = server_uri
        self.token = token
        self.subprotocol = subprotocol
        self.session = Soup.Session()
        self.conn = None
        self.stream = []        # every message received, in order
        self.replies = {}       # re -> reply
        self.events = []        # events not taken yet
        self.close_code = None
        self.closed = False
        self.next_id = 1
        self.register_reply = None

    # -- connection ---------------------------------------------------------

    def connect(self, timeout=DEFAULT_TIMEOUT):
        msg = Soup.Message.new('GET', self.server_uri + '/v1/agent')
        if self.token is not None:
            msg.get_request_headers().append('Authorization', 'Bearer ' + self.token)
        result = {}

        def done(session, res, _data):
            try:
                result['conn'] = session.websocket_connect_finish(res)
            except GLib.Error as e:
                result['error'] = e

        protocols = [self.subprotocol] if self.subprotocol else None
        self.session.websocket_connect_async(msg, None, protocols,
                                             GLib.PRIORITY_DEFAULT, None, done, None)
        if not iterate_until(lambda: result, timeout):
            raise ProtocolError('%s: handshake timed out' % self.name)
        if 'error' in result:
            raise HandshakeFailed(msg.get_status(), None)
        self.conn = result['conn']
        self.conn.connect('message', self._on_message)
        self.conn.connect('closed', self._on_closed)
        return self

    def _on_message(self, conn, kind, data):
        raw = data.get_data().decode('utf-8') if data is not None else ''
        if kind != Soup.WebsocketDataType.TEXT:
            raise ProtocolError('%s: binary frame from the server' % self.name)
        m = json.loads(raw)
        self.stream.append(m)
        if 're' in m:
            self.replies[m['re']] = m
        else:
            self.events.append(m)

    def _on_closed(self, conn):
        self.closed = True
        self.close_code = conn.get_close_code()

    def close(self, code=1000):
        """A clean goodbye (close code 1000 by default)."""
        if self.conn is not None and not self.closed:
            self.conn.close(code, None)
            iterate_until(lambda: self.closed, 3)

    def drop(self):
        """A connection loss: the TCP connection goes away without a close
        frame."""
        if self.conn is not None:
            self.conn.get_io_stream().close(None)
            self.closed = True

    def wait_closed(self, timeout=DEFAULT_TIMEOUT):
        iterate_until(lambda: self.closed, timeout)
        return self.close_code if self.closed else None

    # -- sending ------------------------------------------------------------

    def send_raw(self, text):
        self.conn.send_text(text)

    def send_binary(self, data):
        self.conn.send_binary(data)

    def send(self, type_, **fields):
        """Sends a request and returns its id."""
        rid = fields.pop('id', None)
        if rid is None:
            rid = self.next_id
        self.next_id = max(self.next_id, rid) + 1
        m = {'type': type_, 'id': rid}
        m.update(fields)
        self.replies.pop(rid, None)   # a reused id (a test of replays) waits anew
        self.conn.send_text(json.dumps(m))
        return rid

    def reply(self, rid, timeout=DEFAULT_TIMEOUT):
        if not iterate_until(lambda: rid in self.replies or self.closed, timeout) \
           or rid not in self.replies:
            raise ProtocolError('%s: no reply to request %s' % (self.name, rid))
        return self.replies[rid]

    def request(self, type_, timeout=DEFAULT_TIMEOUT, **fields):
        """Sends a request and returns its reply (ok or error)."""
        return self.reply(self.send(type_, **fields), timeout)

    def ok(self, type_, **fields):
        """Sends a request that must succeed; returns the ok reply."""
        r = self.request(type_, **fields)
        if r.get('type') != 'ok':
            raise ProtocolError('%s: %s failed: %r' % (self.name, type_, r))
        return r

    def register(self, **fields):
        self.register_reply = self.ok('register', **fields)
        return self.register_reply

    # -- events -------------------------------------------------------------

    def event(self, type_, timeout=DEFAULT_TIMEOUT, **match):
        """Takes (removes) the first event of that type whose fields match."""
        def find():
            for i, e in enumerate(self.events):
                if e.get('type') == type_ and all(e.get(k) == v for k, v in match.items()):
                    return i + 1
            return 0
        i = iterate_until(find, timeout)
        if not i:
            raise ProtocolError('%s: no %s event %r (have %r)'
                                % (self.name, type_, match,
                                   self.events))
        return self.events.pop(i - 1)

    def no_event(self, type_, seconds=0.3, **match):
        """True if no such event arrives within seconds."""
        spin(seconds)
        return not any(e.get('type') == type_ and all(e.get(k) == v for k, v in match.items())
                       for e in self.events)

    def index_in_stream(self, m):
        for i, x in enumerate(self.stream):
            if x is m:
                return i
        return -1


def http_handshake(base_http_uri, token, query=''):
    """A WebSocket handshake by hand, to read the HTTP status and body of a
    refused one (§ 1). Returns (status, body bytes)."""
    session = Soup.Session()
    msg = Soup.Message.new('GET', base_http_uri + '/v1/agent' + query)
    h = msg.get_request_headers()
    if token is not None:
        h.append('Authorization', 'Bearer ' + token)
    h.append('Upgrade', 'websocket')
    h.append('Connection', 'Upgrade')
    h.append('Sec-WebSocket-Version', '13')
    h.append('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==')
    h.append('Sec-WebSocket-Protocol', 'baton.v1')
    result = {}

    def done(s, res, _data):
        try:
            result['body'] = s.send_and_read_finish(res).get_data()
        except GLib.Error as e:
            result['error'] = e

    session.send_and_read_async(msg, GLib.PRIORITY_DEFAULT, None, done, None)
    iterate_until(lambda: result, DEFAULT_TIMEOUT)
    return msg.get_status(), result.get('body')
