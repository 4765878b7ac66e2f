#!/usr/bin/python3
# test-gi-introspection.py: the GIR annotations of libbaton-1 as Python sees
# them (nullable, transfer, async/finish pairs, list models, enums), every
# readable property of every type, and BatonDeviceManager with bad input.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batongi as T  # noqa: E402
from batongi import Baton, Gio, GLib, GObject, check, eq, wait_for  # noqa: E402


def every_type_is_registered_and_introspectable():
    names = ['CallClient', 'CallAgent', 'CallAgentOptions', 'TokenCredential', 'Call',
             'IncomingCall', 'RemoteParticipant', 'TransferCallFeature', 'Transfer',
             'DeviceManager', 'AudioDevice', 'User', 'ForwardingSettings']
    for name in names:
        cls = getattr(Baton, name)
        check(issubclass(cls, GObject.Object), name + ' is a GObject')
        eq(cls.__gtype__.name, 'Baton' + name, name + ' GType name')
    enums = {
        'ConnectionState': ['disconnected', 'connected'],
        'DisconnectReason': ['none', 'invalid-token', 'connection-issue'],
        'CallState': ['none', 'connecting', 'ringing', 'early-media', 'connected', 'local-hold',
                      'remote-hold', 'disconnecting', 'disconnected'],
        'CallDirection': ['outgoing', 'incoming'],
        'ParticipantState': ['idle', 'connecting', 'ringing', 'connected', 'hold', 'disconnected'],
        'TransferState': ['none', 'transferring', 'transferred', 'failed'],
        'AudioDeviceType': ['microphone', 'speaker'],
        'LogLevel': ['error', 'warning', 'info', 'verbose'],
    }
    for name, nicks in enums.items():
        cls = getattr(Baton, name)
        got = [cls(i).value_nick for i in range(len(nicks))]
        eq(got, nicks, name + ' nicks')
    eq(len(Baton.DtmfTone.__enum_values__), 16, 'sixteen DTMF tones')
    eq(Baton.DtmfTone.NUM0.value_nick, 'num0', 'DTMF 0 nick (as the C name)')
    eq(Baton.DtmfTone.POUND.value_nick, 'pound', 'DTMF pound nick')
    # the error domain is registered so GLib.Error carries it
    eq(GLib.quark_to_string(Baton.error_quark()), 'baton-error-quark', 'error domain')
    for code in ['FAILED', 'INVALID_TOKEN', 'CONNECTION', 'NOT_CONNECTED', 'INVALID_STATE',
                 'SERVICE', 'PROTOCOL', 'INVALID_ARGUMENT']:
        check(hasattr(Baton.Error, code), 'Baton.Error.' + code)


def error_get_service_code_from_python():
    e = GLib.Error.new_literal(Baton.error_quark(), 'no user (404/0)', int(Baton.Error.SERVICE))
    ok, code, subcode = Baton.error_get_service_code(e)
    eq((ok, code, subcode), (True, 404, 0), 'service code parsed')
    e = GLib.Error.new_literal(Baton.error_quark(), 'plain', int(Baton.Error.FAILED))
    ok, code, subcode = Baton.error_get_service_code(e)
    eq(ok, False, 'no service code')


def nullable_arguments_and_returns():
    o = Baton.CallAgentOptions.new('ws://127.0.0.1:1')
    o.set_display_name(None)
    o.set_tls_ca_file(None)
    o.set_ice_servers(None)
    eq(list(o.get_ice_servers() or []), [], 'ice servers cleared')
    o.set_ice_servers(['stun:stun.example.org:3478'])
    eq(list(o.get_ice_servers()), ['stun:stun.example.org:3478'], 'ice servers array')
    o.set_audio_source(None)
    o.set_audio_sink(None)
    cred = Baton.TokenCredential.new('not-a-jwt')
    eq(cred.get_expires_on(), None, 'expires-on nullable')
    f = Baton.ForwardingSettings.new()
    f.set_always_target(None)
    f.set_unanswered_target(None)
    eq(f.get_always_target(), None, 'always target nullable')


def objects_made_with_gobject_new():
    """Bindings can make any type with GObject.new (no _new function): the
    object must have sane properties and its methods must neither crash nor
    warn — they fail with a GError where they cannot work."""
    names = ['CallAgent', 'Call', 'IncomingCall', 'RemoteParticipant', 'TransferCallFeature',
             'Transfer', 'AudioDevice', 'User', 'ForwardingSettings', 'CallClient',
             'TokenCredential', 'CallAgentOptions']
    for name in names:
        obj = GObject.new(getattr(Baton, name))
        T.readable_properties(obj)
    call = GObject.new(Baton.Call)
    eq(call.props.remote_participants.get_n_items(), 1, 'a call has its participant')
    check(call.get_transfer_feature() is not None, 'a call has its transfer feature')
    call.mute()
    call.unmute()
    call.send_dtmf(Baton.DtmfTone.NUM5)
    ok, err = T.hold(call)
    eq(err and err.code, int(Baton.Error.INVALID_STATE), 'hold')
    try:
        call.get_transfer_feature().transfer_to_participant('bob', False)
        raise T.Failure('transfer of a call of no agent')
    except GLib.Error as e:
        eq(e.domain, GLib.quark_to_string(Baton.error_quark()), 'transfer: a Baton error')
    call.hang_up()
    eq(call.props.state, Baton.CallState.DISCONNECTED, 'hung up')
    inc = GObject.new(Baton.IncomingCall)
    eq((inc.props.transferor_id, inc.props.transferor_display_name), ('', ''),
       'transferor empty, not None')
    try:
        inc.accept()
        raise T.Failure('accepted an incoming call of no agent')
    except GLib.Error as e:
        eq(e.domain, GLib.quark_to_string(Baton.error_quark()), 'accept: a Baton error')
    inc.reject()
    agent = GObject.new(Baton.CallAgent)
    try:
        agent.start_call('bob')
        raise T.Failure('a call from an agent never connected')
    except GLib.Error as e:
        eq(e.code, int(Baton.Error.NOT_CONNECTED), 'start_call: NOT_CONNECTED')
    agent.shutdown()
    agent.props.accept_transfers = False


def token_credential_from_python():
    token = T.SRV.token('alice', ttl=3600)
    cred = Baton.TokenCredential.new(token)
    exp = cred.props.expires_on
    check(isinstance(exp, GLib.DateTime), 'expires-on is a GDateTime')
    now = GLib.DateTime.new_now_utc()
    check(3500 < exp.difference(now) / 1e6 <= 3601, 'expires in an hour')
    notes = []
    cred.connect('notify', lambda o, p: notes.append(p.name))
    cred.props.token = token
    eq(notes, [], 'no notify when the same token is set')
    cred.props.token = 'garbage'
    eq(sorted(notes), ['expires-on', 'token'], 'token and expires-on notified')
    eq(cred.props.expires_on, None, 'no expiry for garbage')
    # a token that expires in 1 s asks for a refresh at once
    refresh = []
    cred.connect('refresh-needed', lambda c: refresh.append(1))
    cred.props.token = T.SRV.token('alice', ttl=1)
    wait_for(lambda: refresh, 5, 'refresh-needed')


def device_manager_from_python():
    dm = T.CLIENT.get_device_manager()
    check(dm is T.CLIENT.get_device_manager(), 'one device manager per client')
    p = T.readable_properties(dm)
    mics = p['microphones']
    speakers = p['speakers']
    check(isinstance(mics, Gio.ListModel), 'microphones is a list model')
    eq(mics.get_item_type(), Baton.AudioDevice.__gtype__, 'of BatonAudioDevice')
    wait_for(lambda: mics.get_n_items() > 0 and speakers.get_n_items() > 0, 10,
             'the virtual devices')
    for dev in list(mics) + list(speakers):
        q = T.readable_properties(dev)
        check(q['id'] and q['name'], 'device id and name')
        check(isinstance(q['device-type'], Baton.AudioDeviceType), 'device type')
        check(isinstance(q['is-system-default'], bool), 'is-system-default')
    for dev in mics:
        eq(dev.props.device_type, Baton.AudioDeviceType.MICROPHONE, 'microphones are microphones')
    # select and unselect (None: follow the default)
    mic = mics.get_item(0)
    dm.select_microphone(mic)
    eq(dm.props.selected_microphone, mic, 'selected')
    dm.select_microphone(None)
    check(dm.props.selected_microphone is None or dm.props.selected_microphone.props.is_system_default,
          'None: the default')
    dm.props.selected_speaker = speakers.get_item(0)
    eq(dm.props.selected_speaker, speakers.get_item(0), 'speaker set as a property')


def device_manager_bogus_devices():
    dm = T.CLIENT.get_device_manager()
    mics = dm.props.microphones
    speakers = dm.props.speakers
    wait_for(lambda: mics.get_n_items() > 0 and speakers.get_n_items() > 0, 10, 'devices')
    before = dm.props.selected_microphone
    # a speaker as microphone: a programmer's error, reported as a critical,
    # changing nothing and crashing nothing
    T.LOGS.expect('select_device: assertion')
    dm.select_microphone(speakers.get_item(0))
    eq(dm.props.selected_microphone, before, 'nothing changed')
    # a device not in the list (made up here; for an application, one just
    # unplugged): a message, no critical, nothing changes
    dm.select_microphone(GObject.new(Baton.AudioDevice))
    eq(dm.props.selected_microphone, before, 'nothing changed')


def async_pairs_usable_with_callbacks():
    a = T.agent('alice')
    box = {}

    def users_done(agent, result, data):
        box['users'] = agent.list_users_finish(result)
        box['data'] = data

    a.list_users_async('', 0, None, users_done, 'my-data')
    wait_for(lambda: box, 5, 'list_users')
    users = box['users']
    eq(box['data'], 'my-data', 'user_data passed')
    check(isinstance(users, Gio.ListModel), 'a list model')
    ids = [u.props.id for u in users]
    eq(ids, sorted(T.USERS), 'every user, by id')
    for u in users:
        T.readable_properties(u)
    eq(users.get_item(0).props.online, True, 'alice online')
    box.clear()
    a.list_users_async('nobody-matches', 0, None, users_done, None)
    wait_for(lambda: box, 5, 'list_users none')
    eq(box['users'].get_n_items(), 0, 'empty list, not None')
    box.clear()
    a.get_forwarding_async(None, lambda ag, r: box.setdefault('f', ag.get_forwarding_finish(r)))
    wait_for(lambda: box, 5, 'forwarding')
    f = box['f']
    eq((f.props.always_target, f.props.unanswered_target, f.props.unanswered_timeout),
       (None, None, 20), 'default forwarding')
    # a refused forwarding: a GError with the service's code
    bad = Baton.ForwardingSettings.new()
    bad.props.always_target = 'nobody'
    box.clear()
    a.set_forwarding_async(bad, None, T.finish_into(box, 'set_forwarding_finish', 'f', 'e'))
    wait_for(lambda: box, 5, 'set forwarding')
    check('e' in box, 'refused')
    ok, code, sub = Baton.error_get_service_code(box['e'])
    eq((ok, code, sub), (True, 404, 0), 'unknown forwarding target')
    # cancelled before it is sent
    c = Gio.Cancellable()
    box.clear()
    a.list_users_async(None, 0, c, T.finish_into(box, 'list_users_finish', 'u', 'e'))
    c.cancel()
    wait_for(lambda: box, 5, 'cancelled list_users')
    check('e' in box and box['e'].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
          'cancelled error')


def log_level_from_python():
    for level in [Baton.LogLevel.VERBOSE, Baton.LogLevel.ERROR, Baton.LogLevel.WARNING]:
        Baton.set_log_level(level)
        eq(Baton.get_log_level(), level, 'log level set')


TESTS = [
    every_type_is_registered_and_introspectable,
    error_get_service_code_from_python,
    nullable_arguments_and_returns,
    objects_made_with_gobject_new,
    token_credential_from_python,
    device_manager_from_python,
    device_manager_bogus_devices,
    async_pairs_usable_with_callbacks,
    log_level_from_python,
]

if __name__ == '__main__':
    T.run(TESTS)
