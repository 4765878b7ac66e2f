#!/usr/bin/python3
# test-gi-transfer.py: BatonTransferCallFeature / BatonTransfer from Python,
# with every wrong target and in every state of the call.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# T (alice) and E (bob) share call A; C is carol; dave is a bystander.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, check, eq, wait_for, wait_state, expect_error  # noqa: E402

ST = Baton.CallState
TS = Baton.TransferState



def check_transfer_properties(tr, what):
    p = T.readable_properties(tr)
    check(isinstance(p['state'], TS), what + ': state')
    if p['state'] == TS.FAILED:
        check(p['error-code'] >= 400, what + ': an error code')
        check(p['error-message'], what + ': an error message')
    else:
        eq((p['error-code'], p['error-subcode'], p['error-message']), (0, 0, None),
           what + ': no error')
    check(p['target-id'] or p['target-call-id'], what + ': a target')
    return p


def wait_done(tr, timeout=15):
    wait_for(lambda: tr.props.state in (TS.TRANSFERRED, TS.FAILED), timeout,
             'the transfer to end (now %s)' % tr.props.state.value_nick)


def setup():
    t = T.agent('alice')
    e = T.agent('bob')
    a_t, a_e = T.connected_call(t, e)
    return t, e, a_t, a_e


def check_a_resumed(a_t, a_e, what):
    wait_state(a_t, ST.CONNECTED, 10)
    wait_state(a_e, ST.CONNECTED, 10)


def bad_targets_fail_with_codes_and_a_resumes():
    t, e, a_t, a_e = setup()
    feature = a_t.get_transfer_feature()
    cases = [
        ('alice', (400, 10210), 'to the transferor itself'),
        ('bob', (400, 10210), 'to the transferee'),
        ('nobody', (404, 0), 'to an unknown user'),
        ('x' * 65, (400, 10012), 'to an absurd id'),
    ]
    for target, codes, what in cases:
        states = []
        tr = feature.transfer_to_participant(target, True)
        tr.connect('state-changed', lambda t_, old, new: states.append((old, new)))
        eq(tr.props.state, TS.TRANSFERRING, what + ': transferring at first')
        eq(tr.props.target_id, target, what + ': target-id')
        eq(tr.props.target_call_id, None, what + ': no target-call-id')
        wait_done(tr)
        p = check_transfer_properties(tr, what)
        eq(p['state'], TS.FAILED, what + ': failed')
        eq((p['error-code'], p['error-subcode']), codes, what + ': codes (%s)' % p['error-message'])
        eq(states, [(TS.TRANSFERRING, TS.FAILED)], what + ': one state change')
        check_a_resumed(a_t, a_e, what)
    # empty target: an error at once, not a critical
    expect_error(lambda: feature.transfer_to_participant('', False),
                 Baton.Error.INVALID_ARGUMENT, 'empty target')
    expect_error(lambda: feature.transfer_to_call(''), Baton.Error.INVALID_ARGUMENT,
                 'empty target call')
    # and A still works: a real transfer succeeds
    c = T.agent('carol')
    rc = T.recorder(c)
    tr = feature.transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    eq(inc.props.transferor_id, 'alice', 'transferor-id on C')
    eq(inc.props.transferor_display_name, 'Alice GI', 'transferor-display-name on C')
    inc.accept()
    wait_done(tr)
    eq(tr.props.state, TS.TRANSFERRED, 'transferred (%s)' % tr.props.error_message)


def transfer_to_call_with_wrong_calls():
    t, e, a_t, a_e = setup()
    feature = a_t.get_transfer_feature()
    c = T.agent('carol')
    b_t, b_c = T.connected_call(t, c)
    cases = [
        (a_t.props.id, (404, 10202), 'to the same call'),
        ('no-such-call', (404, 10202), 'to an unknown call'),
        (a_e.props.id, (404, 10202), 'to the call itself seen from E'),
    ]
    for target, codes, what in cases:
        tr = feature.transfer_to_call(target)
        eq(tr.props.target_call_id, target, what + ': target-call-id')
        wait_done(tr)
        p = check_transfer_properties(tr, what)
        eq(p['state'], TS.FAILED, what + ': failed')
        eq((p['error-code'], p['error-subcode']), codes, what + ': codes (%s)' % p['error-message'])
    # a call of another agent of the same user (a party is a session)
    t2 = T.agent('alice')
    erin = T.agent('erin')
    y_t2, y_erin = T.connected_call(t2, erin)
    tr = feature.transfer_to_call(y_t2.props.id)
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code, tr.props.error_subcode), (TS.FAILED, 404, 10202),
       'to a call of another agent of the same user')
    eq(y_t2.props.state, ST.CONNECTED, 'that call is untouched')
    y_t2.hang_up()
    # an ended call
    d = T.agent('dave')
    x_t, x_d = T.connected_call(t, d)
    ended_id = x_t.props.id
    x_t.hang_up()
    tr = feature.transfer_to_call(ended_id)
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code, tr.props.error_subcode), (TS.FAILED, 404, 10202),
       'to an ended call')
    # B is untouched; A still there (held by alice since she called dave last)
    eq(b_t.props.id is not None, True, 'B id')
    check(a_t.props.state in (ST.CONNECTED, ST.LOCAL_HOLD), 'A live: %s' % a_t.props.state)
    check(b_t.props.state in (ST.CONNECTED, ST.LOCAL_HOLD), 'B live: %s' % b_t.props.state)


def transfer_in_every_call_state():
    t = T.agent('alice')
    e = T.agent('bob')
    re = T.recorder(e)
    call = t.start_call('bob')
    feature = call.get_transfer_feature()
    expect_error(lambda: feature.transfer_to_participant('carol', False),
                 Baton.Error.INVALID_STATE, 'while connecting')
    inc = re.next_incoming()
    wait_state(call, ST.RINGING)
    expect_error(lambda: feature.transfer_to_participant('carol', False),
                 Baton.Error.INVALID_STATE, 'while ringing')
    a_e = inc.accept()
    wait_state(call, ST.CONNECTED)
    call.hang_up()
    wait_state(a_e, ST.DISCONNECTED)
    expect_error(lambda: feature.transfer_to_participant('carol', False),
                 Baton.Error.INVALID_STATE, 'after the end')
    expect_error(lambda: feature.transfer_to_call('x'), Baton.Error.INVALID_STATE,
                 'to call after the end')
    t.shutdown()
    expect_error(lambda: feature.transfer_to_participant('carol', False),
                 Baton.Error.NOT_CONNECTED, 'after shutdown')


def second_transfer_while_one_is_in_progress():
    t, e, a_t, a_e = setup()
    c = T.agent('carol')
    rc = T.recorder(c)
    feature = a_t.get_transfer_feature()
    first = feature.transfer_to_participant('carol', True)
    second = feature.transfer_to_participant('dave', True)
    wait_done(second)
    eq((second.props.state, second.props.error_code, second.props.error_subcode),
       (TS.FAILED, 409, 10209), 'the second fails: already in progress')
    eq(first.props.state, TS.TRANSFERRING, 'the first goes on')
    inc = rc.next_incoming()
    inc.reject()
    wait_done(first)
    eq((first.props.state, first.props.error_code), (TS.FAILED, 603), 'declined')
    check_a_resumed(a_t, a_e, 'after the declined transfer')


def transferee_side_properties_and_refusal():
    t, e, a_t, a_e = setup()
    accepted = []
    a_e.get_transfer_feature().connect('transfer-accepted', lambda f, call: accepted.append(call))
    e.props.accept_transfers = False
    T.agent('carol')
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code, tr.props.error_subcode), (TS.FAILED, 603, 10203),
       'refused')
    eq(accepted, [], 'no transfer-accepted')
    check_a_resumed(a_t, a_e, 'after refusal')
    e.props.accept_transfers = True
    c = T.AGENTS[-1]
    rc = T.recorder(c)
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    wait_for(lambda: accepted, 5, 'transfer-accepted on E')
    new_call = accepted[0]
    check(isinstance(new_call, Baton.Call), 'the new call is a BatonCall')
    check(new_call in list(e.props.calls), 'the new call is in E\'s calls')
    inc.accept()
    wait_done(tr)
    eq(tr.props.state, TS.TRANSFERRED, 'transferred')
    wait_state(a_e, ST.DISCONNECTED)
    eq((a_e.props.end_code, a_e.props.end_subcode), (0, 10207), 'A ends as transferred on E')
    wait_state(new_call, ST.CONNECTED)
    new_call.hang_up()


def transferor_drops_everything_mid_transfer():
    """T's agent is dropped (unref) while its transfer rings C: E keeps
    ringing C, and ends up with C."""
    t, e, a_t, a_e = setup()
    T.AGENTS.remove(t)
    c = T.agent('carol')
    rc = T.recorder(c)
    accepted = []
    a_e.get_transfer_feature().connect('transfer-accepted', lambda f, call: accepted.append(call))
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    del t, a_t
    T.collect()
    check(tr.props.state in (TS.TRANSFERRING, TS.FAILED), 'the transfer object lives on')
    check_transfer_properties(tr, 'after T is gone')
    inc.accept()
    wait_for(lambda: accepted, 5, 'transfer-accepted')
    wait_state(accepted[0], ST.CONNECTED)
    accepted[0].hang_up()


def transfer_of_a_held_call_leaves_it_held_when_it_fails():
    t, e, a_t, a_e = setup()
    ok, err = T.hold(a_t)
    check(ok, 'held')
    wait_state(a_e, ST.REMOTE_HOLD)
    feature = a_t.get_transfer_feature()
    tr = feature.transfer_to_participant('nobody', True)
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code), (TS.FAILED, 404), 'unknown target')
    c = T.agent('carol')
    rc = T.recorder(c)
    tr = feature.transfer_to_participant('carol', True)
    rc.next_incoming().reject()
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code), (TS.FAILED, 603), 'declined')
    T.iterate(0.5)
    eq(a_t.props.state, ST.LOCAL_HOLD, 'A still held by T')
    eq(a_e.props.state, ST.REMOTE_HOLD, 'A still held seen from E')
    eq(e.props.calls.get_n_items(), 1, 'E in one call')
    ok, err = T.hold(a_t, False)
    check(ok, 'resumed')
    wait_state(a_e, ST.CONNECTED)


def hold_and_resume_while_transferring():
    """TRANSFER.md: a failed transfer gives A back as it was — and a hold or
    resume the transferor asked for while transferring counts."""
    t, e, a_t, a_e = setup()
    c = T.agent('carol')
    rc = T.recorder(c)
    feature = a_t.get_transfer_feature()
    tr = feature.transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    wait_state(a_t, ST.LOCAL_HOLD)
    ok, err = T.hold(a_t)
    check(ok, 'hold while transferring')
    inc.reject()
    wait_done(tr)
    eq((tr.props.state, tr.props.error_code), (TS.FAILED, 603), 'declined')
    T.iterate(0.5)
    eq(a_t.props.state, ST.LOCAL_HOLD, 'A stays held by T, as asked during the transfer')
    eq(a_e.props.state, ST.REMOTE_HOLD, 'E still held')

    tr = feature.transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    ok, err = T.hold(a_t, False)
    check(ok, 'resume while transferring')
    # the service still holds A for the transfer: both sides say so
    eq(a_t.props.state, ST.LOCAL_HOLD, 'T: held while transferring')
    eq(a_e.props.state, ST.REMOTE_HOLD, 'E: held while transferring')
    inc.reject()
    wait_done(tr)
    wait_state(a_t, ST.CONNECTED)
    wait_state(a_e, ST.CONNECTED)


def transferee_drops_everything_mid_transfer():
    """E's agent is dropped while the transfer rings C: the transfer fails
    with a reason (not TRANSFERRING for ever), C stops ringing."""
    t = T.agent('alice')
    e = T.agent('bob')
    T.AGENTS.remove(e)
    c = T.agent('carol')
    rc = T.recorder(c)
    taken = {}
    e.connect('incoming-call', lambda agent, inc: taken.setdefault('call', inc.accept()))
    a_t = t.start_call('bob')
    wait_for(lambda: taken, 20, 'bob answered')
    wait_state(a_t, ST.CONNECTED)
    tr = a_t.get_transfer_feature().transfer_to_participant('carol', True)
    inc = rc.next_incoming()
    ended = []
    inc.connect('ended', lambda i: ended.append(1))
    taken.clear()
    del e
    T.collect()
    wait_done(tr)
    p = check_transfer_properties(tr, 'E gone')
    eq((p['state'], p['error-code'], p['error-subcode']), (TS.FAILED, 487, 0), 'failed: cancelled')
    wait_state(a_t, ST.DISCONNECTED)
    eq((a_t.props.end_code, a_t.props.end_subcode), (0, 0), 'A ended as a hang-up by E')
    wait_for(lambda: ended, 5, 'C stopped ringing')
    eq(c.props.incoming_calls.get_n_items(), 0, 'nothing rings on C')


TESTS = [
    bad_targets_fail_with_codes_and_a_resumes,
    transfer_to_call_with_wrong_calls,
    transfer_in_every_call_state,
    second_transfer_while_one_is_in_progress,
    transferee_side_properties_and_refusal,
    transferor_drops_everything_mid_transfer,
    transferee_drops_everything_mid_transfer,
    hold_and_resume_while_transferring,
    transfer_of_a_held_call_leaves_it_held_when_it_fails,
]

if __name__ == '__main__':
    T.run(TESTS)
