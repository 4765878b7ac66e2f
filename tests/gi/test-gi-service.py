#!/usr/bin/python3
# test-gi-service.py: the calling service killed, gone for good, or
# restarted in the middle of operations, seen from Python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, GLib, check, eq, wait_for, wait_state  # noqa: E402

ST = Baton.CallState
CS = Baton.ConnectionState
DR = Baton.DisconnectReason
TS = Baton.TransferState


def requests_made_while_the_service_restarts():
    """The service is killed and started again: what the application asked
    meanwhile happens once it is back, and calls keep their state."""
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    c = T.agent('carol')
    rc = T.recorder(c)
    ab, ba = T.connected_call(a, b)
    T.SRV.kill()
    T.iterate(0.3)
    eq(a.props.connection_state, CS.CONNECTED, 'connected while retrying')
    held = {}
    ab.hold_async(None, lambda call, r: held.setdefault('ok', call.hold_finish(r)))
    ab.mute()
    ac = a.start_call('carol')
    eq(ac.props.state, ST.CONNECTING, 'a new call waits')
    T.SRV.start()
    inc = rc.next_incoming(30)
    eq(inc.props.caller_id, 'alice', 'carol rings')
    wait_for(lambda: held, 10, 'the hold went through')
    eq(ab.props.state, ST.LOCAL_HOLD, 'held')
    wait_state(ba, ST.REMOTE_HOLD)
    rp = ba.props.remote_participants.get_item(0)
    wait_for(lambda: rp.props.is_muted, 5, 'bob sees alice muted')
    inc.reject()
    wait_state(ac, ST.DISCONNECTED)
    eq(ac.props.end_code, 603, 'declined')
    ab.hang_up()
    wait_state(ba, ST.DISCONNECTED)
    del rb


def service_restart_mid_transfer():
    t = T.agent('alice')
    e = T.agent('bob')
    c = T.agent('carol')
    rc = T.recorder(c)
    a_t, a_e = T.connected_call(t, e)
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    rc.next_incoming()
    T.SRV.kill()
    T.iterate(0.2)
    T.SRV.start()
    wait_for(lambda: tr.props.state != TS.TRANSFERRING, 30, 'the transfer to end')
    eq((tr.props.state, tr.props.error_code, tr.props.error_subcode), (TS.FAILED, 410, 10008),
       'failed by the restart')
    # no call lost: A back on both sides
    wait_state(a_t, ST.CONNECTED, 15)
    wait_state(a_e, ST.CONNECTED, 15)
    wait_for(lambda: e.props.calls.get_n_items() == 1, 10, 'E in one call')
    a_t.hang_up()


def server_killed_and_unreachable_ends_with_connection_issue():
    a = T.agent('alice')
    b = T.agent('bob')
    rec = T.recorder(a)
    call_a, call_b = T.connected_call(a, b)
    T.SRV.kill()
    T.iterate(0.5)
    eq(a.props.connection_state, CS.CONNECTED, 'still connected while it retries')
    eq(call_a.props.state, ST.CONNECTED, 'the call goes on meanwhile')
    # requests made meanwhile wait, then fail
    new_call = a.start_call('carol')
    holds = {}
    call_a.hold_async(None, lambda c, r: holds.setdefault('r', r))
    wait_for(lambda: a.props.connection_state == CS.DISCONNECTED, 45, 'disconnected at last')
    eq(rec.states[-1], (CS.DISCONNECTED, DR.CONNECTION_ISSUE), 'reason')
    for call, what in [(call_a, 'the call'), (new_call, 'the new call')]:
        eq(call.props.state, ST.DISCONNECTED, what + ' ended')
        eq((call.props.end_code, call.props.end_subcode), (410, 10008), what + ' end codes')
        check(call.props.end_message, what + ' end message')
    eq(a.props.calls.get_n_items(), 0, 'no call left')
    wait_for(lambda: holds, 5, 'the hold callback ran')
    try:
        call_a.hold_finish(holds['r'])
        raise T.Failure('hold succeeded without a server')
    except GLib.Error as e:
        eq((e.domain, e.code), (GLib.quark_to_string(Baton.error_quark()),
                                int(Baton.Error.NOT_CONNECTED)), 'hold error (%s)' % e.message)
    try:
        a.start_call('bob')
        raise T.Failure('start_call on a disconnected agent')
    except GLib.Error as e:
        eq(e.code, int(Baton.Error.NOT_CONNECTED), 'start_call when disconnected')
    T.SRV.start()



TESTS = [
    requests_made_while_the_service_restarts,
    service_restart_mid_transfer,
    server_killed_and_unreachable_ends_with_connection_issue,
]

if __name__ == '__main__':
    T.run(TESTS)
