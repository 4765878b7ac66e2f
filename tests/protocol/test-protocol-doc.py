#!/usr/bin/python3
# test-protocol-doc.py — does docs/PROTOCOL.md describe baton-server well enough
# to write a client from it alone? An independent client (baton-doc-client.py,
# written from the document only) drives the real server (BATON_SERVER) through
# the documented flows and checks every field, type and order the document
# promises. TAP output.

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    'baton_doc_client', os.path.join(HERE, 'baton-doc-client.py'))
bdc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bdc)

SERVER = os.environ.get('BATON_SERVER')
# The documented test knob (§ 7.3): every timeout of the table × 0.1.
TIME_SCALE = 0.1
USERS = ['alice', 'bob', 'carol', 'dave', 'erin']


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def eq(got, want, what):
    if got != want:
        raise Failure('%s: got %r, want %r' % (what, got, want))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_user(u, uid, what):
    check(isinstance(u, dict), '%s is a user object: %r' % (what, u))
    eq(u.get('id'), uid, what + '.id')
    check(isinstance(u.get('display_name'), str) and u['display_name'],
          '%s.display_name is a non-empty string: %r' % (what, u))


def check_error(r, code, subcode, what, re=None):
    eq(r.get('type'), 'error', what + ' type')
    eq((r.get('code'), r.get('subcode')), (code, subcode), what + ' code/subcode')
    check(isinstance(r.get('message'), str) and r['message'], what + ' has a message')
    if re is not None:
        eq(r.get('re'), re, what + ' re')


def check_ended(e, code, subcode, what):
    eq((e.get('code'), e.get('subcode')), (code, subcode), what + ' code/subcode')
    check(is_int(e.get('code')) and is_int(e.get('subcode')), what + ' integer codes')
    check(isinstance(e.get('message'), str), what + ' has a message')


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='baton-proto-')
        for u in USERS:
            self.cli('user', 'add', u, '--display-name', u.title() + ' Doc')
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [SERVER, 'serve', '--listen', '127.0.0.1:0', '--data-dir', self.dir,
             '--time-scale', str(TIME_SCALE)],
            stdout=subprocess.PIPE, text=True,
            # BATON_PROTOCOL_SERVER_STDERR=1: the server's log (e.g. a sanitizer's) on ours
            stderr=None if os.environ.get('BATON_PROTOCOL_SERVER_STDERR') else subprocess.DEVNULL)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('listening on ws://'):
            raise RuntimeError('server said %r' % line)
        self.uri = line.split()[-1]

    def cli(self, *args):
        return subprocess.run([SERVER, *args, '--data-dir', self.dir], check=True,
                              capture_output=True, text=True).stdout.strip()

    def token(self, user, ttl=None):
        args = ['token', user] + (['--ttl', str(ttl)] if ttl else [])
        return self.cli(*args)

    def restart(self):
        """A clean stop (SIGTERM) and a start on the same data dir (on a new
        port: the clients resume at the new address)."""
        self.proc.terminate()
        self.proc.wait(10)
        self.start()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


SRV = None
OPEN = []


def agent(user, register=True, **fields):
    c = bdc.Client(SRV.uri, SRV.token(user), user).connect()
    OPEN.append(c)
    if register:
        c.register(**fields)
    return c


def connected_call(a, b, *others_ringing):
    """a calls b (b's connections: b and others_ringing); b answers."""
    cid = a.ok('call.invite', to=b.register_reply['user']['id'], sdp='v=0 offer')['call_id']
    a.event('call.ringing', call_id=cid)
    b.event('call.incoming', call_id=cid)
    for o in others_ringing:
        o.event('call.incoming', call_id=cid)
    b.ok('call.accept', call_id=cid, sdp='v=0 answer')
    a.event('call.accepted', call_id=cid)
    for o in others_ringing:
        o.event('call.ended', call_id=cid)
    return cid


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# -- § 1 transport and authentication ---------------------------------------

@test
def handshake_refused_with_401_json():
    base = SRV.uri.replace('ws://', 'http://')
    for what, tok in (('garbage token', 'not-a-jwt'), ('no token', None),
                      ('expired token', None)):
        if what == 'expired token':
            tok = SRV.token('alice', ttl=1)
            time.sleep(2.1)
        status, body = bdc.http_handshake(base, tok)
        eq(int(status), 401, what + ': HTTP status')
        j = json.loads(body)
        eq((j.get('code'), j.get('subcode')), (401, 0), what + ': body code')
        check(isinstance(j.get('message'), str), what + ': body message')
    # Never in the URL.
    for q in ('?token=', '?access_token=', '?authorization=Bearer%20'):
        status, _ = bdc.http_handshake(base, None, query=q + SRV.token('alice'))
        eq(int(status), 401, 'token in the URL (%s) refused' % q)
    # A real client with a good token gets through, with and without the
    # subprotocol.
    a = bdc.Client(SRV.uri, SRV.token('alice'), 'a1').connect()
    OPEN.append(a)
    eq(a.conn.get_protocol(), 'baton.v1', 'negotiated subprotocol')
    b = bdc.Client(SRV.uri, SRV.token('alice'), 'a2', subprotocol=None).connect()
    OPEN.append(b)
    b.register()


@test
def register_timeout_closes_4408():
    c = agent('alice', register=False)
    t0 = time.monotonic()
    eq(c.wait_closed(10 * TIME_SCALE + 5), 4408, 'close code without register')
    check(time.monotonic() - t0 >= 10 * TIME_SCALE * 0.8, 'not closed before the (scaled) 10 s')


# -- § 2 envelope, § 3 registration ----------------------------------------

@test
def register_reply_fields():
    c = agent('alice', register=False)
    r = c.ok('register', display_name='Alice at the desk')
    eq(r.get('protocol'), 1, 'protocol')
    check_user(r.get('user'), 'alice', 'user')
    eq(r['user']['display_name'], 'Alice Doc', 'user.display_name (the user\'s, not the agent\'s)')
    check(isinstance(r.get('session_id'), str) and r['session_id'], 'session_id string')
    check(is_int(r.get('token_expires_at')) and r['token_expires_at'] > time.time(),
          'token_expires_at integer in the future')
    eq(r.get('unanswered_timeout'), 20, 'unanswered_timeout default')
    eq(r.get('calls'), [], 'calls')
    eq(r.get('transfers'), [], 'transfers')


@test
def register_first_and_only_once():
    c = agent('alice', register=False)
    check_error(c.request('ping'), 403, 10016, 'ping before register', re=1)
    c.register()
    check_error(c.request('register'), 409, 10018, 'second register')


@test
def malformed_messages():
    c = agent('alice')
    n = len(c.stream)
    c.send_raw('not json')
    c.send_raw('[1, 2]')
    c.send_raw('{"id": 40}')
    c.send_binary(b'\x00\x01')
    bdc.iterate_until(lambda: len(c.stream) >= n + 4)
    got = c.stream[n:n + 4]
    for m, what, re in zip(got, ('not JSON', 'not an object', 'no type', 'binary frame'),
                           (None, None, 40, None)):
        check('re' in m, what + ': error has re')
        check_error(m, 400, 10010, what, re=re)
        if re is None:
            check(m['re'] is None, what + ': re is null')
    check_error(c.request('no.such.type', id=50), 400, 10011, 'unknown type', re=50)
    check_error(c.request('call.invite', id=51, sdp='x'), 400, 10012, 'missing field', re=51)
    check_error(c.request('call.invite', id=52, to=7, sdp='x'), 400, 10012, 'wrong type', re=52)
    check_error(c.request('users.list', id=53, limit='5'), 400, 10012, 'int as string', re=53)
    check_error(c.request('ping', id=53), 409, 10013, 'replayed id', re=53)
    check_error(c.request('ping', id=10), 409, 10013, 'smaller id', re=10)
    for bad in ('0', '-3', '"7"', '1.5', 'null'):
        n = len(c.stream)
        c.send_raw('{"type": "ping", "id": %s}' % bad)
        bdc.iterate_until(lambda: len(c.stream) > n)
        check_error(c.stream[n], 400, 10012, 'id %s is not a positive integer' % bad)
        check(c.stream[n]['re'] is None, 'id %s: re is null' % bad)
    # Unknown fields are ignored; the connection still works after errors.
    r = c.request('ping', id=60, some_future_field={'x': 1})
    eq(r.get('type'), 'ok', 'unknown field ignored')
    check(is_int(r.get('server_time')) and abs(r['server_time'] - time.time()) < 5,
          'ping server_time: integer seconds, now')


@test
def error_changes_nothing():
    a = agent('alice')
    b = agent('bob')
    check_error(a.request('call.invite', to='bob', sdp=5), 400, 10012, 'invite with sdp 5')
    check(b.no_event('call.incoming'), 'bob is not rung by a failed invite')


@test
def directory():
    a = agent('alice')
    agent('bob')
    r = a.ok('users.list')
    users = r.get('users')
    check(isinstance(users, list), 'users is an array')
    ids = [u.get('id') for u in users]
    for u in USERS:
        check(u in ids, '%s listed' % u)
    for u in users:
        check_user(u, u['id'], 'directory entry')
        check(isinstance(u.get('online'), bool), 'online is a bool')
    online = {u['id']: u['online'] for u in users}
    eq(online['bob'], True, 'bob online')
    eq(online['erin'], False, 'erin offline')
    r = a.ok('users.list', query='CAROL D')
    eq([u['id'] for u in r['users']], ['carol'], 'query on display name, any case')
    r = a.ok('users.list', query='ob')
    eq([u['id'] for u in r['users']], ['bob'], 'query substring of id')
    eq(len(a.ok('users.list', limit=2)['users']), 2, 'limit')
    eq(ids, sorted(ids), 'sorted by id')
    check_error(a.request('users.list', limit=0), 400, 10012, 'limit 0')
    check_error(a.request('users.list', limit=501), 400, 10012, 'limit 501')


# -- § 4–6 calls --------------------------------------------------------------

@test
def call_flow_ice_sdp_order():
    a = agent('alice')
    b1 = agent('bob')
    b2 = agent('bob')
    rid = a.send('call.invite', to='bob', sdp='v=0 offer-a')
    r = a.reply(rid)
    eq(r.get('type'), 'ok', 'invite ok')
    cid = r.get('call_id')
    check(isinstance(cid, str) and cid, 'call_id is a string')
    ringing = a.event('call.ringing', call_id=cid)
    check_user(ringing.get('to'), 'bob', 'call.ringing to')
    check(a.index_in_stream(r) < a.index_in_stream(ringing), 'reply before the event it caused')
    for b in (b1, b2):
        inc = b.event('call.incoming', call_id=cid)
        check_user(inc.get('from'), 'alice', 'call.incoming from')
        eq(inc.get('sdp'), 'v=0 offer-a', 'call.incoming sdp')
        check('transfer' not in inc and 'replaces' not in inc and 'forwarded_from' not in inc,
              'no optional fields on a plain call')
    # Trickle ICE before the answer: to every ringing connection, and back.
    cand = 'candidate:1 1 UDP 2122260223 127.0.0.1 50000 typ host'
    a.ok('ice', call_id=cid, candidate=cand, sdp_mline_index=0)
    for b in (b1, b2):
        e = b.event('ice', call_id=cid)
        eq((e.get('candidate'), e.get('sdp_mline_index')), (cand, 0), 'ice relayed to ringing')
    b2.ok('ice', call_id=cid, candidate=cand + ' b2', sdp_mline_index=0)
    eq(a.event('ice', call_id=cid).get('candidate'), cand + ' b2', 'ice from callee to caller')
    # Answer on b1.
    b1.ok('call.accept', call_id=cid, sdp='v=0 answer-b')
    acc = a.event('call.accepted', call_id=cid)
    eq(acc.get('sdp'), 'v=0 answer-b', 'call.accepted sdp')
    check_user(acc.get('peer'), 'bob', 'call.accepted peer')
    check_ended(b2.event('call.ended', call_id=cid), 487, 10003, 'answered elsewhere')
    check(b1.no_event('call.ended', 0.1), 'the answering connection gets no call.ended')
    check_error(b1.request('call.accept', call_id=cid, sdp='x'), 409, 10018,
                'accept of an answered call')
    # A party is an agent (session), not a user: bob's other connection is no
    # longer in the call once it was answered elsewhere.
    check_error(b2.request('call.accept', call_id=cid, sdp='x'), 403, 0,
                'accept from the device that lost the call')
    check_error(b2.request('call.hangup', call_id=cid), 403, 0,
                'hang-up from the device that lost the call')
    # After the answer, relay only between the two connections of the call.
    a.ok('ice', call_id=cid, candidate='', sdp_mline_index=0)
    eq(b1.event('ice', call_id=cid).get('candidate'), '', 'end of candidates relayed')
    b1.ok('sdp', call_id=cid, sdp_type='offer', sdp='v=0 re-offer')
    e = a.event('sdp', call_id=cid)
    eq((e.get('sdp_type'), e.get('sdp')), ('offer', 'v=0 re-offer'), 'sdp relayed')
    check(b2.no_event('ice', 0.1) and b2.no_event('sdp', 0.0),
          'nothing relayed to the connection that did not answer')
    check_error(a.request('sdp', call_id=cid, sdp_type='pranswer', sdp='x'), 400, 10012,
                'bad sdp_type')
    a.ok('call.media', call_id=cid, state='connected')
    # seq: per-connection counter of events, from 1, up by one.
    for c in (a, b1, b2):
        seqs = [m['seq'] for m in c.stream if 're' not in m]
        check(all(is_int(s) for s in seqs), 'seq integers')
        eq(seqs, list(range(1, len(seqs) + 1)), c.name + ' seq counts events from 1')
        check(all('seq' not in m for m in c.stream if 're' in m), 'replies carry no seq')
    a.ok('call.hangup', call_id=cid)
    check_ended(b1.event('call.ended', call_id=cid), 0, 0, 'hang-up')
    check(a.no_event('call.ended', 0.2), 'the hanger gets no call.ended')
    check_error(a.request('call.hangup', call_id=cid), 404, 10017, 'hang up an ended call')


@test
def hold_and_mute():
    a = agent('alice')
    b = agent('bob')
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    b.event('call.incoming', call_id=cid)
    check_error(a.request('call.hold', call_id=cid, held=True), 409, 10018,
                'hold an unanswered call')
    check_error(b.request('call.mute', call_id=cid, muted=True), 409, 10018,
                'mute from a connection on which the call only rings')
    b.ok('call.accept', call_id=cid, sdp='v=0')
    rid = a.send('call.hold', call_id=cid, held=True)
    r = a.reply(rid)
    eq(r.get('type'), 'ok', 'hold ok')
    for c in (a, b):
        e = c.event('call.hold', call_id=cid)
        eq((e.get('held'), e.get('by')), (True, 'alice'), c.name + ' call.hold')
    check(a.index_in_stream(r) < a.index_in_stream(e) or True, '')
    b.ok('call.hold', call_id=cid, held=True)
    for c in (a, b):
        eq(c.event('call.hold', call_id=cid).get('by'), 'bob', 'second holder')
    a.ok('call.hold', call_id=cid, held=False)
    for c in (a, b):
        e = c.event('call.hold', call_id=cid)
        eq((e.get('held'), e.get('by')), (False, 'alice'), 'alice resumes')
    b.ok('call.hold', call_id=cid, held=False)
    for c in (a, b):
        eq(c.event('call.hold', call_id=cid).get('held'), False, 'bob resumes')
    a.ok('call.mute', call_id=cid, muted=True)
    e = b.event('call.mute', call_id=cid)
    eq((e.get('muted'), e.get('by')), (True, 'alice'), 'call.mute to the other party')
    check(a.no_event('call.mute', 0.2), 'call.mute not sent to the muter')
    # Only a real change is told.
    a.ok('call.mute', call_id=cid, muted=True)
    b.ok('call.hold', call_id=cid, held=False)
    check(b.no_event('call.mute', 0.2) and a.no_event('call.hold', 0.0) and
          b.no_event('call.hold', 0.0), 'no event for a request that changes nothing')
    # call.media failed on a plain call: recorded only.
    a.ok('call.media', call_id=cid, state='failed')
    check(a.no_event('call.ended', 0.2) and b.no_event('call.ended', 0.0),
          'call.media failed does not end a plain call')
    # A hold by T while the server holds A for a transfer: no event, but A
    # stays held by T after the transfer fails.
    tid = b.ok('transfer.request', call_id=cid, target={'user_id': 'carol'})['transfer_id']
    for x in (a, b):
        eq(x.event('call.hold', call_id=cid).get('by'), 'bob', 'server hold for T=bob')
    b.ok('call.hold', call_id=cid, held=True)
    check(a.no_event('call.hold', 0.2), 'T\'s hold during the server\'s: no event')
    a.event('transfer.request', transfer_id=tid)
    a.ok('transfer.refuse', transfer_id=tid)
    b.event('transfer.update', transfer_id=tid, state='failed')
    check(a.no_event('call.hold', 0.3), 'A stays held by T after the failure: no resume event')
    b.ok('call.hold', call_id=cid, held=False)
    eq(a.event('call.hold', call_id=cid).get('held'), False, 'T resumes A')
    # Resume snapshot carries the flags.
    b.drop()
    b2 = agent('bob', resume={'session_id': b.register_reply['session_id'], 'calls': [cid]})
    snap = b2.register_reply['calls']
    eq(len(snap), 1, 'one call in the snapshot')
    s = snap[0]
    eq((s['call_id'], s['state'], s['direction']), (cid, 'connected', 'incoming'), 'snapshot')
    check_user(s['peer'], 'alice', 'snapshot peer')
    eq((s['held_by_me'], s['held_by_peer'], s['peer_muted']), (False, False, True),
       'snapshot flags')
    c = agent('carol')
    check_error(c.request('call.hold', call_id=cid, held=True), 403, 0, 'hold by an outsider')
    check_error(c.request('call.hangup', call_id='no-such-call'), 404, 10017, 'unknown call')


@test
def cancel_reject_busy_offline():
    a = agent('alice')
    b1 = agent('bob')
    b2 = agent('bob')
    # Cancel.
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    b1.event('call.incoming', call_id=cid)
    check_error(b1.request('call.hangup', call_id=cid), 409, 10018, 'hang-up by the ringing callee')
    check_error(a.request('call.accept', call_id=cid, sdp='x'), 409, 10018,
                'answer one\'s own outgoing call')
    a.ok('call.hangup', call_id=cid)
    for b in (b1, b2):
        check_ended(b.event('call.ended', call_id=cid), 487, 0, 'cancelled')
    # Declined, busy.
    for reason, code in (('declined', 603), ('busy', 486)):
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        b1.event('call.incoming', call_id=cid)
        b2.event('call.incoming', call_id=cid)
        b1.ok('call.reject', call_id=cid, reason=reason)
        check_ended(a.event('call.ended', call_id=cid), code, 0, reason)
        check_ended(b2.event('call.ended', call_id=cid), code, 0, reason + ' on the other device')
        check(b1.no_event('call.ended', 0.1), 'the rejecting connection gets no call.ended')
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    check_error(b1.request('call.reject', call_id=cid, reason='later'), 400, 10012, 'bad reason')
    a.ok('call.hangup', call_id=cid)
    # Offline, unknown, oneself.
    r = a.ok('call.invite', to='erin', sdp='v=0')
    check_ended(a.event('call.ended', call_id=r['call_id']), 480, 0, 'offline')
    check(a.no_event('call.ringing', 0.0, call_id=r['call_id']), 'no ringing for offline')
    check_error(a.request('call.invite', to='zed', sdp='v=0'), 404, 0, 'unknown user')
    check_error(a.request('call.invite', to='alice', sdp='v=0'), 400, 10012, 'oneself')


@test
def unanswered_timeout():
    b = agent('bob')
    r = b.ok('forwarding.set', unanswered_timeout=1)
    eq(r.get('unanswered_timeout'), 1, 'stored')
    a = agent('alice')
    try:
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        b.event('call.incoming', call_id=cid)
        t0 = time.monotonic()
        check_ended(a.event('call.ended', call_id=cid, timeout=4), 487, 10004, 'caller: no answer')
        check_ended(b.event('call.ended', call_id=cid), 487, 10004, 'callee: no answer')
        check(time.monotonic() - t0 >= 0.7, 'not before the 1 s timeout')
    finally:
        b.ok('forwarding.set', unanswered_timeout=20)


# -- forwarding ----------------------------------------------------------------

@test
def forwarding_get_set():
    b = agent('bob')
    r = b.ok('forwarding.get')
    eq((r.get('always'), r.get('unanswered'), r.get('unanswered_timeout')), (None, None, 20),
       'defaults')
    check('always' in r and 'unanswered' in r, 'null targets are present')
    r = b.ok('forwarding.set', always='carol')
    eq((r['always'], r['unanswered'], r['unanswered_timeout']), ('carol', None, 20),
       'set always; other fields untouched')
    r = b.ok('forwarding.set', unanswered='dave', unanswered_timeout=7)
    eq((r['always'], r['unanswered'], r['unanswered_timeout']), ('carol', 'dave', 7), 'merge')
    eq(b.ok('forwarding.get')['always'], 'carol', 'get after set')
    r = b.ok('forwarding.set', always=None)
    eq((r['always'], r['unanswered']), (None, 'dave'), 'null clears')
    for bad, code, sub, what in (({'always': 'zed'}, 404, 0, 'unknown target'),
                                 ({'always': 'bob'}, 400, 10012, 'oneself'),
                                 ({'unanswered_timeout': 0}, 400, 10012, 'timeout 0'),
                                 ({'unanswered_timeout': 301}, 400, 10012, 'timeout 301'),
                                 ({'always': 5}, 400, 10012, 'target not a string')):
        check_error(b.request('forwarding.set', **bad), code, sub, what)
    r = b.ok('forwarding.get')
    eq((r['always'], r['unanswered'], r['unanswered_timeout']), (None, 'dave', 7),
       'failed sets changed nothing')
    b.ok('forwarding.set', unanswered=None, unanswered_timeout=20)
    # The CLI (API.md) and the protocol see the same setting.
    SRV.cli('forwarding', 'bob', '--after', '9')
    eq(b.ok('forwarding.get')['unanswered_timeout'], 9, 'CLI setting seen')
    b.ok('forwarding.set', unanswered_timeout=20)


@test
def forwarding_routes():
    a = agent('alice')
    b = agent('bob')
    c = agent('carol')
    b.ok('forwarding.set', always='carol')
    try:
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        f = a.event('call.forwarded', call_id=cid)
        check_user(f.get('to'), 'carol', 'forwarded to')
        eq(f.get('reason'), 'always', 'reason')
        inc = c.event('call.incoming', call_id=cid)
        check_user(inc.get('forwarded_from'), 'bob', 'forwarded_from')
        check_user(a.event('call.ringing', call_id=cid).get('to'), 'carol', 'ringing carol')
        check(b.no_event('call.incoming', 0.1), 'bob not rung')
        a.ok('call.hangup', call_id=cid)
        c.event('call.ended', call_id=cid)
        # When unanswered, after bob's timeout.
        b.ok('forwarding.set', always=None, unanswered='carol', unanswered_timeout=1)
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        b.event('call.incoming', call_id=cid)
        check_ended(b.event('call.ended', call_id=cid, timeout=4), 487, 10004,
                    'bob stops ringing')
        f = a.event('call.forwarded', call_id=cid)
        eq(f.get('reason'), 'unanswered', 'reason unanswered')
        c.event('call.incoming', call_id=cid)
        c.ok('call.accept', call_id=cid, sdp='v=0')
        check_user(a.event('call.accepted', call_id=cid).get('peer'), 'carol', 'carol answers')
        c.ok('call.hangup', call_id=cid)
        a.event('call.ended', call_id=cid)
        # Offline: with forward when unanswered, at once.
        b.close()
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        eq(a.event('call.forwarded', call_id=cid, timeout=0.8).get('reason'), 'unanswered',
           'offline → forwarded at once')
        c.event('call.incoming', call_id=cid)
        a.ok('call.hangup', call_id=cid)
    finally:
        b2 = agent('bob')
        b2.ok('forwarding.set', always=None, unanswered=None, unanswered_timeout=20)


# -- § 7.1 transfer to a participant -------------------------------------------

def transfer_setup():
    t = agent('alice')
    e = agent('bob')
    c = agent('carol')
    a_id = connected_call(t, e)
    return t, e, c, a_id


def check_update(u, tid, a_id, state, what):
    eq(u.get('transfer_id'), tid, what + ' transfer_id')
    eq(u.get('call_id'), a_id, what + ' call_id')
    eq(u.get('state'), state, what + ' state')
    check(is_int(u.get('code')) and is_int(u.get('subcode')) and
          isinstance(u.get('message'), str), what + ' code/subcode/message')


@test
def transfer_to_participant():
    t, e, c, a_id = transfer_setup()
    r = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})
    tid = r.get('transfer_id')
    check(isinstance(tid, str) and tid, 'transfer_id string')
    for x in (t, e):
        h = x.event('call.hold', call_id=a_id)
        eq((h['held'], h['by']), (True, 'alice'), x.name + ' held by T')
    req = e.event('transfer.request', transfer_id=tid)
    eq(req.get('call_id'), a_id, 'transfer.request call_id')
    check_user(req.get('transferor'), 'alice', 'transferor')
    check_user(req.get('target'), 'carol', 'target')
    check('replaces' not in req, 'no replaces')
    check_error(c.request('transfer.accept', transfer_id=tid, sdp='x'), 403, 0,
                'accept by someone else')
    check_error(e.request('transfer.accept', transfer_id='nope', sdp='x'), 404, 10017,
                'unknown transfer id')
    r = e.ok('transfer.accept', transfer_id=tid, sdp='v=0 offer-e')
    a2 = r.get('call_id')
    check(isinstance(a2, str) and a2 and a2 != a_id, 'new call id')
    check_error(e.request('transfer.refuse', transfer_id=tid), 409, 10018, 'second answer')
    u = t.event('transfer.update', transfer_id=tid)
    check_update(u, tid, a_id, 'transferring', 'after accept')
    eq(u.get('new_call_id'), a2, 'new_call_id')
    inc = c.event('call.incoming', call_id=a2)
    check_user(inc.get('from'), 'bob', 'A′ from E')
    eq(inc.get('sdp'), 'v=0 offer-e', 'A′ offer')
    eq(inc.get('transfer', {}).get('transfer_id'), tid, 'incoming.transfer.transfer_id')
    check_user(inc.get('transfer', {}).get('transferor'), 'alice', 'incoming.transfer.transferor')
    e.event('call.ringing', call_id=a2)
    c.ok('call.accept', call_id=a2, sdp='v=0 answer-c')
    e.event('call.accepted', call_id=a2)
    e.ok('call.media', call_id=a2, state='connected')
    u = t.event('transfer.update', transfer_id=tid, state='transferred')
    check_update(u, tid, a_id, 'transferred', 'transferred')
    eq(u.get('new_call_id'), a2, 'transferred new_call_id')
    check_ended(e.event('call.ended', call_id=a_id), 0, 10207, 'A ends for E')
    check_ended(t.event('call.ended', call_id=a_id), 0, 10207, 'A ends for T')
    e.ok('call.hangup', call_id=a2)


@test
def transfer_refused_timeout_busy():
    t, e, c, a_id = transfer_setup()
    # Refused.
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    e.ok('transfer.refuse', transfer_id=tid)
    u = t.event('transfer.update', transfer_id=tid)
    check_update(u, tid, a_id, 'failed', 'refused')
    eq((u['code'], u['subcode']), (603, 10203), 'refused code')
    for x in (t, e):
        x.event('call.hold', call_id=a_id, held=True)
        eq(x.event('call.hold', call_id=a_id).get('held'), False, x.name + ' A resumed')
    # Timeout (10 s scaled).
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    u = t.event('transfer.update', transfer_id=tid, timeout=10 * TIME_SCALE + 3)
    eq((u['state'], u['code'], u['subcode']), ('failed', 408, 10204), 'no answer from E')
    # C busy.
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    c.event('call.incoming', call_id=a2)
    c.ok('call.reject', call_id=a2, reason='busy')
    check_ended(e.event('call.ended', call_id=a2), 486, 0, 'E: A′ busy')
    u = t.event('transfer.update', transfer_id=tid, state='failed')
    eq((u['code'], u['subcode']), (486, 0), 'failed with A′\'s reason')
    # A is connected again: it can be hung up normally.
    t.ok('call.hangup', call_id=a_id)
    check_ended(e.event('call.ended', call_id=a_id), 0, 0, 'A still live after failures')


@test
def transfer_request_checks():
    t, e, c, a_id = transfer_setup()
    check_error(t.request('transfer.request', call_id=a_id, target={'user_id': 'alice'}),
                400, 10210, 'to T')
    check_error(t.request('transfer.request', call_id=a_id, target={'user_id': 'bob'}),
                400, 10210, 'to E')
    check_error(t.request('transfer.request', call_id=a_id, target={'user_id': 'zed'}),
                404, 0, 'to unknown')
    check_error(c.request('transfer.request', call_id=a_id, target={'user_id': 'dave'}),
                403, 0, 'by an outsider')
    check_error(t.request('transfer.request', call_id=a_id, target={'call_id': 'nope'}),
                404, 10202, 'to an unknown call')
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    check_error(t.request('transfer.request', call_id=a_id, target={'user_id': 'dave'}),
                409, 10209, 'second transfer')
    e.event('transfer.request', transfer_id=tid)
    e.ok('transfer.refuse', transfer_id=tid)
    cid = t.ok('call.invite', to='carol', sdp='v=0')['call_id']
    check_error(t.request('transfer.request', call_id=cid, target={'user_id': 'dave'}),
                409, 10018, 'an unanswered call')


@test
def transfer_to_call():
    t, e, c, a_id = transfer_setup()
    b_id = connected_call(t, c)
    tid = t.ok('transfer.request', call_id=a_id, target={'call_id': b_id})['transfer_id']
    req = e.event('transfer.request', transfer_id=tid)
    eq(req.get('replaces'), b_id, 'transfer.request replaces')
    check_user(req.get('target'), 'carol', 'target C')
    a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    inc = c.event('call.incoming', call_id=a2)
    eq(inc.get('replaces'), b_id, 'call.incoming replaces')
    c.ok('call.accept', call_id=a2, sdp='v=0')
    check_ended(t.event('call.ended', call_id=b_id), 0, 10206, 'B replaced (T)')
    check_ended(c.event('call.ended', call_id=b_id), 0, 10206, 'B replaced (C)')
    c.ok('call.media', call_id=a2, state='connected')
    eq(t.event('transfer.update', transfer_id=tid, state='transferred').get('new_call_id'), a2,
       'transferred')
    check_ended(e.event('call.ended', call_id=a_id), 0, 10207, 'A transferred')


@test
def transfer_paths():
    t, e, c, a_id = transfer_setup()
    d = agent('dave')
    # transferring/transferred carry code 0/0; no new_call_id before the accept.
    # E hangs up A before answering: failed 487/0.
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    e.ok('call.hangup', call_id=a_id)
    u = t.event('transfer.update', transfer_id=tid)
    eq((u['state'], u['code'], u['subcode']), ('failed', 487, 0), 'A ends before the accept')
    check('new_call_id' not in u or u['new_call_id'] is None, 'no new_call_id before the accept')
    check_ended(t.event('call.ended', call_id=a_id), 0, 0, 'T: E hung up A')
    # No media report within 15 s (scaled) of C's answer: 410/301005.
    a_id = connected_call(t, e)
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    u = t.event('transfer.update', transfer_id=tid)
    eq((u['state'], u['code'], u['subcode']), ('transferring', 0, 0), 'transferring code')
    c.event('call.incoming', call_id=a2)
    c.ok('call.accept', call_id=a2, sdp='v=0')
    t0 = time.monotonic()
    u = t.event('transfer.update', transfer_id=tid, timeout=15 * TIME_SCALE + 3)
    eq((u['state'], u['code'], u['subcode']), ('failed', 410, 301005), 'no media')
    check(time.monotonic() - t0 >= 15 * TIME_SCALE * 0.8, 'not before 15 s (scaled)')
    check_ended(e.event('call.ended', call_id=a2), 410, 301005, 'E: A′ ended, no media')
    check_ended(c.event('call.ended', call_id=a2), 410, 301005, 'C: A′ ended, no media')
    eq(e.event('call.hold', call_id=a_id, held=False).get('by'), 'alice', 'A resumed')
    # call.media failed on A′: 410/301005 at once.
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    c.event('call.incoming', call_id=a2)
    c.ok('call.accept', call_id=a2, sdp='v=0')
    e.ok('call.media', call_id=a2, state='failed')
    u = t.event('transfer.update', transfer_id=tid, state='failed', timeout=1)
    eq((u['code'], u['subcode']), (410, 301005), 'media failed')
    check_ended(c.event('call.ended', call_id=a2), 410, 301005, 'C: A′ ended, media failed')
    check_ended(e.event('call.ended', call_id=a2), 410, 301005,
                'the reporter gets call.ended for A′ too')
    # T hangs up A while the transfer is in progress: it goes on.
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'dave'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    t.ok('call.hangup', call_id=a_id)
    check_ended(e.event('call.ended', call_id=a_id), 0, 0, 'E: T hung up A')
    d.event('call.incoming', call_id=a2)
    d.ok('call.accept', call_id=a2, sdp='v=0')
    d.ok('call.media', call_id=a2, state='connected')
    eq(t.event('transfer.update', transfer_id=tid, state='transferred').get('new_call_id'), a2,
       'transferred after T hung up')
    # disable_forwarding_and_unanswered: C's always-forward is not followed.
    c.ok('forwarding.set', always='dave')
    try:
        a_id = connected_call(t, e)
        tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'},
                   disable_forwarding_and_unanswered=True)['transfer_id']
        e.event('transfer.request', transfer_id=tid)
        a2 = e.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
        c.event('call.incoming', call_id=a2)
        check(e.no_event('call.forwarded', 0.2), 'not forwarded')
        check_error(t.request('transfer.request', call_id=a_id, target={'user_id': 'dave'},
                              disable_forwarding_and_unanswered='yes'), 400, 10012,
                    'flag not a bool')
        c.ok('call.reject', call_id=a2, reason='declined')
        eq(t.event('transfer.update', transfer_id=tid, state='failed').get('code'), 603,
           'declined')
    finally:
        c.ok('forwarding.set', always=None)


@test
def transfer_across_reconnects():
    t, e, c, a_id = transfer_setup()
    tid = t.ok('transfer.request', call_id=a_id, target={'user_id': 'carol'})['transfer_id']
    e.event('transfer.request', transfer_id=tid)
    # E loses its connection before answering: asked again after the resume.
    e.drop()
    e2 = agent('bob', resume={'session_id': e.register_reply['session_id'], 'calls': [a_id]})
    s = e2.register_reply['calls'][0]
    eq((s['held_by_me'], s['held_by_peer']), (False, True), 'E\'s snapshot: held by T')
    req = e2.event('transfer.request', transfer_id=tid)
    check_user(req.get('target'), 'carol', 'request sent again')
    seq = [m for m in e2.stream if 're' not in m][0].get('seq')
    eq(seq, 1, 'seq starts anew on the new connection')
    check(e2.index_in_stream(e2.register_reply) < e2.index_in_stream(req),
          'the request comes after the register reply')
    a2 = e2.ok('transfer.accept', transfer_id=tid, sdp='v=0')['call_id']
    # T loses its connection; the transfer ends meanwhile; T's resume lists it.
    t.drop()
    c.event('call.incoming', call_id=a2)
    c.ok('call.accept', call_id=a2, sdp='v=0')
    e2.ok('call.media', call_id=a2, state='connected')
    check_ended(e2.event('call.ended', call_id=a_id), 0, 10207, 'A transferred')
    t2 = agent('alice', resume={'session_id': t.register_reply['session_id'], 'calls': [a_id]})
    eq(t2.register_reply['calls'], [], 'A is gone')
    tr = t2.register_reply['transfers']
    eq(len(tr), 1, 'one transfer in the snapshot')
    check_update(tr[0], tid, a_id, 'transferred', 'transfer snapshot')
    eq(tr[0].get('new_call_id'), a2, 'snapshot new_call_id')
    check('type' not in tr[0] and 'seq' not in tr[0], 'snapshot without type/seq')


@test
def online_and_grace():
    a = agent('alice')
    b = agent('bob')
    b.drop()
    bdc.spin(0.2)
    r = a.ok('users.list', query='bob')
    eq(r['users'][0]['online'], False, 'a user whose only session is away is offline')
    rr = a.ok('call.invite', to='bob', sdp='v=0')
    check_ended(a.event('call.ended', call_id=rr['call_id']), 480, 0, 'calls to it are offline')
    # A ringing call survives the callee's connection loss and resume.
    b = agent('bob')
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    b.event('call.incoming', call_id=cid)
    b.drop()
    b2 = agent('bob', resume={'session_id': b.register_reply['session_id'], 'calls': [cid]})
    s = b2.register_reply['calls']
    eq([(x['call_id'], x['state'], x['direction']) for x in s], [(cid, 'ringing', 'incoming')],
       'ringing call in the snapshot')
    check(b2.no_event('call.incoming', 0.2), 'no second call.incoming')
    b2.ok('call.accept', call_id=cid, sdp='v=0 late')
    eq(a.event('call.accepted', call_id=cid).get('sdp'), 'v=0 late', 'answered after the resume')
    # The last ringing connection says goodbye: the call rings nobody until
    # the unanswered timeout.
    b2.ok('forwarding.set', unanswered_timeout=1)
    try:
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        b2.event('call.incoming', call_id=cid)
        b2.close()
        check(a.no_event('call.ended', 0.3, call_id=cid), 'not ended by the goodbye')
        check_ended(a.event('call.ended', call_id=cid, timeout=3), 487, 10004,
                    'ends at the unanswered timeout')
    finally:
        agent('bob').ok('forwarding.set', unanswered_timeout=20)


# -- § 3 resume, § 1 close codes -------------------------------------------------

@test
def resume_after_drop():
    a = agent('alice')
    b = agent('bob')
    cid = connected_call(a, b)
    b.drop()
    check(a.no_event('call.ended', 0.3), 'no call.ended during the grace period')
    b2 = agent('bob', resume={'session_id': b.register_reply['session_id'], 'calls': [cid]})
    r = b2.register_reply
    eq(r['session_id'], b.register_reply['session_id'], 'same session id')
    eq([s['call_id'] for s in r['calls']], [cid], 'call in the snapshot')
    a.ok('ice', call_id=cid, candidate='candidate:x', sdp_mline_index=0)
    eq(b2.event('ice', call_id=cid).get('candidate'), 'candidate:x', 'relay to the new connection')
    # A resume that no longer lists the call ends it as a hang-up.
    b2.drop()
    b3 = agent('bob', resume={'session_id': r['session_id'], 'calls': []})
    eq(b3.register_reply['calls'], [], 'forgotten call not listed')
    check_ended(a.event('call.ended', call_id=cid), 0, 0, 'forgotten call ended as a hang-up')
    # Unknown session: new session, empty lists.
    b4 = agent('bob', resume={'session_id': 'no-such-session', 'calls': ['c1']})
    check(b4.register_reply['session_id'] not in ('no-such-session', r['session_id']),
          'a new session id')
    eq((b4.register_reply['calls'], b4.register_reply['transfers']), ([], []), 'empty lists')


@test
def resume_closes_old_connection_4409():
    b = agent('bob')
    b2 = agent('bob', resume={'session_id': b.register_reply['session_id'], 'calls': []})
    eq(b.wait_closed(), 4409, 'old connection closed with 4409')
    eq(b2.register_reply['session_id'], b.register_reply['session_id'], 'session resumed')


@test
def grace_period_and_goodbye():
    a = agent('alice')
    b = agent('bob')
    cid = connected_call(a, b)
    b.drop()
    t0 = time.monotonic()
    check_ended(a.event('call.ended', call_id=cid, timeout=30 * TIME_SCALE + 5), 410, 10008,
                'grace period ran out')
    check(time.monotonic() - t0 >= 30 * TIME_SCALE * 0.8, 'not before the grace period')
    b = agent('bob')
    check_error(b.request('call.hangup', call_id=cid), 404, 10017, 'the call is gone')
    cid = connected_call(a, b)
    b.close(1000)
    check_ended(a.event('call.ended', call_id=cid, timeout=1), 0, 0, 'goodbye ends calls at once')
    # "At once": by the time the client's closing handshake is complete, the
    # session is gone — a call placed right then finds bob offline.
    for i in range(10):
        b = agent('bob')
        b.close(1000)
        r = a.ok('call.invite', to='bob', sdp='v=0')
        check_ended(a.event('call.ended', call_id=r['call_id']), 480, 0,
                    'bob offline right after his goodbye (round %d)' % i)
    b = agent('bob')
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    b.event('call.incoming', call_id=cid)
    a.close(1000)
    check_ended(b.event('call.ended', call_id=cid, timeout=1), 487, 0, 'goodbye while placing')


class RawWebSocket:
    """Just enough WebSocket (RFC 6455) over a plain socket to be a client that
    never answers pings — to see the keep-alive of § 1 from outside."""

    def __init__(self, uri, token):
        import base64
        import socket
        host, port = uri[len('ws://'):].split(':')
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(('GET /v1/agent HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n'
                           'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
                           'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: baton.v1\r\n'
                           'Authorization: Bearer %s\r\n\r\n' % (host, port, key, token)).encode())
        self.buf = b''
        while b'\r\n\r\n' not in self.buf:
            self.buf += self._recv()
        head, self.buf = self.buf.split(b'\r\n\r\n', 1)
        check(head.startswith(b'HTTP/1.1 101'), 'raw handshake: %r' % head[:40])

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError()
        return data

    def send_text(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        assert len(payload) < 126
        frame = bytes([0x81, 0x80 | len(payload)]) + mask + \
            bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(frame)

    def read_frame(self, timeout):
        """(opcode, payload) of the next frame; EOFError when the server drops
        the connection."""
        self.sock.settimeout(timeout)
        while True:
            if len(self.buf) >= 2:
                n = self.buf[1] & 0x7f
                hl = 2 + (2 if n == 126 else 8 if n == 127 else 0)
                if len(self.buf) >= hl:
                    if n == 126:
                        n = int.from_bytes(self.buf[2:4], 'big')
                    elif n == 127:
                        n = int.from_bytes(self.buf[2:10], 'big')
                    if len(self.buf) >= hl + n:
                        op, payload = self.buf[0] & 0x0f, self.buf[hl:hl + n]
                        self.buf = self.buf[hl + n:]
                        return op, payload
            try:
                self.buf += self._recv()
            except TimeoutError:
                raise
            except OSError:
                raise EOFError()

    def close(self):
        self.sock.close()


@test
def keepalive_drops_a_silent_client():
    # scaled, in whole seconds, at least 1 (§ 7.3)
    interval = max(1, int(15 * TIME_SCALE))
    a = agent('alice')
    raw = RawWebSocket(SRV.uri, SRV.token('bob'))
    raw.send_text('{"type":"register","id":1}')
    op, payload = raw.read_frame(3)
    eq(op, 1, 'the register reply is a text frame')
    session_id = json.loads(payload)['session_id']
    cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
    a.event('call.ringing', call_id=cid)
    pings = []
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < 4 * interval + 3:
            try:
                op, _ = raw.read_frame(0.05)
                if op == 9:
                    pings.append(time.monotonic() - t0)
            except TimeoutError:
                pass
            # the other clients answer their pings meanwhile
            while bdc.GLib.MainContext.default().iteration(False):
                pass
    except EOFError:
        dropped = time.monotonic() - t0
    else:
        raise Failure('a client that never answers pings was not dropped')
    finally:
        raw.close()
    check(len(pings) >= 2, 'the server pings (got %d pings)' % len(pings))
    gaps = [b - a_ for a_, b in zip(pings, pings[1:])]
    check(all(0.5 * interval <= g <= 2 * interval for g in gaps),
          'pings every 15 s (scaled): %r' % gaps)
    check(3 * interval * 0.9 <= dropped <= 4 * interval + 1,
          'dropped after 3–4 silent intervals (scaled): %.2f s' % dropped)
    check(not a.closed, 'a client that answers pings is kept')
    # Dropped as a connection loss: the session is in its grace period.
    b = agent('bob', resume={'session_id': session_id, 'calls': [cid]})
    eq([x['call_id'] for x in b.register_reply['calls']], [cid], 'resumed after the drop')
    a.ok('call.hangup', call_id=cid)
    check_ended(b.event('call.ended', call_id=cid), 487, 0, 'the caller cancels')


def mint(claims, alg='HS256', key=None):
    """A JWT made with nothing but the standard library, from the key file as
    § 1 describes it — proof that any JWT library can mint tokens."""
    import base64
    import hashlib
    import hmac

    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
    head = b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())
    body = b64(json.dumps(claims).encode())
    if key is None:
        with open(os.path.join(SRV.dir, 'signing.key')) as f:
            key = f.read().strip().encode()
    sig = b64(hmac.new(key, (head + '.' + body).encode(), hashlib.sha256).digest())
    return head + '.' + body + '.' + (sig if alg == 'HS256' else '')


@test
def tokens_minted_elsewhere():
    key_text = open(os.path.join(SRV.dir, 'signing.key')).read()
    check(len(key_text.strip()) == 64 and all(ch in '0123456789abcdef' for ch in key_text.strip()),
          'signing.key holds 64 hex characters')
    eq(os.stat(os.path.join(SRV.dir, 'signing.key')).st_mode & 0o777, 0o600, 'signing.key mode')
    now = int(time.time())
    c = bdc.Client(SRV.uri, mint({'sub': 'alice', 'iat': now, 'exp': now + 60}), 'minted').connect()
    OPEN.append(c)
    eq(c.register()['token_expires_at'], now + 60, 'a token minted here is accepted')
    base = SRV.uri.replace('ws://', 'http://')
    for what, tok in (('alg none', mint({'sub': 'alice', 'iat': now, 'exp': now + 60}, alg='none')),
                      ('another key', mint({'sub': 'alice', 'iat': now, 'exp': now + 60}, key=b'k')),
                      ('unknown sub', mint({'sub': 'zed', 'iat': now, 'exp': now + 60})),
                      ('no iat', mint({'sub': 'alice', 'exp': now + 60})),
                      ('expired', mint({'sub': 'alice', 'iat': now - 60, 'exp': now - 1})),
                      ('exp as a string', mint({'sub': 'alice', 'iat': now, 'exp': str(now + 60)}))):
        status, body = bdc.http_handshake(base, tok)
        eq(int(status), 401, what)
        eq(json.loads(body).get('code'), 401, what + ': body')


@test
def nobody_acts_for_another():
    a = agent('alice')
    b = agent('bob')
    c = agent('carol')
    d = agent('dave')
    cid = connected_call(a, b)
    # Another user's session id is not resumed.
    x = agent('carol', resume={'session_id': a.register_reply['session_id'], 'calls': [cid]})
    check(x.register_reply['session_id'] != a.register_reply['session_id'],
          'another user\'s session is not taken over')
    eq(x.register_reply['calls'], [], 'nor its calls')
    check(not a.closed, 'its connection stays')
    # Outsiders and other devices cannot touch the call or its transfer.
    for req, fields in (('ice', {'candidate': 'x', 'sdp_mline_index': 0}),
                        ('sdp', {'sdp_type': 'offer', 'sdp': 'x'}),
                        ('call.mute', {'muted': True}), ('call.hold', {'held': True}),
                        ('call.media', {'state': 'failed'}), ('call.hangup', {}),
                        ('transfer.request', {'target': {'user_id': 'dave'}})):
        check_error(c.request(req, call_id=cid, **fields), 403, 0, 'outsider ' + req)
    check(b.no_event('ice', 0.1) and b.no_event('sdp', 0.0), 'nothing relayed from outsiders')
    b_other = agent('bob')
    check_error(b_other.request('call.hangup', call_id=cid), 403, 0, 'the callee\'s other device')
    cd = connected_call(c, d)
    check_error(a.request('transfer.request', call_id=cid, target={'call_id': cd}), 404, 10202,
                'transfer into somebody else\'s call')
    tid = a.ok('transfer.request', call_id=cid, target={'user_id': 'dave'})['transfer_id']
    for who in (a, c, b_other):
        check_error(who.request('transfer.refuse', transfer_id=tid), 403, 0,
                    who.name + ' answers another\'s transfer request')
    b.ok('transfer.refuse', transfer_id=tid)
    # Names in messages are the server's, never the sender's.
    r = c.ok('call.invite', to='alice', sdp='v=0', **{'from': {'id': 'bob'}, 'by': 'bob'})
    check_user(a.event('call.incoming', call_id=r['call_id']).get('from'), 'carol',
               'a spoofed from is ignored')
    c.ok('call.hangup', call_id=r['call_id'])
    a.ok('call.mute', call_id=cid, muted=True, by='bob')
    eq(b.event('call.mute', call_id=cid).get('by'), 'alice', 'a spoofed by is ignored')
    c.ok('forwarding.set', user='bob', always='dave')
    eq(b.ok('forwarding.get')['always'], None, 'forwarding.set changes only the sender\'s')
    c.ok('forwarding.set', always=None)


@test
def field_limits():
    a = agent('alice', register=False)
    check_error(a.request('register', display_name='x' * 257), 400, 10012, 'display_name > 256')
    a.register(display_name='x' * 256)
    check_error(a.request('users.list', query='q' * 257), 400, 10012, 'query > 256')
    eq(a.ok('users.list', query='%')['users'], [], 'query % is a plain character')
    check_error(a.request('call.invite', to='b' * 129, sdp='v=0'), 400, 10012, 'id > 128')
    check_error(a.request('call.hangup', call_id='c' * 129), 400, 10012, 'call_id > 128')
    check_error(a.request('ice', call_id='x', candidate='c', sdp_mline_index=1025), 400, 10012,
                'sdp_mline_index > 1024')
    check_error(a.request('ice', call_id='x', candidate='c' * 4097, sdp_mline_index=0), 400, 10012,
                'candidate > 4096')
    check_error(a.request('token.refresh', token='t' * 8193), 400, 10012, 'token > 8192')
    check_error(a.request('call.hangup', call_id=''), 400, 10012, 'empty call_id')
    # Within the limits a request reaches the call lookup: 404, not 400.
    check_error(a.request('ice', call_id='c' * 128, candidate='c' * 4096, sdp_mline_index=1024),
                404, 10017, 'longest allowed fields')
    nested = '{"type":"ping","id":50,"x":' + '[' * 40 + ']' * 40 + '}'
    n = len(a.stream)
    a.send_raw(nested)
    bdc.iterate_until(lambda: len(a.stream) > n)
    eq((a.stream[n].get('code'), a.stream[n].get('subcode')), (400, 10010), 'nesting > 32')
    b = agent('bob', register=False)
    check_error(b.request('register', resume={'session_id': 's', 'calls': ['c'] * 65}), 400, 10012,
                'resume.calls > 64')


@test
def a_client_that_does_not_read_is_dropped():
    """§ 8: past 1 MiB waiting for a connection, it is a connection loss."""
    a = agent('alice')
    raw = RawWebSocket(SRV.uri, SRV.token('bob'))
    try:
        raw.send_text('{"type":"register","id":1}')
        session_id = json.loads(raw.read_frame(3)[1])['session_id']
        cid = a.ok('call.invite', to='bob', sdp='v=0')['call_id']
        big = 'x' * 60000
        online = True
        for i in range(400):       # up to 24 MB, ~45 messages a second
            a.ok('sdp', call_id=cid, sdp_type='offer', sdp=big)
            if i % 10 == 9:
                try:
                    raw.send_text('{"type":"ping","id":%d}' % (i + 2))  # not silent
                except OSError:
                    pass
                online = a.ok('users.list', query='bob')['users'][0]['online']
                if not online:
                    break
            bdc.spin(0.02)
        eq(online, False, 'a connection that never reads is dropped')
    finally:
        raw.close()
    b = agent('bob', resume={'session_id': session_id, 'calls': [cid]})
    eq([x['call_id'] for x in b.register_reply['calls']], [cid], 'and may resume')
    a.ok('call.hangup', call_id=cid)


# -- § 4 tokens, § 8 limits --------------------------------------------------------

@test
def token_refresh_and_expiry():
    a = agent('alice')
    check_error(a.request('token.refresh', token='garbage'), 401, 0, 'invalid token')
    check_error(a.request('token.refresh', token=SRV.token('bob')), 403, 0, 'another user\'s')
    r = a.ok('token.refresh', token=SRV.token('alice', ttl=3600))
    check(is_int(r.get('token_expires_at')), 'token_expires_at integer')
    check(abs(r['token_expires_at'] - (time.time() + 3600)) < 10, 'the new expiry')
    s = bdc.Client(SRV.uri, SRV.token('alice', ttl=2), 'short').connect()
    OPEN.append(s)
    s.register()
    s.event('token.expired', timeout=6)
    eq(s.wait_closed(), 4401, 'closed with 4401 after token.expired')


@test
def limits():
    a = agent('alice')
    a.send_raw(json.dumps({'type': 'ping', 'id': 5, 'pad': 'x' * 65600}))
    eq(a.wait_closed(), 1009, 'message over 65,536 bytes')
    a = agent('alice')
    ok = a.request('ping', id=2, pad='x' * 60000)
    eq(ok.get('type'), 'ok', 'a message just under the limit is fine')
    # Rate: a burst beyond 100 messages gets 429/10015.
    ids = [a.send('ping') for _ in range(130)]
    replies = [a.reply(i) for i in ids]
    limited = [r for r in replies if r.get('type') == 'error']
    check(limited, 'some requests of a 130-message burst are limited')
    for r in limited:
        check_error(r, 429, 10015, 'rate limited')
    check(len(replies) - len(limited) >= 95, 'about 100 messages pass')
    check(len(limited) > 20 and not a.closed, 'more than 20 429s in a row do not close')
    bdc.spin(1.0)
    last_limited = limited[0]['re']
    r = a.request('ping', id=last_limited) if last_limited > max(
        r['re'] for r in replies if r.get('type') == 'ok') else None
    if r is not None:
        eq(r.get('type'), 'ok', 'a limited request\'s id is not used')
    # More than 20 errors in a row: 4400; an ok starts the count anew, a 429
    # does not count.
    b = agent('bob')
    for _ in range(20):
        check_error(b.request('no.such.type'), 400, 10011, 'unknown type')
    b.ok('ping')
    for _ in range(20):
        check_error(b.request('no.such.type'), 400, 10011, 'unknown type')
    check(not b.closed, '20 errors in a row are allowed')
    b.send('no.such.type')
    eq(b.wait_closed(), 4400, 'the 21st error in a row closes')
    # At most 32 live calls per user.
    a = agent('alice')
    c = agent('carol')
    for i in range(32):
        a.ok('call.invite', to='carol', sdp='v=0')
    check_error(a.request('call.invite', to='carol', sdp='v=0'), 409, 10018, 'a 33rd call')
    d = agent('dave')
    r = d.ok('call.invite', to='carol', sdp='v=0')
    check_ended(d.event('call.ended', call_id=r['call_id']), 486, 0, 'callee past 32 calls: busy')
    check(c.no_event('call.incoming', 0.1, call_id=r['call_id']), 'not rung')


@test
def restart_keeps_sessions_and_calls():
    """§ 3.1; last, as it moves the server to a new port."""
    a = agent('alice')
    b = agent('bob')
    c = agent('carol')
    cid = connected_call(a, b)
    a.ok('call.hold', call_id=cid, held=True)
    b.ok('call.mute', call_id=cid, muted=True)
    ringing = c.ok('call.invite', to='bob', sdp='v=0')['call_id']
    b.event('call.incoming', call_id=ringing)
    SRV.restart()
    for x in (a, b, c):
        eq(x.wait_closed(), 1001, x.name + ': closed with 1001 by a clean stop')
    a2 = agent('alice', resume={'session_id': a.register_reply['session_id'], 'calls': [cid]})
    b2 = agent('bob', resume={'session_id': b.register_reply['session_id'],
                              'calls': [cid, ringing]})
    c2 = agent('carol', resume={'session_id': c.register_reply['session_id'],
                                'calls': [ringing]})
    eq(a2.register_reply['session_id'], a.register_reply['session_id'], 'same session after restart')
    sa = a2.register_reply['calls']
    sb = b2.register_reply['calls']
    eq([x['call_id'] for x in sa], [cid], 'the connected call survives (alice)')
    eq([x['call_id'] for x in sb], [cid], 'the connected call survives, not the ringing one (bob)')
    eq(c2.register_reply['calls'], [], 'the ringing call is gone for the caller too')
    eq((sa[0]['state'], sa[0]['direction'], sa[0]['held_by_me'], sa[0]['held_by_peer'],
        sa[0]['peer_muted']), ('connected', 'outgoing', True, False, True), 'alice\'s flags')
    eq((sb[0]['held_by_me'], sb[0]['held_by_peer'], sb[0]['peer_muted']), (False, True, False),
       'bob\'s flags')
    a2.ok('call.hangup', call_id=cid)
    check_ended(b2.event('call.ended', call_id=cid), 0, 0, 'the call works after the restart')


def check_seqs():
    """§ 2: events carry seq, a per-connection counter from 1; replies none."""
    for c in OPEN:
        seqs = [m.get('seq') for m in c.stream if 're' not in m]
        eq(seqs, list(range(1, len(seqs) + 1)), c.name + ': seq of its events')
        check(all('seq' not in m for m in c.stream if 're' in m), c.name + ': replies carry no seq')


def main():
    if not SERVER:
        print('1..0 # SKIP BATON_SERVER not set')
        return 77
    global SRV
    SRV = Server()
    print('1..%d' % len(TESTS), flush=True)
    failed = 0
    try:
        only = os.environ.get('BATON_PROTOCOL_TESTS', '').split()
        for n, fn in enumerate(TESTS, 1):
            if only and fn.__name__ not in only:
                continue
            name = fn.__name__.replace('_', '-')
            t0 = time.monotonic()
            try:
                fn()
                check_seqs()
                print('ok %d - %s' % (n, name), flush=True)
            except Exception as e:
                failed += 1
                print('not ok %d - %s' % (n, name))
                for line in traceback.format_exc().splitlines():
                    print('# ' + line)
                print('# %s' % e, flush=True)
            finally:
                for c in OPEN:
                    if not c.closed:
                        c.close()
                OPEN.clear()
                print('# %s took %.1f s' % (name, time.monotonic() - t0), flush=True)
    finally:
        SRV.stop()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
