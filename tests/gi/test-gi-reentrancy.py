#!/usr/bin/python3
# test-gi-reentrancy.py: what Python applications do inside libbaton's
# signal handlers and callbacks — answer, reject, hang up, shut the agent
# down, drop their last reference.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, check, eq, wait_for, wait_state  # noqa: E402

ST = Baton.CallState
CS = Baton.ConnectionState
DR = Baton.DisconnectReason
TS = Baton.TransferState


def reject_and_accept_inside_incoming_call():
    a = T.agent('alice')
    b = T.agent('bob')
    mode = {'m': 'reject'}
    taken = []

    def on_incoming(agent, inc):
        if mode['m'] == 'reject':
            inc.reject()
        elif mode['m'] == 'busy':
            inc.reject_busy()
        else:
            taken.append(inc.accept())

    b.connect('incoming-call', on_incoming)
    for m, codes in [('reject', (603, 0)), ('busy', (486, 0))]:
        mode['m'] = m
        call = a.start_call('bob')
        wait_state(call, ST.DISCONNECTED)
        eq((call.props.end_code, call.props.end_subcode), codes, m + ' inside the handler')
        eq(b.props.incoming_calls.get_n_items(), 0, m + ': nothing rings')
    mode['m'] = 'accept'
    call = a.start_call('bob')
    wait_state(call, ST.CONNECTED)
    wait_state(taken[0], ST.CONNECTED)
    eq(b.props.incoming_calls.get_n_items(), 0, 'accepted: nothing rings')
    call.hang_up()
    wait_state(taken[0], ST.DISCONNECTED)


def shutdown_inside_incoming_call():
    a = T.agent('alice')
    b = T.agent('bob')
    b.connect('incoming-call', lambda agent, inc: agent.shutdown())
    call = a.start_call('bob')
    wait_for(lambda: b.props.connection_state == CS.DISCONNECTED, 10, 'bob shut down')
    eq(b.props.incoming_calls.get_n_items(), 0, 'no ringing call listed on a shut-down agent')
    # alice's call rings nobody until the unanswered timeout; hang it up
    check(call.props.state in (ST.CONNECTING, ST.RINGING, ST.DISCONNECTED), 'alice call')
    call.hang_up()


def shutdown_inside_call_state_changed():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    seen = []

    def on_state(call, old, new):
        seen.append(new)
        if new == ST.DISCONNECTED:
            a.shutdown()

    call_a.connect('state-changed', on_state)
    call_b.hang_up()
    wait_for(lambda: a.props.connection_state == CS.DISCONNECTED, 10, 'alice shut down')
    eq(seen[-1], ST.DISCONNECTED, 'ended once')
    eq(seen.count(ST.DISCONNECTED), 1, 'one DISCONNECTED')


def hang_up_every_call_inside_connection_state_changed():
    """The service dies: in connection-state-changed (DISCONNECTED) the app
    hangs up the calls it still sees and drops the agent."""
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    seen = []

    def on_conn(agent, old, new, reason):
        seen.append((new, reason))
        for call in list(agent.props.calls):
            call.hang_up()

    a.connect('connection-state-changed', on_conn)
    a.shutdown()
    eq(seen, [(CS.DISCONNECTED, DR.NONE)], 'one change')
    eq(call_a.props.state, ST.DISCONNECTED, 'call ended')
    wait_state(call_b, ST.DISCONNECTED)


def new_call_inside_ended_handler():
    """Redial from the DISCONNECTED handler of the previous call."""
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    calls = []

    def on_state(call, old, new):
        if new == ST.DISCONNECTED and len(calls) < 2:
            nxt = a.start_call('bob')
            nxt.connect('state-changed', on_state)
            calls.append(nxt)

    first = a.start_call('bob')
    first.connect('state-changed', on_state)
    rb.next_incoming().reject()
    wait_for(lambda: len(calls) == 1, 5, 'redial')
    rb.next_incoming().reject()
    wait_for(lambda: len(calls) == 2, 5, 'second redial')
    inc = rb.next_incoming()
    call_b = inc.accept()
    wait_state(calls[1], ST.CONNECTED)
    calls[1].hang_up()
    wait_state(call_b, ST.DISCONNECTED)


def transfer_callbacks_dropping_everything():
    """The transferor drops the transfer, the call and the agent inside the
    transfer's state-changed handler."""
    t = T.agent('alice')
    T.AGENTS.remove(t)
    e = T.agent('bob')
    c = T.agent('carol')
    rc = T.recorder(c)
    a_t, a_e = T.connected_call(t, e)
    box = {'t': t, 'a': a_t}
    states = []

    def on_state(tr, old, new):
        states.append(new)
        box.clear()
        T.collect()

    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    tr.connect('state-changed', on_state)
    del t, a_t
    rc.next_incoming().accept()
    wait_for(lambda: states, 10, 'the transfer ended')
    eq(states, [TS.TRANSFERRED], 'transferred')
    del tr
    T.collect()
    wait_state(a_e, ST.DISCONNECTED)
    eq(a_e.props.end_subcode, 10207, 'A ended as transferred')


def transferee_hangs_up_the_new_call_inside_transfer_accepted():
    """E hangs up A' as soon as it is told of it: the transfer fails, C
    stops ringing, and A comes back on both sides (no call lost)."""
    t = T.agent('alice')
    e = T.agent('bob')
    c = T.agent('carol')
    rc = T.recorder(c)
    a_t, a_e = T.connected_call(t, e)
    legs = []

    def on_accepted(feature, call):
        legs.append(call)
        call.hang_up()

    a_e.get_transfer_feature().connect('transfer-accepted', on_accepted)
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    wait_for(lambda: tr.props.state != TS.TRANSFERRING, 20, 'the transfer to end')
    eq((tr.props.state, tr.props.error_code), (TS.FAILED, 487), 'failed: cancelled by E')
    eq(len(legs), 1, 'one new call')
    eq(legs[0].props.state, ST.DISCONNECTED, 'the new call ended')
    wait_state(a_t, ST.CONNECTED)
    wait_state(a_e, ST.CONNECTED)
    T.iterate(0.5)
    eq(c.props.incoming_calls.get_n_items(), 0, 'nothing rings on C')
    for inc in rc.incoming:
        check(inc.props.end_code != 0, 'C\'s call ended')
    eq(e.props.calls.get_n_items(), 1, 'E in one call')
    a_t.hang_up()


TESTS = [
    reject_and_accept_inside_incoming_call,
    shutdown_inside_incoming_call,
    shutdown_inside_call_state_changed,
    hang_up_every_call_inside_connection_state_changed,
    new_call_inside_ended_handler,
    transfer_callbacks_dropping_everything,
    transferee_hangs_up_the_new_call_inside_transfer_accepted,
]

if __name__ == '__main__':
    T.run(TESTS)
