#!/usr/bin/python3
# test-gi-agent.py: BatonCallClient / BatonCallAgent / BatonTokenCredential
# from Python, in every state, with bad input.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import BATON_DOMAIN, Baton, GLib, check, eq, wait_for, wait_state, expect_error  # noqa: E402

CS = Baton.ConnectionState
DR = Baton.DisconnectReason
ST = Baton.CallState



def garbage_tokens_fail_with_invalid_token():
    good = T.SRV.token('alice')
    tokens = {
        'garbage': 'garbage',
        'empty': '',
        'blank': '  \n',
        'three dots': 'a.b.c',
        'tampered': good[:-3] + ('AAA' if not good.endswith('AAA') else 'BBB'),
        'with a newline inside': good[:10] + '\r\nX-Injected: 1' + good[10:],
        'non-ASCII': '\u00fc' * 10,
        'longer than the service takes': 'x' * 100000,
        'a JWT longer than the service takes': good + 'A' * 9000,
    }
    for name, token in tokens.items():
        a, err = T.create_agent_result(token)
        check(a is None, name + ': no agent')
        check(err is not None, name + ': an error')
        eq(err.domain, BATON_DOMAIN, name + ': error domain')
        eq(err.code, int(Baton.Error.INVALID_TOKEN), name + ': error code (%s)' % err.message)
    # surrounding white space (a token read from a file) is not part of it
    a, err = T.create_agent_result(' ' + good + '\n')
    check(err is None, 'a token with a trailing newline works (%s)' % (err and err.message))
    eq(a.props.user_id, 'alice', 'signed in')
    a.shutdown()


def expired_token_fails_with_invalid_token():
    token = T.SRV.token('alice', ttl=1)
    T.iterate(2.1)  # let it expire
    a, err = T.create_agent_result(token)
    check(a is None and err is not None, 'expired token refused')
    eq(err.code, int(Baton.Error.INVALID_TOKEN), 'expired: INVALID_TOKEN (%s)' % err.message)


def unreachable_server_fails_with_connection_error():
    port = T.free_port()
    for uri in ['ws://127.0.0.1:%d' % port, 'http://127.0.0.1:%d' % port, 'not a uri', '',
                'ws://', 'ws:///v1/agent', 'ws://127.0.0.1:99999', 'ws://[::1',
                T.SRV.uri + '/elsewhere']:
        a, err = T.create_agent_result(T.SRV.token('alice'), uri=uri, timeout=30)
        check(a is None and err is not None, repr(uri) + ': fails')
        eq((err.domain, err.code), (BATON_DOMAIN, int(Baton.Error.CONNECTION)),
           repr(uri) + ': CONNECTION (%s)' % err.message)
        check(err.message, repr(uri) + ': a message')


def cancelled_creation_fails_cleanly():
    from gi.repository import Gio
    for delay in [0, 0.001, 0.01, 0.05]:
        options = Baton.CallAgentOptions.new(T.SRV.uri)
        credential = Baton.TokenCredential.new(T.SRV.token('alice'))
        cancellable = Gio.Cancellable()
        box = {}
        done = T.finish_into(box, 'create_call_agent_finish', 'agent')
        T.CLIENT.create_call_agent_async(credential, options, cancellable, done)
        T.iterate(delay)
        cancellable.cancel()
        wait_for(lambda: box, 10, 'the callback after cancel')
        if 'agent' in box:
            # it was already done: it must be a working agent
            eq(box['agent'].props.connection_state, CS.CONNECTED, 'done before the cancel')
            box['agent'].shutdown()
        else:
            check(box['error'].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                  'cancelled: %s' % box['error'].message)
    # nobody stays registered as alice: bob's call to alice is offline
    bob = T.agent('bob')
    T.iterate(0.5)
    call = bob.start_call('alice')
    wait_state(call, ST.DISCONNECTED)
    eq((call.props.end_code, call.props.end_subcode), (480, 0), 'alice offline')


def agent_properties_in_every_state():
    a = T.agent('alice', display_name='Front desk')
    props = T.readable_properties(a)
    eq(props['connection-state'], CS.CONNECTED, 'connected')
    eq(props['disconnect-reason'], DR.NONE, 'reason')
    eq(props['user-id'], 'alice', 'user-id')
    eq(props['display-name'], 'Alice GI', 'display-name (the service\'s)')
    eq(props['accept-transfers'], True, 'accept-transfers default')
    for name in ['calls', 'incoming-calls']:
        model = props[name]
        check(model is not None, name + ' is a list model')
        eq(model.get_n_items(), 0, name + ' empty')
        eq(list(model), [], name + ' iterable')
    a.props.accept_transfers = False
    eq(a.get_accept_transfers(), False, 'accept-transfers set')
    a.shutdown()
    props = T.readable_properties(a)
    eq(props['connection-state'], CS.DISCONNECTED, 'after shutdown')
    eq(props['disconnect-reason'], DR.NONE, 'reason after shutdown')
    eq(props['user-id'], 'alice', 'user-id kept after shutdown')
    check(props['calls'] is not None and props['calls'].get_n_items() == 0, 'calls after shutdown')
    check(props['incoming-calls'] is not None, 'incoming-calls after shutdown')


def long_display_name_does_not_keep_the_agent_out():
    for name in ['x' * 300, '\u00e9' * 200, '\U0001F600' * 100]:
        a, err = T.create_agent_result(T.SRV.token('alice'), display_name=name)
        check(err is None, 'signed in with a %d-character name (%s)' % (len(name), err and err.message))
        eq(a.props.connection_state, CS.CONNECTED, 'connected')
        a.shutdown()


def methods_after_shutdown():
    a = T.agent('alice')
    rec = T.recorder(a)
    a.shutdown()
    eq(rec.states, [(CS.DISCONNECTED, DR.NONE)], 'one state change')
    a.shutdown()  # twice: nothing
    eq(rec.states, [(CS.DISCONNECTED, DR.NONE)], 'still one state change')
    expect_error(lambda: a.start_call('bob'), Baton.Error.NOT_CONNECTED, 'start_call after shutdown')

    box = {}
    a.list_users_async(None, 0, None, T.finish_into(box, 'list_users_finish', 'users'))
    wait_for(lambda: box, 5, 'list_users callback')
    eq(box.get('error') and box['error'].code, int(Baton.Error.NOT_CONNECTED), 'list_users')

    box.clear()
    a.get_forwarding_async(None, T.finish_into(box, 'get_forwarding_finish', 'fwd'))
    wait_for(lambda: box, 5, 'get_forwarding callback')
    eq(box.get('error') and box['error'].code, int(Baton.Error.NOT_CONNECTED), 'get_forwarding')
    # setting a token on a shut-down agent's credential does nothing harmful
    a.props.accept_transfers = True


def shutdown_right_after_start_call():
    """Nothing is left ringing on the callee, whatever the call was doing
    when the agent shut down."""
    b = T.agent('bob')
    rb = T.recorder(b)
    for settle in [0, 0.05, 0.3]:
        a = T.agent('alice')
        call = a.start_call('bob')
        T.iterate(settle)
        a.shutdown()
        eq(call.props.state, ST.DISCONNECTED, 'ended with the agent')
        T.iterate(1.0)
        eq(b.props.incoming_calls.get_n_items(), 0, 'nothing rings on bob (settle %s)' % settle)
        for inc in rb.incoming:
            check(inc.props.end_code != 0, 'each incoming call ended with a reason')


def start_call_with_bad_callee_ids():
    a = T.agent('alice')
    # empty: a GError, not a critical and None
    expect_error(lambda: a.start_call(''), Baton.Error.INVALID_ARGUMENT, 'empty id')
    eq(a.props.calls.get_n_items(), 0, 'no call left by the empty id')
    cases = [
        ('nobody', (404, 0)),
        ('alice', (400, 10012)),
        ('x' * 65, (400, 10012)),
        ('x' * 100000, (400, 10012)),
        ('bad id with spaces', None),
        ('bøb', None),
    ]
    calls = []
    for callee, codes in cases:
        call = a.start_call(callee)
        check(call is not None, callee[:20] + ': a call')
        calls.append((callee, codes, call))
    for callee, codes, call in calls:
        wait_state(call, ST.DISCONNECTED)
        check(call.props.end_code >= 400, callee[:20] + ': ended with an error code, got %d/%d'
              % (call.props.end_code, call.props.end_subcode))
        if codes:
            eq((call.props.end_code, call.props.end_subcode), codes, callee[:20] + ': codes')
        check(call.props.end_message, callee[:20] + ': a message')
    wait_for(lambda: a.props.calls.get_n_items() == 0, 5, 'every failed call left the list')
    eq(a.props.connection_state, CS.CONNECTED, 'the agent is still connected')
    # and it still works
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    call_a.hang_up()
    wait_state(call_b, ST.DISCONNECTED)


def dropped_agent_ends_its_calls_for_the_far_side():
    b = T.agent('bob')
    a = T.agent('alice')
    T.AGENTS.remove(a)
    call_a, call_b = T.connected_call(a, b)
    started = time.monotonic()
    del a, call_a
    T.collect()
    wait_state(call_b, ST.DISCONNECTED, 10)
    check(time.monotonic() - started < 5, 'ended at once, not after the grace period')
    eq((call_b.props.end_code, call_b.props.end_subcode), (0, 0), 'as a hang-up')


def dropped_agent_with_a_ringing_outgoing_call():
    b = T.agent('bob')
    rb = T.recorder(b)
    a = T.agent('alice')
    T.AGENTS.remove(a)
    a.start_call('bob')
    inc = rb.next_incoming()
    ended = []
    inc.connect('ended', lambda i: ended.append((i.props.end_code, i.props.end_subcode)))
    del a
    T.collect()
    wait_for(lambda: ended, 5, 'the ringing call on bob ended')
    eq(ended[0], (487, 0), 'cancelled')


def dropped_agent_with_a_ringing_incoming_call():
    a = T.agent('alice')
    b = T.agent('bob')
    T.AGENTS.remove(b)
    rb = T.recorder(b)
    call = a.start_call('bob')
    inc = rb.next_incoming()
    wait_state(call, ST.RINGING)
    del b, rb
    T.collect()
    # the incoming call object outlives its agent
    props = T.readable_properties(inc)
    eq(props['caller-id'], 'alice', 'caller-id after the agent is gone')
    expect_error(lambda: inc.accept(), Baton.Error.INVALID_STATE, 'accept after the agent is gone')
    inc.reject()
    inc.reject_busy()
    # alice's call keeps ringing nobody until the unanswered timeout (PROTOCOL.md § 5)
    eq(call.props.state, ST.RINGING, 'alice still ringing')
    call.hang_up()


def dropped_client_keeps_agents_working():
    client = Baton.CallClient.new()
    a, err = T.create_agent_result(T.SRV.token('alice'), client=client)
    check(err is None, 'agent')
    T.AGENTS.append(a)
    dm = client.get_device_manager()
    del client
    T.collect()
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    check(dm.props.microphones is not None, 'device manager alive')
    call_a.hang_up()
    wait_state(call_b, ST.DISCONNECTED)


def callbacks_after_their_objects_were_dropped():
    # the client dropped right after asking for an agent
    client = Baton.CallClient.new()
    box = {}

    def done(source, result):
        box['agent'] = source.create_call_agent_finish(result)

    client.create_call_agent_async(Baton.TokenCredential.new(T.SRV.token('alice')),
                                   Baton.CallAgentOptions.new(T.SRV.uri), None, done)
    del client
    T.collect()
    wait_for(lambda: box, 10, 'the agent')
    a = box.pop('agent')
    T.AGENTS.append(a)
    eq(a.props.connection_state, CS.CONNECTED, 'connected')
    # shut down and dropped while a request is in flight: the callback runs
    # once, with an error
    calls = []

    def users_done(agent, result):
        try:
            calls.append(agent.list_users_finish(result))
        except GLib.Error as e:
            calls.append(e)

    a.list_users_async(None, 0, None, users_done)
    a.shutdown()
    T.AGENTS.remove(a)
    del a
    T.collect()
    wait_for(lambda: calls, 5, 'the list_users callback')
    T.iterate(0.2)
    eq(len(calls), 1, 'called once')
    check(isinstance(calls[0], GLib.Error) and calls[0].code == int(Baton.Error.NOT_CONNECTED),
          'NOT_CONNECTED: %r' % calls[0])


TESTS = [
    garbage_tokens_fail_with_invalid_token,
    expired_token_fails_with_invalid_token,
    unreachable_server_fails_with_connection_error,
    cancelled_creation_fails_cleanly,
    agent_properties_in_every_state,
    long_display_name_does_not_keep_the_agent_out,
    methods_after_shutdown,
    shutdown_right_after_start_call,
    start_call_with_bad_callee_ids,
    dropped_agent_ends_its_calls_for_the_far_side,
    dropped_agent_with_a_ringing_outgoing_call,
    dropped_agent_with_a_ringing_incoming_call,
    dropped_client_keeps_agents_working,
    callbacks_after_their_objects_were_dropped,
]

if __name__ == '__main__':
    T.run(TESTS)
