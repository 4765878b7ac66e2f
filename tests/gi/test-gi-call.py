#!/usr/bin/python3
# test-gi-call.py: BatonCall / BatonIncomingCall / BatonRemoteParticipant
# from Python: every method in every state a call can be in.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, GLib, check, eq, wait_for, wait_state, expect_error  # noqa: E402

ST = Baton.CallState
PS = Baton.ParticipantState



def check_call_properties(call, what):
    """Every readable property of a call has a sensible value in every state."""
    p = T.readable_properties(call)
    check(isinstance(p['state'], ST), what + ': state')
    check(isinstance(p['direction'], Baton.CallDirection), what + ': direction')
    check(p['id'] is None or (isinstance(p['id'], str) and p['id']), what + ': id')
    model = p['remote-participants']
    check(model is not None, what + ': remote-participants')
    eq(model.get_n_items(), 1, what + ': one participant')
    for rp in model:
        q = T.readable_properties(rp)
        check(isinstance(q['state'], PS), what + ': participant state')
        check(q['id'], what + ': participant id')
        check(q['display-name'], what + ': participant display-name')
        check(isinstance(q['is-muted'], bool), what + ': participant is-muted')
    check(isinstance(p['is-muted'], bool), what + ': is-muted')
    if p['state'] == ST.DISCONNECTED:
        check(p['end-message'], what + ': an end message once ended')
        eq(model.get_item(0).props.state, PS.DISCONNECTED, what + ': participant disconnected')
    else:
        eq((p['end-code'], p['end-subcode'], p['end-message']), (0, 0, None),
           what + ': no end reason before the end')
    if p['state'] in (ST.CONNECTED, ST.LOCAL_HOLD, ST.REMOTE_HOLD):
        check(isinstance(p['start-time'], GLib.DateTime), what + ': start-time once answered')
    if p['state'] in (ST.CONNECTING, ST.RINGING):
        eq(p['start-time'], None, what + ': no start-time before the answer')
    check(call.get_transfer_feature() is call.get_feature(Baton.TransferCallFeature),
          what + ': the same feature object')
    eq(call.get_feature(Baton.Call), None, what + ': no such feature')


def poke(call, what):
    """Calls every method of a call that must never crash nor warn, whatever
    its state; returns the hold/resume outcomes."""
    call.mute()
    call.mute()
    call.unmute()
    for tone in [Baton.DtmfTone.NUM1, Baton.DtmfTone.POUND, Baton.DtmfTone.D]:
        call.send_dtmf(tone)
    check_call_properties(call, what)


def methods_on_an_outgoing_call_in_every_state():
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    eq(call.props.state, ST.CONNECTING, 'connecting at once')
    check_call_properties(call, 'connecting')
    ok, err = T.hold(call)
    check(err is not None and err.code == int(Baton.Error.INVALID_STATE),
          'hold while connecting: INVALID_STATE')
    inc = rb.next_incoming()
    wait_state(call, ST.RINGING)
    poke(call, 'ringing')
    eq(call.props.is_muted, False, 'unmuted again')
    ok, err = T.hold(call)
    check(err is not None and err.code == int(Baton.Error.INVALID_STATE), 'hold while ringing')
    ok, err = T.hold(call, False)
    check(err is not None and err.code == int(Baton.Error.INVALID_STATE), 'resume while ringing')
    call_b = inc.accept()
    wait_state(call, ST.CONNECTED)
    poke(call, 'connected')
    call.hang_up()
    eq(call.props.state, ST.DISCONNECTED, 'hung up at once')
    eq((call.props.end_code, call.props.end_subcode), (0, 0), 'hang-up code')
    wait_state(call_b, ST.DISCONNECTED)
    call.hang_up()  # twice
    poke(call, 'ended')
    eq(call.props.is_muted, False, 'mute on an ended call changes nothing')
    ok, err = T.hold(call)
    check(err is not None and err.code == int(Baton.Error.INVALID_STATE), 'hold ended call')
    ok, err = T.hold(call, False)
    check(err is not None and err.code == int(Baton.Error.INVALID_STATE), 'resume ended call')
    eq(a.props.calls.get_n_items(), 0, 'no call left on alice')
    eq(b.props.calls.get_n_items(), 0, 'no call left on bob')


def hang_up_at_once_after_start_call():
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    call.hang_up()
    # without an id from the service yet: disconnecting until it has one
    eq(call.props.state, ST.DISCONNECTING, 'disconnecting')
    check_call_properties(call, 'disconnecting')
    wait_state(call, ST.DISCONNECTED)
    eq((call.props.end_code, call.props.end_subcode), (0, 0), 'hang-up codes')
    eq(a.props.calls.get_n_items(), 0, 'out of the list')
    T.iterate(1.0)
    # bob may have seen it ring, but nothing rings now
    eq(b.props.incoming_calls.get_n_items(), 0, 'nothing rings on bob')
    for inc in rb.incoming:
        check(inc.props.end_code != 0, 'the incoming call ended')


def mute_before_the_call_has_an_id_reaches_the_far_side():
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    call.mute()
    eq(call.props.is_muted, True, 'muted')
    call_b = rb.next_incoming().accept()
    wait_state(call_b, ST.CONNECTED)
    rp = call_b.props.remote_participants.get_item(0)
    wait_for(lambda: rp.props.is_muted, 5, 'bob sees alice muted')
    call.unmute()
    wait_for(lambda: not rp.props.is_muted, 5, 'bob sees alice unmuted')
    call.hang_up()


def accept_and_reject_twice():
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    inc = rb.next_incoming()
    p = T.readable_properties(inc)
    eq(p['caller-id'], 'alice', 'caller-id')
    eq(p['caller-display-name'], 'Alice GI', 'caller-display-name')
    eq(p['transferor-id'], '', 'transferor-id empty')
    eq(p['transferor-display-name'], '', 'transferor-display-name empty')
    eq((p['end-code'], p['end-subcode']), (0, 0), 'no end code while ringing')
    eq(p['id'], call.props.id, 'the same id on both sides')
    eq(list(b.props.incoming_calls), [inc], 'listed while ringing')
    call_b = inc.accept()
    expect_error(inc.accept, Baton.Error.INVALID_STATE, 'accept twice')
    inc.reject()  # after accept: nothing
    inc.reject_busy()
    eq(list(b.props.incoming_calls), [], 'not listed once accepted')
    wait_state(call, ST.CONNECTED)
    wait_state(call_b, ST.CONNECTED)
    call_b.hang_up()
    wait_state(call, ST.DISCONNECTED)
    eq((call.props.end_code, call.props.end_subcode), (0, 0), 'hung up by bob')

    call = a.start_call('bob')
    inc = rb.next_incoming()
    inc.reject()
    inc.reject()
    expect_error(inc.accept, Baton.Error.INVALID_STATE, 'accept after reject')
    wait_state(call, ST.DISCONNECTED)
    eq((call.props.end_code, call.props.end_subcode), (603, 0), 'declined')
    eq(list(b.props.incoming_calls), [], 'not listed once rejected')


def hang_up_right_after_accept():
    """The callee accepts and hangs up before the answer went out: the
    caller must not ring on until the unanswered timeout (20 s)."""
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    for settle in [0, 0.01, 0.5]:
        call = a.start_call('bob')
        call_b = rb.next_incoming().accept()
        T.iterate(settle)
        answered = call_b.props.state == ST.CONNECTED
        call_b.hang_up()
        eq(call_b.props.state, ST.DISCONNECTED, 'ended on bob')
        eq((call_b.props.end_code, call_b.props.end_subcode), (0, 0), 'a hang-up on bob')
        wait_state(call, ST.DISCONNECTED, 5)
        eq((call.props.end_code, call.props.end_subcode), (0, 0) if answered else (603, 0),
           'alice: hung up or declined (settle %s)' % settle)
        eq(b.props.calls.get_n_items(), 0, 'nothing left on bob')


def accept_after_the_caller_gave_up():
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    inc = rb.next_incoming()
    ended = []
    inc.connect('ended', lambda i: ended.append(1))
    call.hang_up()
    wait_for(lambda: ended, 5, 'ended on bob')
    eq((inc.props.end_code, inc.props.end_subcode), (487, 0), 'cancelled')
    expect_error(inc.accept, Baton.Error.INVALID_STATE, 'accept after the caller gave up')
    inc.reject()
    eq(len(ended), 1, 'ended once')
    eq(b.props.calls.get_n_items(), 0, 'no call on bob')


def accept_racing_the_caller_hang_up():
    """The caller hangs up just as the callee accepts: both end, nothing
    stays connecting."""
    a = T.agent('alice')
    b = T.agent('bob')
    rb = T.recorder(b)
    call = a.start_call('bob')
    inc = rb.next_incoming()
    call.hang_up()
    call_b = inc.accept()  # the cancel has not been read yet (no main loop run since)
    wait_state(call_b, ST.DISCONNECTED, 10)
    eq((call_b.props.end_code, call_b.props.end_subcode), (487, 0),
       'the caller cancelled (%s)' % call_b.props.end_message)
    eq(b.props.calls.get_n_items(), 0, 'nothing left on bob')


def answered_on_another_device():
    a = T.agent('alice')
    b1 = T.agent('bob')
    b2 = T.agent('bob')
    r1 = T.recorder(b1)
    r2 = T.recorder(b2)
    call = a.start_call('bob')
    inc1 = r1.next_incoming()
    inc2 = r2.next_incoming()
    ended = []
    inc2.connect('ended', lambda i: ended.append((i.props.end_code, i.props.end_subcode)))
    call_b = inc1.accept()
    wait_state(call, ST.CONNECTED)
    wait_for(lambda: ended, 5, 'the second device stops ringing')
    eq(ended, [(487, 10003)], 'answered elsewhere')
    expect_error(inc2.accept, Baton.Error.INVALID_STATE, 'accept on the other device')
    inc2.reject()
    eq(b2.props.incoming_calls.get_n_items(), 0, 'nothing rings on the second device')
    eq(b2.props.calls.get_n_items(), 0, 'no call on the second device')
    eq(call_b.props.state, ST.CONNECTED, 'the first device talks')
    call.hang_up()
    wait_state(call_b, ST.DISCONNECTED)


def hold_resume_twice_and_racing():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    ok, err = T.hold(call_a)
    check(ok and err is None, 'hold')
    eq(call_a.props.state, ST.LOCAL_HOLD, 'local hold')
    wait_state(call_b, ST.REMOTE_HOLD)
    ok, err = T.hold(call_a)
    check(ok and err is None, 'hold twice')
    eq(call_a.props.state, ST.LOCAL_HOLD, 'still local hold')
    ok, err = T.hold(call_a, False)
    check(ok and err is None, 'resume')
    wait_state(call_b, ST.CONNECTED)
    ok, err = T.hold(call_a, False)
    check(ok and err is None, 'resume twice')
    eq(call_a.props.state, ST.CONNECTED, 'connected')

    # hold then resume at once, without waiting: the last request wins
    results = []
    call_a.hold_async(None, lambda c, r: results.append(('hold', c.hold_finish(r))))
    call_a.resume_async(None, lambda c, r: results.append(('resume', c.resume_finish(r))))
    wait_for(lambda: len(results) == 2, 5, 'both callbacks')
    T.iterate(0.3)
    eq(call_a.props.state, ST.CONNECTED, 'resumed after hold+resume')
    eq(call_b.props.state, ST.CONNECTED, 'bob connected after hold+resume')

    # resume then hold at once: held
    results.clear()
    call_a.resume_async(None, lambda c, r: results.append(('resume', c.resume_finish(r))))
    call_a.hold_async(None, lambda c, r: results.append(('hold', c.hold_finish(r))))
    wait_for(lambda: len(results) == 2, 5, 'both callbacks')
    T.iterate(0.3)
    eq(call_a.props.state, ST.LOCAL_HOLD, 'held after resume+hold')
    wait_state(call_b, ST.REMOTE_HOLD)
    call_a.hang_up()
    wait_state(call_b, ST.DISCONNECTED)


def held_by_both_sides():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    check(T.hold(call_a)[0], 'alice holds')
    wait_state(call_b, ST.REMOTE_HOLD)
    check(T.hold(call_b)[0], 'bob holds too')
    eq(call_b.props.state, ST.LOCAL_HOLD, 'bob: his own hold shows')
    T.iterate(0.3)
    eq(call_a.props.state, ST.LOCAL_HOLD, 'alice: her own hold shows')
    check(T.hold(call_a, False)[0], 'alice resumes')
    eq(call_a.props.state, ST.REMOTE_HOLD, 'alice: still held by bob')
    eq(call_a.props.remote_participants.get_item(0).props.state, PS.HOLD, 'bob on hold')
    check(T.hold(call_b, False)[0], 'bob resumes')
    wait_state(call_a, ST.CONNECTED)
    eq(call_b.props.state, ST.CONNECTED, 'both connected')
    call_a.hang_up()


def hold_callback_after_the_call_ended():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    box = {}
    call_a.hold_async(None, T.finish_into(box, 'hold_finish'))
    call_a.hang_up()
    wait_for(lambda: box, 5, 'hold callback')
    eq(call_a.props.state, ST.DISCONNECTED, 'still ended')
    wait_state(call_b, ST.DISCONNECTED)


def hold_callback_after_everything_dropped():
    """An async hold whose callback runs after Python dropped the call and
    the agent: it runs, once, with a result."""
    a = T.agent('alice')
    T.AGENTS.remove(a)
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    box = []

    def done(c, r):
        try:
            box.append(c.hold_finish(r))
        except GLib.Error as e:
            box.append(e)

    call_a.hold_async(None, done)
    del a, call_a
    T.collect()
    wait_for(lambda: box, 5, 'hold callback')
    eq(len(box), 1, 'once')
    wait_state(call_b, ST.DISCONNECTED)


def finish_with_the_wrong_result():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    box = {}
    call_a.hold_async(None, lambda c, r: box.setdefault('r', r))
    wait_for(lambda: box, 5, 'hold callback')
    T.LOGS.expect("g_task_get_source_tag")
    try:
        call_a.resume_finish(box['r'])
        raise T.Failure('resume_finish took the result of a hold')
    except GLib.Error:
        raise T.Failure('an error instead of a critical')
    except Exception:
        pass
    call_a.hang_up()


def remote_participant_follows_the_call():
    a = T.agent('alice')
    b = T.agent('bob')
    call_a, call_b = T.connected_call(a, b)
    rp = call_a.props.remote_participants.get_item(0)
    eq(rp.props.id, 'bob', 'participant id')
    eq(rp.props.display_name, 'Bob GI', 'participant display name')
    eq(rp.props.state, PS.CONNECTED, 'participant connected')
    ok, err = T.hold(call_b)
    wait_for(lambda: rp.props.state == PS.HOLD, 5, 'participant on hold')
    call_b.mute()
    wait_for(lambda: rp.props.is_muted, 5, 'participant muted')
    call_b.hang_up()
    wait_state(call_a, ST.DISCONNECTED)
    eq(rp.props.state, PS.DISCONNECTED, 'participant disconnected')
    check_call_properties(call_a, 'ended by the far side')


def several_calls_one_active():
    a = T.agent('alice')
    b = T.agent('bob')
    c = T.agent('carol')
    ab, ba = T.connected_call(a, b)
    ac, ca = T.connected_call(a, c)
    wait_state(ab, ST.LOCAL_HOLD)
    eq(ac.props.state, ST.CONNECTED, 'the new call is active')
    ok, err = T.hold(ab, False)
    check(ok, 'resume the first')
    wait_state(ac, ST.LOCAL_HOLD)
    eq(list(a.props.calls), [ab, ac], 'calls list iterable, in order')
    ab.hang_up()
    ac.hang_up()
    eq(a.props.calls.get_n_items(), 0, 'all gone')


def list_models_emit_items_changed():
    a = T.agent('alice')
    b = T.agent('bob')
    changes = []
    a.props.calls.connect('items-changed', lambda m, pos, rem, add: changes.append((pos, rem, add)))
    incs = []
    b.props.incoming_calls.connect('items-changed',
                                   lambda m, pos, rem, add: incs.append((pos, rem, add)))
    ab, ba = T.connected_call(a, b)
    eq(changes, [(0, 0, 1)], 'calls: one added')
    eq(incs, [(0, 0, 1), (0, 1, 0)], 'incoming: added then removed')
    ab.hang_up()
    eq(changes, [(0, 0, 1), (0, 1, 0)], 'calls: removed')


TESTS = [
    methods_on_an_outgoing_call_in_every_state,
    hang_up_at_once_after_start_call,
    mute_before_the_call_has_an_id_reaches_the_far_side,
    accept_and_reject_twice,
    hang_up_right_after_accept,
    accept_after_the_caller_gave_up,
    accept_racing_the_caller_hang_up,
    answered_on_another_device,
    hold_resume_twice_and_racing,
    held_by_both_sides,
    hold_callback_after_the_call_ended,
    hold_callback_after_everything_dropped,
    finish_with_the_wrong_result,
    remote_participant_follows_the_call,
    several_calls_one_active,
    list_models_emit_items_changed,
]

if __name__ == '__main__':
    T.run(TESTS)
